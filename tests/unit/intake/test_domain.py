"""Intake domain: categories, channels, submission rules, triage and the state machine
(DESIGN.md §4 Intake; seeds/002 篇5 二(一), 三(一)3; seeds/000 B)."""

import pytest

from wuying_intake.domain.catalog import (
    CATEGORIES,
    CATEGORY_SHORT_ZH,
    CHANNELS,
    INTERNAL_CHANNELS,
    PUBLIC_CHANNEL,
    STAFF_CHANNELS,
    STATUSES_ZH,
)
from wuying_intake.domain.petition import (
    IntakeRuleError,
    TransitionNotAllowed,
    check_transition,
    close_problem,
    content_problem,
    decide_triage,
    id_number_ok,
    phone_ok,
    reporter_problem,
    subject_problem,
)


def test_there_are_exactly_the_thirteen_categories_of_the_seed_each_with_chinese_labels():
    assert len(CATEGORIES) == 13
    assert set(CATEGORIES) == set(CATEGORY_SHORT_ZH)
    assert all(code.isascii() and code == code.lower() for code in CATEGORIES)
    assert CATEGORIES["key_sectors"].startswith("在工程建设、土地出让")
    assert list(CATEGORIES)[-1] == "other"


def test_the_public_portal_is_not_a_staff_channel_and_internal_sources_are():
    assert PUBLIC_CHANNEL in CHANNELS
    assert PUBLIC_CHANNEL not in STAFF_CHANNELS
    assert INTERNAL_CHANNELS == {"inspection", "audit", "case_handling", "assessment"}
    assert INTERNAL_CHANNELS <= STAFF_CHANNELS
    assert {"letter", "visit", "hotline", "special_supervisor", "info_officer", "online_opinion"} <= STAFF_CHANNELS


def test_content_must_have_ten_to_five_thousand_characters_not_counting_blanks():
    assert content_problem("反映问题" * 3) is None
    assert content_problem("   太短了   ") is not None
    assert content_problem(" " * 20) is not None
    assert content_problem("字" * 5000) is None
    assert content_problem("字" * 5001) is not None


def test_a_subject_needs_an_id_or_a_name():
    assert subject_problem({"kind": "official", "name": "王某"}) is None
    assert subject_problem({"kind": "unit", "id": "u-1"}) is None
    assert subject_problem({"kind": "official", "unit_name": "某局"}) is not None
    assert subject_problem({"kind": "person", "name": "王某"}) is not None


def test_named_reports_need_a_reporter_and_anonymous_ones_must_not_have_one():
    assert reporter_problem(True, None) is None
    assert reporter_problem(False, {"name": "李", "phone": "13800138000"}) is None
    assert reporter_problem(True, {"name": "李"}) is not None
    assert reporter_problem(False, None) is not None


def test_phone_numbers_and_identity_numbers_are_checked():
    assert phone_ok("13800138000") and phone_ok("0310-3456789") and phone_ok("01012345678")
    assert not phone_ok("12345") and not phone_ok("23800138000")
    assert id_number_ok("11010519491231002X")
    assert not id_number_ok("110105194912310021")  # wrong check digit
    assert not id_number_ok("1101051949123100")


def test_a_petition_moves_received_then_triaged_then_closed_and_never_back():
    check_transition("received", "triaged")
    check_transition("triaged", "closed")
    for current, target in [
        ("received", "closed"),
        ("triaged", "triaged"),
        ("closed", "triaged"),
        ("closed", "closed"),
    ]:
        with pytest.raises(TransitionNotAllowed):
            check_transition(current, target)
    check_transition("received", "sent_up")
    with pytest.raises(TransitionNotAllowed):
        check_transition("triaged", "sent_up")
    assert set(STATUSES_ZH) == {"received", "triaged", "closed", "sent_up", "merged"}


def test_integrity_information_needs_resolved_subjects():
    with pytest.raises(IntakeRuleError) as exc:
        decide_triage("integrity_information", "low", [], "理由")
    assert exc.value.field == "subjects"
    decision = decide_triage(
        "integrity_information", "low", [{"kind": "official", "id": "o1", "county": "130402"}], "理由"
    )
    assert decision.transferred_to is None


def test_a_case_clue_is_transferred_to_case_handling_not_warned():
    assert decide_triage("case_clue", "high", [], "理由").transferred_to == "case_handling"
    assert decide_triage("suspected_malicious", "low", [], "理由").transferred_to == "malicious_report_verification"
    assert decide_triage("no_substance", "low", [], "理由").transferred_to is None


def test_triage_rejects_unknown_outcomes_incomplete_and_repeated_subjects():
    with pytest.raises(IntakeRuleError):
        decide_triage("warn_now", "low", [], "理由")
    with pytest.raises(IntakeRuleError) as exc:
        decide_triage("case_clue", "low", [{"kind": "official", "id": "o1"}], "理由")
    assert exc.value.field == "subjects.0"
    twice = [{"kind": "official", "id": "o1", "county": "130402"}] * 2
    with pytest.raises(IntakeRuleError):
        decide_triage("integrity_information", "low", twice, "理由")


def test_nothing_closes_without_an_answer():
    assert close_problem("  ") is not None
    assert close_problem("经核查，问题不属实。") is None


def test_statistics_list_every_code_with_zeros_and_a_total():
    from wuying_intake.domain.statistics import csv_rows, tally

    stats = tally([{"channel": "letter", "category": "other", "status": "received"}] * 2)
    assert stats["total"] == 2
    assert stats["channel"]["letter"] == 2 and stats["channel"]["hotline"] == 0
    assert len(stats["category"]) == 13
    rows = csv_rows("130402", stats)
    assert rows[0] == ["county", "dimension", "code", "name", "count"]
    assert ["130402", "channel", "letter", "来信", "2"] in rows
    assert ["130402", "total", "", "合计", "2"] in rows
