"""Events a plan emits whatever the use case: ``inspection.scheduled`` in both versions."""

from __future__ import annotations

from datetime import date

from wuying_common.clock import SystemClock

from ..domain.plans import MIN_ROUNDS_PER_YEAR
from ..domain.ruledata import CONFIDENTIAL_METHODS, SCHEDULED_V1_RETIRES_ON
from ..persistence import Plan
from ..schemas import INSPECTION_SCHEDULED, INSPECTION_SCHEDULED_V2


def scheduled_v2_rounds(plan: Plan, today: date) -> list[dict]:
    """Issue 12: the dates of surprise and unannounced rounds (突击检查、暗访, 000/E) are not given
    to the inspected unit, nor on events other agencies read, before the round starts."""
    rounds = []
    for r in plan.rounds:
        withheld = r.method in CONFIDENTIAL_METHODS and date.fromisoformat(r.starts_on) > today
        rounds.append(
            {
                "round": r.round,
                "method": r.method,
                "starts_on": None if withheld else date.fromisoformat(r.starts_on),
                "ends_on": None if withheld else date.fromisoformat(r.ends_on),
                "dates_withheld": withheld,
            }
        )
    return rounds


def record_scheduled(plan: Plan, clock: SystemClock, retires_on: date | None = None) -> bool:
    """Record ``inspection.scheduled`` v2 and, until v1's retirement date, v1 beside it, in the
    plan's own write. The event is a unit's plan of the year, at least two rounds (000/E; both
    contracts say so): a plan whose year is planned one round at a time (one-round campaigns) is
    announced once it holds two rounds, with all of them. Returns whether it was recorded."""
    if len(plan.rounds) < MIN_ROUNDS_PER_YEAR:
        return False
    today = clock.today()
    if today < (retires_on or INSPECTION_SCHEDULED.retires or SCHEDULED_V1_RETIRES_ON):
        plan.record_event(
            INSPECTION_SCHEDULED,
            {
                "plan_id": plan.id,
                "unit_id": plan.unit_id,
                "county": plan.county,
                "year": plan.year,
                "zone": plan.zone,
                "rounds": [
                    {
                        "round": r.round,
                        "method": r.method,
                        "starts_on": date.fromisoformat(r.starts_on),
                        "ends_on": date.fromisoformat(r.ends_on),
                    }
                    for r in plan.rounds
                ],
            },
            now=clock.now(),
        )
    plan.record_event(
        INSPECTION_SCHEDULED_V2,
        {
            "plan_id": plan.id,
            "unit_id": plan.unit_id,
            "county": plan.county,
            "year": plan.year,
            "zone": plan.zone,
            "plan_version": plan.plan_version or 1,
            "campaign_id": plan.campaign_id,
            "rounds": scheduled_v2_rounds(plan, today),
        },
        now=clock.now(),
    )
    return True
