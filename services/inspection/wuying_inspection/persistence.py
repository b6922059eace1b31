"""mongoengine documents of the inspection service (connection alias ``inspection``) and its
store, the only code that reads or writes them.

Keys are natural: a plan is ``"<unit_id>:<year>"`` (one plan per unit and year, 000/E), a cross
assignment ``"<region>:<year>"``, units and specialists their registry ids. Every per-request
read and write of a single aggregate is a lookup by ``_id``; the ``_id`` is also what makes a
second plan or assignment a ``Conflict``, so no collection has a secondary unique index.
"""

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
    """One unit's inspection plan for one year, keyed ``"<unit_id>:<year>"``: the key is the
    one-plan-per-unit-and-year rule (a second insert is a duplicate ``_id``)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "plans",
        "indexes": [("county", "year"), ("year", "specialist_ids"), "outbox_pending"],
    }
    subject_kind = "plan"
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

    @staticmethod
    def key_for(unit_id: str, year: int) -> str:
        # ":" and not "/": the key is one path segment of /api/v1/plans/<plan_id>.
        return f"{unit_id}:{year}"


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

    meta = {"db_alias": ALIAS, "collection": "cross_assignments"}
    id = StringField(primary_key=True)  # "<region>:<year>": one assignment per region and year
    region = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
    pairs = ListField(EmbeddedDocumentField(ZonePair))
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    @staticmethod
    def key_for(region: str, year: int) -> str:
        return f"{region}:{year}"

    def inspecting_zone(self, zone: str | None) -> str | None:
        return next((p.inspecting_zone for p in self.pairs if p.inspected_zone == zone), None)


def region_prefix(region: str) -> str:
    """GB/T 2260: a province code covers its first two digits, a city code its first four."""
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region


# Years a cross assignment's history reaches back: the API's whole range (2000-2100), so the
# history read by key is every past assignment the region can have.
CROSS_HISTORY_YEARS = 100


class InspectionStore(Store):
    """Repository of the inspection service: the generic writes of ``Store`` (``add``,
    ``save``, ``get``...) plus the reads below. Single aggregates are read by key; only the
    lists (plans of a county, a region's zones, the specialist pool, a year's bookings) query
    other fields, indexed on MongoDB and scanned on the embedded store."""

    documents = (Unit, Plan, CrossAssignment, SpecialistMember)

    def get_unit(self, unit_id: str) -> Unit | None:
        return self.get(Unit, unit_id)

    def upsert_unit(self, raw: dict) -> Unit:
        """Register a unit or replace its registration (the registry owns every field)."""
        unit = Unit(id=raw["id"], **{key: raw.get(key) for key in ("name", "county", "kind", "zone")})
        self.add_or_replace(unit)
        return unit

    def get_plan(self, plan_id: str) -> Plan | None:
        return self.get(Plan, plan_id)

    def plan_for(self, unit_id: str, year: int) -> Plan | None:
        return self.get(Plan, Plan.key_for(unit_id, year))

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
        return self.get(CrossAssignment, CrossAssignment.key_for(region, year))

    def cross_history(self, region: str, before_year: int) -> list[CrossAssignment]:
        """Past assignments of a region, oldest first."""
        years = range(before_year - CROSS_HISTORY_YEARS, before_year)
        return self.get_many(CrossAssignment, [CrossAssignment.key_for(region, y) for y in years])

    def cross_assignment_covering(self, county: str, year: int) -> CrossAssignment | None:
        """The assignment of the narrowest region that covers a county (county, city, province)."""
        regions = dict.fromkeys((county, county[:4] + "00", county[:2] + "0000"))
        found = self.get_many(CrossAssignment, [CrossAssignment.key_for(r, year) for r in regions])
        return found[0] if found else None

    def upsert_specialist(self, raw: dict) -> SpecialistMember:
        """Register a pool member or replace their registration."""
        member = SpecialistMember(
            id=raw["id"], **{key: raw.get(key) for key in ("name", "county", "expertise", "unit_id")}
        )
        self.add_or_replace(member)
        return member

    def specialists_in(self, region: str) -> list[SpecialistMember]:
        return list(SpecialistMember.objects(county__startswith=region_prefix(region)).order_by("id"))

    def plans_booking(self, specialist_ids: list[str], year: int) -> list[Plan]:
        return list(Plan.objects(year=year, specialist_ids__in=specialist_ids))
