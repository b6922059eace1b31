"""mongoengine documents of the inspection service (connection alias ``inspection``)."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
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


class RoundSpecialist(EmbeddedDocument):
    id = StringField(required=True)
    name = StringField(required=True)
    expertise = StringField(required=True)  # the field they were drawn for


class PlanRound(EmbeddedDocument):
    round = IntField(required=True, min_value=1)
    method = StringField(required=True, choices=("special", "surprise", "cross", "unannounced"))
    method_zh = StringField(required=True)
    starts_on = StringField(required=True)  # ISO date: Mongo has no date type
    ends_on = StringField(required=True)
    inspecting_zone = StringField()  # cross rounds: the zone whose team inspects (001 Guizhou)
    specialists = ListField(EmbeddedDocumentField(RoundSpecialist))
    completed_on = StringField()


class Finding(EmbeddedDocument):
    id = StringField(required=True)
    round = IntField(required=True)
    severity = StringField(required=True, choices=("early_sign", "general", "serious"))
    disposition = StringField(required=True)
    official_id = StringField()
    summary = StringField(required=True)  # stays in this service: it may name people
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)


class Plan(OutboxDocument):
    """One unit's inspection plan for one year; unique on (unit_id, year)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "plans",
        "indexes": [
            {"fields": ["unit_id", "year"], "unique": True},
            ("county", "year"),
            ("year", "specialist_ids"),
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
    specialist_ids = ListField(StringField())  # flattened from the rounds, to find bookings
    findings = ListField(EmbeddedDocumentField(Finding))
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)


class SpecialistMember(Document):
    """A member of the specialist pool (机动组员, 004 Minhang): belongs to no team."""

    meta = {"db_alias": ALIAS, "collection": "specialists", "indexes": ["county", "expertise"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    expertise = ListField(StringField(), required=True)
    unit_id = StringField()


class ZonePair(EmbeddedDocument):
    inspected_zone = StringField(required=True)
    inspecting_zone = StringField(required=True)
    repeats_last_year = BooleanField(default=False)
    reciprocal = BooleanField(default=False)


class CrossAssignment(Document):
    """Which cooperation zone inspects which, for one region and year (001 Guizhou)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "cross_assignments",
        "indexes": [{"fields": ["region", "year"], "unique": True}],
    }
    id = StringField(primary_key=True)  # "<region>:<year>"
    region = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
    pairs = ListField(EmbeddedDocumentField(ZonePair))
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    def inspecting_zone(self, zone: str | None) -> str | None:
        return next((p.inspecting_zone for p in self.pairs if p.inspected_zone == zone), None)


def region_prefix(region: str) -> str:
    """GB/T 2260: a province code covers its first two digits, a city code its first four."""
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region


class InspectionStore(Store):
    documents = (Unit, Plan, CrossAssignment, SpecialistMember)

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

    def zones_in(self, region: str) -> list[str]:
        """Cooperation zones of the units registered in a region."""
        prefix = region_prefix(region)
        return sorted(z for z in Unit.objects(county__startswith=prefix, zone__ne=None).distinct("zone") if z)

    def cross_assignment(self, region: str, year: int) -> CrossAssignment | None:
        return CrossAssignment.objects(region=region, year=year).first()

    def cross_history(self, region: str, before_year: int) -> list[CrossAssignment]:
        """Past assignments of a region, oldest first."""
        return list(CrossAssignment.objects(region=region, year__lt=before_year).order_by("year"))

    def cross_assignment_covering(self, county: str, year: int) -> CrossAssignment | None:
        """The assignment of the narrowest region that covers a county (county, city, province)."""
        for region in (county, county[:4] + "00", county[:2] + "0000"):
            found = self.cross_assignment(region, year)
            if found is not None:
                return found
        return None

    def upsert_specialist(self, raw: dict) -> SpecialistMember:
        member = SpecialistMember.objects(id=raw["id"]).first() or SpecialistMember(id=raw["id"])
        for key in ("name", "county", "expertise", "unit_id"):
            setattr(member, key, raw.get(key))
        member.save()
        return member

    def specialists_in(self, region: str) -> list[SpecialistMember]:
        return list(SpecialistMember.objects(county__startswith=region_prefix(region)).order_by("id"))

    def plans_booking(self, specialist_ids: list[str], year: int) -> list[Plan]:
        return list(Plan.objects(year=year, specialist_ids__in=specialist_ids))
