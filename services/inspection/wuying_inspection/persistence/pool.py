"""Documents of the inspector pool (干部监督人员库, 001 贵州), kept current from archive's
``official.changed``, and the links from relatives to pool members (亲属回避)."""

from __future__ import annotations

from mongoengine import BooleanField, EmbeddedDocument, EmbeddedDocumentField, ListField, StringField

from wuying_common.store import VersionedDocument

from .base import ALIAS


class UnavailablePeriod(EmbeddedDocument):
    starts_on = StringField(required=True)
    ends_on = StringField(required=True)
    reason = StringField()


class RelativeEntry(EmbeddedDocument):
    relation = StringField(required=True)
    unit_id = StringField()
    official_id = StringField()


class InspectorMember(VersionedDocument):
    """A member of the province's inspector pool (干部监督人员库, 001 贵州), keyed by their
    official id; ``applied_events`` makes archive's ``official.changed`` idempotent by key."""

    meta = {"db_alias": ALIAS, "collection": "inspectors", "indexes": ["county"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    zone = StringField()
    level = StringField(required=True, default="county")
    unit_id = StringField()
    former_unit_ids = ListField(StringField())
    relatives = ListField(EmbeddedDocumentField(RelativeEntry))
    skills = ListField(StringField())
    gender = StringField()
    age_band = StringField()
    unavailable = ListField(EmbeddedDocumentField(UnavailablePeriod))
    leader = BooleanField(default=False)
    mobile = BooleanField(default=False)
    active = BooleanField(default=True)
    applied_events = ListField(StringField())  # the last official.changed ids applied


class RelativeLink(VersionedDocument):
    """Which pool members have this official as a relative, keyed by the relative's official
    id: an ``official.changed`` about them finds whom to update by key (亲属回避)."""

    meta = {"db_alias": ALIAS, "collection": "relative_links"}
    id = StringField(primary_key=True)
    inspector_ids = ListField(StringField())
    applied_events = ListField(StringField())
