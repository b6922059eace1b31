"""Coverage by unit and year, by city and county, the province at a glance (000/E 每年不少于2次;
001 贵州 全覆盖), and reminders to the organising department ahead of a round."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal, counties_covered
from wuying_common.clock import SystemClock
from wuying_common.rules import WorkingDays

from ..domain.coverage import Coverage, reminder_due, tally_coverage
from ..domain.ruledata import CampaignRules
from ..persistence import InspectionStore


def region_coverage(
    store: InspectionStore, clock: SystemClock, principal: Principal, region: str, year: int, units: bool = True
) -> Coverage:
    """Planned, done, missed and overdue for every unit in scope of ``region`` and ``year``,
    from the coverage tallies (issue 14 item 7): the region's counties' unit tallies and their
    plan tallies of the year, two reads by key whatever the region holds. ``units`` False leaves
    the list of units needing attention empty (a dashboard's figures: 29,000 rows at province
    scope)."""
    principal.require_county(region, field="region")
    unit_entries, plan_entries = store.coverage_tallies(counties_covered((region,)) or (), year)
    return tally_coverage(region, year, unit_entries, plan_entries, clock.today(), attention=units)


def rebuild_tallies(store: InspectionStore, counties: list[str] | None = None) -> dict:
    """An operator's mend: the coverage tallies of ``counties`` (None: every county) recomputed
    from the units and plans stored."""
    return store.rebuild_coverage_tallies(counties)


def upcoming_rounds(
    store: InspectionStore,
    clock: SystemClock,
    calendar: WorkingDays,
    principal: Principal,
    region: str,
    lead: int | None,
) -> list[dict]:
    """Rounds of the region starting within ``lead`` working days (rule data by default): what
    the organising department prepares next (000/E: 干部监督室负责组织和实施)."""
    principal.require_county(region, field="region")
    lead = CampaignRules().reminder_working_days if lead is None else lead
    today = clock.today()
    found = []
    for plan in store.plans_in(region, today.year) + store.plans_in(region, today.year + 1):
        for r in plan.rounds:
            starts_on = date.fromisoformat(r.starts_on)
            if not r.completed_on and reminder_due(calendar, today, starts_on, lead):
                found.append(
                    {
                        "plan_id": plan.id,
                        "unit_id": plan.unit_id,
                        "unit_name": plan.unit_name,
                        "county": plan.county,
                        "round": r.round,
                        "method": r.method,
                        "starts_on": r.starts_on,
                        "ends_on": r.ends_on,
                        "leader": r.leader,
                        "team": list(r.members),
                        "reminded_on": r.reminded_on,
                    }
                )
    return sorted(found, key=lambda f: (f["starts_on"], f["county"], f["unit_id"]))


def remind_organisers(
    store: InspectionStore, clock: SystemClock, calendar: WorkingDays, lead: int | None = None
) -> list[tuple[str, int]]:
    """The timer: mark every round due for a reminder as reminded (the organising department's
    list shows it), plan by plan by key. Found through the plans' ``next_start`` (indexed)."""
    lead = CampaignRules().reminder_working_days if lead is None else lead
    today = clock.today()
    horizon = calendar.add_working_days(today, lead).date
    reminded: list[tuple[str, int]] = []
    for found in store.plans_to_remind(horizon.isoformat()):
        plan = store.get_plan(found.id)
        if plan is None:
            continue
        for r in plan.rounds:
            if (
                not r.reminded_on
                and not r.completed_on
                and reminder_due(calendar, today, date.fromisoformat(r.starts_on), lead)
            ):
                r.reminded_on = today.isoformat()
                reminded.append((plan.county, r.round))
            elif not r.reminded_on and date.fromisoformat(r.starts_on) <= today:
                r.reminded_on = "started"  # too late to remind: it has begun
        plan.refresh_index_fields()
        store.save(plan)
    return reminded
