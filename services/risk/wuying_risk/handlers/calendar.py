"""One calendar for the province (DESIGN.md §4 Warning: the calendar is loadable by an operator
and a year not loaded never crashes a deadline). warning publishes ``calendar.year_loaded`` when
an operator loads a year; risk stores it by year and loads it into its calendar, and every
replica refreshes its calendar from the stored years (the shape of archive's and intake's
``handlers/calendar``). Review-cadence dates computed from then on use the loaded year; dates
already set are not recounted (a review or an evaluation sets the next one)."""

from __future__ import annotations

import logging

from wuying_common.calendar import CalendarDataError, WorkingDayCalendar, YearArrangement
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.rules import InvalidInput

from ..persistence import CalendarYear, RiskStore

log = logging.getLogger(__name__)


def year_loaded(store: RiskStore, clock: SystemClock, calendar: WorkingDayCalendar, event_id: str, data: dict) -> str:
    """Consume ``calendar.year_loaded``: idempotent on the event id (the stored year keeps the id
    it was loaded from, written last, so a redelivery after a crash finishes the work)."""
    stored = store.calendar_year(int(data["year"]))
    if stored is not None and stored.event_id == event_id:
        return "duplicate"
    try:
        arrangement = YearArrangement.from_dict(data)
    except CalendarDataError as exc:  # retrying cannot fix it: dead-lettered at once
        raise InvalidInput("data", f"节假日安排数据有误：{exc}", "invalid_calendar") from None
    calendar.load(arrangement)
    store.put_calendar_year(
        CalendarYear(
            id=arrangement.year,
            holidays=sorted(arrangement.holidays),
            workdays=sorted(arrangement.workdays),
            source=arrangement.source,
            event_id=event_id,
            loaded_at=naive_utc(clock.now()),
        )
    )
    log.info("calendar year %s loaded", arrangement.year)
    return "processed"


def refresh_calendar(store: RiskStore, calendar: WorkingDayCalendar) -> list[int]:
    """Load every stored year this replica's calendar does not have as stored (the refresh timer,
    and start-up)."""
    refreshed = []
    for stored in store.calendar_years():
        arrangement = YearArrangement(
            stored.id, frozenset(stored.holidays), frozenset(stored.workdays), stored.source or ""
        )
        if calendar.arrangement(stored.id) != arrangement:
            calendar.load(arrangement)
            refreshed.append(stored.id)
    return refreshed
