"""``FakeInspectionStore``: the inspection store over dicts, for handler unit tests.

It is an ``InspectionStore`` whose primitives (``add``, ``save``, ``get``...) and list queries
keep documents in memory instead of calling mongoengine; the key-based repository methods
(``plan_for``, ``cross_assignment_covering``, ``upsert_unit``...) and the coverage tallies' upkeep
are the real ones, built on
those primitives. Documents are kept as their MongoDB form and rebuilt on every read, so a
handler that changes an aggregate and fails before ``save`` leaves the store as it was, and a
stale copy's ``save`` is a ``Conflict`` exactly as on MongoDB.
"""

from __future__ import annotations

from wuying_common.auth import counties_covered
from wuying_common.paging import Page
from wuying_inspection.persistence import (
    CalendarYear,
    CoverageTallies,
    InspectionRecords,
    InspectorMember,
    Plan,
    SpecialistMember,
    Unit,
    region_prefix,
)

from .memory import MemoryStore


class FakeInspectionStore(CoverageTallies, MemoryStore, InspectionRecords):
    """``CoverageTallies`` in front, as in ``InspectionStore``: the fake's writes keep the
    coverage tallies (over ``MemoryStore``'s dicts) exactly as the real store's do."""

    # -- the list queries ------------------------------------------------------------------
    def plans(self, counties, page: dict, year: int | None = None) -> Page:
        return self.paged(
            (p for p in self.all(Plan) if p.county in counties and (year is None or p.year == year)), page
        )

    def zones_in(self, region: str) -> list[str]:
        prefix = region_prefix(region)
        return sorted({u.zone for u in self.all(Unit) if u.county.startswith(prefix) and u.zone})

    def specialists_in(self, region: str) -> list[SpecialistMember]:
        prefix = region_prefix(region)
        return sorted((m for m in self.all(SpecialistMember) if m.county.startswith(prefix)), key=lambda m: m.id)

    def plans_booking(self, specialist_ids: list[str], year: int) -> list[Plan]:
        wanted = set(specialist_ids)
        return [p for p in self.all(Plan) if p.year == year and wanted & set(p.specialist_ids)]

    def inspectors_in(self, region: str) -> list[InspectorMember]:
        prefix = region_prefix(region)
        return sorted((m for m in self.all(InspectorMember) if m.county.startswith(prefix)), key=lambda m: m.id)

    def units_in(self, region: str) -> list[Unit]:
        counties = counties_covered((region,))
        return sorted((u for u in self.all(Unit) if u.county in counties), key=lambda u: (u.county, u.id))

    def plans_in(self, region: str, year: int) -> list[Plan]:
        counties = counties_covered((region,))
        found = [p for p in self.all(Plan) if p.county in counties and p.year == year]
        return sorted(found, key=lambda p: (p.county, p.unit_id))

    def plans_of_inspector(self, inspector_id: str, year: int) -> list[Plan]:
        found = [p for p in self.all(Plan) if p.year == year and inspector_id in p.inspector_ids]
        return sorted(found, key=lambda p: p.unit_id)[:500]

    def plans_to_remind(self, until: str, limit: int = 500) -> list[Plan]:
        return [p for p in self.all(Plan) if p.remind_pending and p.next_start and p.next_start <= until][:limit]

    def units_of(self, counties: set[str] | None) -> list[Unit]:
        return [u for u in self.all(Unit) if counties is None or u.county in counties]

    def plans_of(self, counties: set[str] | None) -> list[Plan]:
        return [p for p in self.all(Plan) if counties is None or p.county in counties]

    def tally_keys(self, cls) -> list[str]:
        return list(self._table(cls))

    def calendar_years(self) -> list[CalendarYear]:
        return sorted(self.all(CalendarYear), key=lambda y: y.id)
