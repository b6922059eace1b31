"""One calendar for the province (issue 8 item 3; DESIGN.md §4: the calendar is loadable by an
operator and a year not loaded never crashes a deadline). warning publishes
``calendar.year_loaded`` when an operator loads a year; intake stores it by year, loads it into
its calendar, recomputes every open deadline that was provisional in that year (recording the
change on the report: old date, new date, the year) and every replica refreshes its calendar
from the stored years. No directory of year files is read."""

from __future__ import annotations

import logging

from wuying_common import calendar_years
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, naive_utc

from ..domain.deadlines import RULES_BY_KEY, period_extended
from ..persistence import CalendarYear, DeadlineChange, IntakeStore, Petition, ReportDeadline

log = logging.getLogger(__name__)

BATCH = 500


def year_loaded(store: IntakeStore, clock: SystemClock, calendar: WorkingDayCalendar, event_id: str, data: dict) -> str:
    """Consume ``calendar.year_loaded`` (``wuying_common.calendar_years``), recomputing open
    deadlines that were provisional in that year."""
    return calendar_years.year_loaded(
        store,
        clock,
        calendar,
        event_id,
        data,
        CalendarYear,
        lambda year: recount_year(store, clock, calendar, year, event_id),
    )


def recount_year(
    store: IntakeStore, clock: SystemClock, calendar: WorkingDayCalendar, year: int, event_id: str | None
) -> int:
    """A year loaded moves provisional deadlines and may change how many working days a report
    took (the reports' tallies count them when written): both are counted again. The tallies
    are rebuilt whole: a year is loaded once a year, and a report received in one year may be
    closed in the next."""
    changed = recompute_provisional(store, clock, calendar, year, event_id)
    store.rebuild_tallies(calendar=calendar)
    return changed


def recompute_provisional(
    store: IntakeStore, clock: SystemClock, calendar: WorkingDayCalendar, year: int, event_id: str | None = None
) -> int:
    """Every open deadline that was provisional in ``year``, counted again on the calendar as it
    is now; a changed one records the change on its report."""
    changed, after = 0, None
    while True:
        batch = store.with_provisional_deadlines(BATCH, after)
        if not batch:
            return changed
        for petition in batch:
            if _recompute(petition, calendar, year, event_id, clock):
                store.save(petition)  # a conflict: the event is retried, the work is idempotent
                changed += 1
        after = batch[-1].id


def _touches(d: ReportDeadline, year: int) -> bool:
    if d.provisional_years:
        return year in d.provisional_years
    return d.start.year <= year <= d.due.year  # stored before provisional_years


def _recompute(petition: Petition, calendar: WorkingDayCalendar, year: int, event_id: str | None, clock) -> bool:
    touched = False
    for d in petition.deadlines:
        if not (d.open and d.provisional and _touches(d, year)):
            continue
        if d.extensions and not d.extension_days:
            continue  # extended before its length was kept: left as it is
        fresh = period_extended(RULES_BY_KEY[d.key], d.start, d.extension_days or 0, calendar)
        if fresh.due != d.due:
            petition.deadline_changes.append(
                DeadlineChange(
                    key=d.key, old_due=d.due, new_due=fresh.due, year=year, event_id=event_id, at=naive_utc(clock.now())
                )
            )
            d.reminded = d.overdue_notified = False  # a moved deadline is a new one
        d.due, d.provisional, d.provisional_years = fresh.due, fresh.provisional, list(fresh.provisional_years)
        touched = True
    return touched


def refresh_calendar(store: IntakeStore, calendar: WorkingDayCalendar) -> list[int]:
    """The refresh timer: load the stored years this replica does not have as stored."""
    return calendar_years.refresh_calendar(store, calendar)
