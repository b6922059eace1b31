"""Create a campaign (the preview of every visit's method and working-day dates, ``draft``) and
solve it: the teams by CP-SAT under the 回避 rules, or the rules and units that make it
impossible, with a new ``plan_version`` recording what moved (001 贵州, 湖南; 004 闵行)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from itertools import combinations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.rules import WorkingDays

from ...domain.assignment import Problem, Slot, Solution, assign_teams
from ...domain.campaigns import CAMPAIGN_KINDS, CampaignUnit, campaign_slots, check_round_order, moves
from ...domain.pool import Inspector, Period
from ...domain.ruledata import RULES_VERSION, CampaignRules
from ...exceptions import CampaignExists, CampaignState
from ...persistence import Blocker, Campaign, CampaignMove, CampaignVersion, InspectionStore, Plan
from ..pool import to_domain
from .visits import _rules, _slot, _team, _visit, campaigns_of_year, get_campaign


def create_campaign(
    store: InspectionStore, clock: SystemClock, calendar: WorkingDays, principal: Principal, command: dict
) -> Campaign:
    """Plan every unit in scope of a region for a year, or one round of it (``round``): methods
    mixed by rule data, dates in working days inside the rounds' windows; the preview (no teams
    yet), status ``draft``. A whole year's campaign and one-round campaigns of the same region
    and year exclude each other (409 ``campaign_exists``)."""
    region, year, round_number = command["region"], command["year"], command.get("round")
    principal.require_county(region, field="region")
    key = Campaign.key_for(region, year, round_number)
    _refuse_existing(store, region, year, round_number, key)
    raw_rules = {"campaign": command.get("campaign_rules") or {}, "assignment": command.get("assignment_rules") or {}}
    campaign_rules = CampaignRules().with_overrides(raw_rules["campaign"])
    if command.get("rounds"):
        campaign_rules = CampaignRules().with_overrides({**raw_rules["campaign"], "rounds": command["rounds"]})
        raw_rules["campaign"]["rounds"] = command["rounds"]
    kinds = set(command.get("kinds") or CAMPAIGN_KINDS)
    plans = {p.unit_id: p for p in store.plans_in(region, year)}
    if round_number is None:
        own_plans = {u for u, p in plans.items() if p.campaign_id != key}
    else:  # only a unit whose round is planned already (by hand, or another campaign) is kept out
        own_plans = {u for u, p in plans.items() if p.planned_elsewhere(round_number, key)}
    units = [u for u in store.units_in(region) if u.kind in kinds]
    in_campaign = [
        CampaignUnit(u.id, u.name, u.county, u.zone, frozenset(u.focus or ())) for u in units if u.id not in own_plans
    ]
    windows = [(w["starts_on"], w["ends_on"]) for w in command["windows"]] if command.get("windows") else None
    slots = campaign_slots(in_campaign, year, campaign_rules, calendar, windows, round_number=round_number)
    if round_number is not None:
        _check_order(store, region, year, round_number, slots, plans)
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
        round=round_number,
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


def _refuse_existing(store: InspectionStore, region: str, year: int, round_number: int | None, key: str) -> None:
    """One campaign per key; a whole year's campaign and one-round campaigns of the same region
    and year exclude each other (read by key)."""
    if store.get(Campaign, key) is not None:
        what = f"第 {round_number} 次巡察的" if round_number else ""
        raise CampaignExists(fields={"year": f"{region} {year} 年{what}巡察安排已存在"})
    if round_number is not None and store.get(Campaign, Campaign.key_for(region, year)) is not None:
        raise CampaignExists(fields={"round": f"{region} {year} 年已有全年的巡察安排，不能再单独安排一次巡察"})
    if round_number is None:
        rounds = sorted(c.round for c in campaigns_of_year(store, region, year, but=key) if c.round)
        if rounds:
            listed = "、".join(str(n) for n in rounds)
            raise CampaignExists(fields={"year": f"{region} {year} 年已按次安排了第 {listed} 次巡察，不能再做全年安排"})


def _check_order(
    store: InspectionStore, region: str, year: int, round_number: int, slots: list[Slot], plans: dict[str, Plan]
) -> None:
    """Each unit's new round follows its earlier rounds and precedes its later ones, whether they
    are in its plan or in another one-round campaign of the region's year."""
    others: dict[str, list[tuple[int, date, date]]] = {}
    for plan in plans.values():
        for r in plan.rounds:
            if r.round != round_number:
                others.setdefault(plan.unit_id, []).append(
                    (r.round, date.fromisoformat(r.starts_on), date.fromisoformat(r.ends_on))
                )
    for sibling in campaigns_of_year(store, region, year, but=Campaign.key_for(region, year, round_number)):
        for v in sibling.visits:
            others.setdefault(v.unit_id, []).append(
                (v.round, date.fromisoformat(v.starts_on), date.fromisoformat(v.ends_on))
            )
    for slot in slots:
        check_round_order(slot.unit_id, round_number, slot.starts_on, slot.ends_on, others.get(slot.unit_id, ()))


def start_solving(store: InspectionStore, principal: Principal, campaign_id: str) -> Campaign:
    """Mark the campaign as being solved (the solve itself runs in the background)."""
    campaign = get_campaign(store, principal, campaign_id)
    if campaign.status == "solving":
        raise CampaignState(fields={"status": "正在求解中"})
    campaign.status = "solving"
    store.save(campaign)
    return campaign


def _history(store: InspectionStore, campaign: Campaign) -> tuple[dict[str, frozenset[str]], frozenset[frozenset[str]]]:
    """Last year's campaigns of the region (the whole year's, or its one-round campaigns): who
    inspected which unit, who were team-mates (001 湖南: rotate who supervises whom)."""
    units: dict[str, set[str]] = {}
    mates: set[frozenset[str]] = set()
    for last in campaigns_of_year(store, campaign.region, campaign.year - 1):
        for v in last.visits:
            units.setdefault(v.unit_id, set()).update(v.members)
            mates.update(frozenset(pair) for pair in combinations(sorted(v.members), 2))
    return {u: frozenset(p) for u, p in units.items()}, frozenset(mates)


def _busy_elsewhere(store: InspectionStore, campaign: Campaign, people: list[Inspector]) -> list[Inspector]:
    """A one-round campaign's people are away while they are on a team of another round of the
    same year (another one-round campaign): one team at a time across campaigns too."""
    if campaign.round is None:
        return people
    busy: dict[str, list[Period]] = {}
    for sibling in campaigns_of_year(store, campaign.region, campaign.year, but=campaign.id):
        for v in sibling.visits:
            period = Period(date.fromisoformat(v.starts_on), date.fromisoformat(v.ends_on))
            for pid in {*v.members, *(p for _, p in v.specialists)}:
                busy.setdefault(pid, []).append(period)
    return [replace(p, unavailable=(*p.unavailable, *busy[p.id])) if p.id in busy else p for p in people]


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
    people = _busy_elsewhere(store, campaign, [to_domain(d) for d in store.inspectors_in(campaign.region[:2] + "0000")])
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
