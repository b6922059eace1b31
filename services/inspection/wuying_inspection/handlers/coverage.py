"""Coverage by unit and year, by city and county, the province at a glance (000/E 每年不少于2次;
001 贵州 全覆盖), and reminders to the organising department ahead of a round."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.rules import WorkingDays

from ..domain.campaigns import CAMPAIGN_KINDS
from ..domain.coverage import Coverage, RoundState, coverage, reminder_due, unit_status
from ..domain.ruledata import CampaignRules
from ..persistence import InspectionStore, Plan


def _rounds(plan: Plan) -> list[RoundState]:
    return [
        RoundState(
            r.round, r.method, date.fromisoformat(r.starts_on), date.fromisoformat(r.ends_on), bool(r.completed_on)
        )
        for r in plan.rounds
    ]


def region_coverage(
    store: InspectionStore, clock: SystemClock, principal: Principal, region: str, year: int
) -> Coverage:
    """Planned, done, missed and overdue for every unit in scope of ``region`` and ``year``:
    two list queries (the region's units, its plans of the year), per request of a person."""
    principal.require_county(region, field="region")
    plans = {p.unit_id: p for p in store.plans_in(region, year)}
    today = clock.today()
    statuses = (
        (u.id, u.county, unit_status(_rounds(plans[u.id]) if u.id in plans else None, year, today))
        for u in store.units_in(region)
        if u.kind in CAMPAIGN_KINDS or u.id in plans
    )
    return coverage(region, year, statuses)


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
