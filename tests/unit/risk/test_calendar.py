"""Risk's review-cadence dates follow the province's calendar: warning's ``calendar.year_loaded``
is stored by year in risk's store, loaded into the calendar and refreshed by every replica."""

from datetime import date

import pytest

from wuying_common.calendar import WorkingDayCalendar, YearArrangement
from wuying_common.rules import InvalidInput
from wuying_risk.domain.cadence import DEFAULT_CADENCE, next_review
from wuying_risk.handlers import calendar as calendar_years
from wuying_risk.persistence import CalendarYear
from wuying_testing.fakes.risk import FakeRiskStore

YEAR_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕…号",
    "holidays": ["2027-01-01", "2027-01-04"],
    "workdays": ["2027-01-09"],
}


@pytest.fixture
def store():
    return FakeRiskStore()


def without_2027() -> WorkingDayCalendar:
    calendar = WorkingDayCalendar.official()
    for year in [y for y in calendar.loaded_years() if y >= 2027]:
        calendar._years.pop(year)  # as if the package did not know 2027
    return calendar


def test_a_loaded_year_is_stored_by_key_and_review_dates_use_it(store, clock):
    """A medium risk point reviewed on 2026-07-04 is due six months on, 2027-01-04: counted
    weekends-only (provisional) until 2027 is loaded, then a holiday that moves to the 5th."""
    calendar = without_2027()
    before = next_review(calendar, date(2026, 7, 4), "medium", DEFAULT_CADENCE)
    assert (before.due_on, before.provisional) == (date(2027, 1, 4), True)

    assert calendar_years.year_loaded(store, clock, calendar, "ev-1", YEAR_2027) == "processed"
    assert calendar_years.year_loaded(store, clock, calendar, "ev-1", YEAR_2027) == "duplicate"
    after = next_review(calendar, date(2026, 7, 4), "medium", DEFAULT_CADENCE)
    assert (after.due_on, after.provisional) == (date(2027, 1, 5), False)
    stored = store.calendar_year(2027)
    assert (stored.event_id, stored.source) == ("ev-1", "国办发明电〔2026〕…号")
    assert store.count(CalendarYear) == 1


def test_every_replica_refreshes_its_calendar_from_the_stored_years(store, clock):
    calendar_years.year_loaded(store, clock, WorkingDayCalendar(), "ev-1", YEAR_2027)
    replica = WorkingDayCalendar()
    assert calendar_years.refresh_calendar(store, replica) == [2027]
    assert replica.arrangement(2027) == YearArrangement.from_dict(YEAR_2027)
    assert replica.is_working_day(date(2027, 1, 9)) == (True, False)
    assert calendar_years.refresh_calendar(store, replica) == []


def test_a_year_that_contradicts_itself_is_refused_not_retried(store, clock):
    with pytest.raises(InvalidInput) as raised:
        calendar_years.year_loaded(store, clock, WorkingDayCalendar(), "ev-2", dict(YEAR_2027, workdays=["2027-01-05"]))
    assert raised.value.code == "invalid_calendar"
    assert store.calendar_years() == []
