"""One calendar for the province (issue 8 item 3; DESIGN.md §4: the calendar is loadable by an
operator and a year not loaded never crashes a date). warning publishes ``calendar.year_loaded``
when an operator loads a year; inspection stores it by year, loads it into its calendar, and every
replica refreshes its calendar from the stored years (the shape of archive's ``handlers/calendar``).
Visit dates computed afterwards (campaign previews, reminders) count on the loaded year; dates
already planned stay as they were committed. No directory of year files is read."""

from __future__ import annotations

from wuying_common import calendar_years
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock

from ..persistence import CalendarYear, InspectionStore


def year_loaded(
    store: InspectionStore, clock: SystemClock, calendar: WorkingDayCalendar, event_id: str, data: dict
) -> str:
    """Consume ``calendar.year_loaded`` (``wuying_common.calendar_years``): store and load the year."""
    return calendar_years.year_loaded(store, clock, calendar, event_id, data, CalendarYear)


def refresh_calendar(store: InspectionStore, calendar: WorkingDayCalendar) -> list[int]:
    """The refresh timer: load the stored years this replica does not have as stored."""
    return calendar_years.refresh_calendar(store, calendar)
