"""Risk points: found in five steps, then evaluated within the department's 10% cap.

Five steps 自己找 → 同事帮 → 领导点 → 集体定 → 组织审, each contribution kept with its author
(seeds 002/篇1 ⑵②; 002/篇8 第九条 (一)二); kinds (002/篇6; 篇8 第五条); seven-factor evaluation
to an index and a level (002/篇1 ⑵③); at most 10% of a department's risks rated high (000/A).
"""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.outbox import new_id

from ..domain.evaluation import DEFAULT_EVALUATION, EvaluationRules, HighRiskCapReached, check_high_cap, evaluate
from ..domain.identification import DECIDING_STEPS, check_evaluable, check_step, status_after
from ..exceptions import PowerNotFound, RiskPointNotFound
from ..persistence import ContributionRecord, EvaluationRecord, RiskPoint, RiskStore
from ..schemas import RISK_ASSESSED

# Who may record the deciding steps and evaluate: the department's or the organisation's deciders.
DECIDERS = ("risk_officer", "commission_leader", "commission_secretary", "party_committee")


def create_risk_point(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> RiskPoint:
    """Step 1, 自己找: the official (or staff for them) records the risk point they found."""
    principal.require_county(payload["county"])
    if payload.get("power_id"):
        power = store.get_power(payload["power_id"])
        if power is None or power.county != payload["county"]:
            raise PowerNotFound(fields={"power_id": payload["power_id"]})
    now = naive_utc(clock.now())
    point = RiskPoint(
        id=new_id(),
        county=payload["county"],
        unit_id=payload["unit_id"],
        post=payload["post"],
        power_id=payload.get("power_id"),
        kind=payload["kind"],
        description=payload["description"],
        contributions=[ContributionRecord(step="self_found", by=principal.subject, content=payload["content"], at=now)],
        status=status_after(["self_found"]),
        created_at=now,
        updated_at=now,
    )
    return store.add_risk_point(point)


def add_step(store: RiskStore, clock: SystemClock, principal: Principal, risk_id: str, payload: dict) -> RiskPoint:
    """Steps 2–5, strictly in order; each contribution kept apart (篇1 ⑵②)."""
    point = _risk_point(store, principal, risk_id)
    step = payload["step"]
    if step in DECIDING_STEPS:
        principal.require_role(*DECIDERS)
    check_step(point.steps_done, step)
    now = naive_utc(clock.now())
    point.contributions.append(ContributionRecord(step=step, by=principal.subject, content=payload["content"], at=now))
    point.status = status_after(point.steps_done)
    point.updated_at = now
    store.save_risk_point(point)
    return point


def evaluate_risk_point(
    store: RiskStore,
    clock: SystemClock,
    principal: Principal,
    risk_id: str,
    payload: dict,
    rules: EvaluationRules = DEFAULT_EVALUATION,
) -> RiskPoint:
    """Seven factors → index → level, within the department's 10% cap (篇1 ⑵③; 000 A)."""
    principal.require_role(*DECIDERS)
    point = _risk_point(store, principal, risk_id)
    check_evaluable(point.steps_done)
    result = evaluate(payload["grades"], rules)
    was_high = point.level == "high"
    becomes_high = result.level == "high"
    reserved = becomes_high and not was_high
    if reserved:
        _take_high_slot(store, point.unit_id, rules)
    now = clock.now()
    point.evaluation = EvaluationRecord(
        grades=dict(payload["grades"]),
        index=result.index,
        level=result.level,
        lines=list(result.lines),
        rule_version=result.rule_version,
        evaluated_by=principal.subject,
        evaluated_at=naive_utc(now),
    )
    point.level = result.level
    if payload.get("control_measures"):
        point.control_measures = payload["control_measures"]
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
    return point


def _take_high_slot(store: RiskStore, unit_id: str, rules: EvaluationRules) -> None:
    """Take one of the department's high slots, or refuse the rating (000/A: at most 10%)."""
    total, high_now = store.department_tally(unit_id)
    check = check_high_cap(total, high_now, was_high=False, becomes_high=True, rules=rules)
    check.require()
    if not store.reserve_high(unit_id, check.cap):  # another evaluation took the last slot
        raise HighRiskCapReached()


def get_risk_point(store: RiskStore, principal: Principal, risk_id: str) -> RiskPoint:
    return _risk_point(store, principal, risk_id)


def list_risk_points(store: RiskStore, principal: Principal, query: dict) -> list[RiskPoint]:
    principal.require_county(query["county"])
    return store.risk_points(query["county"], query["unit_id"])


def _risk_point(store: RiskStore, principal: Principal, risk_id: str) -> RiskPoint:
    point = store.get_risk_point(risk_id)
    if point is None:
        raise RiskPointNotFound(fields={"risk_point_id": risk_id})
    principal.require_county(point.county)
    return point
