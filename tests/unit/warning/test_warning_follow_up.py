"""Answers, revisit, lifting, overdue escalation and operator calendar years (handlers)."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import rule_error
from wuying_common.rules import UnprocessableInput
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ruleset
from wuying_warning.exceptions import LiftByIssuerForbidden, NotOwnWarning, WarningStateConflict

RULES = ruleset(DEFAULT_RULE_VERSION)


def person(subject, *roles):
    return Principal(subject=subject, roles=frozenset(roles), counties=("130402",))


OFFICER = person("officer-1", "warning_officer")
LEADER = person("leader-1", "commission_leader")
OFFICIAL = person("off-1", "official")


@pytest.fixture
def store():
    return FakeWarningStore()


def issued(store, clock, level=3, issued_on=None, approver=None):
    trigger = {3: "public_reports", 2: "policy_deviation_signs", 1: "poor_annual_assessment"}[level]
    payload = {
        "official_id": "off-1",
        "unit_id": "unit-1",
        "county": "130402",
        "level": level,
        "reasons": ["理由"],
        "trigger": trigger,
        "risk_point": None,
        "issued_on": issued_on,
    }
    warning = handlers.propose(store, clock, OFFICER, payload)
    approver = (
        approver
        or {
            3: LEADER,
            2: person("sec-1", "commission_secretary"),
            1: person("pc-1", "party_committee"),
        }[level]
    )
    return handlers.approve(store, clock, WorkingDayCalendar.official(), RULES, approver, warning.id, {})


def events(store, warning_id):
    return [e.routing_key for e in store.warning(warning_id).outbox]


def test_only_the_warned_official_may_answer(store, clock):
    """篇1 ⑤: the person warned answers through the platform; nobody answers for them."""
    warning = issued(store, clock)
    with pytest.raises(NotOwnWarning):
        handlers.respond(store, clock, person("off-2", "official"), warning.id, {"content": "说明"})
    assert store.warning(warning.id).status == "issued"


def test_a_blue_answer_in_time_is_recorded_without_its_text_in_the_event(store, clock):
    """篇5 六1: written explanation within seven working days."""
    warning = issued(store, clock)
    answered = handlers.respond(store, clock, OFFICIAL, warning.id, {"content": "已如实说明情况"})
    assert answered.status == "answered"
    stored = store.warning(warning.id)
    responded = stored.outbox[-1].envelope
    assert responded["data"]["kind"] == "explanation" and responded["data"]["on_time"] is True
    assert "已如实说明情况" not in str(responded)


def test_a_red_warning_runs_answer_rectification_revisit_and_lift_by_someone_else(store, clock):
    """篇5 六3–六4: measures, correction, 回访登记, then a leader other than the issuer lifts it."""
    warning = issued(store, clock, level=1)
    assert handlers.respond(store, clock, OFFICIAL, warning.id, {"content": "整改措施"}).status == "rectifying"
    assert handlers.respond(store, clock, OFFICIAL, warning.id, {"content": "整改报告"}).status == "rectified"
    revisit = {"methods": ["hearing_report", "document_review"], "opinion": "整改到位", "revisited_on": None}
    assert handlers.revisit(store, clock, OFFICER, warning.id, revisit).status == "revisited"
    with pytest.raises(LiftByIssuerForbidden):
        handlers.lift(store, clock, person("pc-1", "party_committee"), warning.id, {})
    lifted = handlers.lift(store, clock, person("pc-2", "party_committee"), warning.id, {"note": None})
    assert lifted.status == "lifted" and lifted.lifted_by == "pc-2"
    assert events(store, warning.id)[-1] == "warning.lifted"


def test_a_warning_cannot_be_lifted_before_the_revisit(store, clock):
    """篇5 六4: 达到整改要求的，填写《预警工作回访登记表》… 后解除预警."""
    warning = issued(store, clock)
    with pytest.raises(WarningStateConflict):
        handlers.lift(store, clock, person("leader-2", "commission_leader"), warning.id, {})


def test_an_overdue_blue_answer_is_reported_once_and_proposes_yellow_without_touching_the_blue(store, clock):
    """篇5 七(一) "可转" and 篇8 第十八条(二)1① (警示提醒后仍未改正的 → 诫勉纠错), decided by the yellow
    level's authority (篇5 三(一)2; issue 8 item 1: the timer used to turn it yellow in place)."""
    warning = issued(store, clock, issued_on=date(2026, 9, 30))  # answer was due 2026-10-15
    before = store.warning(warning.id)
    counts = handlers.check_deadlines(store, clock, WorkingDayCalendar.official(), RULES)
    assert counts == {"overdue": 1, "escalations_proposed": 1, "organisational_handling": 0}
    stored = store.warning(warning.id)
    assert (stored.level, stored.colour, stored.status) == (3, "blue", "issued")
    assert (stored.issued_on, stored.answer_due, stored.rule_version) == (
        before.issued_on,
        before.answer_due,
        before.rule_version,
    )
    assert events(store, warning.id)[-1] == "warning.overdue"
    [proposal] = [store.warning(i) for i in stored.escalation_ids]
    assert (proposal.level, proposal.status, proposal.escalated_from) == (2, "proposed", warning.id)
    assert handlers.check_deadlines(store, clock, WorkingDayCalendar.official(), RULES) == {
        "overdue": 0,
        "escalations_proposed": 0,
        "organisational_handling": 0,
    }


def test_an_overdue_red_fix_opens_an_organisational_handling_task_not_a_further_level(store, clock):
    """篇5 七(一): 整改不力 … 转组织处理; red is the top level (篇8 第十八条(三))."""
    warning = issued(store, clock, level=1, issued_on=date(2026, 9, 30))
    handlers.respond(store, clock, OFFICIAL, warning.id, {"content": "整改措施"})
    counts = handlers.check_deadlines(store, clock, WorkingDayCalendar.official(), RULES)
    assert counts == {"overdue": 1, "escalations_proposed": 0, "organisational_handling": 1}
    stored = store.warning(warning.id)
    assert (stored.level, stored.status, stored.escalation_ids) == (1, "rectifying", [])
    assert stored.outbox[-1].envelope["data"]["organisational_handling"] is True


def test_an_operator_loaded_year_makes_2027_deadlines_final(store, clock):
    """DESIGN.md §4: the State Council's arrangement is loadable; afterwards 2027 is not provisional."""
    calendar = WorkingDayCalendar.official()
    year = {"year": 2027, "source": "test", "holidays": ["2027-01-01"], "workdays": []}
    loaded = handlers.load_calendar_year(store, calendar, year)
    assert 2027 in loaded.loaded_years
    fresh = WorkingDayCalendar.official()
    handlers.refresh_calendar(store, fresh)  # another replica picks it up from the store
    result = handlers.add_working_days(fresh, date(2026, 12, 31), 1)
    assert (result.date, result.provisional) == (date(2027, 1, 4), False)


def test_a_contradictory_calendar_year_is_refused(store):
    """calendar.YearArrangement: a date cannot be both holiday and make-up working day."""
    calendar = WorkingDayCalendar.official()
    bad = {"year": 2027, "holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}
    with pytest.raises(UnprocessableInput) as refused:  # well-formed dates, a rule between them: 422
        handlers.load_calendar_year(store, calendar, bad)
    assert (refused.value.code, rule_error(refused.value).status) == ("invalid_calendar", 422)
    assert not calendar.is_loaded(2027)
    assert store.calendar_years() == []
