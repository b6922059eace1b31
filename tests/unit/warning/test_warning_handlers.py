"""Warning use cases: proposals and approval (handlers, on the fake store)."""

import uuid
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden, ValidationFailed
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ruleset
from wuying_warning.exceptions import (
    ApprovalAuthorityRequired,
    DateInFuture,
    SelfApprovalForbidden,
    WarningStateConflict,
)
from wuying_warning.persistence import WarningRecord

CALENDAR = WorkingDayCalendar.official()
RULES = ruleset(DEFAULT_RULE_VERSION)


def person(subject, *roles, county="130402"):
    return Principal(subject=subject, roles=frozenset(roles), counties=(county,))


OFFICER = person("officer-1", "warning_officer")
LEADER = person("leader-1", "commission_leader")


@pytest.fixture
def store():
    return FakeWarningStore()


def proposal(**overrides):
    payload = {
        "official_id": "off-1",
        "unit_id": "unit-1",
        "county": "130402",
        "level": 3,
        "reasons": ["群众反映其接受服务对象宴请"],
        "trigger": "public_reports",
        "risk_point": None,
        "issued_on": None,
    }
    payload.update(overrides)
    return payload


def proposed_event(event_id=None, **data):
    body = {
        "proposal_id": "prop-1",
        "official_id": "off-1",
        "unit_id": "unit-1",
        "county": "130402",
        "level": 2,
        "colour": "yellow",
        "trigger": "policy_deviation_signs",
        "reasons": ["风险分值超过阈值"],
        "score": 71.5,
        "rule_version": "risk-2026.1",
        "cause_event_ids": ["e-1"],
    }
    body.update(data)
    return {"id": event_id or str(uuid.uuid4()), "county": "130402", "data": body}


def test_a_proposal_from_risk_is_stored_once_per_event_id(store, clock):
    """DESIGN.md §3: handlers are idempotent; a redelivered event is a no-op."""
    event = proposed_event()
    outcome, warning = handlers.proposal_from_event(store, clock, event)
    assert outcome == "processed"
    assert warning.status == "proposed" and warning.proposer == "system:risk"
    assert warning.colour == "yellow" and warning.proposal_rule_version == "risk-2026.1"
    assert handlers.proposal_from_event(store, clock, event) == ("duplicate", None)
    assert store.count(WarningRecord) == 1


def test_a_proposal_event_without_an_official_is_refused_and_nothing_is_written(store, clock):
    """A malformed proposal must fail (so it is retried, then dead-lettered), not half-write."""
    event = proposed_event()
    del event["data"]["official_id"]
    with pytest.raises(ValidationFailed) as excinfo:
        handlers.proposal_from_event(store, clock, event)
    assert "official_id" in excinfo.value.fields
    assert store.count(WarningRecord) == 0


def test_staff_proposal_records_the_proposer_and_a_chinese_trigger_label(store, clock):
    """篇5 三(一)2: the warning centre analyses and proposes; 篇8 第十八条(一)1① trigger."""
    warning = handlers.propose(store, clock, OFFICER, proposal())
    assert warning.proposer == "officer-1"
    assert warning.status == "proposed"
    assert warning.trigger_zh.startswith("群众有举报")


def test_a_paper_issue_date_in_the_future_is_refused(store, clock):
    """A paper warning's real issue date cannot be later than today (Beijing)."""
    with pytest.raises(DateInFuture) as excinfo:
        handlers.propose(store, clock, OFFICER, proposal(issued_on=date(2026, 11, 21)))
    assert "issued_on" in excinfo.value.fields
    assert store.count(WarningRecord) == 0


def test_a_proposal_outside_the_officers_counties_is_forbidden(store, clock):
    with pytest.raises(Forbidden):
        handlers.propose(store, clock, OFFICER, proposal(county="130102"))
    assert store.count(WarningRecord) == 0


def test_approval_issues_the_warning_with_deadlines_and_one_pending_event(store, clock):
    """篇5 三(一)2 authority; 篇5 六1 seven working days from today (Fri 2026-11-20)."""
    warning = handlers.propose(store, clock, OFFICER, proposal())
    issued = handlers.approve(store, clock, CALENDAR, RULES, LEADER, warning.id, {})
    assert issued.status == "issued"
    assert issued.issued_on == "2026-11-20"
    assert issued.answer_due == "2026-12-01"
    assert issued.answer_due_provisional is False
    assert issued.notice_kind == "notice" and issued.notice_zh == "廉情预警告知书"
    assert issued.rule_version == DEFAULT_RULE_VERSION
    stored = store.warning(warning.id)
    assert [e.routing_key for e in stored.outbox] == ["warning.issued"]
    data = stored.outbox[0].envelope["data"]
    assert data["approved_by"] == "leader-1" and data["fix_due"] is None


def test_approval_uses_the_paper_issue_date_of_the_proposal(store, clock):
    """篇5 六1 counts from receipt of the notice: a paper notice's date, not the data entry's."""
    warning = handlers.propose(store, clock, OFFICER, proposal(issued_on=date(2026, 9, 30)))
    issued = handlers.approve(store, clock, CALENDAR, RULES, LEADER, warning.id, {})
    assert (issued.issued_on, issued.answer_due) == ("2026-09-30", "2026-10-15")


def test_the_proposer_cannot_approve_their_own_proposal(store, clock):
    """篇5 三(一)2: proposer and approver are different people."""
    both = person("leader-1", "warning_officer", "commission_leader")
    warning = handlers.propose(store, clock, both, proposal())
    with pytest.raises(SelfApprovalForbidden):
        handlers.approve(store, clock, CALENDAR, RULES, both, warning.id, {})
    assert store.warning(warning.id).status == "proposed"


def test_a_red_warning_needs_the_party_committee(store, clock):
    """篇5 三(一)2: level 1 is decided by the Party committee."""
    warning = handlers.propose(store, clock, OFFICER, proposal(level=1, trigger="poor_annual_assessment"))
    with pytest.raises(ApprovalAuthorityRequired) as excinfo:
        handlers.approve(store, clock, CALENDAR, RULES, LEADER, warning.id, {})
    assert excinfo.value.fields == {"required_role": "party_committee"}
    committee = person("committee-1", "party_committee")
    issued = handlers.approve(store, clock, CALENDAR, RULES, committee, warning.id, {})
    assert issued.fix_due == "2026-12-21" and issued.notice_kind == "order"  # 民法典 第二百零三条: Sun → Mon


def test_an_issued_warning_cannot_be_approved_again(store, clock):
    warning = handlers.propose(store, clock, OFFICER, proposal())
    handlers.approve(store, clock, CALENDAR, RULES, LEADER, warning.id, {})
    other = person("leader-2", "commission_leader")
    with pytest.raises(WarningStateConflict):
        handlers.approve(store, clock, CALENDAR, RULES, other, warning.id, {})
    assert len(store.warning(warning.id).outbox) == 1


def test_the_calendar_answer_lists_loaded_years_and_flags_unloaded_ones():
    """DESIGN.md §4: a year not loaded is provisional, never an error."""
    result = handlers.add_working_days(CALENDAR, date(2027, 1, 4), 5)
    assert result.provisional is True
    assert 2026 in result.loaded_years and 2027 not in result.loaded_years
