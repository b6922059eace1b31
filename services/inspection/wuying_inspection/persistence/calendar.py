"""The province's calendar years (``calendar.year_loaded`` from warning; issue 8 item 3): a year's
official holiday arrangement, stored by year, that every replica loads into its calendar."""

from __future__ import annotations

from wuying_common.calendar_years import StoredCalendarYear

from .base import ALIAS


class CalendarYear(StoredCalendarYear):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``
    from warning), keyed by year: every replica refreshes its calendar from this small collection
    (the shape of archive's and intake's)."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
