"""Issue 13 items 1 and 3: the evaluation rule as versioned data per commission, frozen once
used; re-evaluation keeps its history; ranking and the acceptable baseline (002/篇1 ⑵③); the
10% cap with a commission leader's recorded exception (000 A "原则上"); the review cadence
(篇8 第二十二条) with escalation on the working-day calendar."""

from datetime import UTC, date, datetime

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import rule_error
from wuying_risk.domain.cadence import DEFAULT_CADENCE, next_review, stage_due, stages_to_take
from wuying_risk.domain.evaluation import (
    DEFAULT_EVALUATION,
    FACTORS,
    CapExceptionNotAllowed,
    EvaluationRules,
    HighRiskCapReached,
    rank,
)
from wuying_risk.domain.rulebook import InvalidRuleData, RuleVersionFrozen, commission_chain
from wuying_risk.handlers import reviews, rules
from wuying_risk.handlers import risk_points as handlers
from wuying_risk.persistence import HighRiskTally
from wuying_testing import FixedClock
from wuying_testing.fakes.risk import FakeRiskStore

from .test_catalogue_handlers import LEADER, OFFICER, new_point

HIGH = {f: 5 for f in FACTORS}
MEDIUM = {f: 3 for f in FACTORS}
LOW = {f: 1 for f in FACTORS}
CALENDAR = WorkingDayCalendar.official()


@pytest.fixture
def store():
    return FakeRiskStore()


def evaluation_body(**overrides):
    return {**DEFAULT_EVALUATION.to_dict(), **overrides}


CITY_OFFICER = Principal("staff-city", frozenset({"risk_officer"}), ("130400",))


def new_rules(store, clock, version="hd-2026.1", commission="130402", **overrides):
    payload = {"commission": commission, "version": version, "body": evaluation_body(**overrides), "note": ""}
    return rules.create_version(store, clock, CITY_OFFICER, "evaluation", payload)


# -- item 1: evaluation rules as versioned data ----------------------------------------------
def test_a_county_uses_its_own_rules_else_its_citys_provinces_or_the_default():
    assert commission_chain("130402") == ["130402", "130400", "130000", "default"]


def test_a_commissions_evaluation_rules_apply_to_its_counties_and_are_kept_with_each_evaluation(store, clock):
    new_rules(store, clock, commission="130400", medium_from=60, high_from=80)
    risk_id = new_point(store, clock)
    point = handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": {**MEDIUM, "probability": 5}})
    assert (point.evaluation.index, point.evaluation.level) == (62, "medium")  # medium from 40 by default
    assert (point.evaluation.rule_version, point.evaluation.rules_commission) == ("hd-2026.1", "130400")
    point = handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": MEDIUM})
    assert point.evaluation.level == "low"  # 50 < 60 under the city's rules


def test_rules_that_contradict_themselves_are_refused():
    with pytest.raises(InvalidRuleData) as exc:
        EvaluationRules.from_dict(evaluation_body(weights={**DEFAULT_EVALUATION.weights, "scope": 0.5}))
    assert "之和须为 1" in exc.value.message
    with pytest.raises(InvalidRuleData):
        EvaluationRules.from_dict(evaluation_body(acceptable_baseline=50, medium_from=40))


def test_a_version_may_be_corrected_until_an_evaluation_uses_it_then_it_is_frozen(store, clock):
    new_rules(store, clock)
    rules.correct_version(
        store, clock, OFFICER, "evaluation", "130402", "hd-2026.1", {"body": evaluation_body(high_from=75)}
    )
    risk_id = new_point(store, clock)
    handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": MEDIUM})
    assert store.get_rule_version("evaluation", "130402", "hd-2026.1").frozen is True
    with pytest.raises(RuleVersionFrozen) as exc:
        rules.correct_version(
            store, clock, OFFICER, "evaluation", "130402", "hd-2026.1", {"body": evaluation_body(high_from=80)}
        )
    assert rule_error(exc.value).status == 409
    new_rules(store, clock, version="hd-2026.2", high_from=80)
    assert [v.rule_version for v in rules.versions(store, OFFICER, "evaluation", {"commission": "130402"})] == [
        "hd-2026.1",
        "hd-2026.2",
    ]


def test_a_re_evaluation_adds_a_new_evaluation_and_keeps_the_first(store, clock):
    risk_id = new_point(store, clock)
    handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": MEDIUM})
    clock.advance(days=30)
    point = handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": LOW})
    assert [(e.index, e.level) for e in point.evaluations] == [(50, "medium"), (0, "low")]
    assert point.evaluation.index == 0
    assert point.outbox[-1].envelope["data"]["evaluation_count"] == 2


def test_risks_are_ranked_by_index_with_ties_sharing_a_rank_and_the_baseline_marked():
    ranked = rank([("a", 50, "medium"), ("b", 80, "high"), ("c", 50, "medium"), ("d", 20, "low")])
    assert [(r.key, r.rank, r.acceptable) for r in ranked] == [
        ("b", 1, False),
        ("a", 2, False),
        ("c", 2, False),
        ("d", 4, True),
    ]


def test_the_ranking_lists_a_departments_evaluated_risks_highest_first(store, clock):
    ids = [new_point(store, clock) for _ in range(3)]
    for risk_id, grades in zip(ids, [LOW, MEDIUM, {**MEDIUM, "probability": 5}], strict=True):
        handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": grades})
    rows = handlers.ranking(store, OFFICER, {"county": "130402", "unit_id": "unit-1"})
    assert [(r["rank"], r["point"].id, r["acceptable"]) for r in rows] == [
        (1, ids[2], False),
        (2, ids[1], False),
        (3, ids[0], True),
    ]


def test_a_commission_leader_may_rate_high_beyond_the_cap_with_a_recorded_reason(store, clock):
    """000 A: 原则上应当控制在风险总量的10%以内 — a department with fewer than ten risks."""
    risk_id = new_point(store, clock)
    with pytest.raises(HighRiskCapReached) as exc:
        handlers.evaluate_risk_point(store, clock, LEADER, risk_id, {"grades": HIGH})
    assert "须由纪委领导记录例外理由" in exc.value.message
    reason = "本部门仅三个风险点，工程审批风险确属高等级"
    point = handlers.evaluate_risk_point(
        store, clock, LEADER, risk_id, {"grades": HIGH, "cap_exception": {"reason": reason}}
    )
    assert point.evaluation.level == "high"
    assert (point.evaluation.cap_exception.reason, point.evaluation.cap_exception.by) == (reason, LEADER.subject)
    assert point.outbox[-1].envelope["data"]["cap_exception"] is True
    tally = store.get(HighRiskTally, "unit-1")
    assert (tally.high, tally.exceptions) == (1, 1)


def test_a_risk_officer_cannot_record_a_cap_exception(store, clock):
    risk_id = new_point(store, clock)
    with pytest.raises(CapExceptionNotAllowed) as exc:
        handlers.evaluate_risk_point(
            store, clock, OFFICER, risk_id, {"grades": HIGH, "cap_exception": {"reason": "理由很充分"}}
        )
    assert rule_error(exc.value).status == 403


# -- item 3: the review cadence ----------------------------------------------------------------
def test_each_level_has_its_review_interval_and_a_last_day_on_a_holiday_moves_on():
    """篇8 第二十二条 每半年至少自查一次 (medium); 民法典 第二百零三条: 2026-10-01 is National Day,
    so a review due then moves to the first working day after the holiday (10-01…10-07)."""
    assert next_review(CALENDAR, date(2026, 4, 1), "medium", DEFAULT_CADENCE).due_on == date(2026, 10, 8)
    assert next_review(CALENDAR, date(2026, 3, 3), "high", DEFAULT_CADENCE).due_on == date(2026, 6, 3)
    assert next_review(CALENDAR, date(2026, 3, 3), "low", DEFAULT_CADENCE).months == 12


def test_a_missed_review_escalates_to_the_department_head_then_the_commission_in_working_days():
    due = date(2026, 9, 30)
    assert stage_due(CALENDAR, due, date(2026, 9, 30), DEFAULT_CADENCE) == ""
    # 10-01…10-07 are the National Day holiday: no working day has passed yet.
    assert stage_due(CALENDAR, due, date(2026, 10, 7), DEFAULT_CADENCE) == ""
    assert stage_due(CALENDAR, due, date(2026, 10, 8), DEFAULT_CADENCE) == "department_head"
    # 10-10 (Saturday) is a make-up working day: the tenth working day late is 10-20, not 10-21.
    assert stage_due(CALENDAR, due, date(2026, 10, 19), DEFAULT_CADENCE) == "department_head"
    assert stage_due(CALENDAR, due, date(2026, 10, 20), DEFAULT_CADENCE) == "commission"
    assert stages_to_take("", "commission") == ["department_head", "commission"]
    assert stages_to_take("department_head", "department_head") == []


def test_an_evaluation_sets_the_next_review_and_the_timer_escalates_once_per_stage(store):
    clock = FixedClock(datetime(2026, 3, 31, 2, 0, tzinfo=UTC))
    risk_id = new_point(store, clock)
    point = handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": MEDIUM}, calendar=CALENDAR)
    assert point.next_review_on == "2026-09-30"
    clock.at = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    assert [p.id for p in reviews.overdue_queue(store, clock, OFFICER, {"county": "130402"})] == [risk_id]
    first = reviews.check_reviews(store, clock, CALENDAR)
    assert first.escalated == [(risk_id, "department_head")]
    assert reviews.check_reviews(store, clock, CALENDAR).escalated == []
    clock.at = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    assert reviews.check_reviews(store, clock, CALENDAR).escalated == [(risk_id, "commission")]
    point = store.get_risk_point(risk_id)
    events = [e.envelope["data"] for e in point.outbox if e.routing_key == "risk.review_overdue"]
    assert [(e["stage"], e["escalated_to_zh"], e["working_days_late"]) for e in events] == [
        ("department_head", "部门负责人", 1),
        ("commission", "纪委", 10),
    ]


def test_a_review_moves_the_next_date_on_and_clears_the_escalation(store):
    clock = FixedClock(datetime(2026, 3, 31, 2, 0, tzinfo=UTC))
    risk_id = new_point(store, clock)
    handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": MEDIUM}, calendar=CALENDAR)
    clock.at = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    reviews.check_reviews(store, clock, CALENDAR)
    reviewer = Principal("head-1", frozenset({"official"}), ("130402",))
    point = reviews.record_review(store, clock, CALENDAR, reviewer, risk_id, {"outcome": "unchanged", "note": "已自查"})
    assert (point.reviews[-1].late, point.review_stage, point.next_review_on) == (True, "", "2027-04-12")
    assert reviews.overdue_queue(store, clock, OFFICER, {"county": "130402"}).items == []
