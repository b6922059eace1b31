"""Escalation by the level's authority, superseding, organisational handling (issue 8 items 1
and 8; handlers on the fake store). Seeds: 002/篇5 七(一), 三(一)2, 七(四); 篇8 第十八条."""

import uuid
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Conflict, rule_error
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ruleset
from wuying_warning.domain.organisational import TaskClosed
from wuying_warning.exceptions import (
    ApprovalAuthorityRequired,
    DecisionReasonsRequired,
    FindingAlreadyRecorded,
    ReportNotFound,
    SelfApprovalForbidden,
    TaskOwnerRequired,
)
from wuying_warning.persistence import OrganisationalTask, WarningRecord
from wuying_warning.schemas import TaskSchema, WarningSchema

RULES = ruleset(DEFAULT_RULE_VERSION)
TRIGGERS = {3: "public_reports", 2: "policy_deviation_signs", 1: "poor_annual_assessment"}


def person(subject, *roles):
    return Principal(subject=subject, roles=frozenset(roles), counties=("130402",))


OFFICER = person("officer-1", "warning_officer")
OFFICIAL = person("off-1", "official")
LEADER = person("leader-1", "commission_leader")
SECRETARY = person("sec-1", "commission_secretary")
COMMITTEE = person("pc-1", "party_committee")
APPROVERS = {3: LEADER, 2: SECRETARY, 1: COMMITTEE}


@pytest.fixture
def store():
    return FakeWarningStore()


@pytest.fixture
def calendar():
    return WorkingDayCalendar.official()


def issued(store, clock, level=3, issued_on=None, official="off-1", risk_point="工程招投标"):
    payload = {
        "official_id": official,
        "unit_id": "unit-1",
        "county": "130402",
        "level": level,
        "reasons": ["理由"],
        "trigger": TRIGGERS[level],
        "risk_point": risk_point,
        "issued_on": issued_on,
    }
    warning = handlers.propose(store, clock, OFFICER, payload)
    return handlers.approve(store, clock, WorkingDayCalendar.official(), RULES, APPROVERS[level], warning.id, {})


def keys(store, warning_id, cls=WarningRecord):
    return [e.routing_key for e in store.get(cls, warning_id).outbox]


def triaged(official="off-1", petition="p-1"):
    return {
        "id": str(uuid.uuid4()),
        "county": "130402",
        "time": "2026-11-21T01:00:00Z",
        "data": {
            "petition_id": petition,
            "outcome": "integrity_information",
            "subjects": [{"kind": "official", "id": official}],
        },
    }


# -- a missed step, decided by the higher level's authority --------------------------------------
def test_a_missed_step_proposal_carries_its_evidence_and_is_decided_by_the_commission_secretary(store, clock, calendar):
    """篇5 七(一) 可转廉情预警质询 is decided by the yellow level's authority: 篇5 三(一)2 纪委书记召集
    纪委委员和预警中心研究确定. The timer's evidence: which step, its due date, days overdue."""
    blue = issued(store, clock, issued_on=date(2026, 9, 30))  # answer due 2026-10-15
    handlers.check_deadlines(store, clock, calendar, RULES)
    [proposal_id] = store.warning(blue.id).escalation_ids
    proposal = store.warning(proposal_id)
    assert (proposal.level, proposal.status, proposal.proposer) == (2, "proposed", "system:deadline-timer")
    assert proposal.trigger == "notice_not_corrected" and proposal.matter == store.warning(blue.id).matter
    [evidence] = proposal.escalation["evidence"]
    assert evidence == {
        "kind": "missed_step",
        "reason": "answer_overdue",
        "warning_id": blue.id,
        "level": 3,
        "due_kind": "answer",
        "due_on": "2026-10-15",
        "detected_on": "2026-11-20",
        "days_overdue": 36,
        "key": "answer",
    }
    with pytest.raises(ApprovalAuthorityRequired) as wrong:
        handlers.approve(store, clock, calendar, RULES, LEADER, proposal_id, {"reasons": ["属实"]})
    assert wrong.value.fields == {"required_role": "commission_secretary"}
    with pytest.raises(DecisionReasonsRequired) as silent:
        handlers.approve(store, clock, calendar, RULES, SECRETARY, proposal_id, {})
    assert "reasons" in silent.value.fields
    assert store.warning(proposal_id).status == "proposed"


def test_issuing_the_escalation_supersedes_the_lower_warning_linked_both_ways_keeping_its_dates(store, clock, calendar):
    """篇5 七(一) and 一事一例 (篇5 七(四)): when the higher warning is issued, the lower one is closed
    as superseded; each keeps the rule version, issue date and due dates it was issued under."""
    blue = issued(store, clock, issued_on=date(2026, 9, 30))
    handlers.check_deadlines(store, clock, calendar, RULES)
    [proposal_id] = store.warning(blue.id).escalation_ids
    yellow = handlers.approve(
        store, clock, calendar, RULES, SECRETARY, proposal_id, {"reasons": ["告知后逾期未作说明，经研究转质询"]}
    )
    assert (yellow.status, yellow.escalated_from, yellow.issued_on) == ("issued", blue.id, "2026-11-20")
    assert (yellow.answer_due, yellow.fix_due) == ("2026-12-04", "2026-12-21")
    assert yellow.decision["reasons"] == ["告知后逾期未作说明，经研究转质询"] and yellow.decision["by"] == "sec-1"
    assert yellow.supersede_pending is False
    lower = store.warning(blue.id)
    assert (lower.status, lower.superseded_by, lower.superseded_on) == ("superseded", yellow.id, "2026-11-20")
    assert (lower.level, lower.issued_on, lower.answer_due, lower.rule_version) == (
        3,
        "2026-09-30",
        "2026-10-15",
        DEFAULT_RULE_VERSION,
    )
    superseded = store.warning(blue.id).outbox[-1].envelope
    assert superseded["type"] == "wuying.warning.warning.superseded.v1"
    assert superseded["data"]["superseded_by"] == yellow.id and superseded["data"]["by_colour"] == "yellow"
    assert (superseded["data"]["reason"], superseded["data"]["previous_status"]) == ("answer_overdue", "issued")
    issued_event = store.warning(yellow.id).outbox[0].envelope["data"]
    assert issued_event["escalated_from"] == blue.id and issued_event["level"] == 2
    assert "warning.escalated" not in keys(store, blue.id) + keys(store, yellow.id)


def test_a_rejected_escalation_leaves_the_lower_warning_as_it_was(store, clock, calendar):
    """篇5 七(一) "可转" is a decision: the authority may decline, with reasons (篇5 三(一)2)."""
    blue = issued(store, clock, issued_on=date(2026, 9, 30))
    handlers.check_deadlines(store, clock, calendar, RULES)
    before = store.warning(blue.id)
    [proposal_id] = before.escalation_ids
    with pytest.raises(ApprovalAuthorityRequired):
        handlers.reject(store, clock, COMMITTEE, proposal_id, {"reasons": ["不属本级"]})
    rejected = handlers.reject(store, clock, SECRETARY, proposal_id, {"reasons": ["已作口头说明，暂不转质询"]})
    assert rejected.status == "rejected" and rejected.decision == {
        "outcome": "rejected",
        "by": "sec-1",
        "at": clock.now().isoformat(),
        "reasons": ["已作口头说明，暂不转质询"],
    }
    after = store.warning(blue.id)
    assert (after.status, after.level, after.superseded_by, after.answer_due) == ("issued", 3, None, "2026-10-15")
    assert after.history[-1]["action"] == "escalation_rejected"
    assert handlers.check_deadlines(store, clock, calendar, RULES)["escalations_proposed"] == 0  # told once


def test_an_unanswered_yellow_warning_proposes_red_for_the_party_committee_once_per_missed_step(store, clock, calendar):
    """篇5 七(一) 对廉情预警质询对象，如整改不力… 转廉情监察(检查)建议; 篇8 第十八条(三)1① 诫勉纠错后仍
    未改正的; decided by the Party committee (篇5 三(一)2 提交党委研究确定)."""
    yellow = issued(store, clock, level=2, issued_on=date(2026, 10, 9))
    for _ in range(3):
        handlers.check_deadlines(store, clock, calendar, RULES)
    [proposal_id] = store.warning(yellow.id).escalation_ids
    proposal = store.warning(proposal_id)
    assert (proposal.level, proposal.trigger) == (1, "inquiry_not_rectified")
    with pytest.raises(ApprovalAuthorityRequired):
        handlers.approve(store, clock, calendar, RULES, SECRETARY, proposal_id, {"reasons": ["r"]})
    red = handlers.approve(store, clock, calendar, RULES, COMMITTEE, proposal_id, {"reasons": ["逾期未答复"]})
    assert red.notice_kind == "order" and store.warning(yellow.id).status == "superseded"


# -- a new report, verified ------------------------------------------------------------------------
def test_only_a_substantiated_finding_on_a_new_report_proposes_the_escalation(store, clock, calendar):
    """篇5 七(一): 预警后群众仍有反映，经调查问题属实的，可转 — the finding is the warning officer's,
    with reasons; an unsubstantiated one changes nothing else."""
    blue = issued(store, clock)
    handlers.report_from_triage(store, clock, triaged(petition="p-1"))
    handlers.report_from_triage(store, clock, triaged(petition="p-2"))
    not_true = handlers.record_finding(
        store, clock, OFFICER, blue.id, "p-1", {"substantiated": False, "reasons": ["反映的宴请系正常公务接待"]}
    )
    assert not_true.escalation_ids == [] and not_true.reports_pending is True
    with pytest.raises(FindingAlreadyRecorded):
        handlers.record_finding(store, clock, OFFICER, blue.id, "p-1", {"substantiated": True, "reasons": ["r"]})
    with pytest.raises(ReportNotFound):
        handlers.record_finding(store, clock, OFFICER, blue.id, "p-9", {"substantiated": True, "reasons": ["r"]})
    found = handlers.record_finding(
        store, clock, OFFICER, blue.id, "p-2", {"substantiated": True, "reasons": ["经核查，确有接受宴请"]}
    )
    assert found.reports_pending is False
    [proposal_id] = found.escalation_ids
    report = next(r for r in found.pending_reports if r["petition_id"] == "p-2")
    assert (report["status"], report["escalation_id"]) == ("substantiated", proposal_id)
    [evidence] = store.warning(proposal_id).escalation["evidence"]
    assert (evidence["reason"], evidence["petition_id"], evidence["found_by"]) == (
        "verified_new_report",
        "p-2",
        "officer-1",
    )
    assert evidence["reasons"] == ["经核查，确有接受宴请"]
    with pytest.raises(SelfApprovalForbidden):
        handlers.approve(
            store, clock, calendar, RULES, person("officer-1", "commission_secretary"), proposal_id, {"reasons": ["r"]}
        )
    shown = WarningSchema().dump(store.warning(blue.id))
    assert [r["status_zh"] for r in shown["pending_reports"]] == ["经调查问题不属实", "经调查问题属实"]


def test_a_second_missed_step_adds_its_evidence_to_the_open_proposal_instead_of_a_second_one(store, clock, calendar):
    """一事一例 (篇5 七(四)): one matter, one proposal of the next level, with all its evidence."""
    yellow = issued(store, clock, level=2, issued_on=date(2026, 9, 30))  # answer and fix both overdue
    handlers.report_from_triage(store, clock, triaged())
    handlers.check_deadlines(store, clock, calendar, RULES)
    handlers.record_finding(store, clock, OFFICER, yellow.id, "p-1", {"substantiated": True, "reasons": ["属实"]})
    [proposal_id] = store.warning(yellow.id).escalation_ids
    kinds = [e["key"] for e in store.warning(proposal_id).escalation["evidence"]]
    assert kinds == ["answer", "fix", "report:p-1"]
    assert store.count(WarningRecord) == 2


# -- grouping (issue 8 item 8) ---------------------------------------------------------------------
def test_a_red_proposal_for_the_matter_of_an_open_blue_warning_supersedes_it_once_issued(store, clock, calendar):
    """篇8 第十八条 / 篇5 七(一): a red warning for the same official and matter closed nothing (the
    blue one stayed open); now it is linked and the blue one is closed as superseded on issue."""
    blue = issued(store, clock)
    payload = {
        "official_id": "off-1",
        "unit_id": "unit-1",
        "county": "130402",
        "level": 1,
        "reasons": ["截留专项资金"],
        "trigger": "fiscal_funds_misused",
        "risk_point": "工程招投标",
        "issued_on": None,
    }
    kind, red = handlers.propose_matter(store, clock, OFFICER, payload)
    assert (kind, red.escalated_from, red.escalation["reason"]) == ("supersede", blue.id, "higher_level_proposal")
    assert store.warning(blue.id).status == "issued"  # nothing is decided yet
    handlers.approve(store, clock, calendar, RULES, COMMITTEE, red.id, {"reasons": ["情节较重"]})
    lower = store.warning(blue.id)
    assert (lower.status, lower.superseded_by) == ("superseded", red.id)
    assert lower.outbox[-1].envelope["data"]["reason"] == "higher_level_proposal"


def test_proposals_without_a_risk_point_group_by_official_and_trigger(store, clock):
    """Issue 8 item 8: no risk point, so official and trigger make the matter."""
    first = issued(store, clock, risk_point=None)
    payload = {
        "official_id": "off-1",
        "unit_id": "unit-1",
        "county": "130402",
        "level": 3,
        "reasons": ["又有举报"],
        "risk_point": None,
        "issued_on": None,
    }
    kind, holder = handlers.propose_matter(store, clock, OFFICER, {**payload, "trigger": "public_reports"})
    assert (kind, holder.id) == ("attach", first.id)
    kind, other = handlers.propose_matter(store, clock, OFFICER, {**payload, "trigger": "colleagues_concern"})
    assert kind == "new" and other.id != first.id


def test_a_crash_between_issuing_the_higher_warning_and_closing_the_lower_is_finished_by_the_timer(
    store, clock, calendar
):
    """The issuing write marks ``supersede_pending``; the deadline timer closes what is left."""
    blue = issued(store, clock)
    red = handlers.propose_matter(
        store,
        clock,
        OFFICER,
        {
            "official_id": "off-1",
            "unit_id": "unit-1",
            "county": "130402",
            "level": 1,
            "reasons": ["r"],
            "trigger": "fiscal_funds_misused",
            "risk_point": "工程招投标",
            "issued_on": None,
        },
    )[1]
    original = handlers.lifecycle.supersede_lower
    handlers.lifecycle.supersede_lower = lambda *a, **k: None  # the process died right after the issue
    try:
        handlers.approve(store, clock, calendar, RULES, COMMITTEE, red.id, {"reasons": ["r"]})
    finally:
        handlers.lifecycle.supersede_lower = original
    assert store.warning(blue.id).status == "issued" and store.warning(red.id).supersede_pending is True
    handlers.check_deadlines(store, clock, calendar, RULES)
    assert store.warning(blue.id).superseded_by == red.id and store.warning(red.id).supersede_pending is False


# -- organisational handling -----------------------------------------------------------------------
def test_an_ignored_red_warning_becomes_a_task_with_an_owner_and_a_calendar_deadline_once(store, clock, calendar):
    """篇5 七(一) 转组织处理; 篇8 第十八条(三): red has no higher level. The owner and the month are
    rule data; the month ends under 民法典 第二百零三条 (Sun 2026-12-20 → Mon 2026-12-21)."""
    red = issued(store, clock, level=1, issued_on=date(2026, 9, 30))  # fix due 2026-10-30
    for _ in range(2):
        handlers.check_deadlines(store, clock, calendar, RULES)
    task = store.task(f"oh-{red.id}")
    assert (task.status, task.owner, task.recorder_role) == ("open", "county_party_committee", "party_committee")
    assert (task.opened_on, task.due_on, task.due_provisional) == ("2026-11-20", "2026-12-21", False)
    assert (task.evidence["due_kind"], task.evidence["days_overdue"]) == ("fix", 21)
    assert keys(store, task.id, OrganisationalTask) == ["organisational_handling.opened"]
    assert store.count(OrganisationalTask) == 1
    assert store.warning(red.id).level == 1 and store.warning(red.id).status == "issued"


def test_the_owner_records_the_outcome_which_closes_the_task(store, clock, calendar):
    """组织处理 (篇5 七(一)): who, when, which measure, why; the measure in the event, the reasons not."""
    red = issued(store, clock, level=1, issued_on=date(2026, 9, 30))
    handlers.check_deadlines(store, clock, calendar, RULES)
    key = f"oh-{red.id}"
    outcome = {"measure": "reassignment", "reasons": ["整改不力，调整其工作岗位"], "decided_on": None}
    with pytest.raises(TaskOwnerRequired):
        handlers.record_outcome(store, clock, SECRETARY, key, outcome)
    closed = handlers.record_outcome(store, clock, COMMITTEE, key, outcome)
    assert (closed.status, closed.closed_on, closed.outcome["by"]) == ("closed", "2026-11-20", "pc-1")
    assert TaskSchema().dump(closed)["measure_zh"] == "调整职务"
    event = store.task(key).outbox[-1].envelope
    assert event["type"] == "wuying.warning.organisational_handling.closed.v1"
    assert event["data"]["measure"] == "reassignment" and "岗位" not in str(event)
    with pytest.raises(TaskClosed) as again:
        handlers.record_outcome(store, clock, COMMITTEE, key, outcome)
    answer = rule_error(again.value)
    assert isinstance(answer, Conflict) and (answer.status, answer.code) == (409, "organisational_handling_closed")
    assert handlers.list_tasks(store, OFFICER, {"county": None, "status": "open", "limit": 10}).items == []
    assert [t.id for t in handlers.list_tasks(store, OFFICER, {"county": None, "status": "closed", "limit": 10})] == [
        key
    ]
