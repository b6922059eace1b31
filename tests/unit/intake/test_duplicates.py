"""Confirming duplicates: merge into the earlier report, or close a repeat without new facts after a
collective review (seeds/001 黑龙江: 对无实质内容、重复检举控告的问题线索，经过集体研判直接予以了结)."""

from datetime import date, datetime

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict, ValidationFailed, rule_error
from wuying_common.rules import RuleBroken
from wuying_intake import handlers
from wuying_intake.domain.duplicates import DuplicateRuleError, Report, check_merge, check_repeated_close
from wuying_intake.exceptions import SubjectRecused

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
        handlers.merge(store, clock, CLERK, second, {"into": first, "confirmed_by": "集体研判会", "note": ""})
    )
    assert (view["status"], view["merged_into"], view["closure"]["kind"]) == ("merged", first, "merged")
    assert first in view["closure"]["answer"]
    assert staff_view(handlers.get_report(store, CLERK, first))["merged_reports"] == [second]
    [event] = [e.envelope for e in store.get_petition(second).outbox if e.envelope["type"].endswith("closed.v1")]
    assert event["data"]["outcome"] == "merged"
    with pytest.raises(RuleBroken) as exc:  # once only
        handlers.merge(store, clock, CLERK, second, {"into": first, "confirmed_by": "x", "note": ""})
    assert isinstance(rule_error(exc.value), Conflict)
    with pytest.raises(RuleBroken) as exc:
        handlers.merge(store, clock, CLERK, first, {"into": second, "confirmed_by": "x", "note": ""})
    error = rule_error(exc.value)
    assert isinstance(error, ValidationFailed) and "into" in error.fields
    accused = Principal("off-9", frozenset({"intake_clerk"}), ("130402",))
    with pytest.raises(SubjectRecused):
        handlers.merge(store, clock, accused, first, {"into": second, "confirmed_by": "x", "note": ""})


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
    with pytest.raises(RuleBroken) as exc:  # the first report has no earlier duplicate
        handlers.close_repeated(store, clock, CLERK, first, payload)
    assert isinstance(rule_error(exc.value), ValidationFailed)
