"""A warning's life after the proposal (seeds/002 篇5 三(一)2 approval — or rejection — by the
level's authority, with reasons; 五(二) the written notice, 六 deadlines, 六1–六3 the official's
answer and rectification, 六4 the revisit and lifting; 篇8 第十八条 the three levels' measures),
and reading warnings. Issuing an escalation closes the lower warning (篇5 七(一);
``handlers.escalations.supersede_lower``)."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal, covers
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Conflict
from wuying_common.paging import Page, keyset_page

from ..domain.authority import approval_refusal
from ..domain.deadlines import RuleSet, deadlines_for
from ..domain.delivery import Notifier
from ..domain.escalation import decision_reasons_missing
from ..domain.levels import level
from ..exceptions import (
    ApprovalAuthorityRequired,
    DecisionReasonsRequired,
    LiftByIssuerForbidden,
    SelfApprovalForbidden,
    WarningNotFound,
)
from ..persistence import WarningRecord, WarningStore
from ..schemas import WARNING_ISSUED, WARNING_LIFTED, WARNING_RESPONDED
from .calendar import refresh_calendar
from .escalations import supersede_lower
from .notices import dispatch_notices, queue_level_notice
from .support import advance, event_ref, get_warning, iso, not_in_future, own_warning, record_history


def _decider(warning: WarningRecord, principal: Principal) -> None:
    """篇5 三(一)2: the level's authority decides, never the proposer."""
    refusal = approval_refusal(warning.level, warning.proposer, principal.subject, principal.roles)
    if refusal is not None:
        error = SelfApprovalForbidden if refusal.code == "self_approval_forbidden" else ApprovalAuthorityRequired
        fields = {"required_role": refusal.required_role} if refusal.required_role else {}
        raise error(refusal.message, fields=fields)


# What an official never sees of their own warnings: proposals not (or never) approved.
HIDDEN_FROM_OFFICIAL = frozenset({"proposed", "rejected"})


def visible_to_official(warning: WarningRecord) -> bool:
    return warning.status not in HIDDEN_FROM_OFFICIAL


def list_warnings(store: WarningStore, principal: Principal, query: dict) -> Page:
    """A division's warnings, newest first: a city or province code rolls up over its loaded
    counties; an official (scope ``own``) gets only their own issued warnings."""
    counties = principal.counties_in(query["county"])
    status, lvl = query["status"], query["level"]
    if principal.own_only:
        found = [
            w
            for w in store.warnings_of(principal.subject)
            if visible_to_official(w)
            and covers(query["county"], w.county)
            and (not status or w.status == status)
            and (not lvl or w.level == lvl)
        ]
        return keyset_page(found, query, order="-proposed_at", key=lambda w: w.id)
    return store.find(counties, query, status=status, level=lvl)


def read_warning(store: WarningStore, principal: Principal, warning_id: str) -> WarningRecord:
    """One warning: staff of its county, or the official it is addressed to once issued (an
    unapproved proposal about them is "not found", not "forbidden")."""
    if not principal.own_only:
        return get_warning(store, principal, warning_id)
    warning = own_warning(store, principal, warning_id)
    if not visible_to_official(warning):
        raise WarningNotFound(fields={"warning_id": warning_id})
    return warning


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
    then sends the notice through the notifiers. An escalation (篇5 七(一) 可转…) is decided
    with reasons; once it is issued the matter's open lower warnings are closed as superseded."""
    warning = get_warning(store, principal, warning_id)
    _decider(warning, principal)
    if decision_reasons_missing(bool(warning.escalated_from), payload.get("reasons")):
        raise DecisionReasonsRequired(fields={"reasons": "升级预警须写明决定理由"})
    not_in_future(payload.get("issued_on"), clock, "issued_on")
    advance(warning, "approve")
    issued_on = payload.get("issued_on") or iso(warning.paper_issued_on) or clock.today()
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
    warning.fix_due_provisional = due.fix_due_provisional if due.fix_due else None
    warning.max_extensions = due.max_extensions
    warning.rule_version = due.rule_version
    warning.decision = {
        "outcome": "approved",
        "by": principal.subject,
        "at": clock.now().isoformat(),
        "reasons": list(payload.get("reasons") or []),
    }
    # The matter's open lower warnings are closed after this write; the flag lets the timer
    # finish that after a crash.
    warning.supersede_pending = True
    record_history(warning, "issued", principal.subject, clock, issued_on=warning.issued_on)
    queue_level_notice(warning, lvl, issued_on, due.answer_due, due.fix_due)
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
            "fix_due_provisional": due.fix_due_provisional,
            "escalated_from": warning.escalated_from,
        },
        now=clock.now(),
    )
    store.save(warning)
    supersede_lower(store, clock, warning)
    dispatch_notices(store, warning, notifiers)
    return store.warning(warning.id) or warning


def reject(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict
) -> WarningRecord:
    """The level's authority decides not to issue (篇5 三(一)2; for an escalation, 篇5 七(一) "可转"
    is a decision): the proposal is closed with who, when and why; a lower warning it would have
    replaced stays as it is."""
    warning = get_warning(store, principal, warning_id)
    _decider(warning, principal)
    advance(warning, "reject")
    warning.decision = {
        "outcome": "rejected",
        "by": principal.subject,
        "at": clock.now().isoformat(),
        "reasons": payload["reasons"],
    }
    record_history(warning, "rejected", principal.subject, clock)
    store.save(warning)
    if warning.escalated_from:
        lower = store.warning(warning.escalated_from)
        if lower is not None:
            record_history(lower, "escalation_rejected", principal.subject, clock, proposal_id=warning.id)
            try:
                store.save(lower)
            except Conflict as exc:  # the lower warning's own record may miss this line; the link stays
                if exc.code != "concurrent_update":
                    raise
    return warning


def respond(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict
) -> WarningRecord:
    """The warned official answers through the platform (篇1 ⑤; 篇5 六1–六3): a written
    explanation (blue), an answer with measures (yellow/red), later the rectification report."""
    warning = own_warning(store, principal, warning_id)
    if warning.status == "rectifying":
        kind, action, due = "rectification_report", "report_rectified", warning.fix_due
    else:
        kind, action, due = ("explanation" if warning.level == 3 else "measures"), "respond", warning.answer_due
    advance(warning, action)
    today = clock.today()
    warning.responses.append(
        {"kind": kind, "content": payload["content"], "on": today.isoformat(), "by": principal.subject}
    )
    record_history(warning, f"responded:{kind}", principal.subject, clock)
    warning.record_event(
        WARNING_RESPONDED,
        {
            **event_ref(warning),
            "kind": kind,
            "responded_on": today,
            "due_on": iso(due),
            "on_time": due is None or today.isoformat() <= due,
            "status": warning.status,
        },
        now=clock.now(),
    )
    store.save(warning)
    return warning


def revisit(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict
) -> WarningRecord:
    """回访 (篇5 六4): hearing reports, reviewing documents, symposiums; the registration form."""
    warning = get_warning(store, principal, warning_id)
    not_in_future(payload.get("revisited_on"), clock, "revisited_on")
    advance(warning, "revisit")
    on = payload.get("revisited_on") or clock.today()
    warning.revisits.append(
        {"on": on.isoformat(), "by": principal.subject, "methods": payload["methods"], "opinion": payload["opinion"]}
    )
    record_history(warning, "revisited", principal.subject, clock)
    store.save(warning)
    return warning


def lift(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, payload: dict
) -> WarningRecord:
    """解除预警 (篇5 六4: 报承办单位领导批准后解除): approved by a leader other than the issuer."""
    warning = get_warning(store, principal, warning_id)
    if principal.subject == warning.approved_by:
        raise LiftByIssuerForbidden(fields={"warning_id": "签发人不得解除本人签发的预警"})
    advance(warning, "lift")
    today = clock.today()
    warning.lifted_on, warning.lifted_by = today.isoformat(), principal.subject
    record_history(warning, "lifted", principal.subject, clock, note=payload.get("note"))
    warning.record_event(
        WARNING_LIFTED,
        {
            **event_ref(warning),
            "lifted_on": today,
            "lifted_by": principal.subject,
            "revisited_on": date.fromisoformat(warning.revisits[-1]["on"]),
        },
        now=clock.now(),
    )
    store.save(warning)
    return warning
