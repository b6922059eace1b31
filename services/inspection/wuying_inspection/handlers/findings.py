"""Findings' disposition ladder tracked to closure, and the unit's annual evaluation record
(seeds/000 E 结果运用), each sent to risk and archive as events."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock

from ..domain.findings import (
    DISPOSITIONS_ZH,
    OUTCOMES,
    STANDINGS_ZH,
    DispositionState,
    check_new_disposition,
    check_outcome,
    evaluate,
)
from ..exceptions import FindingNotFound
from ..persistence import Disposition, EvaluationRecord, Finding, InspectionStore, Plan
from ..schemas import INSPECTION_DISPOSITION_ADDED, INSPECTION_DISPOSITION_CLOSED, INSPECTION_EVALUATION_RECORDED
from .plans import get_plan


def _finding(plan: Plan, finding_id: str) -> Finding:
    found = next((f for f in plan.findings if f.id == finding_id), None)
    if found is None:
        raise FindingNotFound(fields={"finding_id": finding_id})
    return found


def _event(plan: Plan, finding: Finding, d: Disposition, on) -> dict:
    return {
        "finding_id": finding.id,
        "plan_id": plan.id,
        "unit_id": plan.unit_id,
        "official_id": finding.official_id,
        "county": plan.county,
        "year": plan.year,
        "severity": finding.severity,
        "disposition": d.kind,
        "disposition_zh": DISPOSITIONS_ZH[d.kind],
        "outcome": d.outcome,
        "outcome_zh": OUTCOMES[d.kind][d.outcome] if d.outcome else None,
        "finding_closed": finding.closed,
        "on": on,
    }


def add_disposition(
    store: InspectionStore, clock: SystemClock, principal: Principal, plan_id: str, finding_id: str, command: dict
) -> tuple[Plan, Finding]:
    """Another rung of the ladder on a finding, where 000/E allows it for its severity."""
    plan = get_plan(store, principal, plan_id)
    finding = _finding(plan, finding_id)
    existing = [DispositionState(d.kind, d.outcome) for d in finding.dispositions]
    check_new_disposition(finding.severity, command["disposition"], existing)
    now = clock.now()
    d = Disposition(kind=command["disposition"], opened_by=principal.subject, opened_at=now.replace(tzinfo=None))
    finding.dispositions.append(d)
    plan.record_event(INSPECTION_DISPOSITION_ADDED, _event(plan, finding, d, clock.today()), now=now)
    store.save(plan)
    return plan, finding


def close_disposition(
    store: InspectionStore, clock: SystemClock, principal: Principal, plan_id: str, finding_id: str, command: dict
) -> tuple[Plan, Finding]:
    """A disposition's outcome (talk held, inquiry answered, verification result, case filed,
    transferred to the judiciary): it is closed, and the finding with its last one."""
    plan = get_plan(store, principal, plan_id)
    finding = _finding(plan, finding_id)
    kind = command["disposition"]
    d = next((d for d in finding.dispositions if d.kind == kind), None)
    if d is None:
        raise FindingNotFound(
            "该问题没有这一处置", fields={"disposition": f"该问题没有“{DISPOSITIONS_ZH.get(kind, kind)}”处置"}
        )
    d.outcome = check_outcome(kind, command["outcome"], d.outcome)
    d.note, d.closed_by, d.closed_on = command.get("note"), principal.subject, clock.today().isoformat()
    plan.record_event(INSPECTION_DISPOSITION_CLOSED, _event(plan, finding, d, clock.today()), now=clock.now())
    store.save(plan)
    return plan, finding


def record_evaluation(store: InspectionStore, clock: SystemClock, principal: Principal, plan_id: str) -> Plan:
    """The unit's inspection result for its annual evaluation (评优评先, 000/E 结果运用), kept
    on the plan (one per unit and year) and sent as ``inspection.evaluation_recorded``."""
    plan = get_plan(store, principal, plan_id)
    open_dispositions = sum(1 for f in plan.findings for d in f.dispositions if not d.outcome)
    result = evaluate(
        (f.severity for f in plan.findings),
        open_dispositions,
        sum(1 for r in plan.rounds if r.completed_on),
        plan.rounds_expected,
    )
    now = clock.now()
    plan.evaluation = EvaluationRecord(
        standing=result.standing,
        findings=result.findings,
        open_dispositions=result.open_dispositions,
        rounds_completed=result.rounds_completed,
        rounds_planned=result.rounds_planned,
        recorded_by=principal.subject,
        recorded_at=now.replace(tzinfo=None),
    )
    plan.record_event(
        INSPECTION_EVALUATION_RECORDED,
        {
            "plan_id": plan.id,
            "unit_id": plan.unit_id,
            "county": plan.county,
            "year": plan.year,
            "standing": result.standing,
            "standing_zh": STANDINGS_ZH[result.standing],
            "eligible_for_excellence": result.eligible_for_excellence,
            "findings": result.findings,
            "open_dispositions": result.open_dispositions,
            "rounds_completed": result.rounds_completed,
            "rounds_planned": result.rounds_planned,
        },
        now=now,
    )
    store.save(plan)
    return plan
