"""Plans one unit at a time, cross-zone pairing, the specialist pool, findings and rounds
(seeds/000 E 内部作风巡察: plans at least twice a year, findings and 结果运用; 001 贵州 cross
inspection of cooperation zones; 004 闵行 the specialist pool)."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.errors import Conflict
from wuying_common.outbox import new_id
from wuying_common.paging import Page

from ..domain.findings import DISPOSITIONS_ZH, SEVERITIES_ZH, disposition_for, tally
from ..domain.plans import Round, plan_rounds
from ..domain.rotation import pair_zones
from ..domain.specialists import Booking, Specialist, choose_specialists
from ..exceptions import (
    CrossAssignmentExists,
    CrossAssignmentNotFound,
    PlanExists,
    PlanNotFound,
    RoundCompleted,
    RoundNotFound,
    UnitNotFound,
)
from ..persistence import (
    CrossAssignment,
    Disposition,
    Finding,
    InspectionStore,
    Plan,
    PlanRound,
    RoundSpecialist,
    Unit,
    ZonePair,
)
from ..schemas import INSPECTION_COMPLETED, INSPECTION_FINDING_RECORDED
from .events import record_scheduled


def register_units(store: InspectionStore, units: list[dict]) -> dict:
    """Register or update the units that can be inspected (upsert on id; their coverage entries
    once per county)."""
    return {"units": store.upsert_units(units)}


def schedule_plan(store: InspectionStore, clock: SystemClock, principal: Principal, command: dict) -> Plan:
    """Schedule one unit's plan for one year (000/E: at least two rounds a year) and emit
    ``inspection.scheduled`` in the same write."""
    unit = store.get_unit(command["unit_id"])
    if unit is None:
        raise UnitNotFound(fields={"unit_id": f"单位 {command['unit_id']} 未登记"})
    principal.require_county(unit.county, field="unit_id")
    year = command["year"]
    windows = [(w["starts_on"], w["ends_on"]) for w in command["windows"]] if command.get("windows") else None
    rounds = plan_rounds(year, command.get("rounds", 2), command.get("methods"), windows)
    if store.plan_for(unit.id, year) is not None:
        raise _plan_exists(unit, year)

    cross = store.cross_assignment_covering(unit.county, year)
    plan = Plan(
        id=Plan.key_for(unit.id, year),
        unit_id=unit.id,
        unit_name=unit.name,
        unit_kind=unit.kind,
        county=unit.county,
        zone=unit.zone,
        year=year,
        rounds=[_round_doc(r, cross.inspecting_zone(unit.zone) if cross else None) for r in rounds],
        created_by=principal.subject,
        created_at=clock.now().replace(tzinfo=None),
    )
    plan.refresh_index_fields()
    record_scheduled(plan, clock)
    try:
        store.add(plan)
    except Conflict as exc:
        # Two schedulers raced past the check above; the plan's key decided.
        raise _plan_exists(unit, year) from exc
    return plan


def _plan_exists(unit: Unit, year: int) -> PlanExists:
    return PlanExists(fields={"unit_id": f"{unit.name} {year} 年的巡察计划已存在", "year": str(year)})


def _round_doc(r: Round, cross_zone: str | None) -> PlanRound:
    return PlanRound(
        round=r.round,
        method=r.method,
        method_zh=r.method_zh,
        starts_on=r.starts_on.isoformat(),
        ends_on=r.ends_on.isoformat(),
        inspecting_zone=cross_zone if r.method == "cross" else None,
    )


def get_plan(store: InspectionStore, principal: Principal, plan_id: str) -> Plan:
    plan = store.get_plan(plan_id)
    if plan is None:
        raise PlanNotFound(fields={"plan_id": plan_id})
    principal.require_county(plan.county, field="plan_id")
    return plan


def list_plans(store: InspectionStore, principal: Principal, query: dict) -> Page:
    """A division's plans: a city or province rolls up over its counties."""
    return store.plans(principal.counties_in(query["county"]), query, query.get("year"))


def assign_cross_inspection(
    store: InspectionStore, clock: SystemClock, principal: Principal, command: dict
) -> CrossAssignment:
    """Pair the cooperation zones of a region for one year's cross inspections: never a zone's
    own team, and rotating away from past years' pairings (001 Guizhou; DESIGN.md §4)."""
    region, year = command["region"], command["year"]
    principal.require_county(region, field="region")
    if store.cross_assignment(region, year) is not None:
        raise CrossAssignmentExists(fields={"year": f"{region} {year} 年的交叉检查安排已存在"})
    history = [{p.inspected_zone: p.inspecting_zone for p in past.pairs} for past in store.cross_history(region, year)]
    pairings = pair_zones(store.zones_in(region), history)
    assignment = CrossAssignment(
        id=CrossAssignment.key_for(region, year),
        region=region,
        year=year,
        pairs=[ZonePair(**vars(p)) for p in pairings],
        created_by=principal.subject,
        created_at=clock.now().replace(tzinfo=None),
    )
    try:
        store.add(assignment)
    except Conflict as exc:
        raise CrossAssignmentExists(fields={"year": f"{region} {year} 年的交叉检查安排已存在"}) from exc
    return assignment


def get_cross_assignment(store: InspectionStore, principal: Principal, region: str, year: int) -> CrossAssignment:
    principal.require_county(region, field="region")
    assignment = store.cross_assignment(region, year)
    if assignment is None:
        raise CrossAssignmentNotFound(fields={"year": f"{region} {year} 年尚无交叉检查安排"})
    return assignment


def register_specialists(store: InspectionStore, specialists: list[dict]) -> dict:
    for raw in specialists:
        store.upsert_specialist(raw)
    return {"specialists": len(specialists)}


def find_round(plan: Plan, number: int) -> PlanRound:
    found = next((r for r in plan.rounds if r.round == number), None)
    if found is None:
        raise RoundNotFound(fields={"round": f"该计划没有第 {number} 次巡察"})
    return found


def join_specialists(store: InspectionStore, principal: Principal, plan_id: str, number: int, command: dict) -> Plan:
    """Draw specialists from the city's pool into one round, on the team's request (004 Minhang)."""
    plan = get_plan(store, principal, plan_id)
    target = find_round(plan, number)
    starts_on, ends_on = date.fromisoformat(target.starts_on), date.fromisoformat(target.ends_on)
    members = store.specialists_in(plan.county[:4] + "00")
    pool = [Specialist(m.id, m.name, frozenset(m.expertise), m.unit_id) for m in members]
    bookings = [
        Booking(s.id, date.fromisoformat(r.starts_on), date.fromisoformat(r.ends_on))
        for other in store.plans_booking([m.id for m in members], plan.year)
        for r in other.rounds
        for s in r.specialists
        if not (other.id == plan.id and r.round == number)
    ]
    chosen = choose_specialists(
        pool,
        command["expertise"],
        unit_id=plan.unit_id,
        starts_on=starts_on,
        ends_on=ends_on,
        bookings=bookings,
        already=[s.id for s in target.specialists],
    )
    target.specialists.extend(RoundSpecialist(id=s.id, name=s.name, expertise=field) for field, s in chosen)
    plan.refresh_index_fields()
    store.save(plan)
    return plan


def open_round(plan: Plan, number: int) -> PlanRound:
    target = find_round(plan, number)
    if target.completed_on:
        raise RoundCompleted(fields={"round": f"第 {number} 次巡察已于 {target.completed_on} 完成"})
    return target


def record_finding(
    store: InspectionStore, clock: SystemClock, principal: Principal, plan_id: str, command: dict
) -> tuple[Plan, Finding]:
    """Record a finding with its disposition by severity (000/E 结果运用) and emit
    ``inspection.finding_recorded`` in the same write."""
    plan = get_plan(store, principal, plan_id)
    disposition = disposition_for(command["severity"], command.get("disposition"))
    open_round(plan, command["round"])
    now = clock.now()
    finding = Finding(
        id=new_id(),
        round=command["round"],
        severity=command["severity"],
        disposition=disposition,
        dispositions=[Disposition(kind=disposition, opened_by=principal.subject, opened_at=now.replace(tzinfo=None))],
        official_id=command.get("official_id"),
        summary=command["summary"],
        recorded_by=principal.subject,
        recorded_at=now.replace(tzinfo=None),
    )
    plan.findings.append(finding)
    plan.record_event(
        INSPECTION_FINDING_RECORDED,
        {
            "finding_id": finding.id,
            "plan_id": plan.id,
            "unit_id": plan.unit_id,
            "official_id": finding.official_id,
            "county": plan.county,
            "year": plan.year,
            "round": finding.round,
            "severity": finding.severity,
            "severity_zh": SEVERITIES_ZH[finding.severity],
            "disposition": disposition,
            "disposition_zh": DISPOSITIONS_ZH[disposition],
            "recorded_at": now,
        },
        now=now,
    )
    store.save(plan)
    return plan, finding


def complete_round(store: InspectionStore, clock: SystemClock, principal: Principal, plan_id: str, number: int) -> Plan:
    """Close one round and emit ``inspection.completed`` with its findings per severity; the
    plan is completed with its last round."""
    plan = get_plan(store, principal, plan_id)
    target = open_round(plan, number)
    target.completed_on = clock.today().isoformat()
    # a round still to be planned (one-round campaigns) keeps the plan open
    plan_completed = all(r.completed_on for r in plan.rounds) and len(plan.rounds) >= plan.rounds_expected
    if plan_completed:
        plan.status = "completed"
    plan.refresh_index_fields()
    plan.record_event(
        INSPECTION_COMPLETED,
        {
            "plan_id": plan.id,
            "unit_id": plan.unit_id,
            "county": plan.county,
            "year": plan.year,
            "round": number,
            "method": target.method,
            "completed_on": clock.today(),
            "findings": tally(f.severity for f in plan.findings if f.round == number),
            "plan_completed": plan_completed,
        },
        now=clock.now(),
    )
    store.save(plan)
    return plan
