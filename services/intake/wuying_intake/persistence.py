"""mongoengine documents of the intake service (connection alias ``intake``).

A petition and its pending events are one document, so a state change and its event are one
write (wuying_common.outbox). The reporter's details are stored only sealed; anonymous
receipts only as a slow hash. No IP address is stored anywhere.
"""

from __future__ import annotations

from datetime import date, datetime, time

from bson import ObjectId
from mongoengine import (
    BinaryField,
    BooleanField,
    DateField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store, VersionedDocument

from .domain.deadlines import (
    ACKNOWLEDGE,
    CALENDAR_DAYS,
    DISCIPLINE_REPORT,
    FEEDBACK,
    HANDLE,
    RECEIPT_KEYS,
    REPORT_KINDS_ZH,
    RULES_BY_KEY,
    SEND_UP,
    UNITS_ZH,
    WORKING_DAYS,
)
from .domain.protection import ReceiptHash, Sealed
from .domain.screening import normalize_name
from .domain.worklists import covered_prefix

ALIAS = "intake"


class ReportedSubject(EmbeddedDocument):
    """Who or what the report is about, as the reporter wrote it."""

    kind = StringField(required=True, choices=("official", "unit"))
    id = StringField()
    name = StringField()
    unit_name = StringField()
    commission_staff = BooleanField(default=False)
    commission_leader = BooleanField(default=False)
    registered = BooleanField(default=False)  # id checked against (or found in) archive's registry


class ResolvedSubject(EmbeddedDocument):
    """A subject the clerk matched to a registered official or unit during triage."""

    kind = StringField(required=True, choices=("official", "unit"))
    id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")


class SealedReporter(EmbeddedDocument):
    kid = StringField(required=True)
    nonce = StringField(required=True)
    ciphertext = StringField(required=True)

    def to_domain(self) -> Sealed:
        return Sealed(self.kid, self.nonce, self.ciphertext)

    @classmethod
    def from_domain(cls, sealed: Sealed) -> SealedReporter:
        return cls(kid=sealed.kid, nonce=sealed.nonce, ciphertext=sealed.ciphertext)


class Receipt(EmbeddedDocument):
    prefix = StringField(required=True)
    salt = StringField(required=True)
    digest = StringField(required=True)
    params = StringField(required=True)

    def to_domain(self) -> ReceiptHash:
        return ReceiptHash(self.prefix, self.salt, self.digest, self.params)

    @classmethod
    def from_domain(cls, receipt: ReceiptHash) -> Receipt:
        return cls(prefix=receipt.prefix, salt=receipt.salt, digest=receipt.digest, params=receipt.params)


class DuplicateCandidate(EmbeddedDocument):
    petition_id = StringField(required=True)
    similarity = FloatField(required=True)


class Triage(EmbeddedDocument):
    outcome = StringField(required=True)
    severity = StringField(required=True)
    subjects = ListField(EmbeddedDocumentField(ResolvedSubject))
    note = StringField(default="")
    transferred_to = StringField()
    triaged_at = DateTimeField(required=True)
    triaged_by = StringField(required=True)
    # Before rules version default-2026.1 the handling deadline lived here; now it is in
    # ``Petition.deadlines`` (migrated at start-up, ``IntakeStore.migrate_legacy_deadlines``).
    handle_due = DateField()
    extended = BooleanField()
    extension_reason = StringField()
    extended_by = StringField()


class Closure(EmbeddedDocument):
    kind = StringField(default="answered", choices=("answered", "merged", "repeated_no_new_facts"))
    answer = StringField(required=True)
    note = StringField(default="")
    closed_at = DateTimeField(required=True)
    closed_by = StringField(required=True)


class CollectiveReview(EmbeddedDocument):
    """集体研判 on record before a repeated report is closed (seeds/001 黑龙江)."""

    meeting_date = DateField(required=True)
    participants = ListField(StringField(), required=True)
    conclusion = StringField(required=True)
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)


class Feedback(EmbeddedDocument):
    """The result fed back to a named reporter (反馈), within 15 working days of closing."""

    method = StringField(required=True)
    note = StringField(default="")
    at = DateTimeField(required=True)
    by = StringField(required=True)
    on_time = BooleanField(required=True)


class SendUp(EmbeddedDocument):
    """Sent to the organ one level up that is entitled to handle it (seeds/000 H)."""

    organ = StringField(required=True)
    reason = StringField(required=True)
    due = DateField(required=True)
    on_time = BooleanField(required=True)
    sent_at = DateTimeField(required=True)
    sent_by = StringField(required=True)


class Verification(EmbeddedDocument):
    """Verification of a suspected malicious report (seeds/003)."""

    status = StringField(required=True, choices=("open", "confirmed", "not_confirmed"))
    opened_at = DateTimeField(required=True)
    concluded_at = DateTimeField()
    concluded_by = StringField()
    note = StringField(default="")


class Clarification(EmbeddedDocument):
    """澄清正名: the accused is cleared, on the record (seeds/003)."""

    text = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)


class Disposal(EmbeddedDocument):
    """处置、责任追究 of a confirmed malicious reporter (seeds/003): recorded as a clue transferred to
    case handling (``clue.transferred``, kind ``false_accusation``); case handling opens the
    reporter's identity through the identity-opening procedure, never through this record."""

    kind = StringField(required=True, choices=("false_accusation",))
    transferred_to = StringField(required=True)
    at = DateTimeField(required=True)
    by = StringField(required=True)


class Reply(EmbeddedDocument):
    """What the reporter is told (件件有着落，事事有回音)."""

    text = StringField(required=True)
    at = DateTimeField(required=True)


class AttachmentMeta(EmbeddedDocument):
    """What staff see of an attachment; the content is in the ``attachments`` collection."""

    n = IntField(required=True)
    file_name = StringField(required=True)
    content_type = StringField(required=True)
    size = IntField(required=True)
    sha256 = StringField(required=True)


class Attachment(Document):
    """An attachment's content, keyed by petition id and number; written before its petition
    (and deleted again if the petition is not stored)."""

    meta = {"db_alias": ALIAS, "collection": "attachments", "indexes": ["petition_id"]}
    id = StringField(primary_key=True)  # "<petition_id>/<n>"
    petition_id = StringField(required=True)
    n = IntField(required=True)
    file_name = StringField(required=True)
    content_type = StringField(required=True)
    size = IntField(required=True)
    sha256 = StringField(required=True)
    content = BinaryField(required=True)


class ReportDeadline(EmbeddedDocument):
    """One deadline of a report under the rule that governs it (``domain/deadlines.py``)."""

    key = StringField(required=True, choices=tuple(RULES_BY_KEY))
    label_zh = StringField(required=True)
    amount = IntField(required=True)
    unit = StringField(required=True, choices=tuple(UNITS_ZH))
    counts_from = StringField(required=True)
    start = DateField(required=True)  # the day it is counted from (not itself counted)
    due = DateField(required=True)
    provisional = BooleanField(default=False)
    provisional_years = ListField(IntField())  # years without a loaded arrangement it was counted over
    watched = BooleanField(default=True)  # the clock reminds and flags it
    met_on = DateField()
    met_by = StringField()  # the action that answered it
    on_time = BooleanField()
    waived = BooleanField(default=False)  # moot: e.g. the send-up deadline once accepted here
    reminded = BooleanField(default=False)
    overdue_notified = BooleanField(default=False)
    extensions = IntField(default=0)
    extension_days = IntField()  # the extension's length, to recount it when a year is loaded
    extension_reason = StringField()
    extended_by = StringField()
    original_due = DateField()

    @property
    def open(self) -> bool:
        return self.met_on is None and not self.waived


class Assignment(EmbeddedDocument):
    """One change of the report's assignee or routing (承办人分办、改派; seeds/000 H): who made it,
    when, why, from whom to whom."""

    assignee = StringField()  # None: only the routing changed
    previous = StringField()
    routing = StringField()
    by = StringField(required=True)
    at = DateTimeField(required=True)
    reason = StringField(required=True)


class AckDelivery(EmbeddedDocument):
    """A named reporter's acknowledgement delivered through the notifier (受理告知): how, when, by
    whom, the gateway and its reference. Never the contact or the text sent."""

    id = StringField(required=True)
    method = StringField(required=True, choices=("sms", "letter"))
    gateway = StringField(required=True)
    reference = StringField()
    at = DateTimeField(required=True)
    by = StringField(required=True)


class InternalNote(EmbeddedDocument):
    """An internal note on a report (who, when, text): for staff only, never shown to a reporter,
    answered over RPC or put in an event."""

    id = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)
    text = StringField(required=True)


class LegalHoldChange(EmbeddedDocument):
    """A legal hold set or released (who, when, why): no purge while it is on."""

    action = StringField(required=True, choices=("set", "released"))
    reason = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)


class PurgeState(EmbeddedDocument):
    """How far the retention purge got: identity, then content and attachments, then the audit
    record. A crash between two steps is finished on the next run."""

    identity_purged_at = DateTimeField()
    content_purged_at = DateTimeField()
    completed_at = DateTimeField()


class DeadlineChange(EmbeddedDocument):
    """A provisional deadline recomputed once its year's holiday arrangement was loaded."""

    key = StringField(required=True)
    old_due = DateField(required=True)
    new_due = DateField(required=True)
    year = IntField(required=True)  # the year loaded
    event_id = StringField()
    at = DateTimeField(required=True)


class Addition(EmbeddedDocument):
    """Information an anonymous reporter added later with the receipt code (补充材料)."""

    text = StringField(required=True)
    at = DateTimeField(required=True)


class Petition(OutboxDocument):
    """信访举报件 / 廉情信息: one report, from receipt to its answer."""

    subject_kind = "petition"  # its events' subject: "petition/<id>"

    meta = {
        "db_alias": ALIAS,
        "collection": "petitions",
        "indexes": [
            ("county", "-received_at"),
            ("county", "status"),
            "receipt.prefix",
            ("county", "subject_keys", "received_on"),
            "outbox_pending",
            "merged_into",
            ("county", "assignee"),
            ("deadlines.due", "county"),
            "retain_until",
            "deadlines.provisional",
        ],
    }
    id = StringField(primary_key=True)
    channel = StringField(required=True)
    category = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    content = StringField(required=True)
    subjects = ListField(EmbeddedDocumentField(ReportedSubject), required=True)
    anonymous = BooleanField(required=True)
    reporter = EmbeddedDocumentField(SealedReporter)
    receipt = EmbeddedDocumentField(Receipt)
    received_on = DateField(required=True)
    received_at = DateTimeField(required=True)
    subject_keys = ListField(StringField())  # "official:id:…" / "official:name:…", for duplicates
    routing = StringField(required=True, default="standard")
    assignee = StringField()  # the staff member handling it (承办人); every change in ``assignments``
    assignments = ListField(EmbeddedDocumentField(Assignment))
    duplicate_candidates = ListField(EmbeddedDocumentField(DuplicateCandidate))
    recorded_by = StringField()  # staff id for staff entry; None for the public portal
    kind = StringField(required=True, choices=tuple(REPORT_KINDS_ZH), default=DISCIPLINE_REPORT)
    forwarded = BooleanField(default=False)  # 转来: received from another organ
    forwarded_from = StringField()
    forwarded_on = DateField()
    rules_version = StringField()
    deadlines = ListField(EmbeddedDocumentField(ReportDeadline))
    # Legacy (before rules version default-2026.1): migrated into ``deadlines`` at start-up.
    acknowledge_due = DateField()
    acknowledge_due_provisional = BooleanField()
    send_up_due = DateField()
    status = StringField(
        required=True, choices=("received", "triaged", "closed", "sent_up", "merged"), default="received"
    )
    triage = EmbeddedDocumentField(Triage)
    closure = EmbeddedDocumentField(Closure)
    sent_up = EmbeddedDocumentField(SendUp)
    verification = EmbeddedDocumentField(Verification)
    clarification = EmbeddedDocumentField(Clarification)
    disposal = EmbeddedDocumentField(Disposal)
    replies = ListField(EmbeddedDocumentField(Reply))
    notices = ListField(StringField())  # deadline notices sent: "reminder:handle:2027-01-19"
    attachments = ListField(EmbeddedDocumentField(AttachmentMeta))
    additions = ListField(EmbeddedDocumentField(Addition))
    merged_into = StringField()  # the earlier report this one was merged into
    merged_by = StringField()  # who confirmed the duplicate
    collective_review = EmbeddedDocumentField(CollectiveReview)
    feedback_due = DateField()  # legacy, see ``deadlines``
    feedback = EmbeddedDocumentField(Feedback)
    acknowledgements = ListField(EmbeddedDocumentField(AckDelivery))
    internal_notes = ListField(EmbeddedDocumentField(InternalNote))
    retain_until = DateField()  # closed (merged, sent up): purged from this day unless on hold
    retention_version = StringField()
    legal_hold = BooleanField(default=False)
    legal_holds = ListField(EmbeddedDocumentField(LegalHoldChange))
    purge = EmbeddedDocumentField(PurgeState)
    deadline_changes = ListField(EmbeddedDocumentField(DeadlineChange))

    def deadline(self, key: str) -> ReportDeadline | None:
        return next((d for d in self.deadlines if d.key == key), None)

    def due(self, key: str) -> date | None:
        d = self.deadline(key)
        return d.due if d else None

    @property
    def receipt_deadline(self) -> ReportDeadline | None:
        """The deadline that answers receipt (受理 / 登记受理), shown as ``acknowledge_due``."""
        return next((d for d in self.deadlines if d.key in RECEIPT_KEYS), None)

    @property
    def outcome(self) -> str | None:
        """How it ended for other services: the closure's kind when merged or closed as a
        repeat, else the triage outcome."""
        if self.closure and (self.closure.kind or "answered") != "answered":
            return self.closure.kind
        return self.triage.outcome if self.triage else None

    def subject_names(self) -> set[str]:
        """Normalised names of the officials the report is about (recusal by name)."""
        return {normalize_name(s.name) for s in self.subjects if s.kind == "official" and s.name}

    def subject_official_ids(self) -> set[str]:
        """Officials the report is about, as reported and as resolved at triage (for recusal)."""
        ids = {s.id for s in self.subjects if s.kind == "official" and s.id}
        if self.triage:
            ids |= {s.id for s in self.triage.subjects if s.kind == "official"}
        return ids


class AuditRecord(EmbeddedDocument):
    """One audited step of an identity request, embedded in the request so the step and its
    audit are one write (the access record is written before anything is decrypted)."""

    id = StringField(required=True)  # an ObjectId string: orders entries written in the same instant
    at = DateTimeField(required=True)
    actor = StringField(required=True)
    action = StringField(required=True, choices=("requested", "approved", "refused", "accessed"))
    outcome = StringField(required=True, choices=("allowed", "denied"))
    code = StringField()


class IdentityRequest(VersionedDocument):
    """A request to open a named reporter's details: asked, decided by another person, read
    only by the asker. Holds no identity."""

    meta = {
        "db_alias": ALIAS,
        "collection": "identity_requests",
        "indexes": [("county", "-requested_at"), "petition_id"],
    }
    id = StringField(primary_key=True)
    petition_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    reason = StringField(required=True)
    status = StringField(required=True, choices=("pending", "approved", "refused"), default="pending")
    requested_by = StringField(required=True)
    requested_at = DateTimeField(required=True)
    decided_by = StringField()
    decided_at = DateTimeField()
    decision_note = StringField(default="")
    accesses = IntField(default=0)
    audit = ListField(EmbeddedDocumentField(AuditRecord))

    def add_audit(self, at, actor: str, action: str, outcome: str, code: str | None = None) -> AuditRecord:
        record = AuditRecord(id=str(ObjectId()), at=at, actor=actor, action=action, outcome=outcome, code=code)
        self.audit.append(record)
        return record


class PurgeRecord(Document):
    """The audit record of a retention purge, keyed by the report's id: what was purged, when and
    under which rule. No content, no identity."""

    meta = {"db_alias": ALIAS, "collection": "purges", "indexes": [("county", "-completed_at")]}
    id = StringField(primary_key=True)  # the petition id
    county = StringField(required=True)
    kind = StringField(required=True)
    status = StringField(required=True)
    retain_until = DateField(required=True)
    retention_version = StringField()
    identity_purged_at = DateTimeField(required=True)
    content_purged_at = DateTimeField(required=True)
    attachments_deleted = IntField(default=0)
    completed_at = DateTimeField(required=True)
    by = StringField(required=True, default="retention-timer")


class CalendarYear(Document):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``),
    by year: every replica refreshes its calendar from this small collection."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
    id = IntField(primary_key=True)  # the year
    holidays = ListField(DateField())
    workdays = ListField(DateField())
    source = StringField(default="")
    event_id = StringField()  # the event it was loaded from (idempotency)
    loaded_at = DateTimeField(required=True)


class AuditEntry(Document):
    """Append-only audit of refused attempts to *request* an identity opening (no request
    document exists for them): who, when, which report, why. Every step of an existing request
    is audited inside the request (``IdentityRequest.audit``). Never the identity."""

    meta = {"db_alias": ALIAS, "collection": "identity_audit", "indexes": [("county", "-at")]}
    at = DateTimeField(required=True)
    actor = StringField(required=True)
    action = StringField(required=True, choices=("requested", "approved", "refused", "accessed"))
    outcome = StringField(required=True, choices=("allowed", "denied"))
    code = StringField()  # why it was denied
    petition_id = StringField(required=True)
    request_id = StringField()
    county = StringField(required=True)


def legacy_deadlines(petition: Petition) -> list[ReportDeadline]:
    """The deadlines of a report stored before rules version default-2026.1, from its separate
    fields. Such reports were all counted as 检举控告 with a 60-day handling deadline."""

    def item(key, unit, amount, start, due, **state) -> ReportDeadline:
        rule = RULES_BY_KEY[key]
        return ReportDeadline(
            key=key,
            label_zh=rule.label_zh,
            amount=amount,
            unit=unit,
            counts_from=rule.counts_from,
            start=start,
            due=due,
            watched=rule.watched,
            **state,
        )

    status, closure, triage = petition.status, petition.closure, petition.triage
    triaged_on = triage.triaged_at.date() if triage else None
    closed_on = closure.closed_at.date() if closure else None
    answered = closed_on if status in ("closed", "merged") else None
    items = []
    if petition.acknowledge_due:
        met = triaged_on or (petition.sent_up.sent_at.date() if petition.sent_up else None) or answered
        items.append(
            item(
                ACKNOWLEDGE,
                WORKING_DAYS,
                15,
                petition.received_on,
                petition.acknowledge_due,
                provisional=bool(petition.acknowledge_due_provisional),
                met_on=met,
                met_by="legacy" if met else None,
                overdue_notified=any(n.startswith("overdue:acknowledge:") for n in petition.notices),
            )
        )
    if petition.send_up_due:
        sent = petition.sent_up.sent_at.date() if petition.sent_up else None
        items.append(
            item(
                SEND_UP,
                WORKING_DAYS,
                5,
                petition.received_on,
                petition.send_up_due,
                met_on=sent,
                met_by="send_up" if sent else None,
                waived=sent is None and status != "received",
            )
        )
    if triage and triage.handle_due:
        due = triage.handle_due
        notified = f"overdue:handle:{due.isoformat()}" in petition.notices
        items.append(
            item(
                HANDLE,
                CALENDAR_DAYS,
                60,
                triaged_on,
                due,
                met_on=answered,
                met_by="legacy" if answered else None,
                overdue_notified=notified,
                reminded=f"reminder:handle:{due.isoformat()}" in petition.notices,
                extensions=1 if triage.extended else 0,
                extension_reason=triage.extension_reason,
                extended_by=triage.extended_by,
            )
        )
    if petition.feedback_due:
        fed = petition.feedback.at.date() if petition.feedback else None
        due = petition.feedback_due
        items.append(
            item(
                FEEDBACK,
                WORKING_DAYS,
                15,
                closed_on or due,
                due,
                met_on=fed,
                met_by="feedback" if fed else None,
                overdue_notified=f"overdue:feedback:{due.isoformat()}" in petition.notices,
                reminded=f"reminder:feedback:{due.isoformat()}" in petition.notices,
            )
        )
    if items and petition.acknowledge_due:
        items[0].reminded = f"reminder:acknowledge:{petition.acknowledge_due.isoformat()}" in petition.notices
    return items


class IntakeStore(Store):
    """Intake's repository: the only code here that knows mongoengine.

    Per request and per event it reads and writes by ``_id`` (a petition by its id, a request
    by its id, an attachment by ``<petition_id>/<n>``). The lists for people (search, receipts
    by prefix, duplicates on arrival, statistics, audit, reports about an official, merged
    reports) and the clock's sweep query other fields: indexed on MongoDB, scans on the
    embedded store (README).
    """

    documents = (Petition, IdentityRequest, AuditEntry, Attachment, PurgeRecord, CalendarYear)

    # -- by key ------------------------------------------------------------------------------
    def get_petition(self, petition_id: str) -> Petition | None:
        return self.get(Petition, petition_id)

    def get_request(self, request_id: str) -> IdentityRequest | None:
        return self.get(IdentityRequest, request_id)

    def attachment(self, petition_id: str, n: int) -> Attachment | None:
        return self.get(Attachment, attachment_key(petition_id, n))

    # -- writes ------------------------------------------------------------------------------
    def add_report(self, petition: Petition, attachments: list[dict]) -> None:
        """A new report with its attachments: the contents first, then the petition (with its
        ``petition.received`` event); if the petition is not stored, neither are they."""
        try:
            if attachments:
                self.put_attachments(petition.id, attachments)
            self.add(petition)
        except BaseException:
            if attachments:
                self.delete_attachments(petition.id, len(attachments))
            raise

    def put_attachments(self, petition_id: str, items: list[dict]) -> None:
        for n, item in enumerate(items):
            self.add(
                Attachment(
                    id=attachment_key(petition_id, n),
                    petition_id=petition_id,
                    n=n,
                    file_name=item["file_name"],
                    content_type=item["content_type"],
                    size=len(item["content"]),
                    sha256=item["sha256"].lower(),
                    content=item["content"],
                )
            )

    def delete_attachments(self, petition_id: str, count: int) -> None:
        Attachment.objects(pk__in=[attachment_key(petition_id, n) for n in range(count)]).delete()

    def audit(self, **entry) -> None:
        """A refused request attempt (no request document to hold it)."""
        self.add(AuditEntry(**entry))

    def push_audit(self, request: IdentityRequest, **entry) -> None:
        """A refused step on an existing request: appended atomically. The version moves too, so a
        writer holding the request from before cannot overwrite the trail with its stale copy."""
        record = AuditRecord(id=str(ObjectId()), **entry)
        IdentityRequest.objects(id=request.id).update_one(push__audit=record, inc__version=1)

    # -- lists for people and the clock's sweep ------------------------------------------------
    def search(
        self,
        county: str,
        *,
        status: str | None = None,
        channel: str | None = None,
        category: str | None = None,
        limit: int = 100,
        offset: int = 0,
        not_about: str | None = None,
        not_named: str | None = None,
    ) -> list[Petition]:
        query = Petition.objects(county=county)
        recused = recusal_keys(not_about, not_named)
        if recused:  # a subject never sees reports about themselves, by id or by name (recusal)
            query = query(subject_keys__nin=recused)
        for key, value in (("status", status), ("channel", channel), ("category", category)):
            if value:
                query = query(**{key: value})
        return list(query.exclude("outbox").order_by("-received_at", "id").skip(offset).limit(limit))

    def by_receipt_prefix(self, prefix: str, limit: int = 50) -> list[Petition]:
        return list(Petition.objects(receipt__prefix=prefix).exclude("outbox").limit(limit))

    def about_subjects_since(self, county: str, keys: list[str], since, limit: int = 200) -> list[tuple[str, str]]:
        """(petition_id, content) of reports about any of these subjects received since ``since``."""
        if not keys:
            return []
        query = Petition.objects(county=county, subject_keys__in=keys, received_on__gte=since)
        return [(p.id, p.content) for p in query.only("id", "content").order_by("-received_on").limit(limit)]

    def tally_rows(self, county: str, since=None, until=None) -> list[dict]:
        query = Petition.objects(county=county)
        if since:
            query = query(received_on__gte=since)
        if until:
            query = query(received_on__lte=until)
        return [
            {
                "channel": p.channel,
                "category": p.category,
                "status": p.status,
                "received_on": p.received_on,
                "triaged_at": p.triage.triaged_at if p.triage else None,
                "closed_at": p.closure.closed_at if p.closure else None,
            }
            for p in query.only("channel", "category", "status", "received_on", "triage", "closure")
        ]

    def sealed_under_old_keys(self, current_kid: str, limit: int) -> list[Petition]:
        return list(Petition.objects(reporter__exists=True, reporter__kid__ne=current_kid).limit(limit))

    def open_deadlines(self, cutoff) -> list[Petition]:
        """Reports with an unmet deadline due on or before ``cutoff`` (the clock, every 300 s).
        Loaded whole: saving a partly loaded document would overwrite its pending outbox."""
        due = datetime.combine(cutoff, time())
        query = {"deadlines": {"$elemMatch": {"met_on": None, "waived": {"$ne": True}, "due": {"$lte": due}}}}
        return list(Petition.objects(__raw__=query).order_by("received_at", "id"))

    def due_for_worklist(
        self, scope: str, cutoff, assignee: str | None = None, limit: int = 200, recused: list[str] | None = None
    ) -> list[Petition]:
        """Open reports of the counties under ``scope`` (a county, city or province code) with an
        unmet, watched deadline due on or before ``cutoff``, the earliest received first; bounded by ``limit``
        (indexed on MongoDB: county prefix, deadlines; a scan on the embedded store)."""
        due = datetime.combine(cutoff, time())
        match = {"met_on": None, "waived": {"$ne": True}, "watched": {"$ne": False}, "due": {"$lte": due}}
        query = Petition.objects(__raw__={"deadlines": {"$elemMatch": match}})
        prefix = covered_prefix(scope)
        query = query(county=scope) if prefix == scope else query(county__startswith=prefix)
        if assignee:
            query = query(assignee=assignee)
        if recused:
            query = query(subject_keys__nin=recused)
        fields = ("id", "county", "kind", "status", "routing", "assignee", "deadlines", "received_on", "received_at")
        return list(query.only(*fields).order_by("received_on", "received_at", "id").limit(limit))

    def due_for_purge(self, today, limit: int = 100) -> list[Petition]:
        """Reports past their retention, not on legal hold, whose purge has not completed (the
        retention timer; indexed on ``retain_until``)."""
        until = datetime.combine(today, time())
        query = {"retain_until": {"$lte": until}, "legal_hold": {"$ne": True}, "purge.completed_at": None}
        return list(Petition.objects(__raw__=query).order_by("retain_until", "id").limit(limit))

    def record_purge(self, record: PurgeRecord) -> None:
        """The purge's audit record, by the report's id (written again by a resumed purge)."""
        self.add_or_replace(record)

    def purge_records(self, scope: str, limit: int = 100, offset: int = 0) -> list[PurgeRecord]:
        prefix = covered_prefix(scope)
        query = PurgeRecord.objects(county=scope) if prefix == scope else PurgeRecord.objects(county__startswith=prefix)
        return list(query.order_by("-completed_at", "id").skip(offset).limit(limit))

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        """Every loaded year (a handful of small documents: read whole by the refresh timer)."""
        return list(CalendarYear.objects.order_by("id"))

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)

    def with_provisional_deadlines(self, limit: int = 1000, after: str | None = None) -> list[Petition]:
        """Reports with an open provisional deadline, by id from ``after`` (a year loaded
        recomputes them; indexed on ``deadlines.provisional``)."""
        match = {"provisional": True, "met_on": None, "waived": {"$ne": True}}
        query = Petition.objects(__raw__={"deadlines": {"$elemMatch": match}})
        if after:
            query = query(id__gt=after)
        return list(query.order_by("id").limit(limit))

    def audit_entries(self, county: str, since=None, until=None, limit: int = 100, offset: int = 0) -> list[dict]:
        """Both sources, newest first: refused request attempts and every request's own trail."""
        rows = []
        query = AuditEntry.objects(county=county)
        if since:
            query = query(at__gte=since)
        if until:
            query = query(at__lt=until)
        for e in query:
            rows.append(audit_row(str(e.id), e, e.petition_id, e.request_id, e.county))
        requests = IdentityRequest.objects(county=county)
        if since:
            requests = requests(audit__at__gte=since)
        for r in requests.only("id", "petition_id", "county", "audit"):
            rows.extend(audit_row(a.id, a, r.petition_id, r.id, r.county) for a in audit_between(r, since, until))
        rows.sort(key=lambda row: (row["at"], row["key"]), reverse=True)
        return rows[offset : offset + limit]

    def about_official(self, official_id: str, limit: int = 500) -> list[Petition]:
        """Reports naming an official (as reported or as resolved at triage), oldest first."""
        query = Petition.objects(subject_keys=f"official:id:{official_id}").exclude("outbox", "content")
        return list(query.order_by("received_at", "id").limit(limit))

    def merged_reports(self, petition_id: str) -> list[str]:
        """Reports merged into this one, oldest first (derived from their ``merged_into``, so a
        merge is one write)."""
        return [p.id for p in Petition.objects(merged_into=petition_id).only("id").order_by("received_at")]

    # -- start-up and operators ------------------------------------------------------------------
    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        self.migrate_legacy_deadlines()

    def migrate_legacy_deadlines(self) -> int:
        """Reports stored before rules version default-2026.1 kept their deadlines in separate
        fields; move them into ``deadlines`` (same dates, same state), once."""
        ids = [p.id for p in Petition.objects(__raw__={"deadlines.0": {"$exists": False}}).only("id")]
        moved = 0
        for petition in self.get_many(Petition, ids):
            if petition.deadlines:
                continue
            migrate_legacy(petition)
            try:
                self.save(petition)
            except Conflict:
                continue  # changed meanwhile: migrated on the next start
            moved += 1
        return moved

    def attachment_count(self) -> int:
        return Attachment.objects.count()

    def count(self) -> int:
        return Petition.objects.count()


def recusal_keys(subject: str | None, name: str | None) -> list[str]:
    """The subject keys of reports a staff member is recused from (``Petition.subject_keys``)."""
    keys = [f"official:id:{subject}"] if subject else []
    if name and normalize_name(name):
        keys.append(f"official:name:{normalize_name(name)}")
    return keys


def attachment_key(petition_id: str, n: int) -> str:
    return f"{petition_id}/{n}"


def migrate_legacy(petition: Petition) -> None:
    """Move a legacy report's deadline fields into ``deadlines`` (rules version ``legacy``)."""
    petition.deadlines = legacy_deadlines(petition)
    petition.rules_version = petition.rules_version or "legacy"
    petition.acknowledge_due = petition.acknowledge_due_provisional = None
    petition.send_up_due = petition.feedback_due = None
    if petition.triage:
        t = petition.triage
        t.handle_due = t.extended = t.extension_reason = t.extended_by = None


def audit_between(request: IdentityRequest, since=None, until=None) -> list[AuditRecord]:
    return [a for a in request.audit if not ((since and a.at < since) or (until and a.at >= until))]


def audit_row(key: str, entry, petition_id: str, request_id: str | None, county: str) -> dict:
    return {
        "key": key,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "outcome": entry.outcome,
        "code": entry.code,
        "petition_id": petition_id,
        "request_id": request_id,
        "county": county,
    }
