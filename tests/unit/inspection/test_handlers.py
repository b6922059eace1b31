"""Inspection use cases on the embedded store: the plan and its event are one write."""

import pytest

from wuying_common.auth import Principal
from wuying_inspection import handlers
from wuying_inspection.exceptions import PlanExists, PlanRuleViolation
from wuying_inspection.persistence import ALIAS, InspectionStore, Plan

INSPECTOR = Principal("staff-1", frozenset({"inspector"}), ("130402",))
UNIT = {"id": "u1", "name": "区纪委监委机关", "county": "130402", "kind": "commission_organ", "zone": "z1"}


@pytest.fixture
def store(embedded_store):
    embedded_store(ALIAS)
    store = InspectionStore(ALIAS, "embedded")
    store.ensure_indexes()
    handlers.register_units(store, [UNIT])
    return store


def test_a_scheduled_plan_carries_its_event_in_the_same_document(store, clock):
    plan = handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027, "rounds": 2})
    saved = Plan.objects.get(id=plan.id)
    assert saved.outbox_pending is True
    assert [e.routing_key for e in saved.outbox] == ["inspection.scheduled"]
    assert saved.outbox[0].envelope["data"]["rounds"][1]["starts_on"] == "2027-07-01"


def test_the_unique_index_refuses_a_second_plan_even_past_the_check(store, clock, monkeypatch):
    handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    monkeypatch.setattr(store, "plan_for", lambda unit_id, year: None)  # a racing scheduler
    with pytest.raises(PlanExists):
        handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    assert Plan.objects(unit_id="u1", year=2027).count() == 1


def test_a_plan_breaking_the_rule_writes_nothing(store, clock):
    with pytest.raises(PlanRuleViolation) as caught:
        handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027, "rounds": 1})
    assert "rounds" in caught.value.fields
    assert Plan.objects.count() == 0
