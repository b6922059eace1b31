"""Deadlines (seeds/002 篇5 六; 六3 the red warning's extension, a month under 民法典 第二百零一—
二百零三条) and what a missed one leads to (篇5 七(一); 篇8 第十八条(二)1①/(三)1①): the deadline
timer tells once (``warning.overdue``), then proposes the next level with the missed step as its
evidence (blue, yellow: decided by that level's authority, ``handlers.escalations``), or opens an
organisational-handling task for an ignored red warning (``handlers.organisational``)."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_common.errors import Conflict

from ..domain.deadlines import RuleSet, extension_until
from ..domain.delivery import Notifier
from ..domain.escalation import MissedStep
from ..exceptions import WarningStateConflict
from ..persistence import WarningRecord, WarningStore
from ..schemas import WARNING_EXTENDED, WARNING_OVERDUE
from .calendar import refresh_calendar
from .escalations import missed_step_escalation, supersede_lower
from .notices import dispatch_notices, queue_notice
from .organisational import open_task
from .support import event_ref, get_warning, record_history, rules_of


def missed_steps(warning: WarningRecord, today: date) -> list[MissedStep]:
    """The steps of an open warning whose dates have passed: the answer while it is ``issued``,
    the fix while it is not rectified (``issued`` or ``rectifying``)."""
    missed = []
    if warning.status == "issued" and warning.answer_due and warning.answer_due < today.isoformat():
        missed.append(MissedStep("answer", date.fromisoformat(warning.answer_due), today))
    if warning.status in ("issued", "rectifying") and warning.fix_due and warning.fix_due < today.isoformat():
        missed.append(MissedStep("fix", date.fromisoformat(warning.fix_due), today))
    return missed


def check_deadlines(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    rules: RuleSet,
    notifiers: list[Notifier] | None = None,
) -> dict:
    """Overdue answers and fixes (篇5 六, 七(一)), each told once: a blue or yellow warning gets
    a proposal of the next level (once per missed step; the warning itself never changes level);
    a red warning whose fix is overdue becomes an organisational-handling task (once).

    Idempotent: the proposal's and the task's keys derive from the warning and the step, and the
    marker goes into the warning's own write after them, so a crash in between repeats nothing."""
    today = clock.today()
    refresh_calendar(store, calendar)
    counts = {"overdue": 0, "escalations_proposed": 0, "organisational_handling": 0}
    for warning in store.overdue_candidates(today.isoformat()):
        for missed in missed_steps(warning, today):
            marker = f"{missed.due_kind}:{warning.level}"
            if marker in (warning.overdue_notices or []):
                continue
            task = None
            if warning.level == 1:
                if missed.due_kind == "fix":
                    task = open_task(store, clock, calendar, warning, missed)
                    counts["organisational_handling"] += task is not None
            elif missed_step_escalation(store, clock, warning, missed) is not None:
                counts["escalations_proposed"] += 1
            warning.overdue_notices.append(marker)
            warning.record_event(
                WARNING_OVERDUE,
                {
                    **event_ref(warning),
                    "due_kind": missed.due_kind,
                    "due_on": missed.due_on,
                    "detected_on": today,
                    "organisational_handling": warning.level == 1 and missed.due_kind == "fix",
                },
                now=clock.now(),
            )
            counts["overdue"] += 1
        try:
            store.save(warning)
        except Conflict as exc:  # another replica's timer got there first: it did the work
            if exc.code != "concurrent_update":
                raise
    # Issued higher warnings whose lower ones were not closed yet (a crash in between).
    for higher in store.supersede_pending():
        supersede_lower(store, clock, higher)
    if notifiers:
        # Notices whose sending was interrupted after their write.
        for pending in store.notices_pending():
            dispatch_notices(store, pending, notifiers)
    return counts


def extend(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
) -> WarningRecord:
    """延期整改 (篇5 六3): a red warning's fix date, once, by at most a month (a month period under
    民法典 第二百零一—二百零三条); the domain refuses the rest (``ExtensionRefused``: 409 for the
    warning, 400 for the date)."""
    warning = get_warning(store, principal, warning_id)
    if warning.status not in ("issued", "rectifying") or not warning.fix_due:
        if warning.level == 1:
            raise WarningStateConflict(
                f"预警当前状态为 {warning.status}，不能延长整改期限", fields={"status": warning.status}
            )
    rules = rules_of(warning)
    previous = date.fromisoformat(warning.fix_due) if warning.fix_due else clock.today()
    refresh_calendar(store, calendar)
    extended = extension_until(previous, payload.get("until"), rules, warning.level, warning.extensions or 0, calendar)
    until = extended.due
    warning.extensions = (warning.extensions or 0) + 1
    warning.fix_due = until.isoformat()
    warning.fix_due_provisional = extended.provisional
    warning.extension_records.append(
        {
            "previous_fix_due": previous.isoformat(),
            "fix_due": until.isoformat(),
            "approved_by": principal.subject,
            "reasons": payload["reasons"],
            "at": clock.now().isoformat(),
        }
    )
    record_history(warning, "extended", principal.subject, clock, fix_due=warning.fix_due)
    queue_notice(
        warning,
        "extension",
        "延期整改通知书",
        f"经批准，整改期限由 {previous.isoformat()} 延长至 {until.isoformat()}。",
    )
    warning.record_event(
        WARNING_EXTENDED,
        {
            **event_ref(warning),
            "previous_fix_due": previous,
            "fix_due": until,
            "approved_by": principal.subject,
            "extensions": warning.extensions,
        },
        now=clock.now(),
    )
    store.save(warning)
    dispatch_notices(store, warning, notifiers)
    return warning
