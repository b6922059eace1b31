"""``InspectionStore``: the repository of the inspection service, the only code that reads or
writes its documents."""

from __future__ import annotations

from collections.abc import Iterable

from wuying_common.auth import counties_covered
from wuying_common.paging import Page
from wuying_common.store import Store
from wuying_common.tallies import TallyDocument, TallyWrites

from .base import region_prefix
from .calendar import CalendarYear
from .campaigns import Campaign
from .plans import CrossAssignment, Plan, SpecialistMember, Unit
from .pool import InspectorMember, RelativeLink
from .tallies import CoverageTallies, PlanTally, UnitTally

# Years a cross assignment's history reaches back: the API's whole range (2000-2100), so the
# history read by key is every past assignment the region can have.
CROSS_HISTORY_YEARS = 100


class InspectionRecords(TallyWrites, Store):
    """Repository of the inspection service: the generic writes of ``Store`` (``add``,
    ``save``, ``get``...) plus the reads below. Single aggregates are read by key; only the
    lists (plans of a county, a region's zones, the specialist pool, a year's bookings) query
    other fields, indexed on MongoDB and scanned on the embedded store. ``InspectionStore``
    (below) keeps the coverage tallies in step with its writes."""

    documents = (
        Unit,
        Plan,
        CrossAssignment,
        SpecialistMember,
        InspectorMember,
        RelativeLink,
        Campaign,
        CalendarYear,
        UnitTally,
        PlanTally,
    )

    def get_unit(self, unit_id: str) -> Unit | None:
        return self.get(Unit, unit_id)

    def upsert_unit(self, raw: dict) -> Unit:
        """Register a unit or replace its registration (the registry owns every field)."""
        unit = Unit(id=raw["id"], **{key: raw.get(key) for key in ("name", "county", "kind", "zone")})
        unit.focus = list(raw.get("focus") or [])
        unit.specialist_fields = list(raw.get("specialist_fields") or [])
        self.add_or_replace(unit)
        return unit

    def upsert_units(self, raws: list[dict]) -> int:
        """A registration batch (the API's, the province loader's): each unit by key (their
        stored counties read in one go), their coverage entries written once per county at the end."""
        with self.tallies_batched(units=[raw["id"] for raw in raws]):  # type: ignore[attr-defined]
            for raw in raws:
                self.upsert_unit(raw)
        return len(raws)

    def get_plan(self, plan_id: str) -> Plan | None:
        return self.get(Plan, plan_id)

    def plan_for(self, unit_id: str, year: int) -> Plan | None:
        return self.get(Plan, Plan.key_for(unit_id, year))

    def plans(self, counties: Iterable[str], page: dict, year: int | None = None) -> Page:
        """A page of the plans of some counties (of one year), by key (``<unit>:<year>``)."""
        query = Plan.objects(county__in=list(counties))
        if year is not None:
            query = query(year=year)
        return self.paged(query, page)

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
        """A region's units (a city or province rolled up by the platform's one helper)."""
        return list(Unit.objects(county__in=_counties(region)).order_by("county", "id"))

    def plans_in(self, region: str, year: int) -> list[Plan]:
        """A region's plans for a year (coverage, a campaign's commit): one query per request."""
        return list(Plan.objects(county__in=_counties(region), year=year).order_by("county", "unit_id"))

    def plans_of_inspector(self, inspector_id: str, year: int) -> list[Plan]:
        return list(Plan.objects(year=year, inspector_ids=inspector_id).order_by("unit_id").limit(500))

    def plans_to_remind(self, until: str, limit: int = 500) -> list[Plan]:
        """Plans with a round starting on or before ``until`` (ISO) not yet reminded: the timer."""
        return list(Plan.objects(remind_pending=True, next_start__lte=until).limit(limit))

    # -- what a rebuild of the coverage tallies reads (an operator's action: scans) --------------
    def units_of(self, counties: set[str] | None) -> list[Unit]:
        return list(Unit.objects if counties is None else Unit.objects(county__in=sorted(counties)))

    def plans_of(self, counties: set[str] | None) -> list[Plan]:
        """Plans of every year (only the fields a coverage entry needs)."""
        query = Plan.objects if counties is None else Plan.objects(county__in=sorted(counties))
        return list(query.only("id", "unit_id", "county", "year", "rounds"))

    def tally_keys(self, cls: type[TallyDocument]) -> list[str]:
        return [son["_id"] for son in cls._get_collection().find({}, {"_id": 1})]

    # -- the province's calendar ------------------------------------------------------------------
    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        """Every loaded year (a handful of small documents: read whole by the refresh timer)."""
        return list(CalendarYear.objects.order_by("id"))

    def put_calendar_year(self, year: CalendarYear) -> None:
        """A year written whole by key (a later load of the same year replaces it)."""
        self.add_or_replace(year)


class InspectionStore(CoverageTallies, InspectionRecords):
    """The inspection store: its writes of units and plans keep the coverage tallies in step
    (``tallies.CoverageTallies``)."""


def _counties(region: str) -> list[str]:
    return list(counties_covered((region,)) or ())
