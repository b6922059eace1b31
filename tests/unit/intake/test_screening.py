"""Screening on arrival: routing reports about commission staff (seeds/000 H) and proposing
duplicates of earlier reports (seeds/001 黑龙江)."""

from wuying_intake.domain.screening import (
    ROUTE_COMMISSION_LEADERS,
    ROUTE_PRINCIPAL_LEADER,
    ROUTE_STANDARD,
    bigrams,
    duplicate_candidates,
    route_for,
    similarity,
    subject_keys,
)

TEXT = "某镇在村道工程招标中指定施工单位，涉嫌围标串标。"


def test_a_report_involving_a_commission_leader_goes_to_the_principal_leader():
    subjects = [
        {"kind": "official", "name": "甲", "commission_staff": True},
        {"kind": "official", "name": "乙", "commission_leader": True},
    ]
    assert route_for(subjects) == ROUTE_PRINCIPAL_LEADER


def test_a_report_about_other_commission_staff_goes_to_the_commission_leaders():
    assert route_for([{"kind": "official", "name": "甲", "commission_staff": True}]) == ROUTE_COMMISSION_LEADERS
    assert route_for([{"kind": "official", "name": "甲"}]) == ROUTE_STANDARD


def test_subjects_are_matched_by_id_or_by_name_ignoring_blanks():
    assert subject_keys([{"kind": "official", "id": "o1", "name": "王 某"}]) == ["official:id:o1", "official:name:王某"]
    assert subject_keys([{"kind": "unit", "name": "某局"}]) == ["unit:name:某局"]


def test_chinese_text_is_compared_by_character_bigrams_ignoring_punctuation():
    assert bigrams("招标，招标") == {"招标", "标招"}
    assert similarity(TEXT, TEXT) == 1.0
    assert similarity(TEXT, TEXT.replace("，", " ")) == 1.0
    assert similarity(TEXT, "局长在工作日中午饮酒，公车私用。") < 0.2
    assert similarity("", TEXT) == 0.0


def test_near_identical_earlier_reports_are_proposed_most_similar_first():
    earlier = [
        ("P1", "某镇在村道工程招标中指定施工单位，涉嫌围标串标，请查处。"),
        ("P2", "局长在工作日中午饮酒，公车私用。"),
        ("P3", TEXT),
    ]
    found = duplicate_candidates(TEXT, earlier)
    assert [c.petition_id for c in found] == ["P3", "P1"]
    assert found[0].similarity == 1.0
