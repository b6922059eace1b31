"""Wiring left from issues 8 and 10: warning's newer events land in the official's file with Chinese
titles, and reminder deadlines follow the province's calendar (``calendar.year_loaded``)."""

import uuid
from datetime import date

import pytest

from wuying_archive import handlers
from wuying_archive.handlers import calendar as calendar_years
from wuying_archive.handlers import matters
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import CalendarYear, Dossier, Reminder, StepDoc
from wuying_common.calendar import WorkingDayCalendar, YearArrangement
from wuying_common.rules import InvalidInput
from wuying_testing.fakes.archive import FakeArchiveStore

ZHANG = {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "局长", "rank": "正处级"}


def envelope(event_type, data, event_id=None):
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": f"wuying.{event_type}.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": "130402",
        "subject": "warning/w-1",
        "data": data,
    }


@pytest.fixture
def store():
    return FakeArchiveStore()


def test_a_superseded_warning_and_organisational_handling_land_in_the_file_in_chinese(store, clock):
    """002/篇5 七(一): an ignored red warning goes to organisational handling; the file keeps each step."""
    base = {"official_id": "off-1", "county": "130402", "warning_id": "w-1"}
    events = [
        envelope(
            "warning.warning.superseded",
            dict(base, colour="blue", by_colour="yellow", reason="answer_overdue", superseded_on="2026-11-18"),
        ),
        envelope(
            "warning.organisational_handling.opened",
            dict(base, task_id="t-1", due_on="2026-12-18", days_overdue=3, owner="party_committee"),
        ),
        envelope(
            "warning.organisational_handling.closed",
            dict(base, task_id="t-1", measure="reassignment", decided_on="2026-12-01", on_time=True),
        ),
    ]
    for event in events:
        assert handlers.record_event(store, clock, event) == "processed"
    assert [e.summary for e in store.entries("official", "off-1")] == [
        "预警被更高等级预警取代：蓝色预警由黄色预警取代（逾期未答复），2026-11-18",
        "红色预警逾期未整改，转组织处理：办理期限 2026-12-18（已逾期 3 日）",
        "组织处理结果：调整职务（2026-12-01 决定）",
    ]


def test_a_superseded_overdue_warning_clears_the_unrectified_condition_signal(store, clock):
    """002/篇5 七: the dossier learns warning.superseded once, as it learns warning.overdue."""
    evaluator = Evaluator(WorkingDayCalendar.official())
    handlers.register(store, clock, [], [ZHANG])
    overdue = envelope("warning.warning.overdue", {"official_id": "off-1", "warning_id": "w-1"})
    handlers.record_event(store, clock, overdue, evaluator)
    assert [r.condition_code for r in store.all(Reminder)] == ["warning_unrectified"]
    superseded = envelope("warning.warning.superseded", {"official_id": "off-1", "warning_id": "w-1"})
    handlers.record_event(store, clock, superseded, evaluator)
    handlers.record_event(store, clock, superseded, evaluator)  # a redelivery learns nothing new
    assert [s.kind for s in store.get(Dossier, "off-1").signals] == [
        "warning_overdue",
        "warning_superseded",
    ]


YEAR_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕…号",
    "holidays": ["2027-01-01", "2027-01-04"],
    "workdays": ["2027-01-09"],
}


def test_a_loaded_year_is_stored_by_key_and_recounts_provisional_reminder_deadlines(store, clock, person):
    """DESIGN §4: a year not loaded is counted weekends-only and marked provisional; once loaded,
    the open deadline is counted again and the change kept in the reminder's trail."""
    calendar = WorkingDayCalendar.official()
    for year in [y for y in calendar.loaded_years() if y >= 2027]:
        calendar._years.pop(year)  # as if the package did not know 2027
    evaluator = Evaluator(calendar)
    handlers.register(store, clock, [], [ZHANG])
    record = {"kind": "side_job", "source": "personal_report", "company": "某公司", "role": "顾问", "paid": True}
    matters.add_record(store, clock, evaluator, person("k", "archive_keeper"), "off-1", record)
    reminder = store.get(Reminder, "off-1/side_job/1")
    # Acknowledged on 2026-12-30: 3 working days run into 2027, which is not loaded.
    reminder.state = "acknowledged"
    reminder.steps = [*reminder.steps, StepDoc(step="acknowledge", by="a", on="2026-12-30", at=clock.now())]
    reminder.due_on = reminder.escalate_on = "2027-01-20"
    reminder.due_provisional = True
    store.save(reminder)

    assert calendar_years.year_loaded(store, clock, calendar, "ev-1", YEAR_2027) == "processed"
    assert calendar_years.year_loaded(store, clock, calendar, "ev-1", YEAR_2027) == "duplicate"
    stored = store.get(Reminder, "off-1/side_job/1")
    # 15 working days from 2026-12-30 with 1 and 4 January off and Saturday 9 January worked.
    expected = calendar.add_working_days(date(2026, 12, 30), 15)
    assert (stored.due_on, stored.due_provisional) == (expected.date.isoformat(), False)
    assert stored.escalate_on == stored.due_on
    assert stored.steps[-1].step == "recounted" and "2027-01-20" in stored.steps[-1].note
    assert store.get(CalendarYear, 2027).event_id == "ev-1"


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
