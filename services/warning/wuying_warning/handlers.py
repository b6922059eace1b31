"""Warning use cases: (command, store, clock, calendar, rules) -> result. No nameko here."""

from __future__ import annotations

import html
from datetime import date

from marshmallow import ValidationError
from werkzeug.wrappers import Response

from wuying_common.auth import Principal
from wuying_common.calendar import CalendarDataError, WorkingDayCalendar, YearArrangement
from wuying_common.clock import SystemClock, beijing_date, naive_utc, parse_rfc3339
from wuying_common.errors import Conflict, Forbidden, ValidationFailed
from wuying_common.http import marshmallow_fields

from .domain.authority import approval_refusal, decision_refusal
from .domain.deadlines import (
    DEFAULT_RULE_VERSION,
    RULESETS,
    ExtensionRefused,
    RuleSet,
    deadlines_for,
    extension_until,
    paused_working_days,
    resume_after_pause,
)
from .domain.delivery import Notice, Notifier, interview_problems
from .domain.grouping import OpenWarning, dispose
from .domain.levels import LEVELS, SYSTEM_TRIGGERS, level, trigger_label
from .domain.lifecycle import OPEN, IllegalTransition, State, next_state
from .domain.results import RED_WARNINGS_BARRING_ADVANCED, advanced_eligible, answer_times, quarter_bounds
from .exceptions import (
    ApprovalAuthorityRequired,
    DateInFuture,
    DateOutOfOrder,
    InboxMessageNotFound,
    InvalidInterview,
    LiftByIssuerForbidden,
    NotOwnWarning,
    SelfApprovalForbidden,
    WarningNotFound,
    WarningStateConflict,
)
from .exceptions import (
    ExtensionRefused as ExtensionRefusedError,
)
from .persistence import WarningRecord, WarningStore
from .schemas import (
    WARNING_APPEALED,
    WARNING_ESCALATED,
    WARNING_EXTENDED,
    WARNING_ISSUED,
    WARNING_LIFTED,
    WARNING_OVERDUE,
    WARNING_RESPONDED,
    WARNING_TRANSFERRED,
    PetitionTriagedReader,
    WarningProposedReader,
)

RISK_PROPOSER = "system:risk"


def _history(warning: WarningRecord, action: str, actor: str, clock: SystemClock, **extra) -> None:
    warning.history.append({"action": action, "actor": actor, "at": clock.now().isoformat(), **extra})


def _not_in_future(day: date | None, clock: SystemClock, field: str) -> None:
    if day is not None and day > clock.today():
        raise DateInFuture(fields={field: f"{day.isoformat()} 晚于今天 {clock.today().isoformat()}（北京时间）"})


DEFAULT_RULES = RULESETS[DEFAULT_RULE_VERSION]


def proposal_from_event(
    store: WarningStore, clock: SystemClock, envelope: dict, rules: RuleSet = DEFAULT_RULES
) -> tuple[str, WarningRecord | None]:
    """Risk proposed a warning (``warning.proposed`` v1). Idempotent on the event id: the
    unique index on ``source_event_id`` (a new warning) or ``merged_event_ids`` (a proposal
    attached to or suppressed by an open warning, 一事一例) turns a redelivery into
    ``"duplicate"``."""
    if store.source_event_seen(envelope["id"]) or store.merged_event_seen(envelope["id"]):
        return "duplicate", None
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
    kind, target = _place_proposal(store, clock, rules, warning, envelope["id"])
    if kind == "duplicate":
        return "duplicate", None
    return "processed", target


def _place_proposal(
    store: WarningStore, clock: SystemClock, rules: RuleSet, new: WarningRecord, event_id: str | None
) -> tuple[str, WarningRecord]:
    """One matter, one warning (domain.grouping): insert ``new``, or attach it to / suppress it
    under the open warning for the same official and risk point. Returns (kind, warning)."""
    candidates = store.open_for_matter(new.official_id, new.risk_point, OPEN) if new.risk_point else []
    disposition = dispose(
        [OpenWarning(c.id, c.level, c.status, c.proposed_at) for c in candidates],
        new.level,
        new.proposed_at,
        rules.grouping_window_days,
    )
    if disposition.kind == "new":
        return ("new" if store.insert(new) else "duplicate"), new
    target = store.get(disposition.warning_id)
    entry = {
        "at": clock.now().isoformat(),
        "by": new.proposer,
        "level": new.level,
        "trigger": new.trigger,
        "reasons": list(new.reasons),
        "cause_event_ids": list(new.cause_event_ids or []),
        "proposal_id": new.proposal_id,
        "source_event_id": event_id,
    }
    if disposition.kind == "attach":
        target.attached_proposals.append(entry)
        if target.status == "proposed":  # the approver still sees every reason
            target.reasons = list(dict.fromkeys([*target.reasons, *new.reasons]))
        target.cause_event_ids = list(dict.fromkeys([*(target.cause_event_ids or []), *(new.cause_event_ids or [])]))
    else:
        target.suppressed_proposals.append(entry)
    if event_id:
        target.merged_event_ids.append(event_id)
    _history(
        target,
        {"attach": "proposal_attached", "suppress": "proposal_suppressed"}[disposition.kind],
        new.proposer,
        clock,
        event_id=event_id,
    )
    target.save_versioned()
    return disposition.kind, target


def propose(
    store: WarningStore, clock: SystemClock, principal: Principal, payload: dict, rules: RuleSet = DEFAULT_RULES
) -> WarningRecord:
    return propose_matter(store, clock, principal, payload, rules)[1]


def propose_matter(
    store: WarningStore, clock: SystemClock, principal: Principal, payload: dict, rules: RuleSet = DEFAULT_RULES
) -> tuple[str, WarningRecord]:
    """A warning-centre officer proposes a warning (篇5 三(一)2: the centre analyses and
    proposes). Returns ("new" | "attach" | "suppress", the warning that holds the proposal)."""
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
    return _place_proposal(store, clock, rules, warning, None)


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
    notifiers: list[Notifier] | None = None,
) -> WarningRecord:
    """Approve and issue (篇5 三(一)2 authority, 五(二) notice, 六 deadlines); emits
    ``warning.issued`` and queues the written notice in the same write as the state change,
    then sends the notice through the notifiers."""
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
    _queue_level_notice(warning, lvl, issued_on, due.answer_due, due.fix_due)
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
    dispatch_notices(store, warning, notifiers)
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


def check_deadlines(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    rules: RuleSet,
    notifiers: list[Notifier] | None = None,
) -> dict:
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
    if notifiers:
        # Notices whose sending was interrupted after their write, and the escalations above.
        for warning in store.notices_pending():
            dispatch_notices(store, warning, notifiers)
    return counts


def _escalate(warning, clock, calendar, rules, today, reason, actor="system:deadline-timer") -> None:
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
    _history(warning, "escalated", actor, clock, reason=reason)
    _queue_level_notice(warning, after, today, due.answer_due, due.fix_due)
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


# -- notices (篇5 五(二); 篇1: SMS and system message) ---------------------------------------
def _queue_notice(warning: WarningRecord, kind: str, title: str, body: str) -> None:
    """Queue a written notice in the same write as the change that causes it; the id is the
    position in the list, so every resend is idempotent."""
    warning.notices.append(
        {"id": f"{warning.id}.n{len(warning.notices) + 1}", "kind": kind, "title": title, "body": body}
    )
    warning.notices_pending = True


def _queue_level_notice(warning: WarningRecord, lvl, issued_on: date, answer_due: date, fix_due: date | None) -> None:
    ask = {3: "请在期限内将需要向组织说明的情况以书面形式报承办单位", 2: "请立即终止错误行为，如实答复并报告整改措施"}
    ask_text = ask.get(lvl.number, "请对存在问题限期纠正到位，并书面报告整改情况")
    fix = f"；整改期限 {fix_due.isoformat()}" if fix_due else ""
    body = (
        f"{lvl.notice_zh}（{lvl.colour_zh}预警·{lvl.action_zh}）于 {issued_on.isoformat()} 发出。{ask_text}。"
        f"答复期限 {answer_due.isoformat()}{fix}。"
    )
    _queue_notice(warning, lvl.notice_kind, lvl.notice_zh, body)


def dispatch_notices(store: WarningStore, warning: WarningRecord, notifiers: list[Notifier] | None) -> int:
    """Send the warning's notices through every configured notifier (each send is recorded,
    with its time, by the adapter; resending is a no-op). Returns how many were new."""
    if not notifiers or not warning.notices_pending:
        return 0
    sent = 0
    for raw in warning.notices:
        notice = Notice(
            id=raw["id"],
            warning_id=warning.id,
            official_id=warning.official_id,
            county=warning.county,
            kind=raw["kind"],
            title=raw["title"],
            body=raw["body"],
        )
        for notifier in notifiers:
            sent += notifier.send(notice).delivered
    store.clear_notices_pending(warning.id, warning.version)
    return sent


def inbox(store: WarningStore, principal: Principal) -> list:
    """The official's own messages only (篇1: they answer through the platform)."""
    return store.inbox(principal.subject)


def read_inbox_message(store: WarningStore, clock: SystemClock, principal: Principal, message_id: str):
    message = store.inbox_message(message_id)
    # Someone else's message is "not found": its existence is not the caller's business.
    if message is None or message.official_id != principal.subject:
        raise InboxMessageNotFound(fields={"message_id": message_id})
    store.mark_read(message_id, naive_utc(clock.now()))
    return store.inbox_message(message_id)


def _own(store: WarningStore, principal: Principal, warning_id: str) -> WarningRecord:
    warning = store.get(warning_id)
    if warning is None:
        raise WarningNotFound(fields={"warning_id": warning_id})
    if principal.subject != warning.official_id:
        raise NotOwnWarning(fields={"warning_id": "该预警不是发给本人的"})
    return warning


def _appeal_event(warning: WarningRecord, clock: SystemClock, appeal: dict, stage: str) -> None:
    warning.record_event(
        WARNING_APPEALED,
        {
            **_ref(warning),
            "stage": stage,
            "appealed_on": date.fromisoformat(appeal["lodged_on"]),
            "outcome": appeal.get("outcome"),
            "decided_on": date.fromisoformat(appeal["decided_on"]) if appeal.get("decided_on") else None,
            "decided_by": appeal.get("decided_by"),
            "paused_working_days": appeal.get("paused_working_days"),
            "status": warning.status,
            "answer_due": date.fromisoformat(warning.answer_due) if warning.answer_due else None,
            "fix_due": date.fromisoformat(warning.fix_due) if warning.fix_due else None,
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )


# -- appeals (申诉, 篇5 七(三)) -------------------------------------------------------------
def appeal(store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict):
    """The warned official appeals to the organ that issued the warning; the clock stops."""
    warning = _own(store, principal, warning_id)
    _advance(warning, "appeal")
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
    _history(warning, "appealed", principal.subject, clock)
    _appeal_event(warning, clock, entry, "lodged")
    warning.save_versioned()
    return warning


def decide_appeal(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
):
    """接受申诉的机关调查了解后，予以答复 (篇5 七(三)): upheld → the warning resumes with every
    deadline moved on by the working days the appeal took; revoked → it ends."""
    warning = get_warning(store, principal, warning_id)
    refusal = decision_refusal(warning.level, principal.roles)
    if refusal is not None:
        raise ApprovalAuthorityRequired(refusal.message, fields={"required_role": refusal.required_role})
    if warning.status != "appealed":
        _advance(warning, "uphold")  # raises the 409 naming the status
    _not_in_future(payload.get("decided_on"), clock, "decided_on")
    decided_on = payload.get("decided_on") or clock.today()
    paused_on = date.fromisoformat(warning.paused_on)
    if decided_on < paused_on:
        raise DateOutOfOrder(fields={"decided_on": f"不得早于申诉日期 {paused_on.isoformat()}"})
    upheld = payload["outcome"] == "upheld"
    _advance(warning, "uphold" if upheld else "revoke")
    refresh_calendar(store, calendar)
    paused = paused_working_days(paused_on, decided_on, calendar)
    if upheld:
        answer = resume_after_pause(
            date.fromisoformat(warning.answer_due) if warning.answer_due else None, paused_on, decided_on, calendar
        )
        fix = resume_after_pause(
            date.fromisoformat(warning.fix_due) if warning.fix_due else None, paused_on, decided_on, calendar
        )
        if answer is not None:
            warning.answer_due, warning.answer_due_provisional = answer.due.isoformat(), answer.provisional
        if fix is not None:
            warning.fix_due = fix.due.isoformat()
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
    _history(warning, f"appeal_{payload['outcome']}", principal.subject, clock)
    outcome_zh = "维持预警，期限相应顺延" if upheld else "撤销预警"
    _queue_notice(
        warning,
        "appeal_answer",
        "预警申诉答复",
        f"您于 {entry['lodged_on']} 提出的申诉已办结：{outcome_zh}。理由：{'；'.join(payload['reasons'])}",
    )
    _appeal_event(warning, clock, entry, "decided")
    warning.save_versioned()
    dispatch_notices(store, warning, notifiers)
    return warning


# -- case clues (篇5 三(一)3, 七(三)) --------------------------------------------------------
def transfer(store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict):
    """已构成纪律处分的，不属于预警范畴，应按办案程序处理: the matter leaves the warning track."""
    warning = get_warning(store, principal, warning_id)
    previous = warning.status
    _advance(warning, "transfer_case_clue")
    today = clock.today()
    warning.paused_on = None
    warning.transfer = {
        "to": "case_clue",
        "reason": payload["reason"],
        "by": principal.subject,
        "on": today.isoformat(),
    }
    _history(warning, "transferred_as_case_clue", principal.subject, clock)
    warning.record_event(
        WARNING_TRANSFERRED,
        {
            **_ref(warning),
            "to": "case_clue",
            "previous_status": previous,
            "transferred_on": today,
            "transferred_by": principal.subject,
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )
    warning.save_versioned()
    return warning


# -- extension of a red warning (篇5 六3) ---------------------------------------------------
def extend(
    store: WarningStore,
    clock: SystemClock,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
):
    warning = get_warning(store, principal, warning_id)
    if warning.status not in ("issued", "rectifying") or not warning.fix_due:
        if warning.level == 1:
            raise WarningStateConflict(
                f"预警当前状态为 {warning.status}，不能延长整改期限", fields={"status": warning.status}
            )
    rules = RULESETS.get(warning.rule_version or "", DEFAULT_RULES)
    previous = date.fromisoformat(warning.fix_due) if warning.fix_due else clock.today()
    try:
        until = extension_until(previous, payload.get("until"), rules, warning.level, warning.extensions or 0)
    except ExtensionRefused as exc:
        if exc.code == "date_out_of_order":
            raise DateOutOfOrder(exc.message, fields={exc.field: exc.message}) from None
        if exc.field:
            raise ValidationFailed(exc.message, fields={exc.field: exc.message}, code=exc.code) from None
        raise ExtensionRefusedError(
            exc.message, fields={"extensions": warning.extensions or 0}, code=exc.code
        ) from None
    warning.extensions = (warning.extensions or 0) + 1
    warning.fix_due = until.isoformat()
    warning.extension_records.append(
        {
            "previous_fix_due": previous.isoformat(),
            "fix_due": until.isoformat(),
            "approved_by": principal.subject,
            "reasons": payload["reasons"],
            "at": clock.now().isoformat(),
        }
    )
    _history(warning, "extended", principal.subject, clock, fix_due=warning.fix_due)
    _queue_notice(
        warning,
        "extension",
        "延期整改通知书",
        f"经批准，整改期限由 {previous.isoformat()} 延长至 {until.isoformat()}。",
    )
    warning.record_event(
        WARNING_EXTENDED,
        {
            **_ref(warning),
            "previous_fix_due": previous,
            "fix_due": until,
            "approved_by": principal.subject,
            "extensions": warning.extensions,
        },
        subject=f"warning/{warning.id}",
        county=warning.county,
        now=clock.now(),
    )
    warning.save_versioned()
    dispatch_notices(store, warning, notifiers)
    return warning


# -- interviews (约谈, 篇5 五(二)2) -----------------------------------------------------------
def interview(
    store: WarningStore,
    clock: SystemClock,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
):
    warning = get_warning(store, principal, warning_id)
    if warning.status not in ("issued", "answered", "rectifying", "rectified"):
        raise WarningStateConflict(f"预警当前状态为 {warning.status}，不能安排约谈", fields={"status": warning.status})
    problems = interview_problems(payload["interviewers"], payload["lead"], payload["lead_rank"])
    if problems:
        raise InvalidInterview(fields=problems)
    if payload["scheduled_on"] < date.fromisoformat(warning.issued_on):
        raise DateOutOfOrder(fields={"scheduled_on": f"不得早于预警发出日期 {warning.issued_on}"})
    lvl = level(warning.level)
    warning.interviews.append(
        {
            "interviewers": payload["interviewers"],
            "lead": payload["lead"],
            "lead_rank": payload["lead_rank"],
            "plan": payload["plan"],
            "notice_slip_no": payload["notice_slip_no"],
            "notice_slip_zh": lvl.interview_slip_zh,
            "scheduled_on": payload["scheduled_on"].isoformat(),
            "place": payload.get("place"),
            "arranged_by": principal.subject,
            "at": clock.now().isoformat(),
        }
    )
    _history(warning, "interview_arranged", principal.subject, clock, notice_slip_no=payload["notice_slip_no"])
    _queue_notice(
        warning,
        "interview_slip",
        lvl.interview_slip_zh,
        f"请于 {payload['scheduled_on'].isoformat()} 按时到达{payload.get('place') or '指定地点'}接受约谈。"
        f"通知单编号：{payload['notice_slip_no']}。",
    )
    warning.save_versioned()
    dispatch_notices(store, warning, notifiers)
    return warning


# -- new verified reports (篇5 七(一)) --------------------------------------------------------
def report_from_triage(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    rules: RuleSet,
    envelope: dict,
    notifiers: list[Notifier] | None = None,
) -> str:
    """对廉情预警告知对象，预警后群众仍有反映，经调查问题属实的，可转廉情预警质询: intake's
    ``petition.triaged`` with outcome integrity_information about an official with an open
    blue warning escalates it to yellow, once. Idempotent on the event id."""
    try:
        data = PetitionTriagedReader().load(envelope.get("data") or {})
    except ValidationError as exc:
        raise ValidationFailed("研判事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    if data["outcome"] != "integrity_information":
        return "processed"
    if store.report_seen(envelope["id"]):
        return "duplicate"
    reported_at = parse_rfc3339(envelope.get("time"))
    reported_on = beijing_date(reported_at) if reported_at else clock.today()
    today = clock.today()
    refresh_calendar(store, calendar)
    changed = []
    for subject in data["subjects"]:
        if subject["kind"] != "official":
            continue
        for warning in store.open_blue_for(subject["id"], ("issued", "answered")):
            # Only a report made after the notice is "仍有反映".
            if not warning.issued_on or reported_on < date.fromisoformat(warning.issued_on):
                continue
            warning.report_event_ids.append(envelope["id"])
            _escalate(warning, clock, calendar, rules, today, "verified_new_report", actor="system:intake-report")
            warning.save_versioned()
            changed.append(warning)
    for warning in changed:
        dispatch_notices(store, warning, notifiers)
    return "processed"


# -- results (篇5 三(二), 七(二)) ------------------------------------------------------------
def advanced_eligibility(store: WarningStore, principal: Principal, unit_id: str, year: int) -> dict:
    reds = store.red_issued_in_year(unit_id, year)
    visible = [w for w in reds if principal.can_see(w.county)]
    if reds and not visible:
        raise Forbidden("无权访问该地区的数据", fields={"unit_id": "不在令牌授权的地区范围内"}, code="county_forbidden")
    return {
        "unit_id": unit_id,
        "year": year,
        "eligible": advanced_eligible(len(visible)),
        "red_warnings": len(visible),
        "warning_ids": [w.id for w in visible],
        "threshold": RED_WARNINGS_BARRING_ADVANCED,
        "rule": "篇5 七(二)：单位一年内受到两次及以上一级预警的，当年不得评为先进单位",
    }


STATUS_ZH = {
    "proposed": "待审批",
    "issued": "已发出",
    "answered": "已说明",
    "rectifying": "整改中",
    "rectified": "已整改",
    "revisited": "已回访",
    "appealed": "申诉中",
    "lifted": "已解除",
    "revoked": "已撤销",
    "rejected": "未批准",
    "transferred_as_case_clue": "已转案件线索",
}


def _item(w: WarningRecord) -> dict:
    return {
        "warning_id": w.id,
        "official_id": w.official_id,
        "unit_id": w.unit_id,
        "level": w.level,
        "colour": w.colour,
        "status": w.status,
    }


def quarterly_report(store: WarningStore, calendar: WorkingDayCalendar, principal: Principal, query: dict) -> dict:
    """廉政风险信息预警专报 (篇5 三(二)): the quarter's warnings of one county, counted."""
    county, year, quarter = query["county"], query["year"], query["quarter"]
    principal.require_county(county)
    first, last = quarter_bounds(year, quarter)

    def inside(day: str | None) -> bool:
        return bool(day) and first.isoformat() <= day <= last.isoformat()

    refresh_calendar(store, calendar)
    everything = store.for_county(county)
    period = [w for w in everything if inside(w.issued_on) or inside(beijing_date(w.proposed_at).isoformat())]
    by_level = {LEVELS[n].colour: 0 for n in (3, 2, 1)}
    by_status: dict[str, int] = {}
    by_trigger: dict[str, dict] = {}
    answer_days = []
    for w in period:
        by_level[w.colour] = by_level.get(w.colour, 0) + 1
        by_status[w.status] = by_status.get(w.status, 0) + 1
        code = w.trigger or "unspecified"
        row = by_trigger.setdefault(code, {"code": code, "label": w.trigger_zh or "未注明", "count": 0})
        row["count"] += 1
        if w.issued_on and w.responses and w.responses[0]["on"] >= w.issued_on:
            days, _ = calendar.working_days_between(
                date.fromisoformat(w.issued_on), date.fromisoformat(w.responses[0]["on"])
            )
            answer_days.append(days)
    times = answer_times(answer_days)
    return {
        "title": "廉政风险信息预警专报",
        "county": county,
        "year": year,
        "quarter": quarter,
        "period": {"from": first.isoformat(), "to": last.isoformat()},
        "total": len(period),
        "by_level": by_level,
        "by_status": dict(sorted(by_status.items())),
        "by_trigger": sorted(by_trigger.values(), key=lambda r: (-r["count"], r["code"])),
        "overdue": [_item(w) for w in period if w.overdue_notices],
        "escalated": [_item(w) for w in period if w.escalations],
        "lifted": [_item(w) for w in everything if inside(w.lifted_on)],
        "answer_working_days": {"answered": times.count, "average": times.average, "median": times.median},
    }


def quarterly_report_html(report: dict) -> Response:
    """The printable report (呈报党委、政府主要领导参阅)."""
    e = html.escape

    def table(headers, rows):
        head = "".join(f"<th>{e(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td colspan=9>无</td></tr>'}</tbody></table>"

    colour_zh = {lvl.colour: f"{lvl.colour_zh}（{lvl.action_zh}）" for lvl in LEVELS.values()}
    items = ("预警编号", "对象", "单位", "等级", "状态")

    def item_rows(rows):
        return [
            (
                r["warning_id"],
                r["official_id"],
                r["unit_id"],
                colour_zh.get(r["colour"], r["colour"]),
                STATUS_ZH.get(r["status"], r["status"]),
            )
            for r in rows
        ]

    times = report["answer_working_days"]
    fmt = lambda v: "—" if v is None else v  # noqa: E731
    period = f"{report['year']}年第{report['quarter']}季度（{report['period']['from']} 至 {report['period']['to']}）"
    doc = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(report['title'])}</title>
<style>body{{font-family:"SimSun","Songti SC",serif;margin:2em}}h1{{text-align:center}}
table{{border-collapse:collapse;margin:0.5em 0 1.5em;width:100%}}td,th{{border:1px solid #000;padding:4px 8px}}
@media print{{body{{margin:0}}}}</style></head><body>
<h1>{e(report['title'])}</h1>
<p>地区：{e(report['county'])}　期间：{e(period)}　预警总数：{report['total']}</p>
<h2>一、按预警等级</h2>{table(("等级", "件数"), [(colour_zh[c], n) for c, n in report['by_level'].items()])}
<h2>二、按办理状态</h2>{table(("状态", "件数"), [(STATUS_ZH.get(s, s), n) for s, n in report['by_status'].items()])}
<h2>三、按预警情形</h2>{table(("情形", "件数"), [(r['label'], r['count']) for r in report['by_trigger']])}
<h2>四、逾期事项</h2>{table(items, item_rows(report['overdue']))}
<h2>五、升级事项</h2>{table(items, item_rows(report['escalated']))}
<h2>六、本季度解除的预警</h2>{table(items, item_rows(report['lifted']))}
<h2>七、答复用时（工作日）</h2>{table(("已答复件数", "平均", "中位数"), [(times['answered'], fmt(times['average']), fmt(times['median']))])}
</body></html>"""
    return Response(doc, status=200, content_type="text/html; charset=utf-8")
