"""Commit a solved campaign into the units' plans, each with ``inspection.scheduled`` (v1 and
v2) in its own write."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock

from ...domain.plans import METHODS_ZH
from ...exceptions import CampaignState
from ...persistence import (
    Campaign,
    CampaignVisit,
    InspectionStore,
    InspectorMember,
    Plan,
    PlanRound,
    RoundSpecialist,
    Unit,
)
from ..events import record_scheduled
from .visits import get_campaign


def commit_campaign(store: InspectionStore, clock: SystemClock, principal: Principal, campaign_id: str) -> Campaign:
    """Write every unit's plan from the solved campaign, each with ``inspection.scheduled`` (v1
    until retired, and v2) in its own write; a plan already committed is updated (and its event
    sent again) only where its rounds changed."""
    campaign = get_campaign(store, principal, campaign_id)
    if campaign.status not in ("solved", "committed") or not all(v.members for v in campaign.visits):
        raise CampaignState(fields={"status": "须先求解出每次巡察的巡察组，才能确认发布"})
    by_unit: dict[str, list[CampaignVisit]] = {}
    for v in campaign.visits:
        by_unit.setdefault(v.unit_id, []).append(v)
    existing = {p.unit_id: p for p in store.plans_in(campaign.region, campaign.year) if p.campaign_id == campaign.id}
    units = {u.id: u for u in store.get_many(Unit, list(by_unit))}
    names = {
        d.id: d.name
        for d in store.get_many(InspectorMember, sorted({p for v in campaign.visits for _, p in v.specialists}))
    }
    now = clock.now().replace(tzinfo=None)
    for unit_id, visits in by_unit.items():
        rounds = [_plan_round(v, names) for v in sorted(visits, key=lambda v: v.round)]
        plan = existing.get(unit_id)
        if plan is None:
            unit = units.get(unit_id)
            plan = Plan(
                id=Plan.key_for(unit_id, campaign.year),
                unit_id=unit_id,
                unit_name=visits[0].unit_name or unit_id,
                unit_kind=unit.kind if unit else "other",
                county=visits[0].county,
                zone=visits[0].zone,
                year=campaign.year,
                rounds=rounds,
                campaign_id=campaign.id,
                plan_version=campaign.plan_version,
                created_by=principal.subject,
                created_at=now,
            )
            plan.refresh_index_fields()
            record_scheduled(plan, clock)
            store.add(plan)
            continue
        changed = _merge_rounds(plan, rounds)
        if not changed:
            continue
        plan.plan_version = campaign.plan_version
        plan.refresh_index_fields()
        if changed == "schedule":
            record_scheduled(plan, clock)
        store.save(plan)
    campaign.status = "committed"
    campaign.committed_version = campaign.plan_version
    store.save(campaign)
    return campaign


def _plan_round(v: CampaignVisit, names: dict[str, str]) -> PlanRound:
    return PlanRound(
        round=v.round,
        method=v.method,
        method_zh=METHODS_ZH[v.method],
        starts_on=v.starts_on,
        ends_on=v.ends_on,
        members=list(v.members),
        leader=v.leader,
        specialists=[RoundSpecialist(id=p, name=names.get(p, p), expertise=f) for f, p in v.specialists],
    )


def _merge_rounds(plan: Plan, rounds: list[PlanRound]) -> str | None:
    """Bring a committed plan's rounds up to the campaign's: ``"schedule"`` when a date or a
    method moved (the unit is told again), ``"team"`` when only teams did, None otherwise.
    Completed rounds stay as they are."""
    changed: str | None = None
    by_number = {r.round: r for r in plan.rounds}
    for new in rounds:
        old = by_number.get(new.round)
        if old is None or old.completed_on:
            continue
        if (old.method, old.starts_on, old.ends_on) != (new.method, new.starts_on, new.ends_on):
            old.method, old.method_zh, old.starts_on, old.ends_on = (
                new.method,
                new.method_zh,
                new.starts_on,
                new.ends_on,
            )
            changed = "schedule"
        if (old.members, old.leader, [(s.id, s.expertise) for s in old.specialists]) != (
            new.members,
            new.leader,
            [(s.id, s.expertise) for s in new.specialists],
        ):
            old.members, old.leader, old.specialists = new.members, new.leader, new.specialists
            changed = changed or "team"
    return changed
