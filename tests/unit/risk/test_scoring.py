"""Risk domain: dynamic profile scoring and warning proposals (DESIGN.md §4 Risk, 篇8 第十八条)."""

import pytest

from wuying_risk.domain.rulebook import InvalidRuleData
from wuying_risk.domain.scoring import (
    DEFAULT_RULES,
    RuleSet,
    SignalFacts,
    UnknownSeverity,
    crossed,
    explain,
    factor_breakdown,
    proposal_due,
    proposal_reasons,
    score_signal,
)


def facts(severity="medium", category_zh="违规收受礼品"):
    return SignalFacts("integrity_report", severity, "gifts", category_zh, "2026-11-20")


def test_severities_score_fifteen_thirty_five_and_fifty_five_points():
    assert [DEFAULT_RULES.points_for(s) for s in ("low", "medium", "high")] == [15, 35, 55]


def test_an_unknown_severity_is_refused_not_guessed():
    with pytest.raises(UnknownSeverity):
        DEFAULT_RULES.points_for("catastrophic")


@pytest.mark.parametrize(
    ("score", "level"), [(0, "low"), (29, "low"), (30, "medium"), (59, "medium"), (60, "high"), (200, "high")]
)
def test_level_follows_the_thresholds_medium_at_thirty_and_high_at_sixty(score, level):
    assert DEFAULT_RULES.level_of(score) == level


def test_one_medium_report_reaches_the_blue_threshold():
    scored = score_signal(DEFAULT_RULES, facts("medium"), 0)
    assert scored.score_after == 35
    assert scored.level == "medium"
    assert scored.proposal is not None
    assert (scored.proposal.level, scored.proposal.colour, scored.proposal.threshold) == (3, "blue", 30)


def test_one_low_report_stays_below_every_threshold():
    scored = score_signal(DEFAULT_RULES, facts("low"), 0)
    assert (scored.score_after, scored.level, scored.proposal) == (15, "low", None)


def test_a_level_already_proposed_is_not_proposed_again():
    assert proposal_due(DEFAULT_RULES, 50, [3]) is None


def test_reaching_yellow_after_blue_proposes_yellow():
    proposal = proposal_due(DEFAULT_RULES, 70, [3])
    assert (proposal.level, proposal.colour) == (2, "yellow")


def test_jumping_past_several_thresholds_proposes_only_the_most_severe():
    proposal = proposal_due(DEFAULT_RULES, 95, [])
    assert (proposal.level, proposal.colour) == (1, "red")


def test_a_milder_level_is_never_proposed_after_a_more_severe_one():
    assert proposal_due(DEFAULT_RULES, 95, [1]) is None


def test_crossed_lists_the_thresholds_inside_the_change_most_lenient_first():
    assert crossed(DEFAULT_RULES, 25, 65) == [3, 2]
    assert crossed(DEFAULT_RULES, 30, 40) == []
    assert crossed(DEFAULT_RULES, 29, 30) == [3]


def test_the_explanation_says_what_added_how_much_and_why_in_chinese():
    line = explain(facts("high"), 55)
    assert line == "2026-11-20 信访举报经研判为廉情信息（类别：违规收受礼品，情节：严重），风险分值 +55"


def test_reasons_start_with_the_threshold_and_rule_version_then_list_each_cause():
    proposal = proposal_due(DEFAULT_RULES, 35, [])
    reasons = proposal_reasons(DEFAULT_RULES, proposal, 35, ["原因一"])
    assert "蓝色预警" in reasons[0] and "阈值 30" in reasons[0] and "default-2026.3" in reasons[0]
    assert reasons[1:] == ["原因一"]


def test_factor_breakdown_sums_points_per_factor_largest_first():
    rows = factor_breakdown(
        [("integrity_report", 35, "a"), ("inspection_finding", 60, "b"), ("integrity_report", 15, "c")]
    )
    assert [(r.factor, r.points, r.signals) for r in rows] == [
        ("inspection_finding", 60, 1),
        ("integrity_report", 50, 2),
    ]
    assert rows[1].lines == ("a", "c")
    assert rows[1].factor_zh == "信访举报经研判为廉情信息"


def test_the_default_rule_set_has_a_version_string():
    assert DEFAULT_RULES.version == "default-2026.3"


def test_a_rule_version_stored_before_2026_3_reads_the_new_rule_data_as_the_defaults():
    body = DEFAULT_RULES.to_dict()
    del body["credit_discounted_factors"], body["disposition_grades"]
    old = RuleSet.from_dict({**body, "version": "130402-2026.1"})
    assert old.credit_discounted_factors == {"warnings", "findings", "conditions"}
    assert (old.disposition_grade("judicial_transfer"), old.disposition_grade("talk")) == ("high", None)
    assert "inspection_disposition" not in DEFAULT_RULES.proposing_factors


def test_a_disposition_grade_that_is_no_grade_is_refused():
    with pytest.raises(InvalidRuleData):
        RuleSet.from_dict({**DEFAULT_RULES.to_dict(), "disposition_grades": {"case_filing": "grave"}})
