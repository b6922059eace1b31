"""Supervision reminders (监督提醒): the steps, the worklist, overdue escalation, the figures.

004/4 深圳龙岗: 提醒其进行了解、核实……对监督提醒任务进行留痕管理，实时展现监督执纪部门的任务
完成情况. Each step is taken by a person with its role and kept in the reminder's trail; closing
emits ``archive.reminder_closed`` with the verification result (risk reads ``confirmed``).
"""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date
from wuying_common.errors import Conflict
from wuying_common.paging import Page

from ..domain.reminders import (
    NEXT_STEP,
    STEP_ROLES,
    Figures,
    check_step,
    completion_figures,
    due_after,
    escalation_target,
    overdue,
)
from ..exceptions import ReminderNotFound
from ..persistence import ArchiveStore, Dossier, Reminder, StepDoc
from ..schemas import REMINDER_CLOSED
from .conditions import Evaluator


def get_reminder(store: ArchiveStore, principal: Principal | None, reminder_id: str) -> Reminder:
    reminder = store.get(Reminder, reminder_id)
    if reminder is None:
        raise ReminderNotFound(fields={"id": reminder_id})
    if principal is not None:
        principal.require_county(reminder.county)
    return reminder


def take_step(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    principal: Principal,
    reminder_id: str,
    step: str,
    *,
    result: str | None = None,
    note: str = "",
) -> Reminder:
    """acknowledge → verify (with a result) → close, each by a person with the step's role; the
    next step's deadline counts working days from today on the official calendar."""
    principal.require_role(*STEP_ROLES[step])
    reminder = get_reminder(store, principal, reminder_id)
    check_step(reminder.state, step, result, principal.subject, reminder.verified_by)
    today = beijing_date(clock.now())
    reminder.steps = [
        *reminder.steps,
        StepDoc(step=step, by=principal.subject, on=today.isoformat(), at=clock.now(), result=result, note=note),
    ]
    reminder.state = {"acknowledge": "acknowledged", "verify": "verified", "close": "closed"}[step]
    if step == "verify":
        reminder.result = result
        reminder.verified_by = principal.subject
    following = NEXT_STEP.get(reminder.state)
    if following is None:
        reminder.closed_on = today.isoformat()
        reminder.due_on = reminder.escalate_on = None
        condition = (
            evaluator.rules.get(reminder.condition_code) if reminder.condition_code in evaluator.rules.codes() else None
        )
        reminder.record_event(
            REMINDER_CLOSED,
            {
                "reminder_id": reminder.id,
                "official_id": reminder.official_id,
                "county": reminder.county,
                "unit_id": reminder.unit_id,
                "condition_code": reminder.condition_code,
                "condition_name_zh": condition.name_zh if condition else reminder.condition_code,
                "rule_version": reminder.rule_version,
                "round": reminder.round,
                "department": reminder.department,
                "result": reminder.result,
                "closed_on": reminder.closed_on,
                "overdue": bool(reminder.ever_overdue),
            },
            now=clock.now(),
        )
    else:
        due = due_after(evaluator.calendar, today, following, evaluator.reminder_rules)
        reminder.due_on = reminder.escalate_on = due.date.isoformat()
        reminder.due_provisional = due.provisional
        reminder.escalated_step = None
    store.save(reminder)
    if step == "close":
        _mark_closed(store, reminder)
    return reminder


def _mark_closed(store: ArchiveStore, reminder: Reminder) -> None:
    """Let the next evaluation raise a new round, but only for evidence this one did not cover."""
    for _ in range(3):
        dossier = store.get(Dossier, reminder.official_id)
        state = dossier.hits.get(reminder.condition_code) if dossier else None
        if dossier is None or state is None or state.get("reminder_id") != reminder.id:
            return
        dossier.hits = dict(dossier.hits, **{reminder.condition_code: dict(state, closed=True)})
        try:
            store.save(dossier)
            return
        except Conflict:
            continue


def reassign(
    store: ArchiveStore, clock: SystemClock, principal: Principal, reminder_id: str, department: str, note: str = ""
) -> Reminder:
    principal.require_role(*STEP_ROLES["reassign"])
    reminder = get_reminder(store, principal, reminder_id)
    today = beijing_date(clock.now())
    reminder.department = department
    reminder.steps = [
        *reminder.steps,
        StepDoc(step="reassign", by=principal.subject, on=today.isoformat(), at=clock.now(), to=department, note=note),
    ]
    return store.save(reminder)


def escalate_overdue(store: ArchiveStore, clock: SystemClock, limit: int = 500) -> int:
    """Escalate every open reminder past its step's deadline, once per step (留痕): the trail
    says to whom; ``ever_overdue`` counts against the department's on-time figure."""
    today = beijing_date(clock.now())
    escalated = 0
    for reminder in store.reminders_due(today, limit):
        step = NEXT_STEP.get(reminder.state)
        due = date.fromisoformat(reminder.due_on) if reminder.due_on else None
        if step is None or not overdue(reminder.state, due, today):
            continue
        reminder.escalation_level += 1
        reminder.escalated_step = step
        reminder.escalate_on = None
        reminder.ever_overdue = True
        target = escalation_target(reminder.escalation_level)
        reminder.steps = [
            *reminder.steps,
            StepDoc(
                step="escalated",
                by="system",
                on=today.isoformat(),
                at=clock.now(),
                to=target,
                note=f"{step} 逾期（期限 {reminder.due_on}）",
            ),
        ]
        try:
            store.save(reminder)
            escalated += 1
        except Conflict:
            continue  # someone took the step meanwhile: not overdue any more, or next run
    return escalated


WORKLIST_FILTERS = ("state", "condition", "department", "created_from", "created_to")


def worklist(store: ArchiveStore, principal: Principal, query: dict) -> Page:
    """A page of the reminders of the token's divisions (a city or province rolls up)."""
    return store.reminder_page(principal.counties, query, **{k: query.get(k) for k in WORKLIST_FILTERS})


def figures(store: ArchiveStore, clock: SystemClock, principal: Principal) -> list[Figures]:
    return completion_figures(store.reminder_figures_rows(principal.counties), beijing_date(clock.now()))
