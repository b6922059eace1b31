"""Cross-inspection across cooperation zones: never one's own zone, rotating year on year
(seeds/001 Guizhou six zones; DESIGN.md §4)."""

import pytest

from wuying_inspection.domain import RuleViolation
from wuying_inspection.domain.rotation import pair_zones

SIX = ["z1", "z2", "z3", "z4", "z5", "z6"]


def as_map(pairings):
    return {p.inspected_zone: p.inspecting_zone for p in pairings}


def test_no_zone_inspects_itself_and_each_sends_and_receives_one_team():
    pairing = as_map(pair_zones(SIX))
    assert set(pairing) == set(SIX)
    assert all(inspected != inspecting for inspected, inspecting in pairing.items())
    assert sorted(pairing.values()) == SIX


def test_no_two_zones_inspect_each_other_when_there_are_enough_zones():
    pairings = pair_zones(SIX)
    assert not any(p.reciprocal for p in pairings)


def test_the_pairing_rotates_every_year_for_six_years():
    history = []
    for _ in range(5):
        pairing = as_map(pair_zones(SIX, history))
        for past in history:
            assert all(pairing[z] != past[z] for z in SIX), "a pairing came back within five years"
        history.append(pairing)


def test_last_years_pairing_is_never_repeated_with_three_zones():
    history = [{"a": "b", "b": "c", "c": "a"}]
    pairing = pair_zones(["a", "b", "c"], history)
    assert as_map(pairing) == {"a": "c", "b": "a", "c": "b"}
    assert not any(p.repeats_last_year for p in pairing)


def test_two_zones_can_only_swap_and_the_result_says_it_repeats():
    pairing = pair_zones(["east", "west"], [{"east": "west", "west": "east"}])
    assert as_map(pairing) == {"east": "west", "west": "east"}
    assert all(p.repeats_last_year and p.reciprocal for p in pairing)


def test_one_zone_cannot_cross_inspect():
    with pytest.raises(RuleViolation) as caught:
        pair_zones(["only"])
    assert caught.value.field == "zones"


def test_the_same_input_gives_the_same_pairing():
    history = [{"z1": "z2", "z2": "z3", "z3": "z4", "z4": "z5", "z5": "z6", "z6": "z1"}]
    assert as_map(pair_zones(SIX, history)) == as_map(pair_zones(list(reversed(SIX)), history))
