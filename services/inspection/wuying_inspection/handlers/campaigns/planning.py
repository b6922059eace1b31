"""Create a campaign (the preview of every visit's method and working-day dates, ``draft``) and
solve it: the teams by CP-SAT under the 回避 rules, or the rules and units that make it
impossible, with a new ``plan_version`` recording what moved (001 贵州, 湖南; 004 闵行)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import combinations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.rules import WorkingDays

from ...domain.assignment import Problem, Solution, assign_teams
from ...domain.campaigns import CAMPAIGN_KINDS, CampaignUnit, campaign_slots, moves
from ...domain.ruledata import RULES_VERSION, CampaignRules
from ...exceptions import CampaignExists, CampaignState
from ...persistence import Blocker, Campaign, CampaignMove, CampaignVersion, InspectionStore
from ..pool import to_domain
from .visits import _rules, _slot, _team, _visit, get_campaign


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
