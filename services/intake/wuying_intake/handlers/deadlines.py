"""The deadline clock and extensions (件件有着落，事事有回音, seeds/000 B; the time limits of the
处理检举控告工作规则 named in seeds/001, and of the 信访工作条例): early reminders before each open
deadline, one overdue notice per missed deadline, and the one extension a 信访's handling deadline
may get. Rule data in ``domain/deadlines.py``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, rfc3339
from wuying_common.errors import Conflict

from ..domain.deadlines import (
    OVERDUE,
    REMINDER_DAYS,
    REPORT_KINDS_ZH,
    RULES_BY_KEY,
    CivilCalendar,
    Notice,
    OpenDeadline,
    due_notices,
    extend_deadline,
)
from ..domain.petition import TRIAGED
from ..domain.routing import EXTEND
from ..exceptions import InvalidTransition
from ..persistence import IntakeStore, Petition, ReportDeadline
from ..schemas import PETITION_DEADLINE_APPROACHING, PETITION_OVERDUE
from .common import load_for


@dataclass(frozen=True)
class _Due:
    """What the clock owes one report today."""

    petition: Petition
    watched: dict[str, ReportDeadline]  # the open, watched deadlines by key
    notices: list[Notice]


def check_deadlines(
    store: IntakeStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    reminder_days: dict[str, int] | None = None,
) -> dict:
    """Early reminders before each open deadline (N days before, in the deadline's own unit) and
    one ``petition.overdue`` per missed deadline, for every kind of report; each written with the
    petition (the deadline's flags, the note of what was sent and the event: one write)."""
    days = dict(REMINDER_DAYS, **(reminder_days or {}))
    today, now = clock.today(), clock.now()
    longest = max(days.values())
    cutoff = max(calendar.add_working_days(today, longest).date, today + timedelta(days=longest))

    def between(a: date, b: date) -> int:
        return calendar.working_days_between(a, b)[0]

    reminded, overdue = 0, []
    for petition in store.open_deadlines(cutoff):
        due = _due_today(petition, today, between, days)
        if not due.notices:
            continue
        for notice in due.notices:
            _record_notice(due, notice, now)
        try:
            store.save(petition)
        except Conflict:
            continue  # changed meanwhile (perhaps answered): looked at again on the next tick
        for notice in due.notices:
            if notice.action == OVERDUE:
                overdue.append((petition.county, notice.kind))
            else:
                reminded += 1
    return {"reminded": reminded, "overdue": overdue}


def _due_today(
    petition: Petition, today: date, between: Callable[[date, date], int], reminder_days: Mapping[str, int]
) -> _Due:
    watched = {d.key: d for d in petition.deadlines if d.open and d.watched}
    sent = set(petition.notices)
    for d in watched.values():  # the flags say what was sent for the deadline as it is now
        if d.reminded:
            sent.add(f"reminder:{d.key}:{d.due.isoformat()}")
        if d.overdue_notified:
            sent.add(f"overdue:{d.key}:{d.due.isoformat()}")
    open_ = [OpenDeadline(d.key, d.due, d.unit) for d in watched.values()]
    return _Due(petition, watched, due_notices(today, open_, sent, between, reminder_days))


def _record_notice(due: _Due, n: Notice, now: datetime) -> None:
    """The notice's event, the deadline's flag and the note of what was sent, on the petition."""
    petition, deadline = due.petition, due.watched[n.kind]
    common = {
        "petition_id": petition.id,
        "county": petition.county,
        "kind": n.kind,
        "report_kind": petition.kind,
        "label_zh": deadline.label_zh,
        "unit": n.unit,
        "due": n.due.isoformat(),
    }
    if n.action == OVERDUE:
        data = dict(
            common,
            working_days_overdue=max(n.working_days, 1),
            days_overdue=max(n.days, 1),
            detected_at=rfc3339(now),
        )
        petition.record_event(PETITION_OVERDUE, data, now=now)
        deadline.overdue_notified = True
    else:
        data = dict(common, working_days_left=n.working_days, days_left=n.days)
        petition.record_event(PETITION_DEADLINE_APPROACHING, data, now=now)
        deadline.reminded = True
    petition.notices.append(n.key)


def extend(
    store: IntakeStore,
    principal: Principal,
    petition_id: str,
    reason: str,
    days: int | None = None,
    calendar: CivilCalendar | None = None,
) -> Petition:
    """延期: the handling deadline of an accepted, open 信访 moves once, by at most 30 days, with a
    reason (信访工作条例), the extension counted under 民法典 第二百零一—二百零三条 from the end of
    the period it extends. A 检举控告 has no extendable deadline."""
    petition = load_for(store, principal, petition_id, EXTEND)
    if petition.status != TRIAGED:
        raise InvalidTransition("只有已受理、未办结的件可以延期", code="not_open", fields={"status": petition.status})
    d = next((d for d in petition.deadlines if d.open and RULES_BY_KEY[d.key].extension), None)
    if d is None:
        raise InvalidTransition(
            f"{REPORT_KINDS_ZH[petition.kind]}没有可以延长的期限", code="not_extendable", fields={"kind": petition.kind}
        )
    rule = RULES_BY_KEY[d.key]
    amount = days if days is not None else (rule.extension.max_amount if rule.extension else None)
    extended = extend_deadline(
        rule, d.due, d.extensions or 0, reason, amount, calendar or WorkingDayCalendar.official()
    )
    # An extended deadline is a new one: it gets its own reminder and overdue notice.
    d.original_due = d.original_due or d.due
    d.due, d.extensions, d.extension_days = extended.due, (d.extensions or 0) + 1, amount
    d.provisional = bool(d.provisional or extended.provisional)
    d.provisional_years = sorted(set(d.provisional_years or []) | set(extended.provisional_years))
    d.extension_reason, d.extended_by = reason.strip(), principal.subject
    d.reminded = d.overdue_notified = False
    store.save(petition)
    return petition
