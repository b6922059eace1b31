"""Inspection use cases on the fake store: the plan and its event are one write, seed rules go
up as ``RuleViolation``, duplicates are answered by the store's keys. (The real store's keys
and queries: ``test_store.py``.)"""

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict
from wuying_inspection import handlers
from wuying_inspection.domain import RuleViolation
from wuying_inspection.exceptions import (
    CrossAssignmentExists,
    PlanExists,
    RoundCompleted,
    UnitNotFound,
)
from wuying_inspection.persistence import Plan
from wuying_testing.fakes.inspection import FakeInspectionStore

INSPECTOR = Principal("staff-1", frozenset({"inspector"}), ("130402",))
PROVINCE = Principal("staff-2", frozenset({"inspector"}), ("130000",))
UNIT = {"id": "u1", "name": "区纪委监委机关", "county": "130402", "kind": "commission_organ", "zone": "z1"}
ZONED = [
    UNIT,
    dict(UNIT, id="u2", name="二协作区纪委监委", county="130403", zone="z2"),
    dict(UNIT, id="u3", name="三协作区纪委监委", county="130102", zone="z3"),
]


@pytest.fixture
def store():
    store = FakeInspectionStore()
    handlers.register_units(store, ZONED)
    return store


def schedule(store, clock, unit_id="u1", year=2027, principal=INSPECTOR, **command):
    return handlers.schedule_plan(store, clock, principal, {"unit_id": unit_id, "year": year, **command})


def test_a_scheduled_plan_carries_its_event_in_the_same_document(store, clock):
    plan = schedule(store, clock, rounds=2)
    saved = store.get(Plan, plan.id)
    assert saved.outbox_pending is True
    # issue 12: v2 beside v1 until v1 is retired, both on the same routing key
    assert [e.routing_key for e in saved.outbox] == ["inspection.scheduled", "inspection.scheduled"]
    assert [e.envelope["type"][-2:] for e in saved.outbox] == ["v1", "v2"]
    envelope = saved.outbox[0].envelope
    assert envelope["data"]["rounds"][1]["starts_on"] == "2027-07-01"
    assert (envelope["subject"], envelope["county"]) == ("plan/u1:2027", "130402")
    assert plan.id in store.marked(Plan)


def test_a_second_plan_for_the_same_unit_and_year_is_refused(store, clock):
    schedule(store, clock)
    with pytest.raises(PlanExists) as caught:
        schedule(store, clock, rounds=3)
    assert set(caught.value.fields) == {"unit_id", "year"}
    assert len(store.get(Plan, "u1:2027").rounds) == 2


def test_the_store_refuses_a_second_plan_even_past_the_check(store, clock, monkeypatch):
    schedule(store, clock)
    monkeypatch.setattr(store, "plan_for", lambda unit_id, year: None)  # a racing scheduler
    with pytest.raises(PlanExists):
        schedule(store, clock)
    assert [p.id for p in store.plans(("130402",), {})] == ["u1:2027"]


def test_a_plan_breaking_the_rule_writes_nothing(store, clock):
    with pytest.raises(RuleViolation) as caught:
        schedule(store, clock, rounds=1)
    assert caught.value.field == "rounds"
    assert caught.value.code == "inspection_rule_violated"
    assert store.plans(("130402",), {}).items == []


def test_a_plan_for_an_unregistered_unit_is_not_found(store, clock):
    with pytest.raises(UnitNotFound) as caught:
        schedule(store, clock, unit_id="nobody")
    assert "unit_id" in caught.value.fields


def test_a_broken_rule_is_answered_400_naming_the_field():
    """What the HTTP layer answers (400 ``inspection_rule_violated``, fields as text)."""
    from wuying_common.errors import rule_error
    from wuying_inspection.domain import RuleViolation
    from wuying_inspection.domain.plans import check_round_count

    with pytest.raises(RuleViolation) as caught:
        check_round_count(1)
    answer = rule_error(caught.value)
    assert (answer.status, answer.code) == (400, "inspection_rule_violated")
    assert "每年不少于2次" in answer.fields["rounds"]
    assert answer.message == "巡察计划不符合内部作风巡察的规定，请检查标出的字段"


def test_cross_inspection_pairs_other_zones_rotates_and_fills_the_cross_round(store, clock):
    first = handlers.assign_cross_inspection(store, clock, PROVINCE, {"region": "130000", "year": 2027})
    pairs_2027 = {p.inspected_zone: p.inspecting_zone for p in first.pairs}
    assert set(pairs_2027) == {"z1", "z2", "z3"} and all(a != b for a, b in pairs_2027.items())
    second = handlers.assign_cross_inspection(store, clock, PROVINCE, {"region": "130000", "year": 2028})
    assert all(p.inspecting_zone != pairs_2027[p.inspected_zone] for p in second.pairs)
    with pytest.raises(CrossAssignmentExists):
        handlers.assign_cross_inspection(store, clock, PROVINCE, {"region": "130000", "year": 2027})

    plan = schedule(store, clock, principal=PROVINCE)
    assert [r.inspecting_zone for r in plan.rounds if r.method == "cross"] == [pairs_2027["z1"]]


def test_the_store_refuses_a_second_cross_assignment_even_past_the_check(store, clock, monkeypatch):
    handlers.assign_cross_inspection(store, clock, PROVINCE, {"region": "130000", "year": 2027})
    monkeypatch.setattr(store, "cross_assignment", lambda region, year: None)
    with pytest.raises(CrossAssignmentExists):
        handlers.assign_cross_inspection(store, clock, PROVINCE, {"region": "130000", "year": 2027})


def test_a_region_with_one_zone_cannot_cross_inspect(store, clock):
    with pytest.raises(RuleViolation) as caught:
        handlers.assign_cross_inspection(store, clock, INSPECTOR, {"region": "130402", "year": 2027})
    assert caught.value.field == "zones"


def test_specialists_join_on_demand_and_are_not_double_booked(store, clock):
    handlers.register_specialists(
        store,
        [
            {"id": "s1", "name": "王工", "county": "130402", "expertise": ["engineering"]},
            {"id": "s2", "name": "李工", "county": "130403", "expertise": ["engineering"], "unit_id": "u2"},
        ],
    )
    first = schedule(store, clock, principal=PROVINCE)
    second = schedule(store, clock, unit_id="u2", principal=PROVINCE)
    joined = handlers.join_specialists(store, PROVINCE, first.id, 1, {"expertise": ["engineering"]})
    assert [s.id for s in joined.rounds[0].specialists] == ["s1"]
    assert store.get(Plan, first.id).specialist_ids == ["s1"]
    with pytest.raises(RuleViolation) as caught:
        handlers.join_specialists(store, PROVINCE, second.id, 1, {"expertise": ["engineering"]})
    assert caught.value.field == "expertise.0"
    later = handlers.join_specialists(store, PROVINCE, second.id, 2, {"expertise": ["engineering"]})
    assert [s.id for s in later.rounds[1].specialists] == ["s1"]


def test_findings_and_completed_rounds_are_written_with_their_events(store, clock):
    plan = schedule(store, clock)
    _, finding = handlers.record_finding(
        store, clock, INSPECTOR, plan.id, {"round": 1, "severity": "early_sign", "summary": "午间饮酒苗头"}
    )
    assert finding.disposition == "reminder_talk"
    handlers.complete_round(store, clock, INSPECTOR, plan.id, 1)
    with pytest.raises(RoundCompleted):
        handlers.record_finding(
            store, clock, INSPECTOR, plan.id, {"round": 1, "severity": "general", "summary": "补录"}
        )
    done = handlers.complete_round(store, clock, INSPECTOR, plan.id, 2)
    assert done.status == "completed"

    saved = store.get(Plan, plan.id)
    assert [f.id for f in saved.findings] == [finding.id]
    events = [e.envelope for e in saved.outbox]
    assert [e["type"].split(".")[2:5] for e in events] == [
        ["inspection", "scheduled", "v1"],
        ["inspection", "scheduled", "v2"],
        ["inspection", "finding_recorded", "v1"],
        ["inspection", "completed", "v1"],
        ["inspection", "completed", "v1"],
    ]
    assert all(e["subject"] == f"plan/{plan.id}" and e["county"] == "130402" for e in events)
    assert events[3]["data"]["findings"] == {"early_sign": 1, "general": 0, "serious": 0}
    assert [e["data"]["plan_completed"] for e in events[3:]] == [False, True]


def test_a_finding_with_a_disposition_the_seed_does_not_allow_writes_nothing(store, clock):
    plan = schedule(store, clock)
    with pytest.raises(RuleViolation) as caught:
        handlers.record_finding(
            store,
            clock,
            INSPECTOR,
            plan.id,
            {"round": 1, "severity": "serious", "disposition": "reminder_talk", "summary": "x"},
        )
    assert caught.value.field == "disposition"
    assert store.get(Plan, plan.id).findings == []


def test_a_finding_on_a_stale_plan_is_a_conflict(store, clock, monkeypatch):
    plan = schedule(store, clock)
    stale = store.get_plan(plan.id)
    handlers.complete_round(store, clock, INSPECTOR, plan.id, 2)
    monkeypatch.setattr(store, "get_plan", lambda plan_id: stale)  # read before the other write
    with pytest.raises(Conflict) as caught:
        handlers.record_finding(store, clock, INSPECTOR, plan.id, {"round": 1, "severity": "general", "summary": "x"})
    assert caught.value.code == "concurrent_update"
    assert store.get(Plan, plan.id).findings == []
