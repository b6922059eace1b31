"""Coverage from the tallies kept by key (issue 14 item 7) equals coverage from scanning every
unit and plan (000/E 每年不少于2次; 001 贵州 全覆盖), whatever sequence of the real operations
wrote them, on any day; a rebuild from the records equals the tallies kept incrementally."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from wuying_common.auth import Principal, counties_covered
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import WuyingError
from wuying_common.rules import InvalidInput
from wuying_inspection import handlers
from wuying_inspection.domain.campaigns import CAMPAIGN_KINDS
from wuying_inspection.domain.coverage import (
    RoundState,
    coverage,
    entry_status,
    plan_entry,
    tally_coverage,
    unit_status,
)
from wuying_inspection.persistence import PlanTally, Unit, UnitTally
from wuying_testing import FixedClock

CALENDAR = WorkingDayCalendar.official()
PROVINCE = Principal("org-1", frozenset({"inspector"}), ("130000",))
COUNTIES = ("130402", "130403", "130102", "130104")
ZONE = {"130402": "z1", "130403": "z1", "130102": "z2", "130104": "z2"}
KINDS = ("commission_organ", "dispatched_agency", "township", "school", "department", "hospital")
UNIT_IDS = [f"u{i:02d}" for i in range(14)]
YEARS = (2026, 2027)
REGIONS = ("130000", "130400", "130100", "130402", "130104")
# the days coverage is read on: before the year, inside the windows, after their ends, the
# last day of the year and after it (missed)
TODAYS = (
    date(2025, 12, 1),
    date(2026, 3, 1),
    date(2026, 7, 1),
    date(2026, 11, 20),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 7, 15),
    date(2028, 1, 2),
)


# -- the reference: today's region_coverage before the tallies, a scan of every record ----------
def scanned(units, plans, region: str, year: int, today: date, attention: bool = True):
    """Coverage computed by scanning every unit and plan (the route's logic before the tallies)."""
    counties = set(counties_covered((region,)) or ())
    by_unit = {p.unit_id: p for p in plans if p.county in counties and p.year == year}
    statuses = (
        (u.id, u.county, unit_status(by_unit[u.id].round_states() if u.id in by_unit else None, year, today))
        for u in sorted(units, key=lambda u: (u.county, u.id))
        if u.county in counties and (u.kind in CAMPAIGN_KINDS or u.id in by_unit)
    )
    return coverage(region, year, statuses, attention)


def figures(result) -> tuple:
    def tally(t):
        return (t.code, t.units, tuple(sorted((k, v) for k, v in t.counts.items() if v)), t.coverage)

    return (
        result.region,
        result.year,
        tally(result.total),
        [tally(c) for c in result.cities],
        [tally(c) for c in result.counties],
        result.units,
    )


def from_tallies(store, region: str, year: int, today: date, attention: bool = True):
    clock = FixedClock(datetime(today.year, today.month, today.day, 2, 0, tzinfo=UTC))
    return handlers.region_coverage(store, clock, PROVINCE, region, year, attention)


def assert_tallies_match_the_scan(store) -> int:
    units, plans = store.units_of(None), store.plans_of(None)
    checked = 0
    for region in REGIONS:
        for year in YEARS:
            for today in TODAYS:
                expected = scanned(units, plans, region, year, today)
                assert figures(from_tallies(store, region, year, today)) == figures(expected), (region, year, today)
                figures_only = from_tallies(store, region, year, today, attention=False)
                assert figures_only.units == [] and figures(figures_only)[:5] == figures(expected)[:5]
                checked += 1
    return checked


# -- the pure entries ----------------------------------------------------------------------------
def random_rounds(rng: random.Random, year: int) -> list[RoundState] | None:
    if rng.random() < 0.15:
        return None
    rounds = []
    for n in range(rng.choice((1, 2, 2, 3))):
        start = date(year, 1, 1) + timedelta(days=rng.randrange(0, 330))
        rounds.append(
            RoundState(n + 1, "special", start, start + timedelta(days=rng.randrange(0, 30)), rng.random() < 0.5)
        )
    return rounds


def test_a_plans_entry_gives_the_status_unit_status_gives_on_every_day_000e():
    rng = random.Random(14)
    seen = set()
    for _ in range(400):
        year = rng.choice(YEARS)
        rounds = random_rounds(rng, year)
        entry = None if rounds is None else plan_entry(rounds)
        for today in TODAYS + tuple(date(year, 1, 1) + timedelta(days=rng.randrange(0, 400)) for _ in range(5)):
            status = unit_status(rounds, year, today)
            assert entry_status(entry, year, today) == status
            seen.add(status)
    assert seen == {"done", "planned", "overdue", "missed", "unplanned"}


def test_tally_coverage_counts_campaign_units_and_units_with_a_plan():
    units = {
        "130402": {"a": {"campaign": True}, "b": {"campaign": False}, "c": {"campaign": False}},
        "130102": {"d": {"campaign": True}},
    }
    plans = {
        "c": {"planned": True, "done": True, "due": None},
        "d": {"planned": True, "done": False, "due": "2026-06-30"},
    }
    result = tally_coverage("130000", 2026, units, plans, date(2026, 7, 1))
    assert (result.total.units, result.total.counts["done"], result.total.coverage) == (3, 1, 0.3333)
    assert result.units == [("d", "130102", "overdue"), ("a", "130402", "unplanned")]  # b counts for nothing
    assert tally_coverage("130000", 2026, units, plans, date(2026, 7, 1), attention=False).units == []


# -- a random sequence of the real operations ----------------------------------------------------
POOL = [
    {
        "id": f"p{i:02d}",
        "name": f"干部{i}",
        "county": COUNTIES[i % 4],
        "zone": ZONE[COUNTIES[i % 4]],
        "level": "county",
        "leader": i % 3 == 0,
    }
    for i in range(16)
]


@pytest.fixture
def store(empty_store):
    handlers.register_inspectors(empty_store, PROVINCE, POOL)
    return empty_store


def random_unit(rng: random.Random) -> dict:
    county = rng.choice(COUNTIES)
    uid = rng.choice(UNIT_IDS)
    return {"id": uid, "name": f"单位{uid}", "county": county, "kind": rng.choice(KINDS), "zone": ZONE[county]}


def operation(store, clock, rng: random.Random) -> str:
    """One real operation, through the handlers (or the store where no handler deletes)."""
    plans = store.plans_of(None)
    kind = rng.choices(
        ("register", "schedule", "complete", "finding", "remind", "delete", "campaign", "round_campaign"),
        weights=(4, 5, 5, 1, 1, 1, 1, 1),
    )[0]
    if kind == "register":
        handlers.register_units(store, [random_unit(rng) for _ in range(rng.randint(1, 5))])
    elif kind == "schedule":
        year = rng.choice(YEARS)
        command = {"unit_id": rng.choice(UNIT_IDS), "year": year, "rounds": rng.choice((2, 2, 3))}
        if rng.random() < 0.5:
            starts = sorted(rng.sample(range(1, 330), command["rounds"]))
            command["windows"] = [
                {
                    "starts_on": date(year, 1, 1) + timedelta(days=s),
                    "ends_on": date(year, 1, 1) + timedelta(days=s + rng.randrange(0, 5)),
                }
                for s in starts
            ]
        handlers.schedule_plan(store, clock, PROVINCE, command)
    elif kind in ("complete", "finding", "delete") and plans:
        plan = rng.choice(plans)
        number = rng.choice([r.round for r in plan.rounds])
        if kind == "complete":
            handlers.complete_round(store, clock, PROVINCE, plan.id, number)
        elif kind == "finding":
            command = {"round": number, "severity": "early_sign", "summary": "会议纪要不全"}
            handlers.record_finding(store, clock, PROVINCE, plan.id, command)
        else:
            store.delete(store.get_plan(plan.id))
    elif kind == "remind":
        handlers.remind_organisers(store, clock, CALENDAR)
    elif kind in ("campaign", "round_campaign"):
        command = {
            "region": rng.choice(("130000", "130400", "130100")),
            "year": rng.choice(YEARS),
            "assignment_rules": {"team_min": 2, "team_max": 3},
        }
        if kind == "round_campaign":
            command["round"] = rng.choice((1, 2))
        campaign = handlers.create_campaign(store, clock, CALENDAR, PROVINCE, command)
        handlers.solve_campaign(store, clock, PROVINCE, campaign.id)
        handlers.commit_campaign(store, clock, PROVINCE, campaign.id)
    clock.advance(days=rng.randrange(0, 20))
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_coverage_from_the_tallies_equals_the_scan_after_random_operations(store, seed):
    rng = random.Random(seed)
    clock = FixedClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    done: dict[str, int] = {}
    for step in range(70):
        try:
            kind = operation(store, clock, rng)
        except (WuyingError, InvalidInput):  # refused: writes nothing (a taken key, a rule)
            kind = "refused"
        done[kind] = done.get(kind, 0) + 1
        if step % 10 == 9:
            assert_tallies_match_the_scan(store)
    assert assert_tallies_match_the_scan(store) == len(REGIONS) * len(YEARS) * len(TODAYS)
    # the sequence did write: units, plans, completed rounds
    assert done.get("register", 0) > 5 and done.get("schedule", 0) > 3 and done.get("complete", 0) > 3
    assert any(r.completed_on for p in store.plans_of(None) for r in p.rounds)


def test_a_committed_campaign_and_its_rounds_keep_the_tallies_of_every_county(store):
    clock = FixedClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    handlers.register_units(
        store,
        [
            {"id": f"u-{c}-{k}", "name": f"{c}{k}", "county": c, "kind": k, "zone": ZONE[c]}
            for c in COUNTIES
            for k in ("commission_organ", "township", "department")
        ],
    )
    single, batched = [], []
    set_entry, set_entries = store.set_entry, store.set_entries
    store.set_entry = lambda cls, key, record, entry: (single.append(record), set_entry(cls, key, record, entry))
    store.set_entries = lambda cls, key, entries: (batched.append(key), set_entries(cls, key, entries))
    for number in (1, 2):
        command = {
            "region": "130000",
            "year": 2027,
            "round": number,
            "assignment_rules": {"team_min": 2, "team_max": 3},
        }
        campaign = handlers.create_campaign(store, clock, CALENDAR, PROVINCE, command)
        assert handlers.solve_campaign(store, clock, PROVINCE, campaign.id).status == "solved"
        single.clear(), batched.clear()
        handlers.commit_campaign(store, clock, PROVINCE, campaign.id)
        # the commit's plans: one write per county's tally of the year, none plan by plan
        assert single == [] and sorted(batched) == sorted(f"{c}:2027" for c in COUNTIES)
        assert_tallies_match_the_scan(store)
    cover = from_tallies(store, "130000", 2027, date(2027, 1, 1))
    assert (cover.total.units, cover.total.counts["planned"]) == (8, 8)  # two rounds each: planned
    for plan in store.plans_of(None):
        for r in plan.rounds:
            handlers.complete_round(store, clock, PROVINCE, plan.id, r.round)
    assert from_tallies(store, "130000", 2027, date(2028, 1, 2)).total.counts["done"] == 8
    assert_tallies_match_the_scan(store)


def test_a_unit_moved_to_another_county_or_kind_leaves_its_old_entry(store):
    unit = {"id": "u1", "name": "甲", "county": "130402", "kind": "commission_organ", "zone": "z1"}
    handlers.register_units(store, [unit])
    handlers.register_units(store, [dict(unit, county="130102", zone="z2")])
    assert store.tallies(UnitTally, ["130402", "130102"]) == {"130402": {}, "130102": {"u1": {"campaign": True}}}
    handlers.register_units(store, [dict(unit, county="130102", kind="department")])
    assert from_tallies(store, "130000", 2026, date(2026, 3, 1)).total.units == 0


def test_a_batch_reads_its_units_counties_at_once_and_a_unit_twice_in_it_is_read_again(store, monkeypatch):
    first = {"id": "u1", "name": "甲", "county": "130402", "kind": "commission_organ", "zone": "z1"}
    second = {"id": "u2", "name": "乙", "county": "130102", "kind": "commission_organ", "zone": "z2"}
    handlers.register_units(store, [first, second])
    read_one_by_one: list[str] = []
    get = store.get

    def counted(cls, key):
        if cls is Unit:
            read_one_by_one.append(key)
        return get(cls, key)

    monkeypatch.setattr(store, "get", counted)
    # u1 moves twice in one batch (130402 → 130102 → 130681), u2 once, u3 is new
    moves = [
        dict(first, county="130102"),
        dict(second, county="130402"),
        dict(first, id="u3"),
        dict(first, county="130681"),
    ]
    handlers.register_units(store, moves)
    assert read_one_by_one == ["u1"]  # only the second registration of u1 in the batch
    entry = {"campaign": True}
    assert store.tallies(UnitTally, ["130402", "130102", "130681"]) == {
        "130402": {"u2": entry, "u3": entry},
        "130102": {},
        "130681": {"u1": entry},
    }
    assert_tallies_match_the_scan(store)


# -- the rebuild ---------------------------------------------------------------------------------
def test_a_rebuild_from_the_records_equals_the_tallies_kept_incrementally(store):
    rng = random.Random(7)
    clock = FixedClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    for _ in range(60):
        try:
            operation(store, clock, rng)
        except (WuyingError, InvalidInput):
            pass
    keys = store.tally_keys(UnitTally), store.tally_keys(PlanTally)
    kept = store.tallies(UnitTally, keys[0]), store.tallies(PlanTally, keys[1])
    assert any(kept[0].values()) and any(kept[1].values())

    # a write lost between records and their entries, and a stale entry of a county emptied
    store.replace_tally(UnitTally, "130402", {})
    store.replace_tally(PlanTally, "130102:2026", {"ghost": {"planned": True, "done": True, "due": None}})
    store.set_entry(UnitTally, "130999", "ghost", {"campaign": True})
    assert (store.tallies(UnitTally, keys[0]), store.tallies(PlanTally, keys[1])) != kept

    only = handlers.rebuild_tallies(store, ["130402"])  # one county: the others stay as they are
    assert only["units"] == len([u for u in store.units_of(None) if u.county == "130402"])
    assert store.tallies(UnitTally, keys[0]) == kept[0]
    assert store.tallies(PlanTally, ["130102:2026"])["130102:2026"]["ghost"]

    everything = handlers.rebuild_tallies(store)
    assert everything["plans"] == len(store.plans_of(None))
    assert store.tallies(UnitTally, keys[0]) == kept[0] and store.tallies(PlanTally, keys[1]) == kept[1]
    assert store.tallies(UnitTally, ["130999"]) == {"130999": {}}
    assert_tallies_match_the_scan(store)


def test_a_registration_batch_writes_each_countys_tally_once(store):
    writes = []
    set_entries = store.set_entries

    def counted(cls, key, entries):
        writes.append((cls.__name__, key, len(entries)))
        set_entries(cls, key, entries)

    store.set_entries = counted
    rows = [
        {"id": f"u{i}", "name": f"单位{i}", "county": COUNTIES[i % 2], "kind": "commission_organ"} for i in range(40)
    ]
    assert handlers.register_units(store, rows) == {"units": 40}
    assert sorted(writes) == [("UnitTally", "130402", 20), ("UnitTally", "130403", 20)]
