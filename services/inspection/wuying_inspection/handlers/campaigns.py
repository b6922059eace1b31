"""Campaigns: a region's yearly inspection in one action (000/E; 001 贵州 1806 units, 666 teams),
teams assigned by CP-SAT under the 回避 rules (001 贵州, 湖南; 004 闵行), previewed, overridden
with a reason, committed into the units' plans.

create → the preview of every visit's method and working-day dates (status ``draft``);
solve → the teams (``solved``), or the rules and units that make it impossible (``infeasible``),
a new ``plan_version`` recording what moved; override → one visit's team by hand, with a reason,
rechecked against the hard rules, fixed for later solves; commit → every unit's plan written with
``inspection.scheduled`` (v1 and v2) in its own write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import combinations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.rules import WorkingDays

from ..domain.assignment import Problem, Slot, Solution, Team, assign_teams, check_team
from ..domain.campaigns import CAMPAIGN_KINDS, CampaignUnit, campaign_slots, moves
from ..domain.plans import METHODS_ZH
from ..domain.ruledata import RULES_VERSION, AssignmentRules, CampaignRules
from ..exceptions import CampaignExists, CampaignNotFound, CampaignState, OverrideBreaksRule, RoundNotFound
from ..persistence import (
    Blocker,
    Campaign,
    CampaignMove,
    CampaignOverride,
    CampaignVersion,
    CampaignVisit,
    InspectionStore,
    InspectorMember,
    Plan,
    PlanRound,
    RoundSpecialist,
    Unit,
)
from .events import record_scheduled
from .pool import to_domain


def _rules(campaign: Campaign) -> tuple[CampaignRules, AssignmentRules]:
    raw = campaign.rules or {}
    return CampaignRules().with_overrides(raw.get("campaign")), AssignmentRules().with_overrides(raw.get("assignment"))


def _slot(v: CampaignVisit) -> Slot:
    return Slot(
        v.key,
        v.unit_id,
        v.county,
        v.zone,
        v.method,
        date.fromisoformat(v.starts_on),
        date.fromisoformat(v.ends_on),
        frozenset(v.focus),
        tuple(v.specialist_fields),
        v.unit_name or "",
    )


def _team(v: CampaignVisit) -> Team:
    return Team(tuple(v.members), v.leader, tuple((f, p) for f, p in v.specialists))


def _visit(slot: Slot, round_number: int, team: Team | None, fixed: bool = False) -> CampaignVisit:
    return CampaignVisit(
        key=slot.key,
        unit_id=slot.unit_id,
        unit_name=slot.unit_name,
        county=slot.county,
        zone=slot.zone,
        round=round_number,
        method=slot.method,
        starts_on=slot.starts_on.isoformat(),
        ends_on=slot.ends_on.isoformat(),
        focus=sorted(slot.focus),
        specialist_fields=list(slot.specialists),
        members=list(team.members) if team else [],
        leader=team.leader if team else None,
        specialists=[[f, p] for f, p in team.specialists] if team else [],
        fixed=fixed,
    )


def get_campaign(store: InspectionStore, principal: Principal, campaign_id: str) -> Campaign:
    campaign = store.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound(fields={"campaign_id": campaign_id})
    principal.require_county(campaign.region, field="campaign_id")
    return campaign


def create_campaign(
    store: InspectionStore, clock: SystemClock, calendar: WorkingDays, principal: Principal, command: dict
) -> Campaign:
    """Plan every unit in scope of a region for a year: methods mixed by rule data, dates in
    working days inside the rounds' windows; the preview (no teams yet), status ``draft``."""
    region, year = command["region"], command["year"]
    principal.require_county(region, field="region")
    key = Campaign.key_for(region, year)
    if store.get(Campaign, key) is not None:
        raise CampaignExists(fields={"year": f"{region} {year} 年的巡察安排已存在"})
    raw_rules = {"campaign": command.get("campaign_rules") or {}, "assignment": command.get("assignment_rules") or {}}
    campaign_rules = CampaignRules().with_overrides(raw_rules["campaign"])
    if command.get("rounds"):
        campaign_rules = CampaignRules().with_overrides({**raw_rules["campaign"], "rounds": command["rounds"]})
        raw_rules["campaign"]["rounds"] = command["rounds"]
    kinds = set(command.get("kinds") or CAMPAIGN_KINDS)
    own_plans = {p.unit_id for p in store.plans_in(region, year) if p.campaign_id != key}
    units = [u for u in store.units_in(region) if u.kind in kinds]
    in_campaign = [
        CampaignUnit(u.id, u.name, u.county, u.zone, frozenset(u.focus or ())) for u in units if u.id not in own_plans
    ]
    windows = [(w["starts_on"], w["ends_on"]) for w in command["windows"]] if command.get("windows") else None
    slots = campaign_slots(in_campaign, year, campaign_rules, calendar, windows)
    specialist_fields = {u.id: list(u.specialist_fields or ()) for u in units}
    visits = []
    for slot in slots:
        visit = _visit(slot, int(slot.key.rsplit(":", 1)[1]), None)
        visit.specialist_fields = specialist_fields.get(slot.unit_id, [])
        visits.append(visit)
    campaign = Campaign(
        id=key,
        region=region,
        year=year,
        rules=raw_rules,
        rules_version=RULES_VERSION,
        windows=[[s.isoformat(), e.isoformat()] for s, e in windows] if windows else [],
        visits=visits,
        kept_plans=sorted(own_plans & {u.id for u in units}),
        created_by=principal.subject,
        created_at=clock.now().replace(tzinfo=None),
    )
    store.add(campaign)
    return campaign


def start_solving(store: InspectionStore, principal: Principal, campaign_id: str) -> Campaign:
    """Mark the campaign as being solved (the solve itself runs in the background)."""
    campaign = get_campaign(store, principal, campaign_id)
    if campaign.status == "solving":
        raise CampaignState(fields={"status": "正在求解中"})
    campaign.status = "solving"
    store.save(campaign)
    return campaign


def _history(store: InspectionStore, campaign: Campaign) -> tuple[dict[str, frozenset[str]], frozenset[frozenset[str]]]:
    """Last year's campaign of the region: who inspected which unit, who were team-mates
    (001 湖南: rotate who supervises whom)."""
    last = store.get(Campaign, Campaign.key_for(campaign.region, campaign.year - 1))
    units: dict[str, set[str]] = {}
    mates: set[frozenset[str]] = set()
    for v in last.visits if last else ():
        units.setdefault(v.unit_id, set()).update(v.members)
        mates.update(frozenset(pair) for pair in combinations(sorted(v.members), 2))
    return {u: frozenset(p) for u, p in units.items()}, frozenset(mates)


def solve_campaign(
    store: InspectionStore,
    clock: SystemClock,
    principal: Principal,
    campaign_id: str,
    progress: Callable[[dict], None] | None = None,
    run: Callable[..., Solution] | None = None,
) -> Campaign:
    """Assign every visit's team (CP-SAT); keep fixed visits and, on a re-solve, what has
    started; record the new version and what moved. An impossible assignment is an answer:
    status ``infeasible`` with the blocking rules and units, the visits left as they were.
    ``run(assign_teams, problem, rules, progress)`` runs the solver (the service: in an OS
    thread, so the service keeps answering while it solves)."""
    campaign = get_campaign(store, principal, campaign_id)
    started_version = campaign.plan_version
    _, assignment_rules = _rules(campaign)
    today = clock.today()
    slots = [_slot(v) for v in campaign.visits]
    previous = {v.key: _team(v) for v in campaign.visits if v.members}
    # fixed: set by an override, or a committed visit that has started
    committed = campaign.committed_version is not None
    fixed = {
        v.key: _team(v)
        for v in campaign.visits
        if v.members and (v.fixed or (committed and date.fromisoformat(v.starts_on) <= today))
    }
    last_units, last_mates = _history(store, campaign)
    people = [to_domain(d) for d in store.inspectors_in(campaign.region[:2] + "0000")]
    problem = Problem(slots, people, fixed, previous, last_units, last_mates)
    solution = (run or _direct)(assign_teams, problem, assignment_rules, progress)

    campaign = get_campaign(store, principal, campaign_id)  # fresh: overrides may have come meanwhile
    if campaign.plan_version != started_version:
        campaign.status = "solved" if campaign.visits and all(v.members for v in campaign.visits) else "draft"
        store.save(campaign)
        return campaign
    now = clock.now().replace(tzinfo=None)
    campaign.blocking = []
    if not solution.solved:
        campaign.status = solution.status  # infeasible or unknown
        campaign.blocking = [
            Blocker(rule=b.rule, units=list(b.units), periods=[[s.isoformat(), e.isoformat()] for s, e in b.periods])
            for b in solution.blocking
        ]
        campaign.versions.append(
            CampaignVersion(
                plan_version=campaign.plan_version,
                cause="solve",
                status=solution.status,
                at=now,
                by=principal.subject,
                wall_seconds=solution.wall_seconds,
            )
        )
        store.save(campaign)
        return campaign
    by_key = {s.key: s for s in slots}
    moved = moves(by_key, previous, slots, solution.teams) if previous else []
    campaign.visits = [
        _visit(by_key[v.key], v.round, solution.teams.get(v.key), fixed=v.fixed) for v in campaign.visits
    ]
    campaign.plan_version += 1
    campaign.status = "solved"
    campaign.objective, campaign.bound = solution.objective, solution.bound
    campaign.versions.append(
        CampaignVersion(
            plan_version=campaign.plan_version,
            cause="solve",
            status=solution.status,
            at=now,
            by=principal.subject,
            objective=solution.objective,
            bound=solution.bound,
            wall_seconds=solution.wall_seconds,
            moved=[CampaignMove(**vars(m)) for m in moved],
        )
    )
    store.save(campaign)
    return campaign


def _direct(fn: Callable[..., Solution], *args) -> Solution:
    return fn(*args)


def release_solving(store: InspectionStore, principal: Principal, campaign_id: str) -> None:
    """A solve that failed: the campaign goes back to what its visits say."""
    campaign = get_campaign(store, principal, campaign_id)
    if campaign.status == "solving":
        campaign.status = "solved" if campaign.visits and all(v.members for v in campaign.visits) else "draft"
        store.save(campaign)


def override_visit(
    store: InspectionStore, clock: SystemClock, principal: Principal, campaign_id: str, command: dict
) -> Campaign:
    """A visit's team set by hand, with a reason: logged, rechecked against every hard rule
    (a broken one is refused naming it), and fixed for later solves."""
    campaign = get_campaign(store, principal, campaign_id)
    key = f"{command['unit_id']}:{campaign.year}:{command['round']}"
    visit = next((v for v in campaign.visits if v.key == key), None)
    if visit is None:
        raise RoundNotFound(fields={"round": f"该安排中没有 {command['unit_id']} 的第 {command['round']} 次巡察"})
    _, assignment_rules = _rules(campaign)
    people = {d.id: to_domain(d) for d in store.get_many(InspectorMember, command["members"])}
    slot = _slot(visit)
    busy: dict[str, list[Slot]] = {}
    for other in campaign.visits:
        if other.key != key:
            for pid in set(other.members) & set(command["members"]):
                busy.setdefault(pid, []).append(_slot(other))
    broken = check_team(command["members"], command.get("leader"), slot, people, assignment_rules, busy)
    if broken:
        rule, person = broken[0]
        raise OverrideBreaksRule.naming(rule, person, [r for r, _ in broken])
    before = _team(visit)
    visit.members, visit.leader, visit.fixed = list(command["members"]), command["leader"], True
    now = clock.now().replace(tzinfo=None)
    campaign.overrides.append(
        CampaignOverride(
            unit_id=visit.unit_id,
            round=visit.round,
            members=list(command["members"]),
            leader=command["leader"],
            reason=command["reason"],
            by=principal.subject,
            at=now,
        )
    )
    campaign.plan_version += 1
    campaign.versions.append(
        CampaignVersion(
            plan_version=campaign.plan_version,
            cause="override",
            status=campaign.status,
            at=now,
            by=principal.subject,
            moved=[
                CampaignMove(**vars(m))
                for m in moves({key: slot}, {key: before} if before.members else {}, [slot], {key: _team(visit)})
            ],
        )
    )
    store.save(campaign)
    return campaign


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


def my_assignments(store: InspectionStore, principal: Principal, year: int) -> list[dict]:
    """The rounds the caller is on, as member, leader or specialist (issue 12: inspectors see
    their own assignments, surprise dates included — they are the ones who go)."""
    found = []
    for plan in store.plans_of_inspector(principal.subject, year):
        for r in plan.rounds:
            specialist_for = [s.expertise for s in r.specialists if s.id == principal.subject]
            if principal.subject in r.members or specialist_for:
                found.append(
                    {
                        "plan_id": plan.id,
                        "unit_id": plan.unit_id,
                        "unit_name": plan.unit_name,
                        "county": plan.county,
                        "year": plan.year,
                        "round": r.round,
                        "method": r.method,
                        "starts_on": r.starts_on,
                        "ends_on": r.ends_on,
                        "role": "leader"
                        if r.leader == principal.subject
                        else ("specialist" if specialist_for else "member"),
                        "specialist_field": specialist_for[0] if specialist_for else None,
                        "team": list(r.members),
                        "leader": r.leader,
                    }
                )
    return found
