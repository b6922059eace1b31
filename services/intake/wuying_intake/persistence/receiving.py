"""What arrives with a report (receiving; seeds/003: reports must be safe to make): its
subjects as the reporter wrote them, the reporter's details sealed, the anonymous receipt as a
slow hash, duplicate candidates, attachments (staff metadata embedded, the content in its own
collection), information added later with the receipt code, acknowledgements delivered. No IP
address is stored anywhere."""

from __future__ import annotations

from mongoengine import (
    BinaryField,
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from ..domain.protection import ReceiptHash, Sealed
from .alias import ALIAS


class ReportedSubject(EmbeddedDocument):
    """Who or what the report is about, as the reporter wrote it."""

    kind = StringField(required=True, choices=("official", "unit"))
    id = StringField()
    name = StringField()
    unit_name = StringField()
    commission_staff = BooleanField(default=False)
    commission_leader = BooleanField(default=False)
    registered = BooleanField(default=False)  # id checked against (or found in) archive's registry


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


class SubjectReports(Document):
    """A county's reports about one subject, newest first: what the duplicate check on arrival
    reads by key instead of querying every petition (``domain/screening.py``). At most
    ``DUPLICATE_LOOKBACK`` entries ``"<received_on> <petition_id>"``, kept by the store with
    every write of a petition that adds or removes a subject key (``IntakeStore``). An entry is
    written before its petition and removed after it, and every read checks the petitions
    themselves, so a crash between the two writes leaves an entry the reads skip, never a
    report missing from its subjects' lists."""

    meta = {"db_alias": ALIAS, "collection": "subject_reports"}
    id = StringField(primary_key=True)  # "<county>|<subject key>" (``subject_index_key``)
    entries = ListField(StringField())


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


def attachment_key(petition_id: str, n: int) -> str:
    return f"{petition_id}/{n}"


class Addition(EmbeddedDocument):
    """Information an anonymous reporter added later with the receipt code (补充材料)."""

    text = StringField(required=True)
    at = DateTimeField(required=True)


class AckDelivery(EmbeddedDocument):
    """A named reporter's acknowledgement delivered through the notifier (受理告知): how, when, by
    whom, the gateway and its reference. Never the contact or the text sent."""

    id = StringField(required=True)
    method = StringField(required=True, choices=("sms", "letter"))
    gateway = StringField(required=True)
    reference = StringField()
    at = DateTimeField(required=True)
    by = StringField(required=True)
