"""Warning use cases: (command, store, clock, calendar, rules) -> result. No nameko here."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.calendar import CalendarDataError, WorkingDayCalendar, YearArrangement
from wuying_common.clock import SystemClock
from wuying_common.errors import Conflict, ValidationFailed
from wuying_common.http import marshmallow_fields

from .domain.authority import approval_refusal
from .domain.deadlines import RuleSet, deadlines_for
from .domain.levels import SYSTEM_TRIGGERS, level, trigger_label
from .domain.lifecycle import IllegalTransition, State, next_state
from .exceptions import (
    ApprovalAuthorityRequired,
    DateInFuture,
    LiftByIssuerForbidden,
    NotOwnWarning,
    SelfApprovalForbidden,
    WarningNotFound,
    WarningStateConflict,
)
from .persistence import WarningRecord, WarningStore, naive_utc
from .schemas import (
    WARNING_ESCALATED,
    WARNING_ISSUED,
    WARNING_LIFTED,
    WARNING_OVERDUE,
    WARNING_RESPONDED,
    WarningProposedReader,
)

RISK_PROPOSER = "system:risk"


def _history(warning: WarningRecord, action: str, actor: str, clock: SystemClock, **extra) -> None:
    warning.history.append({"action": action, "actor": actor, "at": clock.now().isoformat(), **extra})


def _not_in_future(day: date | None, clock: SystemClock, field: str) -> None:
    if day is not None and day > clock.today():
        raise DateInFuture(fields={field: f"{day.isoformat()} 晚于今天 {clock.today().isoformat()}（北京时间）"})


def proposal_from_event(store: WarningStore, clock: SystemClock, envelope: dict) -> tuple[str, WarningRecord | None]:
    """Risk proposed a warning (``warning.proposed`` v1). Idempotent on the event id: the
    unique index on ``source_event_id`` turns a redelivery into ``"duplicate"``."""
    try:
        data = WarningProposedReader().load(envelope.get("data") or {})
    except ValidationError as exc:
        # Retried, then dead-lettered where an operator sees it (wuying_event_handler).
        raise ValidationFailed("预警建议事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    lvl = level(data["level"])
    warning = WarningRecord(
        source_event_id=envelope["id"],
        proposal_id=data["proposal_id"],
        official_id=data["official_id"],
        unit_id=data["unit_id"],
        county=data["county"],
        level=lvl.number,
        colour=lvl.colour,
        trigger=data["trigger"],
        # Risk may use its own trigger codes: keep them, label the ones we know.
        trigger_zh=trigger_label(lvl.number, data["trigger"] or "") or SYSTEM_TRIGGERS.get(data["trigger"] or ""),
        reasons=data["reasons"],
        risk_point=data["risk_point"],
        score=data["score"],
        cause_event_ids=data["cause_event_ids"],
        proposer=RISK_PROPOSER,
        proposed_at=naive_utc(clock.now()),
        proposal_rule_version=data["rule_version"],
        status="proposed",
    )
    _history(warning, "proposed", RISK_PROPOSER, clock, event_id=envelope["id"])
    if not store.insert(warning):
        return "duplicate", None
    return "processed", warning


def propose(store: WarningStore, clock: SystemClock, principal: Principal, payload: dict) -> WarningRecord:
    """A warning-centre officer proposes a warning (篇5 三(一)2: the centre analyses and proposes)."""
    principal.require_county(payload["county"])
    _not_in_future(payload["issued_on"], clock, "issued_on")
    lvl = level(payload["level"])
    warning = WarningRecord(
        official_id=payload["official_id"],
        unit_id=payload["unit_id"],
        county=payload["county"],
        level=lvl.number,
        colour=lvl.colour,
        trigger=payload["trigger"],
        trigger_zh=trigger_label(lvl.number, payload["trigger"]),
        reasons=payload["reasons"],
        risk_point=payload["risk_point"],
        proposer=principal.subject,
        proposed_at=naive_utc(clock.now()),
        paper_issued_on=payload["issued_on"].isoformat() if payload["issued_on"] else None,
        status="proposed",
    )
    _history(warning, "proposed", principal.subject, clock)
    store.insert(warning)
    return warning


def get_warning(store: WarningStore, principal: Principal, warning_id: str) -> WarningRecord:
    warning = store.get(warning_id)
    if warning is None:
        raise WarningNotFound(fields={"warning_id": warning_id})
    principal.require_county(warning.county)
    return warning


def list_warnings(store: WarningStore, principal: Principal, query: dict) -> list[WarningRecord]:
    principal.require_county(query["county"])
    return store.find(query["county"], status=query["status"], level=query["level"], limit=query["limit"])


def approve(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    rules: RuleSet,
    principal: Principal,
    warning_id: str,
    payload: dict,
) -> WarningRecord:
    """Approve and issue (篇5 三(一)2 authority, 五(二) notice, 六 deadlines); emits
    ``warning.issued`` in the same write as the state change."""
    warning = get_warning(store, principal, warning_id)
    refusal = approval_refusal(warning.level, warning.proposer, principal.subject, principal.roles)
    if refusal is not None:
        error = SelfApprovalForbidden if refusal.code == "self_approval_forbidden" else ApprovalAuthorityRequired
        fields = {"required_role": refusal.required_role} if refusal.required_role else {}
        raise error(refusal.message, fields=fields)
    _not_in_future(payload.get("issued_on"), clock, "issued_on")
    _advance(warning, "approve")
    issued_on = payload.get("issued_on") or (
        date.fromisoformat(warning.paper_issued_on) if warning.paper_issued_on else clock.today()
    )
    lvl = level(warning.level)
    refresh_calendar(store, calendar)
    due = deadlines_for(lvl.number, issued_on, calendar, rules)
    warning.approved_by = principal.subject
    warning.approved_at = naive_utc(clock.now())
    warning.approval_note = payload.get("note")
    warning.issued_on = issued_on.isoformat()
    warning.notice_kind = lvl.notice_kind
    warning.notice_zh = lvl.notice_zh
    warning.answer_due = due.answer_due.isoformat()
    warning.answer_due_provisional = due.answer_due_provisional
    warning.fix_due = due.fix_due.isoformat() if due.fix_due else None
    warning.max_extensions = due.max_extensions
    warning.rule_version = due.rule_version
    _history(warning, "issued", principal.subject, clock, issued_on=warning.issued_on)
    warning.record_event(
        WARNING_ISSUED,
        {
            "warning_id": warning.id,
            "proposal_id": warning.proposal_id,
            "official_id": warning.official_id,
            "unit_id": warning.unit_id,
            "county": warning.county,
            "level": lvl.number,
            "colour": lvl.colour,
            "notice_kind": lvl.notice_kind,
            "issued_on": issued_on,
            "answer_due": due.answer_due,
            "answer_due_provisional": due.answer_due_provisional,
            "fix_due": due.fix_due,
            "rule_version": due.rule_version,
            "approved_by": principal.subject,
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )
    warning.save_versioned()
    return warning


def _state(warning: WarningRecord) -> State:
    return State(warning.status, warning.level, warning.appealed_from, warning.escalations or 0)


def _advance(warning: WarningRecord, action: str) -> State:
    """Apply a life-cycle step to the record, or refuse with 409 naming the current status."""
    try:
        after = next_state(_state(warning), action)
    except IllegalTransition:
        raise WarningStateConflict(
            f"预警当前状态为 {warning.status}，不能执行该操作", fields={"status": warning.status, "action": action}
        ) from None
    warning.status, warning.level, warning.appealed_from = after.status, after.level, after.appealed_from
    warning.escalations = after.escalations
    return after


def _ref(warning: WarningRecord) -> dict:
    return {
        "warning_id": warning.id,
        "official_id": warning.official_id,
        "unit_id": warning.unit_id,
        "county": warning.county,
        "level": warning.level,
        "colour": warning.colour,
    }


def respond(store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict):
    """The warned official answers through the platform (篇1 ⑤; 篇5 六1–六3): a written
    explanation (blue), an answer with measures (yellow/red), later the rectification report."""
    warning = store.get(warning_id)
    if warning is None:
        raise WarningNotFound(fields={"warning_id": warning_id})
    if principal.subject != warning.official_id:
        raise NotOwnWarning(fields={"warning_id": "该预警不是发给本人的"})
    if warning.status == "rectifying":
        kind, action, due = "rectification_report", "report_rectified", warning.fix_due
    else:
        kind, action, due = ("explanation" if warning.level == 3 else "measures"), "respond", warning.answer_due
    _advance(warning, action)
    today = clock.today()
    warning.responses.append(
        {"kind": kind, "content": payload["content"], "on": today.isoformat(), "by": principal.subject}
    )
    _history(warning, f"responded:{kind}", principal.subject, clock)
    warning.record_event(
        WARNING_RESPONDED,
        {
            **_ref(warning),
            "kind": kind,
            "responded_on": today,
            "due_on": date.fromisoformat(due) if due else None,
            "on_time": due is None or today.isoformat() <= due,
            "status": warning.status,
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )
    warning.save_versioned()
    return warning


def revisit(store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict):
    """回访 (篇5 六4): hearing reports, reviewing documents, symposiums; the registration form."""
    warning = get_warning(store, principal, warning_id)
    _not_in_future(payload.get("revisited_on"), clock, "revisited_on")
    _advance(warning, "revisit")
    on = payload.get("revisited_on") or clock.today()
    warning.revisits.append(
        {"on": on.isoformat(), "by": principal.subject, "methods": payload["methods"], "opinion": payload["opinion"]}
    )
    _history(warning, "revisited", principal.subject, clock)
    warning.save_versioned()
    return warning


def lift(store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict):
    """解除预警 (篇5 六4: 报承办单位领导批准后解除): approved by a leader other than the issuer."""
    warning = get_warning(store, principal, warning_id)
    if principal.subject == warning.approved_by:
        raise LiftByIssuerForbidden(fields={"warning_id": "签发人不得解除本人签发的预警"})
    _advance(warning, "lift")
    today = clock.today()
    warning.lifted_on, warning.lifted_by = today.isoformat(), principal.subject
    _history(warning, "lifted", principal.subject, clock, note=payload.get("note"))
    warning.record_event(
        WARNING_LIFTED,
        {
            **_ref(warning),
            "lifted_on": today,
            "lifted_by": principal.subject,
            "revisited_on": date.fromisoformat(warning.revisits[-1]["on"]),
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )
    warning.save_versioned()
    return warning


def check_deadlines(store: WarningStore, clock: SystemClock, calendar: WorkingDayCalendar, rules: RuleSet) -> dict:
    """Overdue answers and fixes (篇5 六, 七(一)): tell once per level, then escalate one level
    (blue→yellow→red); an unheeded red warning goes to organisational handling instead."""
    today = clock.today()
    refresh_calendar(store, calendar)
    counts = {"overdue": 0, "escalated": 0}
    for warning in store.overdue_candidates(today.isoformat()):
        due_kind = "answer" if warning.status == "issued" else "fix"
        due_on = warning.answer_due if due_kind == "answer" else warning.fix_due
        marker = f"{due_kind}:{warning.level}"
        if marker in (warning.overdue_notices or []):
            continue
        warning.overdue_notices.append(marker)
        warning.record_event(
            WARNING_OVERDUE,
            {
                **_ref(warning),
                "due_kind": due_kind,
                "due_on": date.fromisoformat(due_on),
                "detected_on": today,
                "organisational_handling": warning.level == 1,
            },
            subject=f"warning/{warning.id}",
            county=warning.county,
            now=clock.now(),
        )
        counts["overdue"] += 1
        if warning.level > 1:
            _escalate(warning, clock, calendar, rules, today, f"{due_kind}_overdue")
            counts["escalated"] += 1
        try:
            warning.save_versioned()
        except Conflict as exc:  # another replica's timer got there first: it did the work
            if exc.code != "concurrent_update":
                raise
    return counts


def _escalate(warning, clock, calendar, rules, today, reason) -> None:
    before = level(warning.level)
    _advance(warning, "escalate")
    after = level(warning.level)
    due = deadlines_for(after.number, today, calendar, rules)
    warning.colour, warning.notice_kind, warning.notice_zh = after.colour, after.notice_kind, after.notice_zh
    warning.issued_on = today.isoformat()
    warning.answer_due = due.answer_due.isoformat()
    warning.answer_due_provisional = due.answer_due_provisional
    warning.fix_due = due.fix_due.isoformat() if due.fix_due else None
    warning.max_extensions, warning.rule_version = due.max_extensions, due.rule_version
    _history(warning, "escalated", "system:deadline-timer", clock, reason=reason)
    warning.record_event(
        WARNING_ESCALATED,
        {
            **_ref(warning),
            "previous_level": before.number,
            "previous_colour": before.colour,
            "reason": reason,
            "notice_kind": after.notice_kind,
            "issued_on": today,
            "answer_due": due.answer_due,
            "answer_due_provisional": due.answer_due_provisional,
            "fix_due": due.fix_due,
            "rule_version": due.rule_version,
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )


def load_calendar_year(store: WarningStore, calendar: WorkingDayCalendar, payload: dict) -> dict:
    """An operator loads a year's official holiday arrangement (DESIGN.md §4: the State
    Council publishes it late in the year). Stored, so every replica picks it up."""
    try:
        arrangement = YearArrangement.from_dict(payload)
    except CalendarDataError as exc:
        raise ValidationFailed("节假日安排数据有误", fields={"_body": str(exc)}, code="invalid_calendar") from None
    store.save_calendar_year(arrangement.to_dict())
    calendar.load(arrangement)
    return {**arrangement.to_dict(), "loaded_years": calendar.loaded_years()}


def refresh_calendar(store: WarningStore, calendar: WorkingDayCalendar) -> None:
    """Years loaded by an operator through any replica (a handful of small documents)."""
    for raw in store.calendar_years():
        year = YearArrangement.from_dict(raw)
        if calendar.arrangement(year.year) != year:
            calendar.load(year)


def add_working_days(calendar: WorkingDayCalendar, start: date, days: int, store: WarningStore | None = None) -> dict:
    if store is not None:
        refresh_calendar(store, calendar)
    result = calendar.add_working_days(start, days)
    return {
        "start": start,
        "days": days,
        "date": result.date,
        "provisional": result.provisional,
        "loaded_years": calendar.loaded_years(),
    }
