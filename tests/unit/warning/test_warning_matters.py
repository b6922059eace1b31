"""Appeals, case clues, extensions, delivery, grouping, reports and results (handlers)."""

import uuid
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Conflict, Forbidden, ValidationFailed, rule_error
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers, views
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ExtensionRefused, ruleset
from wuying_warning.exceptions import (
    ApprovalAuthorityRequired,
    DateInFuture,
    DateOutOfOrder,
    InboxMessageNotFound,
    InterviewAlreadyRecorded,
    InterviewNotFound,
    InvalidInterview,
    NotOwnWarning,
    RegistryUnavailable,
    UnitNotFound,
    WarningStateConflict,
)
from wuying_warning.notifiers import build_notifiers
from wuying_warning.persistence import InboxMessage, SmsDelivery, WarningRecord
from wuying_warning.schemas import QuarterlyReportSchema

RULES = ruleset(DEFAULT_RULE_VERSION)


def person(subject, *roles):
    return Principal(subject=subject, roles=frozenset(roles), counties=("130402",))


OFFICER = person("officer-1", "warning_officer")
OFFICIAL = person("off-1", "official")
APPROVERS = {3: person("leader-1", "commission_leader"), 2: person("sec-1", "commission_secretary")}
APPROVERS[1] = person("pc-1", "party_committee")
TRIGGERS = {3: "public_reports", 2: "policy_deviation_signs", 1: "poor_annual_assessment"}


@pytest.fixture
def store():
    return FakeWarningStore()


@pytest.fixture
def calendar():
    return WorkingDayCalendar.official()


@pytest.fixture
def notifiers(store, clock):
    return build_notifiers(("inbox", "sms"), store, clock.now)


def issued(store, clock, level=3, issued_on=None, official="off-1", unit="unit-1", notifiers=None, risk_point=None):
    payload = {
        "official_id": official,
        "unit_id": unit,
        "county": "130402",
        "level": level,
        "reasons": ["理由"],
        "trigger": TRIGGERS[level],
        "risk_point": risk_point,
        "issued_on": issued_on,
    }
    warning = handlers.propose(store, clock, OFFICER, payload)
    cal = WorkingDayCalendar.official()
    return handlers.approve(store, clock, cal, RULES, APPROVERS[level], warning.id, {}, notifiers)


def snapshot(store, warning_id):
    stored = store.warning(warning_id)
    return stored.version, stored.status, stored.answer_due, stored.fix_due, len(stored.outbox)


def routing_keys(store, warning_id):
    return [e.routing_key for e in store.warning(warning_id).outbox]


# -- appeals -----------------------------------------------------------------------------------
def test_an_upheld_appeal_resumes_the_warning_with_deadlines_moved_by_the_paused_days(store, clock, calendar):
    """篇5 七(三): the official appeals to the issuing organ, which answers; the clock stops
    meanwhile. Issued and appealed Fri 2026-11-20, decided Fri 2026-11-27 (5 working days):
    the answer due Tue 2026-12-01 moves to Tue 2026-12-08."""
    warning = issued(store, clock)
    appealed = handlers.appeal(store, clock, OFFICIAL, warning.id, {"reasons": ["所反映问题与事实不符"]})
    assert (appealed.status, appealed.paused_on) == ("appealed", "2026-11-20")
    assert handlers.check_deadlines(store, clock, calendar, RULES)["overdue"] == 0  # paused: never overdue
    clock.advance(days=7)
    decided = handlers.decide_appeal(
        store, clock, calendar, APPROVERS[3], warning.id, {"outcome": "upheld", "reasons": ["经核实属实"]}
    )
    assert (decided.status, decided.paused_on, decided.answer_due) == ("issued", None, "2026-12-08")
    assert decided.appeals[-1]["decided_by"] == "leader-1" and decided.appeals[-1]["paused_working_days"] == 5
    stored = store.warning(warning.id)
    stages = [e.envelope["data"]["stage"] for e in stored.outbox if e.routing_key == "warning.appealed"]
    assert stages == ["lodged", "decided"]
    assert "与事实不符" not in str([e.envelope for e in stored.outbox])


def test_a_revoked_appeal_ends_the_warning(store, clock, calendar):
    """篇5 七(三): the organ may find the appeal right: the warning is revoked, with who and why."""
    warning = issued(store, clock, level=2)
    handlers.respond(store, clock, OFFICIAL, warning.id, {"content": "整改措施"})
    handlers.appeal(store, clock, OFFICIAL, warning.id, {"reasons": ["异议"]})
    revoked = handlers.decide_appeal(
        store, clock, calendar, APPROVERS[2], warning.id, {"outcome": "revoked", "reasons": ["反映不实"]}
    )
    assert revoked.status == "revoked"
    assert revoked.appeals[-1]["decision_reasons"] == ["反映不实"]


def test_only_the_warned_official_appeals_and_only_the_issuing_authority_decides(store, clock, calendar):
    """篇5 七(三): 预警对象 appeal; 实施预警的机关 (篇5 三(一)2 per level) answer."""
    warning = issued(store, clock, level=1)
    before = snapshot(store, warning.id)
    with pytest.raises(NotOwnWarning):
        handlers.appeal(store, clock, person("off-2", "official"), warning.id, {"reasons": ["异议"]})
    assert snapshot(store, warning.id) == before
    handlers.appeal(store, clock, OFFICIAL, warning.id, {"reasons": ["异议"]})
    before = snapshot(store, warning.id)
    with pytest.raises(ApprovalAuthorityRequired):
        handlers.decide_appeal(
            store, clock, calendar, APPROVERS[2], warning.id, {"outcome": "upheld", "reasons": ["维持"]}
        )
    with pytest.raises(DateOutOfOrder):
        handlers.decide_appeal(
            store,
            clock,
            calendar,
            APPROVERS[1],
            warning.id,
            {"outcome": "upheld", "reasons": ["维持"], "decided_on": date(2026, 11, 19)},
        )
    assert snapshot(store, warning.id) == before


def test_a_lifted_warning_cannot_be_appealed(store, clock):
    """篇5 七(三): an appeal is about a warning in force."""
    warning = issued(store, clock)
    handlers.transfer(store, clock, OFFICER, warning.id, {"reason": "已构成违纪"})
    with pytest.raises(WarningStateConflict):
        handlers.appeal(store, clock, OFFICIAL, warning.id, {"reasons": ["异议"]})


# -- case clues and extensions -----------------------------------------------------------------
def test_conduct_that_is_already_a_violation_is_transferred_as_a_case_clue(store, clock):
    """篇5 三(一)3: 已构成纪律处分的，不属于预警范畴，应按办案程序处理."""
    warning = issued(store, clock, level=2)
    moved = handlers.transfer(store, clock, OFFICER, warning.id, {"reason": "查实收受礼金，已构成违纪"})
    assert moved.status == "transferred_as_case_clue" and moved.transfer["by"] == "officer-1"
    event = store.warning(warning.id).outbox[-1].envelope
    assert event["type"] == "wuying.warning.warning.transferred.v1"
    assert event["data"]["to"] == "case_clue" and event["data"]["previous_status"] == "issued"
    assert "礼金" not in str(event)


def test_a_red_extension_is_recorded_once_and_a_second_is_refused(store, clock):
    """篇5 六3: one extension of at most one month, approved and recorded with who and why."""
    warning = issued(store, clock, level=1)
    calendar = WorkingDayCalendar.official()
    extended = handlers.extend(
        store, clock, calendar, APPROVERS[1], warning.id, {"reasons": ["汛期施工"], "until": None}
    )
    # 民法典 第二百零一—二百零三条: from Mon 2026-12-21 a month is Thu 2027-01-21 (2027 not loaded).
    assert (extended.fix_due, extended.fix_due_provisional) == ("2027-01-21", True)
    assert extended.extension_records[0]["approved_by"] == "pc-1"
    assert routing_keys(store, warning.id)[-1] == "warning.extended"
    before = snapshot(store, warning.id)
    with pytest.raises(ExtensionRefused) as second:
        handlers.extend(store, clock, calendar, APPROVERS[1], warning.id, {"reasons": ["再延"], "until": None})
    assert second.value.code == "extension_exhausted" and rule_error(second.value).status == 409
    assert snapshot(store, warning.id) == before


def test_an_extension_beyond_a_month_or_before_the_due_date_is_refused(store, clock):
    """篇5 六3: 延长整改期限不得超过一个月."""
    warning = issued(store, clock, level=1)
    calendar = WorkingDayCalendar.official()
    before = snapshot(store, warning.id)
    with pytest.raises(ExtensionRefused) as too_long:
        handlers.extend(store, clock, calendar, APPROVERS[1], warning.id, {"reasons": ["r"], "until": date(2027, 2, 1)})
    answer = rule_error(too_long.value)
    assert isinstance(answer, ValidationFailed) and answer.status == 400
    assert answer.code == "extension_too_long" and "until" in answer.fields
    with pytest.raises(ExtensionRefused) as backwards:
        handlers.extend(
            store, clock, calendar, APPROVERS[1], warning.id, {"reasons": ["r"], "until": date(2026, 12, 1)}
        )
    answer = rule_error(backwards.value)
    assert (answer.status, answer.code) == (400, DateOutOfOrder.code) and "until" in answer.fields
    yellow = issued(store, clock, level=2, official="off-3")
    with pytest.raises(ExtensionRefused) as not_red:
        handlers.extend(store, clock, calendar, APPROVERS[1], yellow.id, {"reasons": ["r"], "until": None})
    answer = rule_error(not_red.value)
    assert isinstance(answer, Conflict) and (answer.status, answer.code) == (409, "extension_not_allowed")
    assert snapshot(store, warning.id) == before


# -- delivery ----------------------------------------------------------------------------------
def test_issuing_sends_the_notice_to_the_inbox_and_by_sms_once(store, clock, notifiers):
    """篇5 五(二)1 (the level's written notice) and 篇1 (SMS and system message)."""
    warning = issued(store, clock, level=2, notifiers=notifiers)
    [message] = [m for m in store.all(InboxMessage) if m.official_id == "off-1"]
    assert message.title == "廉情预警质询书" and message.read_at is None
    assert store.count(SmsDelivery) == 1 and "质询书" in store.all(SmsDelivery)[0].text
    assert store.warning(warning.id).notices_pending is False
    stored = store.warning(warning.id)
    stored.notices_pending = True
    assert handlers.dispatch_notices(store, stored, notifiers) == 0  # resend: nothing new
    assert store.count(InboxMessage) == 1


def test_the_official_reads_only_their_own_inbox_and_the_read_is_recorded(store, clock, notifiers):
    """篇1: the official receives the notice in the platform; reading it is recorded with time."""
    issued(store, clock, notifiers=notifiers)
    issued(store, clock, official="off-2", notifiers=notifiers)
    mine = handlers.inbox(store, OFFICIAL, {})
    assert [m.official_id for m in mine] == ["off-1"]
    with pytest.raises(InboxMessageNotFound):
        handlers.read_inbox_message(store, clock, person("off-2", "official"), mine[0].id)
    read = handlers.read_inbox_message(store, clock, OFFICIAL, mine[0].id)
    assert read.read_at is not None


class FakeRegistry:
    """archive's ``get_official`` as the demo province has it (tools/wuying_tools/demo.py)."""

    def __init__(self, officials=None, down=False):
        self.officials = officials or {
            "130402-O00001": {"id": "130402-O00001", "name": "王伟", "post": "纪委书记", "rank": "副处级"}
            | {"commission_staff": True, "status": "serving"},
            "130402-O00003": {"id": "130402-O00003", "name": "李静", "post": "纪检监察室主任", "rank": "正科级"}
            | {"commission_staff": True, "status": "serving"},
        }
        self.down = down
        self.asked = []

    def get_official(self, official_id):
        self.asked.append(official_id)
        if self.down:
            raise RegistryUnavailable()
        return self.officials.get(official_id)


def interview_plan(**overrides):
    plan = {
        "interviewers": ["130402-O00001", "130402-O00003"],
        "lead": "130402-O00001",
        "plan": "谈话提纲：一、群众反映的主要问题……",
        "notice_slip_no": "约谈〔2026〕12号",
        "scheduled_on": date(2026, 11, 25),
        "place": "纪委谈话室",
    }
    plan.update(overrides)
    return plan


def test_an_interview_sends_the_levels_notice_slip_with_the_leads_rank_from_the_registry(store, clock, notifiers):
    """篇5 五(二)2(3): 依据预警等级分别下发《…约谈通知单》，书面通知预警对象本人; 五(二)2(2) the
    lead's rank is the registry's (issue 8 item 9): 纪委书记 → 纪检监察机关负责同志."""
    warning = issued(store, clock, level=1, notifiers=notifiers)
    registry = FakeRegistry()
    handlers.interview(store, clock, OFFICER, warning.id, interview_plan(), notifiers, registry)
    titles = {m.title for m in store.all(InboxMessage) if m.official_id == "off-1"}
    assert titles == {"廉情监察(检查)建议书", "廉情监察(检查)建议约谈通知单"}
    [arranged] = store.warning(warning.id).interviews
    assert arranged["notice_slip_no"] == "约谈〔2026〕12号"
    assert (arranged["lead_rank"], arranged["lead_post"]) == ("commission_principal", "纪委书记")
    assert registry.asked == ["130402-O00001"]


def test_an_interview_without_two_interviewers_or_a_qualified_lead_is_refused(store, clock):
    """篇5 五(二)2(2): 两人以上; 主谈人为党委成员或纪检监察机关负责同志、分管负责同志 — checked
    against the registry: a 纪检监察室主任 is not, and a lead the registry does not know is not."""
    warning = issued(store, clock)
    before = snapshot(store, warning.id)
    registry = FakeRegistry()
    with pytest.raises(InvalidInterview) as bad:
        handlers.interview(
            store, clock, OFFICER, warning.id, interview_plan(interviewers=["甲"], lead="甲"), None, registry
        )
    assert set(bad.value.fields) == {"interviewers"}
    assert registry.asked == []  # nothing to ask while the plan itself is wrong
    for lead in ("130402-O00003", "130402-O09999"):
        with pytest.raises(InvalidInterview) as unfit:
            handlers.interview(store, clock, OFFICER, warning.id, interview_plan(lead=lead), None, registry)
        assert set(unfit.value.fields) == {"lead"}
    with pytest.raises(DateOutOfOrder):
        handlers.interview(
            store, clock, OFFICER, warning.id, interview_plan(scheduled_on=date(2026, 11, 1)), None, registry
        )
    assert snapshot(store, warning.id) == before


def test_an_interview_is_not_arranged_when_the_registry_cannot_answer(store, clock):
    """Issue 8 item 9: no registry, no check of the lead, no interview (503 registry_unavailable)."""
    warning = issued(store, clock)
    before = snapshot(store, warning.id)
    with pytest.raises(RegistryUnavailable) as down:
        handlers.interview(store, clock, OFFICER, warning.id, interview_plan(), None, FakeRegistry(down=True))
    assert (down.value.status, down.value.code) == (503, "registry_unavailable")
    assert snapshot(store, warning.id) == before


def test_the_interview_that_took_place_is_recorded_once_with_attendees_summary_and_follow_up(store, clock):
    """篇5 五(二)2(4) 实施预警约谈, with 五(二)2(2)'s two interviewers present (issue 8 item 9)."""
    warning = issued(store, clock, level=2)
    arranged = handlers.interview(store, clock, OFFICER, warning.id, interview_plan(), None, FakeRegistry())
    interview_id = arranged.interviews[0]["id"]
    clock.advance(days=5)
    record = {
        "held_on": date(2026, 11, 25),
        "attendees": ["130402-O00001", "130402-O00003"],
        "official_attended": True,
        "summary": "指出其存在的问题，本人作出说明并表示整改",
        "follow_up": "十个工作日内书面报告整改措施",
    }
    with pytest.raises(InvalidInterview) as lead_absent:
        handlers.record_interview(
            store, clock, OFFICER, warning.id, interview_id, {**record, "attendees": ["130402-O00003", "乙"]}
        )
    assert set(lead_absent.value.fields) == {"attendees"}
    with pytest.raises(DateInFuture):
        handlers.record_interview(
            store, clock, OFFICER, warning.id, interview_id, {**record, "held_on": date(2026, 12, 1)}
        )
    held = handlers.record_interview(store, clock, OFFICER, warning.id, interview_id, record)
    assert held.interviews[0]["held"]["summary"].startswith("指出其存在的问题")
    assert held.interviews[0]["held"]["recorded_by"] == "officer-1"
    with pytest.raises(InterviewAlreadyRecorded):
        handlers.record_interview(store, clock, OFFICER, warning.id, interview_id, record)
    with pytest.raises(InterviewNotFound):
        handlers.record_interview(store, clock, OFFICER, warning.id, "nope", record)


# -- one matter, one warning -------------------------------------------------------------------
def proposed_event(level=3, event_id=None, reasons=("风险分值超过阈值",), risk_point="工程招投标"):
    return {
        "id": event_id or str(uuid.uuid4()),
        "county": "130402",
        "data": {
            "official_id": "off-1",
            "unit_id": "unit-1",
            "county": "130402",
            "level": level,
            "risk_point": risk_point,
            "trigger": "risk_score_threshold",
            "reasons": list(reasons),
            "cause_event_ids": [str(uuid.uuid4())],
        },
    }


def test_a_second_proposal_for_the_same_matter_is_attached_not_issued_again(store, clock):
    """篇5 七(四) 一事一例: the same official and risk point is one warning — while it is open,
    whatever its age (issue 8 item 8: after 30 days a second warning was opened)."""
    outcome, first = handlers.proposal_from_event(store, clock, proposed_event())
    clock.advance(days=10)
    second_event = proposed_event(reasons=["新的信访件"])
    outcome, same = handlers.proposal_from_event(store, clock, second_event)
    assert (outcome, same.id) == ("processed", first.id)
    assert store.count(WarningRecord) == 1
    stored = store.warning(first.id)
    assert stored.reasons == ["风险分值超过阈值", "新的信访件"] and len(stored.cause_event_ids) == 2
    assert handlers.proposal_from_event(store, clock, second_event) == ("duplicate", None)
    assert len(store.warning(first.id).attached_proposals) == 1
    clock.advance(days=25)
    outcome, still = handlers.proposal_from_event(store, clock, proposed_event())  # 35 days after the first
    assert (outcome, still.id) == ("processed", first.id)
    assert store.count(WarningRecord) == 1
    assert len(store.warning(first.id).attached_proposals) == 2


def test_an_open_red_warning_suppresses_a_new_blue_proposal_and_records_it(store, clock):
    """篇8 第十八条: 责令整改 covers 警示提醒; the suppressed proposal stays on the record."""
    red = issued(store, clock, level=1, risk_point="工程招投标")
    outcome, holder = handlers.proposal_from_event(store, clock, proposed_event(level=3))
    assert (outcome, holder.id) == ("processed", red.id)
    assert store.count(WarningRecord) == 1
    assert store.warning(red.id).suppressed_proposals[0]["level"] == 3


def triaged(official="off-1", outcome="integrity_information", event_id=None, time="2026-11-21T01:00:00Z"):
    return {
        "id": event_id or str(uuid.uuid4()),
        "county": "130402",
        "time": time,
        "data": {"petition_id": "p-1", "outcome": outcome, "subjects": [{"kind": "official", "id": official}]},
    }


def test_a_new_report_is_attached_pending_verification_and_escalates_nothing_by_itself(store, clock):
    """篇5 七(一): 对廉情预警告知对象，预警后群众仍有反映，经调查问题属实的，可转廉情预警质询 — the
    report alone is not "经调查问题属实" (issue 8 item 1: it used to turn the warning yellow)."""
    warning = issued(store, clock)
    handlers.respond(store, clock, OFFICIAL, warning.id, {"content": "说明"})
    event = triaged()
    assert handlers.report_from_triage(store, clock, event) == "processed"
    stored = store.warning(warning.id)
    assert (stored.level, stored.status, stored.escalation_ids) == (3, "answered", [])
    assert [(r["petition_id"], r["status"]) for r in stored.pending_reports] == [("p-1", "pending_verification")]
    assert stored.reports_pending is True
    assert handlers.report_from_triage(store, clock, event) == "duplicate"
    assert len(store.warning(warning.id).pending_reports) == 1


def test_a_report_made_before_the_warning_or_a_case_clue_is_not_attached(store, clock):
    """篇5 七(一) is about reports after the warning; 篇5 三(一)3 case clues are not warning matters."""
    warning = issued(store, clock)
    handlers.report_from_triage(store, clock, triaged(time="2026-11-01T01:00:00Z"))
    handlers.report_from_triage(store, clock, triaged(outcome="case_clue"))
    assert store.warning(warning.id).pending_reports == []


# -- results -----------------------------------------------------------------------------------
def test_a_unit_with_two_red_warnings_in_the_year_is_not_eligible_as_advanced(store, clock):
    """篇5 七(二): 对单位一年内受到两次及以上一级预警的，当年不得评为先进单位."""
    first = issued(store, clock, level=1, official="off-1")
    answer = handlers.advanced_eligibility(store, OFFICER, "unit-1", 2026)
    assert (answer.eligible, answer.red_warnings) == (True, 1)
    second = issued(store, clock, level=1, official="off-2")
    issued(store, clock, level=1, official="off-3", unit="unit-2")
    answer = handlers.advanced_eligibility(store, OFFICER, "unit-1", 2026)
    assert (answer.eligible, sorted(answer.warning_ids)) == (False, sorted([first.id, second.id]))
    assert handlers.advanced_eligibility(store, OFFICER, "unit-1", 2025).eligible is True
    with pytest.raises(Forbidden):
        handlers.advanced_eligibility(store, Principal("x", frozenset({"auditor"}), ("130102",)), "unit-1", 2026)


class UnitRegistry:
    """archive's ``get_unit`` over two registered units."""

    units = {"unit-1": {"id": "unit-1", "county": "130402"}, "unit-sjz": {"id": "unit-sjz", "county": "130102"}}

    def get_unit(self, unit_id):
        return self.units.get(unit_id)


def test_eligibility_over_http_needs_a_registered_unit_in_the_callers_counties(store, clock):
    """Issue 9 item 5: no answer for a unit that does not exist (404) or of another county (403),
    even when it has no warnings at all."""
    registry = UnitRegistry()
    with pytest.raises(UnitNotFound) as missing:
        handlers.advanced_eligibility(store, OFFICER, "unit-nowhere", 2026, registry=registry)
    assert missing.value.status == 404 and missing.value.fields == {"unit_id": "unit-nowhere"}
    with pytest.raises(Forbidden) as elsewhere:
        handlers.advanced_eligibility(store, OFFICER, "unit-sjz", 2026, registry=registry)
    assert elsewhere.value.fields == {"unit_id": "不在令牌授权的地区范围内"}
    answer = handlers.advanced_eligibility(store, OFFICER, "unit-1", 2026, registry=registry)
    assert (answer.eligible, answer.red_warnings) == (True, 0)


def test_the_quarterly_report_counts_levels_statuses_triggers_and_answer_times(store, clock, calendar):
    """篇5 三(二): 每季度对预警信息进行梳理分析，以《廉政风险信息预警专报》的形式呈报."""
    blue = issued(store, clock)
    clock.advance(days=4)  # Tue 2026-11-24: 2 working days after the notice
    handlers.respond(store, clock, person("off-1", "official"), blue.id, {"content": "说明"})
    issued(store, clock, level=2, official="off-2", issued_on=date(2026, 10, 9))
    handlers.check_deadlines(store, clock, calendar, RULES)  # off-2's yellow answer is overdue: red proposed
    query = {"county": "130402", "year": 2026, "quarter": 4}
    report = QuarterlyReportSchema().dump(handlers.quarterly_report(store, calendar, OFFICER, query))
    # Issue 8: the yellow warning stays yellow; the red one is a proposal of its own.
    assert report["total"] == 3
    assert report["by_level"] == {"blue": 1, "yellow": 1, "red": 1}
    assert report["by_status"] == {"answered": 1, "issued": 1, "proposed": 1}
    assert {r["code"] for r in report["by_trigger"]} == {
        "public_reports",
        "policy_deviation_signs",
        "inquiry_not_rectified",
    }
    assert len(report["overdue"]) == 1 and len(report["escalated"]) == 1
    assert report["answer_working_days"] == {"answered": 1, "average": 2.0, "median": 2.0}
    page = views.quarterly_report_html(report)
    assert page.content_type.startswith("text/html")
    text = page.get_data(as_text=True)
    assert "廉政风险信息预警专报" in text and "2026年第4季度" in text and "红色（责令整改）" in text
