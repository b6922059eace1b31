"""The inspection store's own tests: keys, conflicts and list queries on the embedded store
(MongoDB when MONGODB_URI is set). The query tests run on the fake too, so the handler tests'
``FakeInspectionStore`` answers as the real store does."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict
from wuying_common.paging import decode_cursor
from wuying_inspection import handlers
from wuying_inspection.domain import RuleViolation
from wuying_inspection.exceptions import PlanExists
from wuying_inspection.persistence import ALIAS, CrossAssignment, InspectionStore, Plan, ZonePair

INSPECTOR = Principal("staff-1", frozenset({"inspector"}), ("130402",))
PROVINCE = Principal("staff-2", frozenset({"inspector"}), ("130000",))
UNIT = {"id": "u1", "name": "区纪委监委机关", "county": "130402", "kind": "commission_organ", "zone": "z1"}


@pytest.fixture
def store(embedded_store):
    embedded_store(ALIAS)
    store = InspectionStore(ALIAS, "embedded")
    store.ensure_indexes()
    handlers.register_units(store, [UNIT])
    return store


@pytest.fixture
def either_store(empty_store):
    """The real store and the fake, with the same units registered."""
    store = empty_store
    handlers.register_units(
        store,
        [
            UNIT,
            dict(UNIT, id="u2", name="区纪委监委第二派驻组", zone="z2"),
            dict(UNIT, id="u3", name="市纪委监委机关", county="130102", zone="z3"),
            dict(UNIT, id="u4", name="乡镇纪委", county="130403", kind="township", zone=None),
        ],
    )
    return store


def test_a_scheduled_plan_carries_its_event_in_the_same_document(store, clock):
    plan = handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027, "rounds": 2})
    saved = Plan.objects.get(id=plan.id)
    assert saved.outbox_pending is True
    assert [e.routing_key for e in saved.outbox] == ["inspection.scheduled", "inspection.scheduled"]  # v1, v2
    assert saved.outbox[0].envelope["data"]["rounds"][1]["starts_on"] == "2027-07-01"


def test_the_plan_key_refuses_a_second_plan_even_past_the_check(store, clock, monkeypatch):
    handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    monkeypatch.setattr(store, "plan_for", lambda unit_id, year: None)  # a racing scheduler
    with pytest.raises(PlanExists):
        handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    assert Plan.objects(unit_id="u1", year=2027).count() == 1


def test_a_plan_breaking_the_rule_writes_nothing(store, clock):
    with pytest.raises(RuleViolation) as caught:
        handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027, "rounds": 1})
    assert caught.value.field == "rounds"
    assert Plan.objects.count() == 0


def test_a_plan_is_keyed_by_its_unit_and_year(store, clock):
    plan = handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    assert plan.id == "u1:2027"
    assert store.plan_for("u1", 2027).id == plan.id
    assert store.plan_for("u1", 2028) is None


def test_a_stale_copy_of_a_plan_is_a_conflict_and_is_not_written(store, clock):
    plan = handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    first, stale = store.get_plan(plan.id), store.get_plan(plan.id)
    first.status = "completed"
    store.save(first)
    stale.zone = "z9"
    with pytest.raises(Conflict) as caught:
        store.save(stale)
    assert caught.value.code == "concurrent_update"
    assert store.get_plan(plan.id).zone == "z1"


def test_a_second_cross_assignment_for_a_region_and_year_is_a_duplicate(store, clock):
    assignment = CrossAssignment(
        id=CrossAssignment.key_for("130000", 2027),
        region="130000",
        year=2027,
        pairs=[ZonePair(inspected_zone="z1", inspecting_zone="z2")],
        created_by="staff-1",
        created_at=clock.now().replace(tzinfo=None),
    )
    store.add(assignment)
    with pytest.raises(Conflict) as caught:
        store.add(CrossAssignment(**{k: assignment[k] for k in ("id", "region", "year", "created_by", "created_at")}))
    assert caught.value.code == "duplicate"


def test_registering_a_unit_again_replaces_its_registration(store):
    handlers.register_units(store, [dict(UNIT, name="区纪委监委", zone=None)])
    unit = store.get_unit("u1")
    assert (unit.name, unit.zone) == ("区纪委监委", None)


# -- the list queries, on the real store and on the fake ---------------------------------------
def test_plans_of_a_county_are_paged_by_key(either_store, clock):
    for unit_id, year in (("u2", 2027), ("u1", 2028), ("u1", 2027), ("u3", 2027)):
        handlers.schedule_plan(either_store, clock, PROVINCE, {"unit_id": unit_id, "year": year})
    assert [p.id for p in either_store.plans(("130402",), {})] == ["u1:2027", "u1:2028", "u2:2027"]
    assert [p.id for p in either_store.plans(("130402",), {}, 2028)] == ["u1:2028"]
    first = either_store.plans(("130402",), {"limit": 1})
    assert [p.id for p in first] == ["u1:2027"]
    rest = either_store.plans(("130402",), {"limit": 5, "cursor": decode_cursor(first.next)})
    assert [p.id for p in rest] == ["u1:2028", "u2:2027"] and rest.next is None
    assert "u3:2027" in [p.id for p in either_store.plans(("130402", "130102"), {})]


def test_the_zones_of_a_region_are_those_of_its_registered_units(either_store):
    assert either_store.zones_in("130000") == ["z1", "z2", "z3"]
    assert either_store.zones_in("130400") == ["z1", "z2"]
    assert either_store.zones_in("130403") == []


def test_the_narrowest_cross_assignment_covers_a_county_and_history_is_oldest_first(either_store, clock):
    for region, year, inspecting in (("130000", 2027, "z3"), ("130400", 2027, "z2"), ("130000", 2025, "z2")):
        either_store.add(
            CrossAssignment(
                id=CrossAssignment.key_for(region, year),
                region=region,
                year=year,
                pairs=[ZonePair(inspected_zone="z1", inspecting_zone=inspecting)],
                created_by="staff-1",
                created_at=clock.now().replace(tzinfo=None),
            )
        )
    assert either_store.cross_assignment_covering("130402", 2027).region == "130400"
    assert either_store.cross_assignment_covering("130102", 2027).region == "130000"
    assert either_store.cross_assignment_covering("130402", 2026) is None
    assert [a.year for a in either_store.cross_history("130000", 2028)] == [2025, 2027]
    assert either_store.cross_history("130000", 2025) == []


def test_the_specialist_pool_of_a_city_and_the_plans_booking_its_members(either_store, clock):
    pool = [
        {"id": "s2", "name": "李工", "county": "130403", "expertise": ["engineering"]},
        {"id": "s1", "name": "王工", "county": "130402", "expertise": ["finance"], "unit_id": "u1"},
        {"id": "s3", "name": "赵工", "county": "130102", "expertise": ["law"]},
    ]
    handlers.register_specialists(either_store, pool)
    assert [m.id for m in either_store.specialists_in("130400")] == ["s1", "s2"]
    plan = handlers.schedule_plan(either_store, clock, INSPECTOR, {"unit_id": "u2", "year": 2027})
    handlers.join_specialists(either_store, INSPECTOR, plan.id, 1, {"expertise": ["engineering"]})
    assert [p.id for p in either_store.plans_booking(["s2", "s3"], 2027)] == ["u2:2027"]
    assert either_store.plans_booking(["s2"], 2028) == []
    assert either_store.plans_booking(["s1"], 2027) == []


def test_the_pool_units_and_plans_of_a_region_and_an_inspectors_own_plans(either_store, clock):
    handlers.register_inspectors(
        either_store,
        PROVINCE,
        [
            {"id": "p2", "name": "乙", "county": "130403", "level": "county"},
            {"id": "p1", "name": "甲", "county": "130402", "level": "county"},
            {"id": "p3", "name": "丙", "county": "130102", "level": "city"},
        ],
    )
    assert [m.id for m in either_store.inspectors_in("130400")] == ["p1", "p2"]
    assert [u.id for u in either_store.units_in("130400")] == ["u1", "u2", "u4"]
    windows = [
        {"starts_on": "2027-03-01", "ends_on": "2027-03-05"},
        {"starts_on": "2027-09-06", "ends_on": "2027-09-10"},
    ]
    for unit_id in ("u2", "u1", "u3"):
        handlers.schedule_plan(
            either_store,
            clock,
            PROVINCE,
            {
                "unit_id": unit_id,
                "year": 2027,
                "windows": [{k: date.fromisoformat(v) for k, v in w.items()} for w in windows],
            },
        )
    assert [p.id for p in either_store.plans_in("130400", 2027)] == ["u1:2027", "u2:2027"]
    plan = either_store.get_plan("u2:2027")
    plan.rounds[0].members, plan.rounds[0].leader = ["p3"], "p3"
    plan.refresh_index_fields()
    either_store.save(plan)
    assert [p.id for p in either_store.plans_of_inspector("p3", 2027)] == ["u2:2027"]
    assert either_store.plans_of_inspector("p3", 2028) == []
    assert sorted(p.id for p in either_store.plans_to_remind("2027-03-01")) == ["u1:2027", "u2:2027", "u3:2027"]
    assert either_store.plans_to_remind("2027-02-28") == []
