"""One calendar for the province (DESIGN.md §4 Warning: the calendar is loadable by an operator
and a year not loaded never crashes a deadline). warning publishes ``calendar.year_loaded`` when
an operator loads a year; risk stores it by year and loads it into its calendar, and every
replica refreshes its calendar from the stored years (the shape of archive's and intake's
``handlers/calendar``). Review-cadence dates computed from then on use the loaded year; dates
already set are not recounted (a review or an evaluation sets the next one)."""

from __future__ import annotations

from wuying_common import calendar_years
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock

from ..persistence import CalendarYear, RiskStore


def year_loaded(store: RiskStore, clock: SystemClock, calendar: WorkingDayCalendar, event_id: str, data: dict) -> str:
    """Consume ``calendar.year_loaded`` (``wuying_common.calendar_years``): store and load the year."""
    return calendar_years.year_loaded(store, clock, calendar, event_id, data, CalendarYear)


def refresh_calendar(store: RiskStore, calendar: WorkingDayCalendar) -> list[int]:
    """The refresh timer: load the stored years this replica does not have as stored."""
    return calendar_years.refresh_calendar(store, calendar)
