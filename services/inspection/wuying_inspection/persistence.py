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
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store, VersionedDocument

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
    focus = ListField(StringField())  # skills an inspection of this unit needs (soft, campaigns)
    specialist_fields = ListField(StringField())  # fields its teams draw a mobile specialist for


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
    members = ListField(StringField())  # the team (inspector ids), from a campaign
    leader = StringField()
    completed_on = StringField()
    reminded_on = StringField()  # the organising department was reminded (coverage)


class Disposition(EmbeddedDocument):
    """One rung of the ladder taken on a finding, open until its outcome is recorded."""

    kind = StringField(required=True)
    opened_by = StringField(required=True)
    opened_at = DateTimeField(required=True)
    outcome = StringField()
    note = StringField()  # stays here, like the summary
    closed_by = StringField()
    closed_on = StringField()


class Finding(EmbeddedDocument):
    id = StringField(required=True)
    round = IntField(required=True)
    severity = StringField(required=True, choices=("early_sign", "general", "serious"))
    disposition = StringField(required=True)  # the first one
    dispositions = ListField(EmbeddedDocumentField(Disposition))
    official_id = StringField()
    summary = StringField(required=True)  # stays in this service: it may name people
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)

    @property
    def closed(self) -> bool:
        return bool(self.dispositions) and all(d.outcome for d in self.dispositions)


class EvaluationRecord(EmbeddedDocument):
    """The year's result for the unit's annual evaluation (评优评先; 000/E 结果运用)."""

    standing = StringField(required=True)
    findings = DictField()
    open_dispositions = IntField(required=True)
    rounds_completed = IntField(required=True)
    rounds_planned = IntField(required=True)
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)


class Plan(OutboxDocument):
    """One unit's inspection plan for one year, keyed ``"<unit_id>:<year>"``: the key is the
    one-plan-per-unit-and-year rule (a second insert is a duplicate ``_id``)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "plans",
        "indexes": [
            ("county", "year"),
            ("year", "specialist_ids"),
            ("year", "inspector_ids"),
            "outbox_pending",
            ("remind_pending", "next_start"),
        ],
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
    inspector_ids = ListField(StringField())  # every team member of every round: "my assignments"
    findings = ListField(EmbeddedDocumentField(Finding))
    evaluation = EmbeddedDocumentField(EvaluationRecord)
    campaign_id = StringField()
    plan_version = IntField(default=1)
    # the timer's key: the earliest round not yet reminded, and whether one is left
    next_start = StringField()
    remind_pending = BooleanField(default=True)
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    def refresh_index_fields(self) -> None:
        """The flattened fields the list queries and the timer read."""
        self.specialist_ids = sorted({s.id for r in self.rounds for s in r.specialists})
        self.inspector_ids = sorted(
            {m for r in self.rounds for m in r.members} | {s.id for r in self.rounds for s in r.specialists}
        )
        waiting = sorted(r.starts_on for r in self.rounds if not r.reminded_on and not r.completed_on)
        self.next_start = waiting[0] if waiting else None
        self.remind_pending = bool(waiting)

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
    """A region's yearly inspection campaign, keyed ``"<region>:<year>"``: its visits (the
    preview, then the committed plan) and every version's moves."""

    meta = {"db_alias": ALIAS, "collection": "campaigns"}
    id = StringField(primary_key=True)
    region = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
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
    def key_for(region: str, year: int) -> str:
        return f"{region}:{year}"


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

    documents = (Unit, Plan, CrossAssignment, SpecialistMember, InspectorMember, RelativeLink, Campaign)

    def get_unit(self, unit_id: str) -> Unit | None:
        return self.get(Unit, unit_id)

    def upsert_unit(self, raw: dict) -> Unit:
        """Register a unit or replace its registration (the registry owns every field)."""
        unit = Unit(id=raw["id"], **{key: raw.get(key) for key in ("name", "county", "kind", "zone")})
        unit.focus = list(raw.get("focus") or [])
        unit.specialist_fields = list(raw.get("specialist_fields") or [])
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

    # -- the inspector pool, campaigns, coverage ------------------------------------------------
    def inspectors_in(self, region: str) -> list[InspectorMember]:
        """The pool of a region (a campaign draws on the province's: 001 贵州)."""
        return list(InspectorMember.objects(county__startswith=region_prefix(region)).order_by("id"))

    def units_in(self, region: str) -> list[Unit]:
        return list(Unit.objects(county__startswith=region_prefix(region)).order_by("county", "id"))

    def plans_in(self, region: str, year: int) -> list[Plan]:
        """A region's plans for a year (coverage, a campaign's commit): one query per request."""
        return list(Plan.objects(county__startswith=region_prefix(region), year=year).order_by("county", "unit_id"))

    def plans_of_inspector(self, inspector_id: str, year: int) -> list[Plan]:
        return list(Plan.objects(year=year, inspector_ids=inspector_id).order_by("unit_id").limit(500))

    def plans_to_remind(self, until: str, limit: int = 500) -> list[Plan]:
        """Plans with a round starting on or before ``until`` (ISO) not yet reminded: the timer."""
        return list(Plan.objects(remind_pending=True, next_start__lte=until).limit(limit))
