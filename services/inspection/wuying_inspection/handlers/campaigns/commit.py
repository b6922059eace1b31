"""Commit a solved campaign into the units' plans, each with ``inspection.scheduled`` (v1 and
v2) in its own write. A one-round campaign adds its round to each unit's plan of the year (the
plan is created with that round when the unit has none yet), leaving the other rounds as they
are."""

from __future__ import annotations

from datetime import date, datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock

from ...domain.campaigns import check_round_order
from ...domain.plans import METHODS_ZH
from ...exceptions import CampaignState, PlanExists
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
from .visits import _rules, get_campaign


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
    units = {u.id: u for u in store.get_many(Unit, list(by_unit))}
    names = {
        d.id: d.name
        for d in store.get_many(InspectorMember, sorted({p for v in campaign.visits for _, p in v.specialists}))
    }
    now = clock.now().replace(tzinfo=None)
    with store.tallies_batched():  # the coverage entries of the region's plans, once per county
        if campaign.round is not None:
            _commit_round(store, clock, principal, campaign, by_unit, units, names, now)
        else:
            existing = {
                p.unit_id: p for p in store.plans_in(campaign.region, campaign.year) if p.campaign_id == campaign.id
            }
            for unit_id, visits in by_unit.items():
                rounds = [_plan_round(v, names, campaign.id) for v in sorted(visits, key=lambda v: v.round)]
                plan = existing.get(unit_id)
                if plan is None:
                    store.add(_new_plan(campaign, principal, clock, units.get(unit_id), visits[0], rounds, now))
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


def _new_plan(
    campaign: Campaign,
    principal: Principal,
    clock: SystemClock,
    unit: Unit | None,
    visit: CampaignVisit,
    rounds: list[PlanRound],
    now: datetime,
) -> Plan:
    """A unit's plan of the year, made by a campaign, with ``inspection.scheduled`` recorded."""
    campaign_rules, _ = _rules(campaign)
    plan = Plan(
        id=Plan.key_for(visit.unit_id, campaign.year),
        unit_id=visit.unit_id,
        unit_name=visit.unit_name or visit.unit_id,
        unit_kind=unit.kind if unit else "other",
        county=visit.county,
        zone=visit.zone,
        year=campaign.year,
        rounds=rounds,
        campaign_id=campaign.id,
        rounds_per_year=max(campaign_rules.rounds, len(rounds)),
        plan_version=campaign.plan_version,
        created_by=principal.subject,
        created_at=now,
    )
    plan.refresh_index_fields()
    record_scheduled(plan, clock)
    return plan


def _commit_round(
    store: InspectionStore,
    clock: SystemClock,
    principal: Principal,
    campaign: Campaign,
    by_unit: dict[str, list[CampaignVisit]],
    units: dict[str, Unit],
    names: dict[str, str],
    now: datetime,
) -> None:
    """A one-round campaign: its round into each unit's plan of the year. Everything is checked
    before the first write: a round planned meanwhile by something else is a 409 ``plan_exists``,
    a round that no longer fits between the unit's others (committed meanwhile) a 400."""
    campaign_rules, _ = _rules(campaign)
    plans = {p.unit_id: p for p in store.plans_in(campaign.region, campaign.year)}
    for unit_id, visits in by_unit.items():
        plan, visit = plans.get(unit_id), visits[0]
        if plan is None:
            continue
        if plan.planned_elsewhere(visit.round, campaign.id):
            raise PlanExists(fields={"round": f"{unit_id} 的第 {visit.round} 次巡察已另有安排"})
        check_round_order(
            unit_id,
            visit.round,
            date.fromisoformat(visit.starts_on),
            date.fromisoformat(visit.ends_on),
            [
                (r.round, date.fromisoformat(r.starts_on), date.fromisoformat(r.ends_on))
                for r in plan.rounds
                if r.round != visit.round
            ],
        )
    for unit_id, visits in by_unit.items():
        new = _plan_round(visits[0], names, campaign.id)
        plan = plans.get(unit_id)
        if plan is None:
            store.add(_new_plan(campaign, principal, clock, units.get(unit_id), visits[0], [new], now))
            continue
        if not plan.has_round(new.round):  # a round the plan did not have: the unit is told
            plan.rounds = sorted([*plan.rounds, new], key=lambda r: r.round)
            changed: str | None = "schedule"
        else:
            changed = _merge_rounds(plan, [new])
        if not changed:
            continue
        # the plan's versions only go up, whichever of the year's campaigns changed it
        plan.plan_version = max(campaign.plan_version, (plan.plan_version or 0) + 1)
        plan.campaign_id = campaign.id
        plan.rounds_per_year = max(plan.rounds_per_year or 0, campaign_rules.rounds, len(plan.rounds))
        plan.refresh_index_fields()
        if changed == "schedule":
            record_scheduled(plan, clock)
        store.save(plan)


def _plan_round(v: CampaignVisit, names: dict[str, str], campaign_id: str) -> PlanRound:
    return PlanRound(
        round=v.round,
        method=v.method,
        method_zh=METHODS_ZH[v.method],
        starts_on=v.starts_on,
        ends_on=v.ends_on,
        members=list(v.members),
        leader=v.leader,
        specialists=[RoundSpecialist(id=p, name=names.get(p, p), expertise=f) for f, p in v.specialists],
        campaign_id=campaign_id,
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
