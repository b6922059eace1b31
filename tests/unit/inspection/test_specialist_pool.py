"""Specialists join teams on demand, fixed to no team, unit or time (seeds/004 Minhang)."""

from datetime import date

import pytest

from wuying_inspection.domain import RuleViolation
from wuying_inspection.domain.specialists import Booking, Specialist, choose_specialists

POOL = [
    Specialist("s1", "王工", frozenset({"engineering"}), unit_id="u-build"),
    Specialist("s2", "李工", frozenset({"engineering", "procurement"})),
    Specialist("s3", "赵会计", frozenset({"finance"})),
]
WINDOW = {"starts_on": date(2027, 3, 1), "ends_on": date(2027, 3, 20)}


def ids(chosen):
    return [s.id for _, s in chosen]


def test_one_specialist_is_drawn_for_each_requested_field():
    chosen = choose_specialists(POOL, ["engineering", "finance"], unit_id="u-x", **WINDOW)
    assert [f for f, _ in chosen] == ["engineering", "finance"]
    assert ids(chosen) == ["s1", "s3"]


def test_a_specialist_never_inspects_their_own_unit():
    assert ids(choose_specialists(POOL, ["engineering"], unit_id="u-build", **WINDOW)) == ["s2"]


def test_a_specialist_booked_in_an_overlapping_window_is_not_drawn():
    busy = [Booking("s1", date(2027, 3, 15), date(2027, 4, 1))]
    assert ids(choose_specialists(POOL, ["engineering"], unit_id="u-x", bookings=busy, **WINDOW)) == ["s2"]


def test_the_least_used_specialist_this_year_goes_first():
    earlier = [Booking("s1", date(2027, 1, 5), date(2027, 1, 10))]
    assert ids(choose_specialists(POOL, ["engineering"], unit_id="u-x", bookings=earlier, **WINDOW)) == ["s2"]


def test_the_same_person_is_not_drawn_twice_for_one_round():
    chosen = choose_specialists(POOL, ["engineering", "procurement"], unit_id="u-x", **WINDOW)
    assert ids(chosen) == ["s1", "s2"]


def test_a_field_nobody_can_cover_names_the_field():
    with pytest.raises(RuleViolation) as caught:
        choose_specialists(POOL, ["finance", "law"], unit_id="u-x", **WINDOW)
    assert caught.value.field == "expertise.1"
