"""Risk points: found in five steps by the right people, evaluated under the commission's
versioned rules within the department's 10% cap, ranked, published, and reviewed on a cadence.

Five steps 自己找 → 同事帮 → 领导点 → 集体定 → 组织审, colleagues assigned by the system, each
contribution kept with its author, nobody twice (seeds 002/篇1 ⑵②; 002/篇8 第九条 (一)二); kinds
(002/篇6; 篇8 第五条); seven-factor evaluation to an index, a level, a ranking and the acceptable
baseline (002/篇1 ⑵③); at most 10% of a department's risks rated high, "原则上" — an exception
needs a commission leader's recorded reason (000/A); published internally after 组织审 (篇1 ④).
"""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.outbox import new_id
from wuying_common.paging import Page, page_of

from ..domain.cadence import next_review
from ..domain.evaluation import (
    CapExceptionNotAllowed,
    EvaluationRules,
    HighRiskCapReached,
    check_high_cap,
    evaluate,
    rank,
)
from ..domain.identification import (
    LEADER_ROLES,
    Actor,
    check_evaluable,
    check_participants,
    check_person,
    check_step,
    status_after,
)
from ..exceptions import PowerNotFound, RiskPointNotFound
from ..persistence import HISTORY_KEPT, CapException, ContributionRecord, EvaluationRecord, RiskPoint, RiskStore
from ..schemas import RISK_ASSESSED
from .rules import in_force, mark_used

# Who may evaluate: the department's or the organisation's deciders.
DECIDERS = ("risk_officer", "commission_leader", "commission_secretary", "party_committee")
# Who may record an exception to the 10% cap: a commission leader (000 A "原则上").
CAP_EXCEPTION_ROLES = LEADER_ROLES


def _actor(principal: Principal) -> Actor:
    return Actor(principal.subject, frozenset(principal.roles))


def create_risk_point(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> RiskPoint:
    """Step 1, 自己找: the post holder records the risk point they found; the system assigns
    the post's colleagues for step 2 (自动分配给相关岗位所在的同事)."""
    principal.require_county(payload["county"])
    if payload.get("power_id"):
        power = store.get_power(payload["power_id"])
        if power is None or power.county != payload["county"]:
            raise PowerNotFound(fields={"power_id": payload["power_id"]})
    holder = principal.subject
    colleagues = [c for c in payload.get("colleagues") or [] if c != holder]
    if not colleagues:
        colleagues = store.colleagues(payload["unit_id"], excluding=holder)
    now = naive_utc(clock.now())
    point = RiskPoint(
        id=new_id(),
        county=payload["county"],
        unit_id=payload["unit_id"],
        post=payload["post"],
        power_id=payload.get("power_id"),
        kind=payload["kind"],
        description=payload["description"],
        holder_id=holder,
        leader_id=payload.get("leader_id") or "",
        assigned_colleagues=colleagues,
        contributions=[ContributionRecord(step="self_found", by=holder, content=payload["content"], at=now)],
        status=status_after(["self_found"]),
        created_at=now,
        updated_at=now,
    )
    return store.add_risk_point(point)


def add_step(store: RiskStore, clock: SystemClock, principal: Principal, risk_id: str, payload: dict) -> RiskPoint:
    """Steps 2–5, strictly in order, each by the right person and nobody twice (篇1 ⑵②)."""
    point = _risk_point(store, principal, risk_id)
    step = payload["step"]
    check_step(point.steps_done, step)
    check_person(
        step,
        _actor(principal),
        authors=point.authors,
        holder=point.holder_id,
        colleagues=point.assigned_colleagues,
        leader=point.leader_id,
    )
    participants: list[str] = []
    if step == "collectively_decided":
        rules: EvaluationRules = in_force(store, "evaluation", point.county).rules
        participants = check_participants(payload.get("participants") or [], rules.collective_min_participants)
    now = naive_utc(clock.now())
    point.contributions.append(
        ContributionRecord(
            step=step, by=principal.subject, content=payload["content"], at=now, participants=participants
        )
    )
    point.status = status_after(point.steps_done)
    if point.status == "published":
        point.published_at = now
    point.updated_at = now
    store.save_risk_point(point)
    return point


def evaluate_risk_point(
    store: RiskStore,
    clock: SystemClock,
    principal: Principal,
    risk_id: str,
    payload: dict,
    rules: EvaluationRules | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> RiskPoint:
    """Seven factors → index → level under the commission's rule version (frozen by this use),
    within the department's 10% cap unless a commission leader records an exception (篇1 ⑵③;
    000 A). A re-evaluation adds a new evaluation; the earlier ones stay in the history."""
    principal.require_role(*DECIDERS)
    point = _risk_point(store, principal, risk_id)
    check_evaluable(point.steps_done)
    found = in_force(store, "evaluation", point.county)
    rules = rules or found.rules
    result = evaluate(payload["grades"], rules)
    reason = ((payload.get("cap_exception") or {}).get("reason") or "").strip()
    if reason and not principal.has_any_role(CAP_EXCEPTION_ROLES):
        raise CapExceptionNotAllowed()
    was_high = point.level == "high"
    becomes_high = result.level == "high"
    reserved = becomes_high and not was_high
    exception = False
    if reserved:
        exception = _take_high_slot(store, point.unit_id, rules, reason)
    now = clock.now()
    record = EvaluationRecord(
        grades=dict(payload["grades"]),
        index=result.index,
        level=result.level,
        lines=list(result.lines),
        rule_version=result.rule_version,
        rules_commission=found.commission,
        acceptable=result.acceptable,
        evaluated_by=principal.subject,
        evaluated_at=naive_utc(now),
        cap_exception=CapException(reason=reason, by=principal.subject, at=naive_utc(now)) if exception else None,
    )
    point.evaluation = record
    point.evaluations = [*point.evaluations, record][-HISTORY_KEPT:]
    point.level = result.level
    if payload.get("control_measures"):
        point.control_measures = payload["control_measures"]
    if calendar is not None:
        _schedule_review(store, point, beijing_date(now), calendar)
    point.updated_at = naive_utc(now)
    point.record_event(
        RISK_ASSESSED,
        {
            "risk_point_id": point.id,
            "unit_id": point.unit_id,
            "county": point.county,
            "post": point.post,
            "kind": point.kind,
            "index": result.index,
            "level": result.level,
            "level_zh": result.level_zh,
            "status": point.status,
            "rule_version": result.rule_version,
            "acceptable": result.acceptable,
            "evaluation_count": len(point.evaluations),
            "cap_exception": exception,
        },
        now=now,
    )
    try:
        store.save_risk_point(point)
    except Exception:
        if reserved:  # the slot was taken for a rating that was not written
            store.release_high(point.unit_id)
        raise
    if was_high and not becomes_high:
        store.release_high(point.unit_id)
    mark_used(store, clock, found)
    return point


def _take_high_slot(store: RiskStore, unit_id: str, rules: EvaluationRules, reason: str) -> bool:
    """Take one of the department's high slots, or refuse the rating (000/A: at most 10%);
    True when the slot is taken beyond the cap under a recorded exception."""
    total, high_now = store.department_tally(unit_id)
    check = check_high_cap(total, high_now, was_high=False, becomes_high=True, rules=rules, exception_reason=reason)
    check.require()
    if check.exception:
        return store.reserve_high(unit_id, check.cap, exception=True)
    if not store.reserve_high(unit_id, check.cap):  # another evaluation took the last slot
        if reason:
            return store.reserve_high(unit_id, check.cap, exception=True)
        raise HighRiskCapReached()
    return False


def _schedule_review(store: RiskStore, point: RiskPoint, from_day: date, calendar: WorkingDayCalendar) -> None:
    cadence = in_force(store, "cadence", point.county).rules
    due = next_review(calendar, from_day, point.level, cadence)
    point.next_review_on = due.due_on.isoformat()
    point.review_rule_version = cadence.version
    point.review_stage = ""


def ranking(store: RiskStore, principal: Principal, query: dict) -> Page:
    """风险排序 (篇1 ⑵③): a county's (or a department's) evaluated risk points, highest index
    first, with the acceptable baseline of the rules in force; paged by rank."""
    counties = principal.counties_in(query["county"])
    rules: EvaluationRules = in_force(store, "evaluation", query["county"]).rules
    points = {p.id: p for p in store.risk_points(counties, query["unit_id"]) if p.evaluation is not None}
    rows = rank(((p.id, p.evaluation.index, p.evaluation.level) for p in points.values()), rules)
    ranked = [
        {"rank": r.rank, "acceptable": r.acceptable, "baseline": rules.acceptable_baseline, "point": points[r.key]}
        for r in rows
    ]
    return page_of(ranked, query, key=lambda row: (row["rank"], row["point"].id))


def get_risk_point(store: RiskStore, principal: Principal, risk_id: str) -> RiskPoint:
    return _risk_point(store, principal, risk_id)


def list_risk_points(store: RiskStore, principal: Principal, query: dict) -> Page:
    return store.risk_point_page(principal.counties_in(query["county"]), query, query["unit_id"])


def _risk_point(store: RiskStore, principal: Principal, risk_id: str) -> RiskPoint:
    point = store.get_risk_point(risk_id)
    if point is None:
        raise RiskPointNotFound(fields={"risk_point_id": risk_id})
    principal.require_county(point.county)
    return point
