"""The official calendar's years (DESIGN.md §4: the State Council publishes each year's arrangement
late in the year; a year not loaded yields provisional dates, never an error).

One mechanism for the province (issue 8 item 3): an operator loads a year once, through
``PUT /api/v1/calendar/years/<year>``; it is stored by key (``year``) with its
``calendar.year_loaded`` event in the same write, and every service consumes that event. Warning
consumes it too, like any service: it stores the year (if the event is newer than what it has),
refreshes its calendar and recounts every open warning whose answer or fix date is provisional,
recording old and new date on the warning. Every replica also re-reads the (small) collection
periodically, so replicas converge even without the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.calendar import CalendarDataError, CalendarRuleError, WorkingDayCalendar, YearArrangement
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Conflict, ValidationFailed
from wuying_common.events import schema_of
from wuying_common.http import marshmallow_fields
from wuying_common.rules import UnprocessableInput

from ..domain.deadlines import Pause, recomputed_answer_due, recomputed_fix_due
from ..domain.lifecycle import OPEN
from ..persistence import CalendarYear, WarningRecord, WarningStore
from ..schemas import CALENDAR_YEAR_LOADED, CalendarYearLoadedReader
from .support import iso, record_history, rules_of

# Open warnings that have dues (a proposal has none yet).
WITH_DUES = tuple(sorted(OPEN - {"proposed"}))
CALENDAR_ACTOR = "system:calendar"


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


def _arrangement(payload: dict) -> YearArrangement:
    try:
        return YearArrangement.from_dict(payload)
    except CalendarRuleError as exc:  # schema-valid dates that break a rule between them: 422
        raise UnprocessableInput("_body", f"节假日安排数据有误：{exc}", "invalid_calendar") from None
    except CalendarDataError as exc:
        raise ValidationFailed("节假日安排数据有误", fields={"_body": str(exc)}, code="invalid_calendar") from None


def load_calendar_year(
    store: WarningStore,
    calendar: WorkingDayCalendar,
    payload: dict,
    clock: SystemClock | None = None,
    principal: Principal | None = None,
) -> CalendarYearLoaded:
    """An operator loads a year's official holiday arrangement: stored by key with its
    ``calendar.year_loaded`` event (no secrets: the arrangement and its source), and used here
    at once; the consumers (this service included) recount provisional dates."""
    arrangement = _arrangement(payload)
    clock = clock or SystemClock()
    data = arrangement.to_dict()
    county = next((c for c in (principal.counties if principal else ()) if c.isdigit() and len(c) == 6), "000000")
    for _ in range(3):  # another operator's write in between: read again
        record = store.calendar_year(arrangement.year)
        fresh = record is None
        if record is None:
            record = CalendarYear(id=arrangement.year, year=arrangement.year)
        record.data, record.county = data, county
        record.loaded_at, record.loaded_by = naive_utc(clock.now()), principal.subject if principal else None
        event = {
            "year": arrangement.year,
            "holidays": sorted(arrangement.holidays),
            "workdays": sorted(arrangement.workdays),
            "source": arrangement.source,
        }
        record.record_event(CALENDAR_YEAR_LOADED, event, now=clock.now(), county=county)
        try:
            if fresh:
                store.add(record)
            else:
                store.save(record)
            break
        except Conflict as exc:
            if exc.code not in ("duplicate", "concurrent_update"):
                raise
    else:
        raise Conflict("节假日安排正被他人同时修改，请重试", code="concurrent_update")
    calendar.load(arrangement)
    return CalendarYearLoaded(**data, loaded_years=calendar.loaded_years())


def year_loaded_from_event(
    store: WarningStore, clock: SystemClock, calendar: WorkingDayCalendar, envelope: dict
) -> str:
    """``calendar.year_loaded`` v1, consumed like any service does: keep the year (by key),
    refresh the calendar, recount the provisional dues of open warnings. Idempotent on the event
    id: it is kept on the year's record after the recount (a recount is itself repeatable: a
    date that is no longer provisional is not counted again)."""
    try:
        data = schema_of(CalendarYearLoadedReader).load(envelope.get("data") or {})
    except ValidationError as exc:
        raise ValidationFailed("节假日安排事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    arrangement = _arrangement(data)
    event_id = envelope["id"]
    record = store.calendar_year(arrangement.year)
    if record is not None and event_id in (record.applied_event_ids or []):
        return "duplicate"
    if record is None:
        # Loaded elsewhere (another service or region's operator): keep it here too.
        record = CalendarYear(
            id=arrangement.year, year=arrangement.year, data=arrangement.to_dict(), loaded_at=naive_utc(clock.now())
        )
        record.county = envelope.get("county")
        store.add(record)
    refresh_calendar(store, calendar)
    if calendar.arrangement(arrangement.year) != arrangement:
        # The store holds a later load of the year than this event: that one's event recounts.
        calendar.load(YearArrangement.from_dict(record.data))
    recount_provisional_dues(store, clock, calendar, arrangement.year, event_id)
    record = store.calendar_year(arrangement.year) or record
    record.applied_event_ids = [*(record.applied_event_ids or []), event_id][-20:]
    store.save(record)
    return "processed"


def recount_provisional_dues(
    store: WarningStore, clock: SystemClock, calendar: WorkingDayCalendar, year: int, event_id: str | None = None
) -> list[WarningRecord]:
    """Every open warning whose answer or fix date is provisional is counted again, under the
    rule set and issue date it was issued under, on the calendar as it now is; a changed date
    (or flag) is written with a history entry: old date, new date, the year loaded."""
    changed = []
    for warning in store.provisional_dues(WITH_DUES):
        if not warning.issued_on:
            continue
        if _recount(warning, clock, calendar, year, event_id):
            try:
                store.save(warning)
            except Conflict as exc:  # changed meanwhile: the next load or the timer's refresh sees it
                if exc.code != "concurrent_update":
                    raise
                continue
            changed.append(warning)
    return changed


def _recount(warning: WarningRecord, clock: SystemClock, calendar: WorkingDayCalendar, year: int, event_id) -> bool:
    rules = rules_of(warning)
    issued_on = date.fromisoformat(warning.issued_on)
    pauses = [
        Pause(date.fromisoformat(a["lodged_on"]), date.fromisoformat(a["decided_on"]))
        for a in warning.appeals or []
        if a.get("outcome") == "upheld" and a.get("decided_on")
    ]
    touched = False
    if warning.answer_due_provisional:
        answer = recomputed_answer_due(warning.level, issued_on, pauses, calendar, rules)
        touched |= _apply(warning, clock, "answer", answer.due, answer.provisional, year, event_id)
    # An extended fix date is the authority's decision (篇5 六3): only the rule's own is recounted.
    if warning.fix_due_provisional and not warning.extensions:
        fix = recomputed_fix_due(warning.level, issued_on, pauses, calendar, rules)
        if fix is not None:
            touched |= _apply(warning, clock, "fix", fix.due, fix.provisional, year, event_id)
    return touched


def _apply(warning: WarningRecord, clock: SystemClock, kind: str, due: date, provisional: bool, year, event_id) -> bool:
    old = iso(getattr(warning, f"{kind}_due"))
    old_provisional = bool(getattr(warning, f"{kind}_due_provisional"))
    if old == due and old_provisional == provisional:
        return False
    setattr(warning, f"{kind}_due", due.isoformat())
    setattr(warning, f"{kind}_due_provisional", provisional)
    record_history(
        warning,
        "due_recounted",
        CALENDAR_ACTOR,
        clock,
        due_kind=kind,
        old=old.isoformat() if old else None,
        new=due.isoformat(),
        provisional=provisional,
        year_loaded=year,
        event_id=event_id,
    )
    return True


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
