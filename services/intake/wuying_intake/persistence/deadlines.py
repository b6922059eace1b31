"""Deadlines of a report under the rule that governs it (seeds/000 B; ``domain/deadlines.py``),
their recomputation once a year's holiday arrangement is loaded, and the loaded years
themselves (issue 8 item 3: one calendar for the province)."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    EmbeddedDocument,
    IntField,
    ListField,
    StringField,
)

from wuying_common.calendar_years import StoredCalendarYear

from ..domain.deadlines import RULES_BY_KEY, UNITS_ZH
from .alias import ALIAS


class ReportDeadline(EmbeddedDocument):
    """One deadline of a report under the rule that governs it (``domain/deadlines.py``)."""

    key = StringField(required=True, choices=tuple(RULES_BY_KEY))
    label_zh = StringField(required=True)
    amount = IntField(required=True)
    unit = StringField(required=True, choices=tuple(UNITS_ZH))
    counts_from = StringField(required=True)
    start = DateField(required=True)  # the day it is counted from (not itself counted)
    due = DateField(required=True)
    provisional = BooleanField(default=False)
    provisional_years = ListField(IntField())  # years without a loaded arrangement it was counted over
    watched = BooleanField(default=True)  # the clock reminds and flags it
    met_on = DateField()
    met_by = StringField()  # the action that answered it
    on_time = BooleanField()
    waived = BooleanField(default=False)  # moot: e.g. the send-up deadline once accepted here
    reminded = BooleanField(default=False)
    overdue_notified = BooleanField(default=False)
    extensions = IntField(default=0)
    extension_days = IntField()  # the extension's length, to recount it when a year is loaded
    extension_reason = StringField()
    extended_by = StringField()
    original_due = DateField()

    @property
    def open(self) -> bool:
        return self.met_on is None and not self.waived


class DeadlineChange(EmbeddedDocument):
    """A provisional deadline recomputed once its year's holiday arrangement was loaded."""

    key = StringField(required=True)
    old_due = DateField(required=True)
    new_due = DateField(required=True)
    year = IntField(required=True)  # the year loaded
    event_id = StringField()
    at = DateTimeField(required=True)


class CalendarYear(StoredCalendarYear):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``),
    by year: every replica refreshes its calendar from this small collection."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
