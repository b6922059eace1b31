"""One calendar for the province (issue 8 item 3): a year loaded through warning
(``calendar.year_loaded`` v1) is stored by year in intake's store, loaded into its calendar, every
open deadline provisional in that year is recomputed with the change recorded on the report, and
every replica refreshes its calendar from the store. Periods counted under 民法典
第二百零一—二百零三条 move off the year's holidays once it is known."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.rules import InvalidInput
from wuying_intake import handlers

from .conftest import staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
# A 2027 arrangement as the State Council might publish it (test data): 12 January a holiday.
YEAR_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-12"], "workdays": ["2027-01-09"], "source": "测试安排"}


def petition_registered_on(store, clock, calendar, day):
    payload = {
        "category": "other",
        "county": "130402",
        "content": "某村会计账目长期不公开，群众意见很大。",
        "subjects": [{"kind": "unit", "name": "某村委会"}],
        "anonymous": True,
        "reporter": None,
        "kind": "petition",
        "received_on": day,
    }
    return handlers.submit_report(store, clock, calendar, None, payload, channel="letter").petition.id


def test_loading_a_year_recomputes_every_open_provisional_deadline_in_it_and_records_the_change(store, clock):
    calendar = WorkingDayCalendar.official()
    clock.advance(days=40)  # 2026-12-30
    pid = petition_registered_on(store, clock, calendar, date(2026, 12, 28))
    register = store.get_petition(pid).deadline("register")
    assert (register.due, register.provisional, register.provisional_years) == (date(2027, 1, 12), True, [2027])
    answered = petition_registered_on(store, clock, calendar, date(2026, 12, 28))
    handlers.triage(
        store, clock, CLERK, answered, {"outcome": "case_clue", "severity": "low", "subjects": [], "note": "移交"}
    )

    assert handlers.year_loaded(store, clock, calendar, "event-1", YEAR_2027) == "processed"
    register = store.get_petition(pid).deadline("register")
    # 民法典 第二百零三条: the last day, now a holiday, moves to the next working day
    assert (register.due, register.provisional, register.provisional_years) == (date(2027, 1, 13), False, [])
    view = staff_view(handlers.get_report(store, CLERK, pid))
    [change] = view["deadline_changes"]
    assert (change["key"], change["old_due"], change["new_due"], change["year"]) == (
        "register",
        "2027-01-12",
        "2027-01-13",
        2027,
    )
    assert store.get_petition(answered).deadline("register").due == date(2027, 1, 12)  # met: left as it was
    handle = store.get_petition(answered).deadline("handle")
    assert handle.provisional is False  # accepted on 2026-12-30: its 60 days are counted on the loaded year
    stored = store.calendar_year(2027)
    assert (stored.event_id, stored.source, date(2027, 1, 12) in stored.holidays) == ("event-1", "测试安排", True)
    assert handlers.year_loaded(store, clock, calendar, "event-1", YEAR_2027) == "duplicate"


def test_every_replica_refreshes_its_calendar_from_the_stored_years(store, clock):
    loader, replica = WorkingDayCalendar.official(), WorkingDayCalendar.official()
    handlers.year_loaded(store, clock, loader, "event-1", YEAR_2027)
    assert replica.is_working_day(date(2027, 1, 12)) == (True, True)  # not known here yet
    assert handlers.refresh_calendar(store, replica) == [2027]
    assert replica.is_working_day(date(2027, 1, 12)) == (False, False)
    assert replica.is_working_day(date(2027, 1, 9)) == (True, False)  # a make-up Saturday
    assert handlers.refresh_calendar(store, replica) == []


def test_a_year_that_contradicts_itself_is_refused_and_nothing_is_stored(store, clock):
    with pytest.raises(InvalidInput):
        handlers.year_loaded(
            store, clock, WorkingDayCalendar.official(), "event-2", dict(YEAR_2027, workdays=["2027-01-12"])
        )
    assert store.calendar_year(2027) is None
