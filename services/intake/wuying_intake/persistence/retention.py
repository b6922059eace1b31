"""Retention of a closed report (issue 8 item 11): legal holds set and released, how far its
purge got, and the purge's audit record (no content, no identity)."""

from __future__ import annotations

from mongoengine import DateField, DateTimeField, Document, EmbeddedDocument, IntField, StringField

from .alias import ALIAS


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
