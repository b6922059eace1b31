"""Warning use cases: (command, store, clock, calendar, rules) -> result. No nameko here."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_common.errors import ValidationFailed
from wuying_common.http import marshmallow_fields

from .domain.authority import approval_refusal
from .domain.deadlines import RuleSet, deadlines_for
from .domain.levels import level, trigger_label
from .exceptions import (
    ApprovalAuthorityRequired,
    DateInFuture,
    SelfApprovalForbidden,
    WarningNotFound,
    WarningStateConflict,
)
from .persistence import WarningRecord, WarningStore, naive_utc
from .schemas import WARNING_ISSUED, WarningProposedReader

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
        trigger_zh=trigger_label(lvl.number, data["trigger"] or ""),
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
    if warning.status != "proposed":
        raise WarningStateConflict(
            f"预警当前状态为 {warning.status}，只能审批待审批的预警建议", fields={"status": warning.status}
        )
    _not_in_future(payload.get("issued_on"), clock, "issued_on")
    issued_on = payload.get("issued_on") or (
        date.fromisoformat(warning.paper_issued_on) if warning.paper_issued_on else clock.today()
    )
    lvl = level(warning.level)
    due = deadlines_for(lvl.number, issued_on, calendar, rules)
    warning.status = "issued"
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


def add_working_days(calendar: WorkingDayCalendar, start: date, days: int) -> dict:
    result = calendar.add_working_days(start, days)
    return {
        "start": start,
        "days": days,
        "date": result.date,
        "provisional": result.provisional,
        "loaded_years": calendar.loaded_years(),
    }
