"""Confirming duplicates: merge into the earlier report, or close a repeat without new facts after a
collective review (seeds/001 黑龙江: 对无实质内容、重复检举控告的问题线索，经过集体研判直接予以了结);
nothing closes unreviewed (issue 8 item 5): no-substance and duplicate closures and merges need
the same review, and every triage outcome records its reason."""

from datetime import date, datetime

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict, ValidationFailed, rule_error
from wuying_common.rules import RuleBroken
from wuying_intake import handlers
from wuying_intake.domain.duplicates import (
    DuplicateRuleError,
    Report,
    check_merge,
    check_repeated_close,
    check_reviewed_close,
)
from wuying_intake.domain.petition import IntakeRuleError, decide_triage
from wuying_intake.exceptions import SubjectRecused
from wuying_intake.schemas import CloseSchema, MergeSchema, TriageSchema

from .conftest import staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标，请组织调查。",
    "subjects": [{"kind": "official", "id": "off-9"}],
    "anonymous": True,
    "reporter": None,
}
REVIEW = {"meeting_date": date(2026, 11, 20), "participants": ["甲", "乙", "丙"], "conclusion": "重复举报，无新的事实"}


def submit(store, clock, calendar, content=None):
    payload = dict(REPORT, content=content or REPORT["content"])
    return handlers.submit_report(store, clock, calendar, None, payload, channel="letter").petition.id


def report(pid, at, **kw):
    return Report(id=pid, county="130402", status="received", received_at=datetime(2026, 11, at), **kw)


def test_merge_rules_only_an_open_later_report_into_an_earlier_proposed_duplicate_of_the_county():
    earlier = report("A", 1)
    later = report("B", 5, candidates=frozenset({"A"}))
    check_merge(later, earlier)
    cases = [
        (report("B", 5), earlier, "not_a_candidate"),
        (later, report("A", 9), "not_earlier"),
        (later, Report("A", "130403", "received", datetime(2026, 11, 1)), "other_county"),
        (later, report("A", 1, merged_into="Z"), "merged_already"),
        (report("B", 5, candidates=frozenset({"A"}), verification_open=True), earlier, "verification_open"),
        (Report("B", "130402", "closed", datetime(2026, 11, 5), candidates=frozenset({"A"})), earlier, "not_open"),
    ]
    for later_report, earlier_report, code in cases:
        with pytest.raises(DuplicateRuleError) as exc:
            check_merge(later_report, earlier_report)
        assert exc.value.code == code


def test_a_repeat_closes_only_after_a_collective_review_of_at_least_three_people_seeds_001():
    repeat = report("B", 5, candidates=frozenset({"A"}))
    today = date(2026, 11, 21)
    check_repeated_close(repeat, date(2026, 11, 20), ["甲", "乙", "丙"], "无新的事实", today)
    with pytest.raises(DuplicateRuleError) as exc:
        check_repeated_close(repeat, date(2026, 11, 20), ["甲", "乙", "乙 "], "无新的事实", today)
    assert exc.value.field == "collective_review.participants"
    with pytest.raises(DuplicateRuleError) as exc:
        check_repeated_close(repeat, date(2026, 11, 22), ["甲", "乙", "丙"], "无新的事实", today)
    assert exc.value.field == "collective_review.meeting_date"
    with pytest.raises(DuplicateRuleError) as exc:
        check_repeated_close(report("C", 5), date(2026, 11, 20), ["甲", "乙", "丙"], "无新的事实", today)
    assert exc.value.code == "not_repeated"
    check_repeated_close(report("C", 5, outcome="duplicate"), date(2026, 11, 20), ["甲", "乙", "丙"], "无新事实", today)


def test_merging_closes_the_later_report_with_an_answer_naming_the_earlier_which_lists_it(store, clock, calendar):
    first = submit(store, clock, calendar)
    clock.advance(days=3)
    second = submit(store, clock, calendar)
    assert [c.petition_id for c in store.get_petition(second).duplicate_candidates] == [first]
    view = staff_view(
        handlers.merge(
            store,
            clock,
            CLERK,
            second,
            {"into": first, "confirmed_by": "集体研判会", "note": "", "collective_review": REVIEW},
        )
    )
    assert (view["status"], view["merged_into"], view["closure"]["kind"]) == ("merged", first, "merged")
    assert first in view["closure"]["answer"]
    assert staff_view(handlers.get_report(store, CLERK, first))["merged_reports"] == [second]
    [event] = [e.envelope for e in store.get_petition(second).outbox if e.envelope["type"].endswith("closed.v1")]
    assert event["data"]["outcome"] == "merged"
    with pytest.raises(RuleBroken) as exc:  # once only
        handlers.merge(
            store, clock, CLERK, second, {"into": first, "confirmed_by": "x", "note": "", "collective_review": REVIEW}
        )
    assert isinstance(rule_error(exc.value), Conflict)
    with pytest.raises(RuleBroken) as exc:
        handlers.merge(
            store, clock, CLERK, first, {"into": second, "confirmed_by": "x", "note": "", "collective_review": REVIEW}
        )
    error = rule_error(exc.value)
    assert isinstance(error, ValidationFailed) and "into" in error.fields
    accused = Principal("off-9", frozenset({"intake_clerk"}), ("130402",))
    with pytest.raises(SubjectRecused):
        handlers.merge(
            store, clock, accused, first, {"into": second, "confirmed_by": "x", "note": "", "collective_review": REVIEW}
        )


def test_a_repeat_without_new_facts_is_closed_after_collective_review_seeds_001(store, clock, calendar):
    first = submit(store, clock, calendar)
    second = submit(store, clock, calendar)
    clock.advance(days=1)
    payload = {"collective_review": REVIEW, "answer": "", "note": ""}
    view = staff_view(handlers.close_repeated(store, clock, CLERK, second, payload))
    assert view["status"] == "closed" and view["closure"]["kind"] == "repeated_no_new_facts"
    assert view["collective_review"]["participants"] == ["甲", "乙", "丙"]
    [event] = [e.envelope for e in store.get_petition(second).outbox if e.envelope["type"].endswith("closed.v1")]
    assert event["data"]["outcome"] == "repeated_no_new_facts"
    with pytest.raises(RuleBroken) as exc:  # the first report has no earlier duplicate: its state, 409
        handlers.close_repeated(store, clock, CLERK, first, payload)
    assert isinstance(rule_error(exc.value), Conflict) and exc.value.code == "not_repeated"


# -- nothing closes unreviewed (seeds/001 黑龙江; issue 8 item 5) -----------------------------------------
def test_seed_001_heilongjiang_no_substance_and_duplicate_closures_need_a_collective_review_others_do_not():
    today = date(2026, 11, 21)
    for outcome in ("no_substance", "duplicate"):
        with pytest.raises(DuplicateRuleError) as exc:
            check_reviewed_close(outcome, None, today)
        assert (exc.value.code, exc.value.field, rule_error(exc.value).status) == (
            "review_required",
            "collective_review",
            400,
        )
        check_reviewed_close(outcome, REVIEW, today)
        with pytest.raises(DuplicateRuleError) as exc:  # the same review as a repeat: at least three people
            check_reviewed_close(outcome, dict(REVIEW, participants=["甲", "乙"]), today)
        assert exc.value.field == "collective_review.participants"
    for outcome in ("integrity_information", "case_clue", "suspected_malicious"):
        check_reviewed_close(outcome, None, today)


def test_seed_001_heilongjiang_a_no_substance_report_closes_only_with_the_review_on_record(store, clock, calendar):
    pid = submit(store, clock, calendar)
    handlers.triage(
        store, clock, CLERK, pid, {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "无具体事实"}
    )
    clock.advance(days=1)
    with pytest.raises(RuleBroken) as exc:
        handlers.close(store, clock, CLERK, pid, {"answer": "经核查，反映问题不属实。", "note": ""})
    assert "collective_review" in rule_error(exc.value).fields
    assert store.get_petition(pid).status == "triaged"
    view = staff_view(
        handlers.close(
            store, clock, CLERK, pid, {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW}
        )
    )
    assert view["status"] == "closed"
    assert (view["collective_review"]["participants"], view["collective_review"]["recorded_by"]) == (
        ["甲", "乙", "丙"],
        "clerk-1",
    )


def test_seed_001_heilongjiang_a_duplicate_is_merged_only_after_a_collective_review(store, clock, calendar):
    first = submit(store, clock, calendar)
    clock.advance(days=1)
    second = submit(store, clock, calendar)
    merge = {"into": first, "confirmed_by": "集体研判会", "note": ""}
    assert "collective_review" in MergeSchema().validate(merge)
    with pytest.raises(RuleBroken) as exc:
        handlers.merge(store, clock, CLERK, second, dict(merge, collective_review=dict(REVIEW, participants=["甲"])))
    assert "collective_review.participants" in rule_error(exc.value).fields
    assert store.get_petition(second).status == "received"
    view = staff_view(handlers.merge(store, clock, CLERK, second, dict(merge, collective_review=REVIEW)))
    assert view["status"] == "merged" and view["collective_review"]["conclusion"] == REVIEW["conclusion"]


def test_every_triage_outcome_records_a_reason_and_a_blank_one_is_refused_naming_the_field():
    """Issue 8 item 5: a triage outcome without its reason (``note``) is refused, 400 naming it."""
    for outcome in ("integrity_information", "case_clue", "no_substance", "duplicate", "suspected_malicious"):
        with pytest.raises(IntakeRuleError) as exc:
            decide_triage(outcome, "low", [{"kind": "official", "id": "o1", "county": "130402"}], "  ")
        assert (exc.value.field, exc.value.code) == ("note", "reason_required")
        assert "note" in TriageSchema().validate({"outcome": outcome, "severity": "low"})
        assert "note" in TriageSchema().validate({"outcome": outcome, "severity": "low", "note": " "})
    assert decide_triage("no_substance", "low", [], " 无具体事实 ").note == "无具体事实"
    review = dict(REVIEW, meeting_date="2026-11-20")
    assert CloseSchema().validate({"answer": "已办结。", "collective_review": review}) == {}
