"""Review cadence, enforced: every evaluated risk point has a next-review date from its level's
interval (rule data); a review moves it on; a missed review escalates to the department head,
then to the commission, counted in working days on the official calendar.

Seeds 002/篇8 第二十二条 (每半年至少…自查一次), 第二十七条 (新一轮循环); 000 A (分级管理、分级负责);
民法典 第二百零一—二百零三条 for the month periods (``WorkingDayCalendar.add_months``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict
from wuying_common.paging import Page

from ..domain.cadence import STAGE_ZH, next_review, stage_due, stages_to_take
from ..domain.identification import NotYetDecided
from ..persistence import HISTORY_KEPT, EscalationRecord, ReviewRecord, RiskPoint, RiskStore, as_date
from ..schemas import REVIEW_OVERDUE
from .risk_points import _risk_point
from .rules import in_force

ESCALATED_TO_ZH = {"department_head": "部门负责人", "commission": "纪委"}


def record_review(
    store: RiskStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    principal: Principal,
    risk_id: str,
    payload: dict,
) -> RiskPoint:
    """A periodic review of an evaluated risk point; the next one is due after the interval of
    its level (the months counted under 民法典 第二百零一—二百零三条)."""
    point = _risk_point(store, principal, risk_id)
    if point.evaluation is None:
        raise NotYetDecided()
    today = beijing_date(clock.now())
    cadence = in_force(store, "cadence", point.county).rules
    due_on = point.next_review_on or ""
    point.reviews = [
        *point.reviews,
        ReviewRecord(
            reviewed_on=today.isoformat(),
            by=principal.subject,
            outcome=payload["outcome"],
            note=payload.get("note", ""),
            due_on=due_on,
            late=bool(due_on) and today.isoformat() > due_on,
        ),
    ][-HISTORY_KEPT:]
    due = next_review(calendar, today, point.level, cadence)
    point.next_review_on = due.due_on.isoformat()
    point.review_rule_version = cadence.version
    point.review_stage = ""
    if payload.get("control_measures"):
        point.control_measures = payload["control_measures"]
    point.updated_at = naive_utc(clock.now())
    store.save_risk_point(point)
    return point


def overdue_queue(store: RiskStore, clock: SystemClock, principal: Principal, query: dict) -> Page:
    """Risk points of a division whose review is overdue, longest overdue first."""
    counties = principal.counties_in(query["county"])
    return store.overdue_page(counties, beijing_date(clock.now()).isoformat(), query)


@dataclass
class EscalationReport:
    checked: int = 0
    escalated: list[tuple[str, str]] = field(default_factory=list)  # (risk point, stage)
    conflicts: int = 0


def check_reviews(store: RiskStore, clock: SystemClock, calendar: WorkingDayCalendar) -> EscalationReport:
    """The timer: escalate every missed review that reached a new stage (each stage once, never
    skipped), with a ``risk.review_overdue`` event for the department head or the commission."""
    now = clock.now()
    today = beijing_date(now)
    report = EscalationReport()
    for point in store.reviews_due(today.isoformat()):
        due_on = as_date(point.next_review_on)
        if due_on is None or due_on >= today:
            continue
        report.checked += 1
        cadence = in_force(store, "cadence", point.county).rules
        reached = stage_due(calendar, due_on, today, cadence)
        todo = stages_to_take(point.review_stage or "", reached) if reached else []
        if not todo:
            continue
        late, provisional = calendar.working_days_between(due_on, today)
        for stage in todo:
            point.escalations = [
                *point.escalations,
                EscalationRecord(stage=stage, due_on=point.next_review_on, escalated_on=today.isoformat()),
            ][-HISTORY_KEPT:]
            point.record_event(
                REVIEW_OVERDUE,
                {
                    "risk_point_id": point.id,
                    "unit_id": point.unit_id,
                    "county": point.county,
                    "post": point.post,
                    "level": point.level or "low",
                    "due_on": due_on,
                    "working_days_late": late,
                    "provisional": provisional,
                    "stage": stage,
                    "stage_zh": STAGE_ZH[stage],
                    "escalated_to_zh": ESCALATED_TO_ZH[stage],
                    "rule_version": cadence.version,
                },
                now=now,
            )
        point.review_stage = todo[-1]
        point.updated_at = naive_utc(now)
        try:
            store.save_risk_point(point)
        except Conflict:
            report.conflicts += 1  # changed meanwhile (a review came in): the next run decides
            continue
        report.escalated += [(point.id, stage) for stage in todo]
    return report
