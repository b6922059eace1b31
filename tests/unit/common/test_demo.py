"""The demo province (issue 2 item 7)."""

from collections import Counter

from wuying_tools.demo import generate


def test_the_same_seed_gives_the_same_province_and_another_seed_another():
    assert generate(7) == generate(7)
    assert generate(7).officials != generate(8).officials


def test_counties_carry_real_six_digit_division_codes_of_one_province():
    province = generate(2026)
    assert all(len(c.code) == 6 and c.code.startswith("13") for c in province.counties)
    assert "130402" in {c.code for c in province.counties}


def test_every_county_has_a_commission_organ_and_dispatched_agencies_in_a_cooperation_zone():
    province = generate(2026, counties=3)
    kinds = Counter((u.county, u.kind) for u in province.units)
    for county in province.counties:
        assert kinds[(county.code, "commission_organ")] == 1
        assert kinds[(county.code, "dispatched_agency")] >= 1
    assert all(u.zone.startswith("zone-") for u in province.units)


def test_officials_have_unique_ids_and_names_and_belong_to_existing_units():
    province = generate(2026)
    unit_ids = {u.id for u in province.units}
    assert len({o.id for o in province.officials}) == len(province.officials)
    assert len({o.name for o in province.officials}) == len(province.officials)
    assert all(o.unit_id in unit_ids for o in province.officials)
    assert any(o.commission_staff for o in province.officials)
