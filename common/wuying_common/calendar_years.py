"""Calendar years loaded once for the province (issue 8 item 3; DESIGN.md §4: the calendar is
loadable by an operator and a year not loaded never crashes a deadline).

warning publishes ``calendar.year_loaded`` when an operator loads a year. Every service that
counts dates keeps the year by key in its own store (``StoredCalendarYear``), loads it into its
calendar, and has every replica re-read the stored years at start-up and on a timer
(``refresh_calendar``). A service that must recount items dated provisionally in that year
passes ``recount``. No directory of year files is read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from mongoengine import DateField, DateTimeField, Document, IntField, ListField, StringField

from .calendar import CalendarDataError, WorkingDayCalendar, YearArrangement
from .clock import SystemClock, naive_utc
from .rules import InvalidInput

log = logging.getLogger(__name__)


class StoredCalendarYear(Document):
    """A year's arrangement as loaded for the province, keyed by the year; each service subclasses
    it with its own ``db_alias`` and the collection ``calendar_years``."""

    meta: dict[str, Any] = {"abstract": True}
    id = IntField(primary_key=True)  # the year
    holidays = ListField(DateField())
    workdays = ListField(DateField())
    source = StringField(default="")
    event_id = StringField()  # the event it was loaded from (idempotency)
    loaded_at = DateTimeField(required=True)

    def arrangement(self) -> YearArrangement:
        return YearArrangement(self.id, frozenset(self.holidays), frozenset(self.workdays), self.source or "")


class CalendarYearStore(Protocol):
    def calendar_year(self, year: int) -> StoredCalendarYear | None: ...

    def calendar_years(self) -> Iterable[StoredCalendarYear]: ...

    def put_calendar_year(self, year: StoredCalendarYear) -> Any: ...


def year_loaded(
    store: CalendarYearStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    event_id: str,
    data: dict,
    document: type[StoredCalendarYear],
    recount: Callable[[int], int] | None = None,
) -> str:
    """Consume ``calendar.year_loaded``: load the year, let the service recount what was
    provisional in it, then store the year with the event id — written last, so a redelivery
    after a crash finishes the work and a redelivery after success is a duplicate. A year that
    contradicts itself is refused at once (a retry cannot fix it)."""
    stored = store.calendar_year(int(data["year"]))
    if stored is not None and stored.event_id == event_id:
        return "duplicate"
    try:
        arrangement = YearArrangement.from_dict(data)
    except CalendarDataError as exc:
        raise InvalidInput("data", f"节假日安排数据有误：{exc}", "invalid_calendar") from None
    calendar.load(arrangement)
    changed = recount(arrangement.year) if recount is not None else 0
    store.put_calendar_year(
        document(
            id=arrangement.year,
            holidays=sorted(arrangement.holidays),
            workdays=sorted(arrangement.workdays),
            source=arrangement.source,
            event_id=event_id,
            loaded_at=naive_utc(clock.now()),
        )
    )
    log.info("calendar year %s loaded; %d items recounted", arrangement.year, changed)
    return "processed"


def refresh_calendar(store: CalendarYearStore, calendar: WorkingDayCalendar) -> list[int]:
    """Load every stored year this replica's calendar does not have as stored (the refresh
    timer, and start-up)."""
    refreshed = []
    for stored in store.calendar_years():
        arrangement = stored.arrangement()
        if calendar.arrangement(stored.id) != arrangement:
            calendar.load(arrangement)
            refreshed.append(stored.id)
    return refreshed
