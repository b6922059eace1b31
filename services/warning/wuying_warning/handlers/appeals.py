"""Appeals and transfers (seeds/002 篇5 七(三): the warned official appeals to the organ that
issued the warning, which investigates and answers, the clock stopped meanwhile; 篇5 三(一)3 and
七(三): conduct that is already a violation leaves the warning track as a case clue)."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock

from ..domain.authority import decision_refusal
from ..domain.deadlines import paused_working_days, resume_after_pause
from ..domain.delivery import Notifier
from ..exceptions import ApprovalAuthorityRequired, DateOutOfOrder
from ..persistence import WarningRecord, WarningStore
from ..schemas import WARNING_APPEALED, WARNING_TRANSFERRED
from .calendar import refresh_calendar
from .notices import dispatch_notices, queue_notice
from .support import advance, event_ref, get_warning, iso, not_in_future, own_warning, record_history


def appeal(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict
) -> WarningRecord:
    """The warned official appeals to the organ that issued the warning; the clock stops."""
    warning = own_warning(store, principal, warning_id)
    advance(warning, "appeal")
    today = clock.today()
    warning.paused_on = today.isoformat()
    entry = {
        "lodged_on": today.isoformat(),
        "lodged_by": principal.subject,
        "reasons": payload["reasons"],
        "from_status": warning.appealed_from,
        "outcome": None,
    }
    warning.appeals.append(entry)
    record_history(warning, "appealed", principal.subject, clock)
    _appeal_event(warning, clock, entry, "lodged")
    store.save(warning)
    return warning


def decide_appeal(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
) -> WarningRecord:
    """接受申诉的机关调查了解后，予以答复 (篇5 七(三)): upheld → the warning resumes with every
    deadline moved on by the working days the appeal took; revoked → it ends."""
    warning = get_warning(store, principal, warning_id)
    refusal = decision_refusal(warning.level, principal.roles)
    if refusal is not None:
        raise ApprovalAuthorityRequired(refusal.message, fields={"required_role": refusal.required_role})
    if warning.status != "appealed":
        advance(warning, "uphold")  # raises the 409 naming the status
    not_in_future(payload.get("decided_on"), clock, "decided_on")
    decided_on = payload.get("decided_on") or clock.today()
    paused_on = iso(warning.paused_on) or decided_on  # an appealed warning always has it
    if decided_on < paused_on:
        raise DateOutOfOrder(fields={"decided_on": f"不得早于申诉日期 {paused_on.isoformat()}"})
    upheld = payload["outcome"] == "upheld"
    advance(warning, "uphold" if upheld else "revoke")
    refresh_calendar(store, calendar)
    paused = paused_working_days(paused_on, decided_on, calendar)
    if upheld:
        answer = resume_after_pause(iso(warning.answer_due), paused_on, decided_on, calendar)
        fix = resume_after_pause(iso(warning.fix_due), paused_on, decided_on, calendar)
        if answer is not None:
            warning.answer_due, warning.answer_due_provisional = answer.due.isoformat(), answer.provisional
        if fix is not None:
            warning.fix_due, warning.fix_due_provisional = fix.due.isoformat(), fix.provisional
    warning.paused_on = None
    entry = {
        **warning.appeals[-1],
        "outcome": payload["outcome"],
        "decided_on": decided_on.isoformat(),
        "decided_by": principal.subject,
        "decision_reasons": payload["reasons"],
        "paused_working_days": paused,
    }
    warning.appeals[-1] = entry
    record_history(warning, f"appeal_{payload['outcome']}", principal.subject, clock)
    outcome_zh = "维持预警，期限相应顺延" if upheld else "撤销预警"
    queue_notice(
        warning,
        "appeal_answer",
        "预警申诉答复",
        f"您于 {entry['lodged_on']} 提出的申诉已办结：{outcome_zh}。理由：{'；'.join(payload['reasons'])}",
    )
    _appeal_event(warning, clock, entry, "decided")
    store.save(warning)
    dispatch_notices(store, warning, notifiers)
    return warning


def _appeal_event(warning: WarningRecord, clock: SystemClock, appeal: dict, stage: str) -> None:
    warning.record_event(
        WARNING_APPEALED,
        {
            **event_ref(warning),
            "stage": stage,
            "appealed_on": iso(appeal["lodged_on"]),
            "outcome": appeal.get("outcome"),
            "decided_on": iso(appeal.get("decided_on")),
            "decided_by": appeal.get("decided_by"),
            "paused_working_days": appeal.get("paused_working_days"),
            "status": warning.status,
            "answer_due": iso(warning.answer_due),
            "fix_due": iso(warning.fix_due),
        },
        now=clock.now(),
    )


def transfer(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict
) -> WarningRecord:
    """已构成纪律处分的，不属于预警范畴，应按办案程序处理: the matter leaves the warning track."""
    warning = get_warning(store, principal, warning_id)
    previous = warning.status
    advance(warning, "transfer_case_clue")
    today = clock.today()
    warning.paused_on = None
    warning.transfer = {
        "to": "case_clue",
        "reason": payload["reason"],
        "by": principal.subject,
        "on": today.isoformat(),
    }
    record_history(warning, "transferred_as_case_clue", principal.subject, clock)
    warning.record_event(
        WARNING_TRANSFERRED,
        {
            **event_ref(warning),
            "to": "case_clue",
            "previous_status": previous,
            "transferred_on": today,
            "transferred_by": principal.subject,
        },
        now=clock.now(),
    )
    store.save(warning)
    return warning
