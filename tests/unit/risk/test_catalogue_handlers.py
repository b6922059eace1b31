"""Power lists, five-step identification and evaluation with the 10% cap, on the fake store."""

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict, Forbidden, rule_error
from wuying_risk.domain.evaluation import FACTORS, HighRiskCapReached, InvalidGrades
from wuying_risk.domain.identification import STEPS, NotYetDecided, StepOutOfOrder
from wuying_risk.exceptions import PowerNotFound
from wuying_risk.handlers import powers
from wuying_risk.handlers import risk_points as handlers
from wuying_risk.persistence import RiskPoint
from wuying_risk.schemas import RiskPointSchema
from wuying_testing.fakes.risk import FakeRiskStore

OFFICER = Principal("staff-risk", frozenset({"risk_officer"}), ("130402",))
CLERK = Principal("staff-clerk", frozenset({"intake_clerk"}), ("130402",))
HIGH = {f: 5 for f in FACTORS}
LOW = {f: 1 for f in FACTORS}


VIEW = RiskPointSchema()


@pytest.fixture
def store():
    return FakeRiskStore()


def view_of(point):
    """What the route answers: the risk point dumped through its Out schema."""
    return VIEW.dump(point)


def high_points(store, unit_id=None):
    return [p for p in store.all(RiskPoint) if p.level == "high" and unit_id in (None, p.unit_id)]


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
            handlers.add_step(store, clock, OFFICER, point.id, {"step": step, "content": step})
    return point.id


def test_each_identification_step_is_kept_with_its_author_and_colour(store, clock):
    risk_id = new_point(store, clock, decided=False)
    handlers.add_step(store, clock, CLERK, risk_id, {"step": "colleague_helped", "content": "同事补充"})
    view = view_of(handlers.get_risk_point(store, OFFICER, risk_id))
    assert [(c["step"], c["colour"], c["by"]) for c in view["contributions"]] == [
        ("self_found", "black", "staff-risk"),
        ("colleague_helped", "blue", "staff-clerk"),
    ]
    assert view["next_step"] == "leader_pointed"
    assert view["status"] == "identifying"


def test_a_skipped_step_is_refused_and_nothing_is_written(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(StepOutOfOrder):
        handlers.add_step(store, clock, OFFICER, risk_id, {"step": "leader_pointed", "content": ""})
    assert store.get_risk_point(risk_id).steps_done == ["self_found"]


def test_only_deciders_record_the_collective_decision(store, clock):
    risk_id = new_point(store, clock, decided=False)
    for step in STEPS[1:3]:
        handlers.add_step(store, clock, CLERK, risk_id, {"step": step, "content": ""})
    with pytest.raises(Forbidden):
        handlers.add_step(store, clock, CLERK, risk_id, {"step": "collectively_decided", "content": ""})


def test_organisation_approval_publishes_the_risk_point(store, clock):
    risk_id = new_point(store, clock)
    view = view_of(handlers.add_step(store, clock, OFFICER, risk_id, {"step": "organisation_approved", "content": ""}))
    assert view["status"] == "published"
    assert view["next_step"] is None


def test_a_risk_point_is_evaluated_only_after_the_collective_decision(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(NotYetDecided):
        handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": HIGH})


def test_evaluation_records_index_level_and_a_risk_assessed_event(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    view = view_of(
        handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH, "control_measures": ["双人审核"]})
    )
    assert (view["evaluation"]["index"], view["evaluation"]["level"], view["evaluation"]["level_zh"]) == (
        100,
        "high",
        "高",
    )
    assert view["control_measures"] == ["双人审核"]
    envelope = store.get_risk_point(ids[0]).outbox[0].envelope
    assert envelope["type"] == "wuying.risk.risk.assessed.v1"
    assert (envelope["subject"], envelope["county"]) == (f"risk_point/{ids[0]}", "130402")
    assert envelope["data"]["level"] == "high"


def test_a_department_with_ten_risks_may_rate_only_one_high(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    with pytest.raises(HighRiskCapReached) as exc:
        handlers.evaluate_risk_point(store, clock, OFFICER, ids[1], {"grades": HIGH})
    assert (exc.value.field, exc.value.code) == ("grades", "high_risk_cap_reached")
    assert "10%" in exc.value.message
    assert store.get_risk_point(ids[1]).evaluation is None
    assert len(high_points(store, "unit-1")) == 1


def test_the_cap_counts_each_department_separately(store, clock):
    ours = [new_point(store, clock, "unit-1") for _ in range(10)]
    theirs = [new_point(store, clock, "unit-2") for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ours[0], {"grades": HIGH})
    handlers.evaluate_risk_point(store, clock, OFFICER, theirs[0], {"grades": HIGH})
    assert len(high_points(store)) == 2


def test_lowering_a_high_rating_frees_the_slot_for_another_risk(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": LOW})
    view = view_of(handlers.evaluate_risk_point(store, clock, OFFICER, ids[1], {"grades": HIGH}))
    assert view["evaluation"]["level"] == "high"


def test_re_evaluating_a_high_risk_as_high_is_not_refused(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    view = view_of(handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH}))
    assert view["evaluation"]["level"] == "high"


def test_a_small_department_cannot_rate_any_risk_high(store, clock):
    ids = [new_point(store, clock) for _ in range(3)]
    with pytest.raises(HighRiskCapReached):
        handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": HIGH})
    assert (
        view_of(handlers.evaluate_risk_point(store, clock, OFFICER, ids[0], {"grades": LOW}))["evaluation"]["level"]
        == "low"
    )


def test_only_deciders_evaluate(store, clock):
    ids = [new_point(store, clock) for _ in range(10)]
    with pytest.raises(Forbidden):
        handlers.evaluate_risk_point(store, clock, CLERK, ids[0], {"grades": HIGH})


def test_broken_rules_answer_409_and_bad_grades_400_naming_the_field(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(StepOutOfOrder) as skipped:
        handlers.add_step(store, clock, OFFICER, risk_id, {"step": "leader_pointed", "content": ""})
    with pytest.raises(NotYetDecided) as early:
        handlers.evaluate_risk_point(store, clock, OFFICER, risk_id, {"grades": HIGH})
    for exc, code in [(skipped.value, "step_out_of_order"), (early.value, "not_yet_decided")]:
        answer = rule_error(exc)
        assert (answer.status, answer.code) == (409, code)
    decided = new_point(store, clock)
    with pytest.raises(InvalidGrades) as bad:
        handlers.evaluate_risk_point(store, clock, OFFICER, decided, {"grades": {**LOW, "scope": 9}})
    answer = rule_error(bad.value)
    assert (answer.status, list(answer.fields)) == (400, ["grades.scope"])


POWER = {
    "county": "130402",
    "unit_id": "unit-1",
    "post": "审批科科长",
    "name": "建设工程规划许可",
    "content": "审核并核发建设工程规划许可证",
    "holder": "审批科",
    "legal_basis": "《城乡规划法》第四十条",
    "procedure": "受理—审查—决定—送达",
    "time_limit": "20个工作日",
    "risk_points": [],
    "control_measures": [],
}


def test_a_power_list_entry_is_created_changed_and_deleted(store, clock):
    created = powers.create_power(store, clock, OFFICER, POWER)
    changed = powers.update_power(store, clock, OFFICER, created.id, {**POWER, "time_limit": "15个工作日"})
    assert (changed.version, store.get_power(created.id).time_limit) == (2, "15个工作日")
    assert [p.id for p in powers.list_powers(store, OFFICER, {"county": "130402", "unit_id": None, "post": None})] == [
        created.id
    ]
    assert powers.delete_power(store, OFFICER, created.id).deleted == created.id
    with pytest.raises(PowerNotFound):
        powers.get_power(store, OFFICER, created.id)


def test_a_power_changed_by_someone_else_meanwhile_is_a_conflict(store, clock):
    created = powers.create_power(store, clock, OFFICER, POWER)
    stale = store.get_power(created.id)
    powers.update_power(store, clock, OFFICER, created.id, {**POWER, "time_limit": "15个工作日"})
    stale.time_limit = "10个工作日"
    with pytest.raises(Conflict):
        store.save_power(stale)


def test_powers_of_another_county_are_forbidden(store, clock):
    created = powers.create_power(store, clock, OFFICER, POWER)
    outsider = Principal("staff-other", frozenset({"risk_officer"}), ("130102",))
    with pytest.raises(Forbidden):
        powers.get_power(store, outsider, created.id)
    with pytest.raises(Forbidden):
        powers.create_power(store, clock, outsider, POWER)
