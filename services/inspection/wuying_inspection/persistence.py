"""mongoengine documents of the inspection service (connection alias ``inspection``)."""

from __future__ import annotations

from mongoengine import (
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store

ALIAS = "inspection"


class Unit(Document):
    """A unit that can be inspected: commission organs, dispatched agencies (000/E scope), and
    others; ``zone`` is its cooperation zone (协作区, seeds/001 Guizhou)."""

    meta = {"db_alias": ALIAS, "collection": "units", "indexes": ["county", "zone", "kind"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    kind = StringField(required=True)
    zone = StringField()


class PlanRound(EmbeddedDocument):
    round = IntField(required=True, min_value=1)
    method = StringField(required=True, choices=("special", "surprise", "cross", "unannounced"))
    method_zh = StringField(required=True)
    starts_on = StringField(required=True)  # ISO date: Mongo has no date type
    ends_on = StringField(required=True)


class Plan(OutboxDocument):
    """One unit's inspection plan for one year; unique on (unit_id, year)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "plans",
        "indexes": [
            {"fields": ["unit_id", "year"], "unique": True},
            ("county", "year"),
            "outbox_pending",
        ],
    }
    id = StringField(primary_key=True)
    unit_id = StringField(required=True)
    unit_name = StringField(required=True)
    unit_kind = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    zone = StringField()
    year = IntField(required=True)
    status = StringField(required=True, default="scheduled")
    rounds = ListField(EmbeddedDocumentField(PlanRound))
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)


class InspectionStore(Store):
    documents = (Unit, Plan)

    def get_unit(self, unit_id: str) -> Unit | None:
        return Unit.objects(id=unit_id).first()

    def upsert_unit(self, raw: dict) -> Unit:
        unit = self.get_unit(raw["id"]) or Unit(id=raw["id"])
        for key in ("name", "county", "kind", "zone"):
            setattr(unit, key, raw.get(key))
        unit.save()
        return unit

    def get_plan(self, plan_id: str) -> Plan | None:
        return Plan.objects(id=plan_id).first()

    def plan_for(self, unit_id: str, year: int) -> Plan | None:
        return Plan.objects(unit_id=unit_id, year=year).first()

    def plans(self, county: str, year: int | None = None, limit: int = 200) -> list[Plan]:
        query = Plan.objects(county=county)
        if year is not None:
            query = query(year=year)
        return list(query.order_by("year", "unit_id").limit(limit))
