"""What every use-case family shares: loading a warning the caller may see, the life-cycle
step (seeds/002 篇5 五–七 as ``domain.lifecycle``), the matter's own history and date checks."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock

from ..domain.deadlines import DEFAULT_RULE_VERSION, RULESETS, RuleSet
from ..domain.grouping import matter_key
from ..domain.lifecycle import IllegalTransition, State, next_state
from ..exceptions import DateInFuture, NotOwnWarning, WarningNotFound, WarningStateConflict
from ..persistence import WarningRecord, WarningRow, WarningStore

RISK_PROPOSER = "system:risk"
DEFAULT_RULES = RULESETS[DEFAULT_RULE_VERSION]


def get_warning(store: WarningStore, principal: Principal, warning_id: str) -> WarningRecord:
    """A warning of one of the caller's counties, or 404 / 403."""
    warning = store.warning(warning_id)
    if warning is None:
        raise WarningNotFound(fields={"warning_id": warning_id})
    principal.require_county(warning.county)
    return warning


def own_warning(store: WarningStore, principal: Principal, warning_id: str) -> WarningRecord:
    """A warning addressed to the caller themself (篇1 ⑤: the official answers in person)."""
    warning = store.warning(warning_id)
    if warning is None:
        raise WarningNotFound(fields={"warning_id": warning_id})
    if principal.subject != warning.official_id:
        raise NotOwnWarning(fields={"warning_id": "该预警不是发给本人的"})
    return warning


def history_entry(action: str, actor: str, clock: SystemClock, **extra) -> dict:
    """One entry of a warning's ``history``: who did what when."""
    return {"action": action, "actor": actor, "at": clock.now().isoformat(), **extra}


def record_history(warning: WarningRecord, action: str, actor: str, clock: SystemClock, **extra) -> None:
    warning.history.append(history_entry(action, actor, clock, **extra))


def not_in_future(day: date | None, clock: SystemClock, field: str) -> None:
    if day is not None and day > clock.today():
        raise DateInFuture(fields={field: f"{day.isoformat()} 晚于今天 {clock.today().isoformat()}（北京时间）"})


def advance(warning: WarningRecord, action: str) -> State:
    """Apply a life-cycle step to the record, or refuse with 409 naming the current status."""
    try:
        after = next_state(State(warning.status, warning.level, warning.appealed_from), action)
    except IllegalTransition:
        raise WarningStateConflict(
            f"预警当前状态为 {warning.status}，不能执行该操作", fields={"status": warning.status, "action": action}
        ) from None
    warning.status, warning.appealed_from = after.status, after.appealed_from
    return after


def matter_of(warning: WarningRecord | WarningRow) -> str:
    """The warning's matter (一事一例): stored since issue 8, derived for older records."""
    return warning.matter or matter_key(warning.risk_point, warning.trigger)


def rules_of(warning: WarningRecord, default: RuleSet = DEFAULT_RULES) -> RuleSet:
    """The rule set a warning was issued under (it keeps it for life), or ``default``."""
    return RULESETS.get(warning.rule_version or "", default)


def event_ref(warning: WarningRecord) -> dict:
    """The fields every event about a warning carries (``schemas.events._WarningRefV1``)."""
    return {
        "warning_id": warning.id,
        "official_id": warning.official_id,
        "unit_id": warning.unit_id,
        "county": warning.county,
        "level": warning.level,
        "colour": warning.colour,
    }


def iso(day: str | None) -> date | None:
    return date.fromisoformat(day) if day else None
