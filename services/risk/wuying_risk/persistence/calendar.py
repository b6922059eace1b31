"""The province's calendar years as risk stores them: its documents and the store's methods."""

from __future__ import annotations

from wuying_common.calendar_years import StoredCalendarYear
from wuying_common.store import Store

from .common import ALIAS


class CalendarYear(StoredCalendarYear):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``
    from warning), by year: every replica refreshes its calendar from this small collection."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}


class CalendarStore(Store):
    """The loaded calendar years, by year."""

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        """Every loaded year (a handful of small documents: read whole by the refresh timer)."""
        return list(CalendarYear.objects.order_by("id"))

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)
