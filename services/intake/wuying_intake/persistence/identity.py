"""Opening a named reporter's identity (seeds/003; seeds/000 H): the request, decided by another
person, with every step audited inside it, and the audit of refused attempts to request. Never
the identity itself."""

from __future__ import annotations

from bson import ObjectId
from mongoengine import (
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.store import VersionedDocument

from .alias import ALIAS


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
