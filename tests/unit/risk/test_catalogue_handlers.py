"""Power lists, five-step identification and evaluation with the 10% cap, on the embedded store."""

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Forbidden
from wuying_risk import handlers
from wuying_risk.domain.evaluation import FACTORS
from wuying_risk.domain.identification import STEPS
from wuying_risk.exceptions import HighRiskCapReached, NotYetDecided, StepOutOfOrderError
from wuying_risk.persistence import ALIAS, RiskPoint, RiskStore

OFFICER = Principal("staff-risk", frozenset({"risk_officer"}), ("130402",))
CLERK = Principal("staff-clerk", frozenset({"intake_clerk"}), ("130402",))
HIGH = {f: 5 for f in FACTORS}
LOW = {f: 1 for f in FACTORS}


@pytest.fixture
def store(embedded_store):
    embedded_store(ALIAS)
    store = RiskStore(ALIAS, "embedded")
    store.ensure_indexes()
    return store


def new_point(store, clock, unit_id="unit-1", decided=True):
    point = handlers.create_risk_point(
        store,
        clock,
        OFFICER,
        {
            "county": "130402",
            "unit_id": unit_id,
            "post": "审批科科长",
            "power_id": None,
            "kind": "post_duty",
            "description": "行政审批中可能收受好处",
            "content": "本人查找",
        },
    )
    if decided:
        for step in STEPS[1:4]:
            handlers.add_step(store, clock, OFFICER, point["id"], {"step": step, "content": step})
    return point["id"]


def test_each_identification_step_is_kept_with_its_author_and_colour(store, clock):
    risk_id = new_point(store, clock, decided=False)
    handlers.add_step(store, clock, CLERK, risk_id, {"step": "colleague_helped", "content": "同事补充"})
    view = handlers.get_risk_point(store, OFFICER, risk_id)
    assert [(c["step"], c["colour"], c["by"]) for c in view["contributions"]] == [
        ("self_found", "black", "staff-risk"),
        ("colleague_helped", "blue", "staff-clerk"),
    ]
    assert view["next_step"] == "leader_pointed"
    assert view["status"] == "identifying"


def test_a_skipped_step_is_refused_and_nothing_is_written(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(StepOutOfOrderError):
        handlers.add_step(store, clock, OFFICER, risk_id, {"step": "leader_pointed", "content": ""})
    assert RiskPoint.objects.get(id=risk_id).steps_done == ["self_found"]


def test_only_deciders_record_the_collective_decision(store, clock):
    risk_id = new_point(store, clock, decided=False)
    for step in STEPS[1:3]:
        handlers.add_step(store, clock, CLERK, risk_id, {"step": step, "content": ""})
    with pytest.raises(Forbidden):
        handlers.add_step(store, clock, CLERK, risk_id, {"step": "collectively_decided", "content": ""})


def test_organisation_approval_publishes_the_risk_point(store, clock):
    risk_id = new_point(store, clock)
    view = handlers.add_step(store, clock, OFFICER, risk_id, {"step": "organisation_approved", "content": ""})
    assert view["status"] == "published"
    assert view["next_step"] is None


def test_a_risk_point_is_evaluated_only_after_the_collective_decision(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(NotYetDecided):
        handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": HIGH})


def test_evaluation_records_index_level_and_a_risk_assessed_event(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    view = handlers.evaluate_risk_point(
        store, clock, OFFICER, ids[0], {"grades": HIGH, "control_measures": ["双人审核"]}
    )
    assert (view["evaluation"]["index"], view["evaluation"]["level"], view["evaluation"]["level_zh"]) == (
        100,
        "high",
        "高",
    )
    assert view["control_measures"] == ["双人审核"]
    envelope = RiskPoint.objects.get(id=ids[0]).outbox[0].envelope
    assert envelope["type"] == "wuying.risk.risk.assessed.v1"
    assert envelope["data"]["level"] == "high"


def test_a_department_with_ten_risks_may_rate_only_one_high(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    with pytest.raises(HighRiskCapReached) as exc:
        handlers.evaluate_risk_point(store, clock, OFFICER, ids[1], {"grades": HIGH})
    assert "10%" in exc.value.fields["grades"]
    assert RiskPoint.objects.get(id=ids[1]).evaluation is None
    assert RiskPoint.objects(unit_id="unit-1", level="high").count() == 1


def test_the_cap_counts_each_department_separately(store, clock):
    ours = [new_point(store, clock, "unit-1") for _ in range(10)]
    theirs = [new_point(store, clock, "unit-2") for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ours[0], {"grades": HIGH})
    handlers.evaluate_risk_point(store, clock, OFFICER, theirs[0], {"grades": HIGH})
    assert RiskPoint.objects(level="high").count() == 2


def test_lowering_a_high_rating_frees_the_slot_for_another_risk(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": LOW})
    view = handlers.evaluate_risk_point(store, clock, OFFICER, ids[1], {"grades": HIGH})
    assert view["evaluation"]["level"] == "high"


def test_re_evaluating_a_high_risk_as_high_is_not_refused(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    view = handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    assert view["evaluation"]["level"] == "high"


def test_a_small_department_cannot_rate_any_risk_high(store, clock):
    ids = [new_point(store, clock) for _ in range(3)]
    with pytest.raises(HighRiskCapReached):
        handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    assert handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": LOW})["evaluation"]["level"] == "low"


def test_only_deciders_evaluate(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    with pytest.raises(Forbidden):
        handlers.evaluate_risk_point(store, clock, CLERK, ids[0], {"grades": HIGH})
