"""Deadlines and escalation (seeds/002 篇5 六 deadlines, 六3 the red warning's extension, 七(一)
overdue warnings and verified new reports move up one level; 篇8 第十八条(二)1①/(三)1①), and
the official calendar's years (DESIGN.md §4) the deadlines are counted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.calendar import CalendarDataError, WorkingDayCalendar, YearArrangement
from wuying_common.clock import SystemClock, beijing_date, parse_rfc3339
from wuying_common.errors import Conflict, ValidationFailed
from wuying_common.http import marshmallow_fields

from ..domain.deadlines import RULESETS, RuleSet, deadlines_for, extension_until
from ..domain.delivery import Notifier
from ..domain.levels import level
from ..exceptions import WarningStateConflict
from ..persistence import WarningRecord, WarningStore
from ..schemas import WARNING_ESCALATED, WARNING_EXTENDED, WARNING_OVERDUE, PetitionTriagedReader
from .notices import dispatch_notices, queue_level_notice, queue_notice
from .support import DEFAULT_RULES, advance, event_ref, get_warning, record_history


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
                **event_ref(warning),
                "due_kind": due_kind,
                "due_on": date.fromisoformat(due_on),
                "detected_on": today,
                "organisational_handling": warning.level == 1,
            },
            now=clock.now(),
        )
        counts["overdue"] += 1
        if warning.level > 1:
            escalate(warning, clock, calendar, rules, today, f"{due_kind}_overdue")
            counts["escalated"] += 1
        try:
            store.save(warning)
        except Conflict as exc:  # another replica's timer got there first: it did the work
            if exc.code != "concurrent_update":
                raise
    if notifiers:
        # Notices whose sending was interrupted after their write, and the escalations above.
        for pending in store.notices_pending():
            dispatch_notices(store, pending, notifiers)
    return counts


def escalate(
    warning: WarningRecord,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    rules: RuleSet,
    today: date,
    reason: str,
    actor: str = "system:deadline-timer",
) -> None:
    """One level up, in place, with fresh deadlines and the new level's notice (篇5 七(一))."""
    before = level(warning.level)
    advance(warning, "escalate")
    after = level(warning.level)
    due = deadlines_for(after.number, today, calendar, rules)
    warning.colour, warning.notice_kind, warning.notice_zh = after.colour, after.notice_kind, after.notice_zh
    warning.issued_on = today.isoformat()
    warning.answer_due = due.answer_due.isoformat()
    warning.answer_due_provisional = due.answer_due_provisional
    warning.fix_due = due.fix_due.isoformat() if due.fix_due else None
    warning.max_extensions, warning.rule_version = due.max_extensions, due.rule_version
    record_history(warning, "escalated", actor, clock, reason=reason)
    queue_level_notice(warning, after, today, due.answer_due, due.fix_due)
    warning.record_event(
        WARNING_ESCALATED,
        {
            **event_ref(warning),
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
        now=clock.now(),
    )


def report_from_triage(
    store: WarningStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    rules: RuleSet,
    envelope: dict,
    notifiers: list[Notifier] | None = None,
) -> str:
    """对廉情预警告知对象，预警后群众仍有反映，经调查问题属实的，可转廉情预警质询 (篇5 七(一)):
    intake's ``petition.triaged`` with outcome integrity_information about an official with an
    open blue warning escalates it to yellow, once.

    Idempotent on the event id, per warning: the id goes into ``report_event_ids`` in the same
    write as the escalation, and the official's warnings are read by key. A redelivery after a
    crash between two warnings' writes escalates the ones still missing.
    """
    try:
        data = PetitionTriagedReader().load(envelope.get("data") or {})
    except ValidationError as exc:
        raise ValidationFailed("研判事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    if data["outcome"] != "integrity_information":
        return "processed"
    event_id = envelope["id"]
    reported_at = parse_rfc3339(envelope.get("time"))
    reported_on = beijing_date(reported_at) if reported_at else clock.today()
    today = clock.today()
    seen = False
    changed: list[WarningRecord] = []
    for subject in data["subjects"]:
        if subject["kind"] != "official":
            continue
        for warning in store.warnings_of(subject["id"]):
            if event_id in (warning.report_event_ids or []):
                seen = True
                continue
            if warning.level != 3 or warning.status not in ("issued", "answered"):
                continue
            # Only a report made after the notice is "仍有反映".
            if not warning.issued_on or reported_on < date.fromisoformat(warning.issued_on):
                continue
            if not changed:  # the calendar only matters once there is something to escalate
                refresh_calendar(store, calendar)
            warning.report_event_ids.append(event_id)
            escalate(warning, clock, calendar, rules, today, "verified_new_report", actor="system:intake-report")
            store.save(warning)
            changed.append(warning)
    for warning in changed:
        dispatch_notices(store, warning, notifiers)
    return "duplicate" if seen and not changed else "processed"


def extend(
    store: WarningStore,
    clock: SystemClock,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
) -> WarningRecord:
    """延期整改 (篇5 六3): a red warning's fix date, once, by at most a month; the domain refuses
    the rest (``ExtensionRefused``: 409 for the warning, 400 for the date)."""
    warning = get_warning(store, principal, warning_id)
    if warning.status not in ("issued", "rectifying") or not warning.fix_due:
        if warning.level == 1:
            raise WarningStateConflict(
                f"预警当前状态为 {warning.status}，不能延长整改期限", fields={"status": warning.status}
            )
    rules = RULESETS.get(warning.rule_version or "", DEFAULT_RULES)
    previous = date.fromisoformat(warning.fix_due) if warning.fix_due else clock.today()
    until = extension_until(previous, payload.get("until"), rules, warning.level, warning.extensions or 0)
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


# -- the official calendar's years -------------------------------------------------------------
@dataclass(frozen=True)
class CalendarYearLoaded:
    year: int
    source: str
    holidays: list[str]
    workdays: list[str]
    loaded_years: list[int]


Day = date  # a field below is called ``date``


@dataclass(frozen=True)
class WorkingDaysResult:
    start: Day
    days: int
    date: Day
    provisional: bool
    loaded_years: list[int]


def load_calendar_year(store: WarningStore, calendar: WorkingDayCalendar, payload: dict) -> CalendarYearLoaded:
    """An operator loads a year's official holiday arrangement (DESIGN.md §4: the State
    Council publishes it late in the year). Stored, so every replica picks it up."""
    try:
        arrangement = YearArrangement.from_dict(payload)
    except CalendarDataError as exc:
        raise ValidationFailed("节假日安排数据有误", fields={"_body": str(exc)}, code="invalid_calendar") from None
    store.save_calendar_year(arrangement.to_dict())
    calendar.load(arrangement)
    return CalendarYearLoaded(**arrangement.to_dict(), loaded_years=calendar.loaded_years())


def refresh_calendar(store: WarningStore, calendar: WorkingDayCalendar) -> None:
    """Years loaded by an operator through any replica (a handful of small documents)."""
    for raw in store.calendar_years():
        year = YearArrangement.from_dict(raw)
        if calendar.arrangement(year.year) != year:
            calendar.load(year)


def add_working_days(
    calendar: WorkingDayCalendar, start: date, days: int, store: WarningStore | None = None
) -> WorkingDaysResult:
    if store is not None:
        refresh_calendar(store, calendar)
    result = calendar.add_working_days(start, days)
    return WorkingDaysResult(start, days, result.date, result.provisional, calendar.loaded_years())
