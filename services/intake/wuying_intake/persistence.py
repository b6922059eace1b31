"""mongoengine documents of the intake service (connection alias ``intake``).

A petition and its pending events are one document, so a state change and its event are one
write (wuying_common.outbox). The reporter's details are stored only sealed; anonymous
receipts only as a slow hash. No IP address is stored anywhere.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    ListField,
    StringField,
)

from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store

from .domain.protection import ReceiptHash, Sealed

ALIAS = "intake"


class ReportedSubject(EmbeddedDocument):
    """Who or what the report is about, as the reporter wrote it."""

    kind = StringField(required=True, choices=("official", "unit"))
    id = StringField()
    name = StringField()
    unit_name = StringField()
    commission_staff = BooleanField(default=False)
    commission_leader = BooleanField(default=False)


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
    handle_due = DateField()
    extended = BooleanField(default=False)
    extension_reason = StringField()
    extended_by = StringField()


class Closure(EmbeddedDocument):
    answer = StringField(required=True)
    note = StringField(default="")
    closed_at = DateTimeField(required=True)
    closed_by = StringField(required=True)


class Reply(EmbeddedDocument):
    """What the reporter is told (件件有着落，事事有回音)."""

    text = StringField(required=True)
    at = DateTimeField(required=True)


class Petition(OutboxDocument):
    """信访举报件 / 廉情信息: one report, from receipt to its answer."""

    meta = {
        "db_alias": ALIAS,
        "collection": "petitions",
        "indexes": [
            ("county", "-received_at"),
            ("county", "status"),
            "receipt.prefix",
            ("county", "subject_keys", "received_on"),
            "outbox_pending",
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
    duplicate_candidates = ListField(EmbeddedDocumentField(DuplicateCandidate))
    recorded_by = StringField()  # staff id for staff entry; None for the public portal
    acknowledge_due = DateField(required=True)
    acknowledge_due_provisional = BooleanField(default=False)
    status = StringField(required=True, choices=("received", "triaged", "closed"), default="received")
    triage = EmbeddedDocumentField(Triage)
    closure = EmbeddedDocumentField(Closure)
    replies = ListField(EmbeddedDocumentField(Reply))


class IntakeStore(Store):
    documents = (Petition,)

    def get(self, petition_id: str) -> Petition | None:
        return Petition.objects(id=petition_id).first()

    def search(
        self,
        county: str,
        *,
        status: str | None = None,
        channel: str | None = None,
        category: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Petition]:
        query = Petition.objects(county=county)
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
            {"channel": p.channel, "category": p.category, "status": p.status}
            for p in query.only("channel", "category", "status")
        ]

    def sealed_under_old_keys(self, current_kid: str, limit: int) -> list[Petition]:
        return list(Petition.objects(reporter__exists=True, reporter__kid__ne=current_kid).limit(limit))

    def count(self) -> int:
        return Petition.objects.count()
