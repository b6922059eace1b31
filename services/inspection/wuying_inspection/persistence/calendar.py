"""The province's calendar years (``calendar.year_loaded`` from warning; issue 8 item 3): a year's
official holiday arrangement, stored by year, that every replica loads into its calendar."""

from __future__ import annotations

from mongoengine import DateField, DateTimeField, Document, IntField, ListField, StringField

from .base import ALIAS


class CalendarYear(Document):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``
    from warning), keyed by year: every replica refreshes its calendar from this small collection
    (the shape of archive's and intake's)."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
    id = IntField(primary_key=True)  # the year
    holidays = ListField(DateField())
    workdays = ListField(DateField())
    source = StringField(default="")
    event_id = StringField()  # the event it was loaded from (idempotency)
    loaded_at = DateTimeField(required=True)
