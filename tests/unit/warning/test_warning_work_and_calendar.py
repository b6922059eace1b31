"""The staff worklist (issue 8 item 10), calendar years loaded once for the province and the
recount of provisional dates (item 3), and the clarification message (item 6; seed 003)."""

import uuid
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ruleset
from wuying_warning.notifiers import InboxNotifier
from wuying_warning.persistence import InboxMessage, SmsDelivery
from wuying_warning.schemas import WorklistSchema

RULES = ruleset(DEFAULT_RULE_VERSION)
TRIGGERS = {3: "public_reports", 2: "policy_deviation_signs", 1: "poor_annual_assessment"}
APPROVERS = {
    3: Principal("leader-1", frozenset({"commission_leader"}), ("130402",)),
    2: Principal("sec-1", frozenset({"commission_secretary"}), ("130402",)),
    1: Principal("pc-1", frozenset({"party_committee"}), ("130402",)),
}


def officer(*counties):
    return Principal("officer-1", frozenset({"warning_officer"}), counties or ("130402",))


@pytest.fixture
def store():
    return FakeWarningStore()


def proposed(store, clock, level=3, official="off-1", county="130402", issued_on=None):
    payload = {
        "official_id": official,
        "unit_id": "unit-1",
        "county": county,
        "level": level,
        "reasons": ["理由"],
        "trigger": TRIGGERS[level],
        "risk_point": None,
        "issued_on": issued_on,
    }
    return handlers.propose(store, clock, officer(county), payload)


def issued(store, clock, level=3, official="off-1", county="130402", issued_on=None, calendar=None):
    warning = proposed(store, clock, level, official, county, issued_on)
    approver = Principal(APPROVERS[level].subject, APPROVERS[level].roles, (county,))
    return handlers.approve(store, clock, calendar or WorkingDayCalendar.official(), RULES, approver, warning.id, {})


# -- the worklist ----------------------------------------------------------------------------------
def test_the_worklist_shows_what_awaits_staff_in_the_callers_counties_most_urgent_first(store, clock):
    """Issue 8 item 10: proposals awaiting approval (篇5 三(一)2), warnings awaiting the answer (篇5
    六1–六3, by due date), the revisit and the lifting (篇5 六4), reports pending verification and
    organisational-handling tasks (篇5 七(一)); only the caller's counties."""
    waiting = proposed(store, clock, official="off-1")
    late = issued(store, clock, official="off-2", issued_on=date(2026, 9, 30))
    soon = issued(store, clock, official="off-3")
    answered = issued(store, clock, official="off-4")
    handlers.respond(store, clock, Principal("off-4", frozenset({"official"}), ()), answered.id, {"content": "说明"})
    issued(store, clock, official="off-9", county="130102")  # another city
    handlers.report_from_triage(
        store,
        clock,
        {
            "id": str(uuid.uuid4()),
            "time": "2026-11-21T01:00:00Z",
            "data": {
                "petition_id": "p-1",
                "outcome": "integrity_information",
                "subjects": [{"kind": "official", "id": "off-3"}],
            },
        },
    )
    work = handlers.worklist(store, officer("130400"), {"county": None, "limit": 50})
    assert [w.id for w in work.awaiting_approval.items] == [waiting.id]
    assert [w.id for w in work.awaiting_answer.items] == [late.id, soon.id]
    assert [w.id for w in work.awaiting_revisit.items] == [answered.id]
    assert [w.id for w in work.reports_pending_verification.items] == [soon.id]
    dumped = WorklistSchema().dump(work)
    assert dumped["awaiting_answer"]["items"][0]["answer_due"] == "2026-10-15"
    assert dumped["awaiting_answer"]["items"][0]["status_zh"] == "已发出"
    assert dumped["counties"] == ["130400"]


def test_the_worklist_is_bounded_and_says_when_there_is_more(store, clock):
    """Issue 8 item 10: bounded lists; ``truncated`` says a list was cut."""
    for n in range(3):
        proposed(store, clock, official=f"off-{n}")
    work = handlers.worklist(store, officer(), {"county": None, "limit": 2})
    assert (len(work.awaiting_approval.items), work.awaiting_approval.truncated) == (2, True)
    assert work.awaiting_answer.truncated is False
    with pytest.raises(Forbidden):
        handlers.worklist(store, officer(), {"county": "130102", "limit": 2})


# -- calendar years ----------------------------------------------------------------------------------
YEAR_2027 = {
    "year": 2027,
    "source": "国办发明电（测试）",
    "holidays": ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"],
    "workdays": ["2027-02-06"],
}


def year_event(data=YEAR_2027):
    return {"id": str(uuid.uuid4()), "county": "130000", "data": data}


def test_loading_a_year_publishes_it_once_for_the_province_without_secrets(store, clock):
    """Issue 8 item 3: one mechanism for the province — the year is stored by key with its
    ``calendar.year_loaded`` v1 event (year, holidays, workdays, source)."""
    operator = Principal("op-1", frozenset({"operator"}), ("130000",))
    handlers.load_calendar_year(store, WorkingDayCalendar.official(), YEAR_2027, clock, operator)
    [event] = store.calendar_year(2027).outbox
    assert event.envelope["type"] == "wuying.warning.calendar.year_loaded.v1"
    assert event.envelope["county"] == "130000" and event.envelope["subject"] == "calendar_year/2027"
    assert event.envelope["data"] == {
        "year": 2027,
        "holidays": YEAR_2027["holidays"],
        "workdays": ["2027-02-06"],
        "source": "国办发明电（测试）",
    }


def test_a_loaded_year_recounts_every_open_provisional_due_and_records_the_change(store, clock):
    """DESIGN.md §4 and issue 8 item 3: a year not loaded gives provisional dates; loading it
    recounts them under each warning's own rule version and issue date, with old date, new date
    and the year on the warning's history. A blue notice of Fri 2027-01-29 (7 working days)
    counted weekends-only is due Tue 2027-02-09; with Sat 6 February a make-up working day and
    8–12 February off it is Mon 2027-02-15."""
    clock.at = clock.at.replace(year=2027, month=1, day=29)
    calendar = WorkingDayCalendar.official()
    blue = issued(store, clock, calendar=calendar)
    red = issued(store, clock, level=1, official="off-2", calendar=calendar)
    assert (blue.answer_due, blue.answer_due_provisional) == ("2027-02-09", True)
    assert (red.fix_due, red.fix_due_provisional) == ("2027-03-01", True)
    done = proposed(store, clock, official="off-3")  # no dues yet: nothing to recount
    event = year_event()
    assert handlers.year_loaded_from_event(store, clock, calendar, event) == "processed"
    after = store.warning(blue.id)
    assert (after.answer_due, after.answer_due_provisional) == ("2027-02-15", False)
    change = after.history[-1]
    assert {k: change[k] for k in ("action", "due_kind", "old", "new", "year_loaded")} == {
        "action": "due_recounted",
        "due_kind": "answer",
        "old": "2027-02-09",
        "new": "2027-02-15",
        "year_loaded": 2027,
    }
    assert (after.issued_on, after.rule_version) == (blue.issued_on, blue.rule_version)
    red_after = store.warning(red.id)
    assert red_after.fix_due_provisional is False and red_after.answer_due_provisional is False
    assert store.warning(done.id).history == done.history
    assert handlers.year_loaded_from_event(store, clock, calendar, event) == "duplicate"
    assert store.calendar_years()[0]["year"] == 2027 and calendar.is_loaded(2027)


def test_every_replica_converges_on_the_stored_years(store, clock):
    """Issue 8 item 3: a replica that did not see the load refreshes from the store (its timer)."""
    handlers.load_calendar_year(store, WorkingDayCalendar.official(), YEAR_2027, clock)
    other = WorkingDayCalendar.official()
    assert not other.is_loaded(2027)
    handlers.refresh_calendar(store, other)
    assert other.add_working_days(date(2027, 2, 5), 1).date == date(2027, 2, 6)  # the make-up Saturday


# -- clarification (seed 003) --------------------------------------------------------------------
def clarified(official_ids=("off-1", "off-2"), event_id=None):
    return {
        "id": event_id or str(uuid.uuid4()),
        "county": "130402",
        "data": {
            "petition_id": "p-7",
            "county": "130402",
            "official_ids": list(official_ids),
            "clarified_at": "2026-11-20T02:00:00Z",
            "summary_zh": "经核查，所反映收受礼金问题不存在。",
        },
    }


def test_each_accused_official_is_told_in_the_inbox_that_the_report_was_false_once(store, clock):
    """Seed 003 (恶意举报的认定、处置、澄清): 澄清正名 reaches the accused as a system message; the
    event is intake's ``petition.clarified`` v1; a redelivery delivers nothing new."""
    notifier = InboxNotifier(store, clock.now)
    event = clarified()
    assert handlers.clarification_from_event(store, clock, event, notifier) == "processed"
    messages = sorted(store.all(InboxMessage), key=lambda m: m.official_id)
    assert [m.official_id for m in messages] == ["off-1", "off-2"]
    assert {m.title for m in messages} == {"澄清正名告知"} and all(m.kind == "clarification" for m in messages)
    assert "不属实" in messages[0].body and "p-7" in messages[0].body and messages[0].warning_id is None
    assert store.count(SmsDelivery) == 0
    assert handlers.clarification_from_event(store, clock, event, notifier) == "duplicate"
    assert store.count(InboxMessage) == 2
    assert [m.title for m in handlers.inbox(store, Principal("off-2", frozenset({"official"}), ()), {})] == [
        "澄清正名告知"
    ]
