"""Issue 8 item 3 (one calendar for the province): warning's ``calendar.year_loaded`` v1 is stored
by year in inspection's store, loaded into its calendar, every replica refreshes from the stored
years, and visit dates computed afterwards count on the loaded year."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar, YearArrangement
from wuying_common.rules import InvalidInput
from wuying_inspection import handlers
from wuying_inspection.persistence import CalendarYear
from wuying_testing.fakes.inspection import FakeInspectionStore

PROVINCE = Principal("org-1", frozenset({"inspector"}), ("130000",))
# 2027 is not in the chinese-calendar package: counted weekends-only (provisional) until loaded.
# Tuesday 2027-03-02 a holiday, Saturday 2027-03-06 a make-up working day (as a test arrangement).
YEAR_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕…号",
    "holidays": ["2027-01-01", "2027-03-02"],
    "workdays": ["2027-03-06"],
}


@pytest.fixture
def store():
    return FakeInspectionStore()


def test_a_loaded_year_is_stored_by_key_once_per_event(store, clock):
    calendar = WorkingDayCalendar.official()
    assert not calendar.is_loaded(2027)
    assert handlers.year_loaded(store, clock, calendar, "ev-1", YEAR_2027) == "processed"
    assert handlers.year_loaded(store, clock, calendar, "ev-1", YEAR_2027) == "duplicate"
    assert calendar.is_working_day(date(2027, 3, 2)) == (False, False)
    assert calendar.is_working_day(date(2027, 3, 6)) == (True, False)
    stored = store.get(CalendarYear, 2027)
    assert stored.event_id == "ev-1" and stored.source == YEAR_2027["source"]
    # a later load of the same year (another event) replaces it, by key
    assert handlers.year_loaded(store, clock, calendar, "ev-2", dict(YEAR_2027, holidays=["2027-01-01"])) == (
        "processed"
    )
    assert [y.id for y in store.calendar_years()] == [2027]
    assert store.get(CalendarYear, 2027).event_id == "ev-2"
    assert calendar.is_working_day(date(2027, 3, 2)) == (True, False)


def test_every_replica_refreshes_its_calendar_from_the_stored_years(store, clock):
    handlers.year_loaded(store, clock, WorkingDayCalendar(), "ev-1", YEAR_2027)
    replica = WorkingDayCalendar()
    assert handlers.refresh_calendar(store, replica) == [2027]
    assert replica.arrangement(2027) == YearArrangement.from_dict(YEAR_2027)
    assert handlers.refresh_calendar(store, replica) == []


def test_a_year_that_contradicts_itself_is_refused_not_retried(store, clock):
    with pytest.raises(InvalidInput) as raised:
        handlers.year_loaded(store, clock, WorkingDayCalendar(), "ev-3", dict(YEAR_2027, workdays=["2027-03-03"]))
    assert raised.value.code == "invalid_calendar"
    assert store.calendar_years() == []


def test_visit_dates_computed_after_the_load_count_on_the_loaded_year(store, clock):
    """A campaign's visits are ``visit_working_days`` (5) working days on the official calendar:
    before the load 2027-03-01 (Monday) + 5 working days ends on Friday 03-05; after it, the
    Tuesday holiday pushes the end to Saturday 03-06, a make-up working day."""
    calendar = WorkingDayCalendar.official()
    handlers.register_units(
        store, [{"id": "u-1", "name": "纪委监委", "county": "130402", "kind": "commission_organ", "zone": "z1"}]
    )
    command = {
        "year": 2027,
        "windows": [
            {"starts_on": date(2027, 3, 1), "ends_on": date(2027, 3, 31)},
            {"starts_on": date(2027, 9, 1), "ends_on": date(2027, 9, 30)},
        ],
    }
    before = handlers.create_campaign(store, clock, calendar, PROVINCE, dict(command, region="130402"))
    assert (before.visits[0].starts_on, before.visits[0].ends_on) == ("2027-03-01", "2027-03-05")
    handlers.year_loaded(store, clock, calendar, "ev-1", YEAR_2027)
    after = handlers.create_campaign(store, clock, calendar, PROVINCE, dict(command, region="130400"))
    assert (after.visits[0].starts_on, after.visits[0].ends_on) == ("2027-03-01", "2027-03-06")
