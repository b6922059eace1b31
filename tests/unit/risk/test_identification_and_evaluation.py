"""Risk points: five-step identification (篇1 ⑵②), evaluation (篇1 ⑵③) and the 10% cap (000 A)."""

import pytest

from wuying_risk.domain.evaluation import (
    FACTORS,
    InvalidGrades,
    check_high_cap,
    evaluate,
    high_allowed,
    level_for,
    risk_index,
)
from wuying_risk.domain.identification import (
    STEPS,
    Contribution,
    StepOutOfOrder,
    can_evaluate,
    check_step,
    next_step,
    status_after,
)


def grades(value=3, **overrides):
    return {**{f: value for f in FACTORS}, **overrides}


def test_the_five_steps_come_in_the_seed_order():
    assert STEPS == (
        "self_found",
        "colleague_helped",
        "leader_pointed",
        "collectively_decided",
        "organisation_approved",
    )


def test_the_first_step_is_finding_it_yourself():
    assert next_step([]) == "self_found"
    check_step([], "self_found")


def test_a_step_cannot_be_skipped():
    with pytest.raises(StepOutOfOrder) as exc:
        check_step(["self_found"], "leader_pointed")
    assert "同事帮" in exc.value.message_zh


def test_a_step_cannot_be_repeated_after_all_five():
    with pytest.raises(StepOutOfOrder) as exc:
        check_step(list(STEPS), "organisation_approved")
    assert "已完成五步识别" in exc.value.message_zh


def test_contributions_keep_their_seed_colours():
    assert [Contribution(s, "x", "y").colour for s in STEPS] == ["black", "blue", "red", None, None]


def test_status_moves_from_identifying_to_decided_to_published():
    assert status_after(["self_found"]) == "identifying"
    assert status_after(list(STEPS[:4])) == "decided"
    assert status_after(list(STEPS)) == "published"


def test_a_risk_can_be_evaluated_only_after_the_collective_decision():
    assert not can_evaluate(list(STEPS[:3]))
    assert can_evaluate(list(STEPS[:4]))


def test_the_index_runs_from_zero_at_all_ones_to_a_hundred_at_all_fives():
    assert risk_index(grades(1)) == 0
    assert risk_index(grades(5)) == 100
    assert risk_index(grades(3)) == 50


def test_probability_weighs_more_than_distribution():
    assert risk_index(grades(3, probability=5)) > risk_index(grades(3, distribution=5))


@pytest.mark.parametrize(("index", "level"), [(0, "low"), (39, "low"), (40, "medium"), (69, "medium"), (70, "high")])
def test_levels_are_high_medium_low_by_index(index, level):
    assert level_for(index) == level


def test_missing_or_out_of_range_grades_are_named():
    with pytest.raises(InvalidGrades) as exc:
        risk_index({**grades(3), "scope": 9, "severity": None})
    assert set(exc.value.problems) == {"scope", "severity"}
    assert "1 至 5" in exc.value.problems["scope"]


def test_evaluation_explains_each_factor_in_chinese():
    result = evaluate(grades(5))
    assert (result.index, result.level, result.level_zh) == (100, "high", "高")
    assert result.lines[0] == "发生概率：5 分（权重 25%）"
    assert len(result.lines) == 7


@pytest.mark.parametrize(("total", "cap"), [(0, 0), (9, 0), (10, 1), (19, 1), (20, 2), (35, 3)])
def test_at_most_ten_percent_of_a_departments_risks_may_be_high(total, cap):
    assert high_allowed(total) == cap


def test_an_eleventh_percent_high_rating_is_refused():
    check = check_high_cap(20, 2, was_high=False, becomes_high=True)
    assert not check.allowed
    assert "10%" in check.message_zh and "最多 2 个" in check.message_zh


def test_a_high_rating_within_the_cap_is_allowed():
    assert check_high_cap(20, 1, was_high=False, becomes_high=True).allowed


def test_re_rating_a_high_risk_high_again_does_not_count_twice():
    assert check_high_cap(20, 2, was_high=True, becomes_high=True).allowed


def test_lowering_a_rating_is_always_allowed():
    check = check_high_cap(5, 3, was_high=True, becomes_high=False)
    assert check.allowed and check.high_after == 2
