"""The report itself (信访举报件 / 廉情信息), from receipt to its answer.

A petition and its pending events are one document, so a state change and its event are one
write (wuying_common.outbox)."""

from __future__ import annotations

from datetime import date

from mongoengine import BooleanField, DateField, DateTimeField, EmbeddedDocumentField, ListField, StringField

from wuying_common.outbox import OutboxDocument

from ..domain.deadlines import DISCIPLINE_REPORT, RECEIPT_KEYS, REPORT_KINDS_ZH
from ..domain.screening import normalize_name
from .alias import ALIAS
from .casework import (
    Assignment,
    Clarification,
    Closure,
    CollectiveReview,
    Disposal,
    Feedback,
    InternalNote,
    Reply,
    SendUp,
    Triage,
    Verification,
)
from .deadlines import DeadlineChange, ReportDeadline
from .receiving import (
    AckDelivery,
    Addition,
    AttachmentMeta,
    DuplicateCandidate,
    Receipt,
    ReportedSubject,
    SealedReporter,
)
from .retention import LegalHoldChange, PurgeState


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
