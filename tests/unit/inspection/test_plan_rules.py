"""Inspection plans: at least twice a year, four methods, windows inside the year (seeds/000 E)."""

from datetime import date

import pytest

from wuying_inspection.domain import RuleViolation
from wuying_inspection.domain.plans import (
    METHODS,
    check_windows,
    default_windows,
    in_scope,
    plan_rounds,
)


def test_a_default_plan_has_two_rounds_one_in_each_half_of_the_year():
    rounds = plan_rounds(2026)
    assert [(r.round, r.starts_on, r.ends_on) for r in rounds] == [
        (1, date(2026, 1, 1), date(2026, 6, 30)),
        (2, date(2026, 7, 1), date(2026, 12, 31)),
    ]
    assert all(r.method in METHODS for r in rounds)


def test_the_default_second_round_is_a_cross_inspection():
    assert [r.method for r in plan_rounds(2026)] == ["special", "cross"]


@pytest.mark.parametrize("rounds", [0, 1, -3])
def test_fewer_than_two_rounds_a_year_is_refused_citing_the_rule(rounds):
    with pytest.raises(RuleViolation) as caught:
        plan_rounds(2026, rounds)
    assert caught.value.field == "rounds"
    assert "每年不少于2次" in caught.value.message


def test_more_than_monthly_rounds_are_refused():
    with pytest.raises(RuleViolation) as caught:
        plan_rounds(2026, 13)
    assert caught.value.field == "rounds"


def test_an_unknown_method_is_refused_naming_its_position():
    with pytest.raises(RuleViolation) as caught:
        plan_rounds(2026, 2, ["special", "picnic"])
    assert caught.value.field == "methods.1"
    assert "暗访" in caught.value.message


def test_methods_must_match_the_number_of_rounds():
    with pytest.raises(RuleViolation) as caught:
        plan_rounds(2026, 3, ["special", "cross"])
    assert caught.value.field == "methods"


def test_every_method_of_the_seed_is_accepted():
    rounds = plan_rounds(2026, 4, ["special", "surprise", "cross", "unannounced"])
    assert [r.method_zh for r in rounds] == ["专项检查", "突击检查", "交叉检查", "暗访"]


@pytest.mark.parametrize("rounds", range(2, 13))
def test_default_windows_tile_the_whole_year_in_order(rounds):
    windows = default_windows(2028, rounds)  # a leap year
    assert windows[0][0] == date(2028, 1, 1)
    assert windows[-1][1] == date(2028, 12, 31)
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        assert (start - end).days == 1
    check_windows(2028, windows, rounds)


def test_a_window_reaching_into_the_next_year_is_refused():
    with pytest.raises(RuleViolation) as caught:
        plan_rounds(2026, 2, windows=[(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 12, 1), date(2027, 1, 15))])
    assert caught.value.field == "windows.1.ends_on"


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(RuleViolation) as caught:
        check_windows(2026, [(date(2026, 5, 1), date(2026, 4, 1)), (date(2026, 9, 1), date(2026, 9, 30))], 2)
    assert caught.value.field == "windows.0.ends_on"


def test_overlapping_rounds_are_refused():
    with pytest.raises(RuleViolation) as caught:
        check_windows(2026, [(date(2026, 3, 1), date(2026, 6, 30)), (date(2026, 6, 30), date(2026, 9, 30))], 2)
    assert caught.value.field == "windows.1.starts_on"


def test_explicit_windows_are_kept():
    windows = [(date(2026, 4, 7), date(2026, 4, 20)), (date(2026, 10, 12), date(2026, 10, 23))]
    rounds = plan_rounds(2026, 2, ["surprise", "unannounced"], windows)
    assert [(r.starts_on, r.ends_on) for r in rounds] == windows


def test_commission_organs_and_dispatched_agencies_are_in_scope():
    assert in_scope("commission_organ") and in_scope("dispatched_agency")
    assert not in_scope("township")
