"""Documents of campaigns: a region's yearly inspection, its visits, versions, overrides and
blocking rules (001 贵州, 湖南; 004 闵行)."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.store import VersionedDocument

from .base import ALIAS


class CampaignVisit(EmbeddedDocument):
    key = StringField(required=True)  # "<unit_id>:<year>:<round>"
    unit_id = StringField(required=True)
    unit_name = StringField()
    county = StringField(required=True)
    zone = StringField()
    round = IntField(required=True)
    method = StringField(required=True)
    starts_on = StringField(required=True)
    ends_on = StringField(required=True)
    focus = ListField(StringField())
    specialist_fields = ListField(StringField())
    members = ListField(StringField())
    leader = StringField()
    specialists = ListField(ListField(StringField()))  # [[field, inspector id], ...]
    fixed = BooleanField(default=False)


class CampaignMove(EmbeddedDocument):
    unit_id = StringField(required=True)
    round = IntField(required=True)
    what = StringField(required=True)
    before = StringField()
    after = StringField()


class CampaignVersion(EmbeddedDocument):
    """One version of the campaign's plan: how it was made and what moved from the last."""

    plan_version = IntField(required=True)
    cause = StringField(required=True)  # solve, override
    status = StringField(required=True)
    at = DateTimeField(required=True)
    by = StringField(required=True)
    objective = FloatField()
    bound = FloatField()
    wall_seconds = FloatField()
    moved = ListField(EmbeddedDocumentField(CampaignMove))


class CampaignOverride(EmbeddedDocument):
    unit_id = StringField(required=True)
    round = IntField(required=True)
    members = ListField(StringField())
    leader = StringField()
    reason = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)


class Blocker(EmbeddedDocument):
    rule = StringField(required=True)
    units = ListField(StringField())
    periods = ListField(ListField(StringField()))


class Campaign(VersionedDocument):
    """A region's yearly inspection campaign, keyed ``"<region>:<year>"``, or one round of every
    unit's year, keyed ``"<region>:<year>:<round>"``: its visits (the preview, then the committed
    plan) and every version's moves."""

    meta = {"db_alias": ALIAS, "collection": "campaigns"}
    id = StringField(primary_key=True)
    region = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
    round = IntField(min_value=1)  # a one-round campaign: only that round of each unit's year
    status = StringField(required=True, default="draft")  # draft solving solved infeasible unknown committed
    rules = DictField()  # the request's rule-data overrides (campaign and assignment)
    rules_version = StringField(required=True)
    windows = ListField(ListField(StringField()))
    visits = ListField(EmbeddedDocumentField(CampaignVisit))
    plan_version = IntField(default=0)
    committed_version = IntField()
    versions = ListField(EmbeddedDocumentField(CampaignVersion))
    overrides = ListField(EmbeddedDocumentField(CampaignOverride))
    blocking = ListField(EmbeddedDocumentField(Blocker))
    kept_plans = ListField(StringField())  # units whose own plan for the year stays as it is
    objective = FloatField()
    bound = FloatField()
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    @staticmethod
    def key_for(region: str, year: int, round_number: int | None = None) -> str:
        return f"{region}:{year}" if round_number is None else f"{region}:{year}:{round_number}"
