"""Organisational handling of an ignored red warning (组织处理: seeds/002 篇5 七(一), 篇8 第十八条(三);
``domain.organisational``): a task with an owner and a due date on the calendar, opened once by
the deadline timer, closed by recording the outcome (who, when, which measure, reasons)."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Conflict, Forbidden
from wuying_common.paging import Page

from ..domain.escalation import MissedStep
from ..domain.organisational import MEASURES, check_open, task_id
from ..exceptions import TaskNotFound, TaskOwnerRequired
from ..persistence import OrganisationalTask, WarningRecord, WarningStore
from ..schemas import ORGANISATIONAL_HANDLING_CLOSED, ORGANISATIONAL_HANDLING_OPENED
from .support import not_in_future, rules_of


def open_task(
    store: WarningStore, clock: SystemClock, calendar: WorkingDayCalendar, warning: WarningRecord, missed: MissedStep
) -> OrganisationalTask | None:
    """转组织处理 (篇5 七(一)): the task for ``warning``, under the rule set it was issued under;
    None when it was opened before (its key is the warning's)."""
    rules = rules_of(warning)
    rule = rules.organisational_handling
    today = clock.today()
    due = calendar.add_months(today, rule.due_months)  # 民法典 第二百零一—二百零三条
    task = OrganisationalTask(
        id=task_id(warning.id),
        warning_id=warning.id,
        official_id=warning.official_id,
        unit_id=warning.unit_id,
        county=warning.county,
        status="open",
        owner=rule.owner,
        owner_zh=rule.owner_zh,
        recorder_role=rule.recorder_role,
        rule_version=rules.version,
        opened_on=today.isoformat(),
        opened_at=naive_utc(clock.now()),
        due_on=due.date.isoformat(),
        due_provisional=bool(due.provisional),
        evidence={**missed.as_evidence(warning.id, warning.level), "key": missed.due_kind},
        history=[{"action": "opened", "actor": "system:deadline-timer", "at": clock.now().isoformat()}],
    )
    task.record_event(
        ORGANISATIONAL_HANDLING_OPENED,
        {
            "task_id": task.id,
            "warning_id": warning.id,
            "official_id": warning.official_id,
            "unit_id": warning.unit_id,
            "county": warning.county,
            "owner": rule.owner,
            "opened_on": today,
            "due_on": due.date,
            "due_provisional": bool(due.provisional),
            "rule_version": rules.version,
            "due_kind": missed.due_kind,
            "days_overdue": missed.days_overdue,
        },
        now=clock.now(),
    )
    try:
        store.add(task)
    except Conflict as exc:  # opened by an earlier tick (or another replica) already
        if exc.code != "duplicate":
            raise
        return None
    return task


def get_task(store: WarningStore, principal: Principal, key: str) -> OrganisationalTask:
    task = store.task(key)
    if task is None:
        raise TaskNotFound(fields={"task_id": key})
    principal.require_county(task.county)
    return task


def list_tasks(store: WarningStore, principal: Principal, query: dict) -> Page:
    """The worklist of organisational-handling tasks of the caller's counties, due first."""
    scopes = _scopes(principal, query.get("county"))
    return store.task_page(scopes, query.get("status"), query)


def record_outcome(
    store: WarningStore, clock: SystemClock, principal: Principal, key: str, payload: dict
) -> OrganisationalTask:
    """The owner records the outcome (who, when, which measure, why): the task is closed."""
    task = get_task(store, principal, key)
    if task.recorder_role not in principal.roles:
        raise TaskOwnerRequired(f"组织处理结果须由{task.owner_zh}记录", fields={"required_role": task.recorder_role})
    check_open(task.status)
    not_in_future(payload.get("decided_on"), clock, "decided_on")
    decided_on = payload.get("decided_on") or clock.today()
    today = clock.today()
    task.outcome = {
        "measure": payload["measure"],
        "measure_zh": MEASURES[payload["measure"]],
        "decided_on": decided_on.isoformat(),
        "by": principal.subject,
        "at": clock.now().isoformat(),
        "reasons": payload["reasons"],
    }
    task.status, task.closed_on = "closed", today.isoformat()
    task.history.append({"action": "closed", "actor": principal.subject, "at": clock.now().isoformat()})
    task.record_event(
        ORGANISATIONAL_HANDLING_CLOSED,
        {
            "task_id": task.id,
            "warning_id": task.warning_id,
            "official_id": task.official_id,
            "county": task.county,
            "measure": payload["measure"],
            "decided_on": decided_on,
            "decided_by": principal.subject,
            "closed_on": today,
            "on_time": decided_on.isoformat() <= task.due_on,
        },
        now=clock.now(),
    )
    store.save(task)
    return task


def _scopes(principal: Principal, county: str | None) -> tuple[str, ...]:
    if county:
        principal.require_county(county)
        return (county,)
    if not principal.counties:
        raise Forbidden("无权访问该地区的数据", fields={"county": "令牌未授权任何地区"}, code="county_forbidden")
    return principal.counties
