"""Power lists, five-step identification and evaluation with the 10% cap, on the fake store."""

import uuid

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict, Forbidden, rule_error
from wuying_risk.domain.evaluation import FACTORS, HighRiskCapReached, InvalidGrades
from wuying_risk.domain.identification import (
    NotYetDecided,
    SamePersonTwice,
    StepOutOfOrder,
    TooFewParticipants,
    WrongPerson,
)
from wuying_risk.exceptions import PowerNotFound
from wuying_risk.handlers import powers
from wuying_risk.handlers import risk_points as handlers
from wuying_risk.persistence import RiskPoint
from wuying_risk.schemas import RiskPointSchema
from wuying_testing.fakes.risk import FakeRiskStore

OFFICER = Principal("staff-risk", frozenset({"risk_officer"}), ("130402",))
CLERK = Principal("staff-clerk", frozenset({"intake_clerk"}), ("130402",))
HOLDER = Principal("off-holder", frozenset({"official"}), ("130402",))
COLLEAGUE = Principal("off-colleague", frozenset({"official"}), ("130402",))
LEADER = Principal("leader-1", frozenset({"commission_leader"}), ("130402",))
SECRETARY = Principal("secretary-1", frozenset({"commission_secretary"}), ("130402",))
HIGH = {f: 5 for f in FACTORS}
LOW = {f: 1 for f in FACTORS}
PARTICIPANTS = ["班子成员甲", "班子成员乙", "班子成员丙"]


VIEW = RiskPointSchema()


@pytest.fixture
def store():
    return FakeRiskStore()


def view_of(point):
    """What the route answers: the risk point dumped through its Out schema."""
    return VIEW.dump(point)


def high_points(store, unit_id=None):
    return [p for p in store.all(RiskPoint) if p.level == "high" and unit_id in (None, p.unit_id)]


def register(store, clock, official_id, unit_id="unit-1"):
    data = {"official_id": official_id, "county": "130402", "unit_id": unit_id, "post": "科员", "status": "serving"}
    store.record_official(data, uuid.uuid4().hex, clock.now())


def step(store, clock, who, risk_id, name, **extra):
    return handlers.add_step(store, clock, who, risk_id, {"step": name, "content": f"{name} 的意见", **extra})


def new_point(store, clock, unit_id="unit-1", decided=True, **extra):
    """A risk point found by its holder, with the holder's colleague registered in the unit;
    ``decided``: colleague, leader and collective steps taken by the right people."""
    register(store, clock, COLLEAGUE.subject, unit_id)
    register(store, clock, HOLDER.subject, unit_id)
    point = handlers.create_risk_point(
        store,
        clock,
        HOLDER,
        {
            "county": "130402",
            "unit_id": unit_id,
            "post": "审批科科长",
            "power_id": None,
            "kind": "post_duty",
            "description": "行政审批中可能收受好处",
            "content": "本人查找",
            **extra,
        },
    )
    if decided:
        step(store, clock, COLLEAGUE, point.id, "colleague_helped")
        step(store, clock, LEADER, point.id, "leader_pointed")
        step(store, clock, OFFICER, point.id, "collectively_decided", participants=PARTICIPANTS)
    return point.id


def test_the_system_assigns_the_posts_colleagues_after_the_holders_own_step(store, clock):
    """002/篇1 ⑵②: 自动分配给相关岗位所在的同事 — the unit's serving officials other than the holder."""
    risk_id = new_point(store, clock, decided=False)
    point = store.get_risk_point(risk_id)
    assert point.holder_id == HOLDER.subject
    assert point.assigned_colleagues == [COLLEAGUE.subject]


def test_each_identification_step_is_kept_with_its_author_and_colour(store, clock):
    """002/篇1 ⑵②: 自己填报的为黑色字、同事帮的为蓝色字、领导点的为红色字."""
    risk_id = new_point(store, clock, decided=False)
    step(store, clock, COLLEAGUE, risk_id, "colleague_helped")
    step(store, clock, LEADER, risk_id, "leader_pointed")
    view = view_of(handlers.get_risk_point(store, OFFICER, risk_id))
    assert [(c["step"], c["colour"], c["by"]) for c in view["contributions"]] == [
        ("self_found", "black", HOLDER.subject),
        ("colleague_helped", "blue", COLLEAGUE.subject),
        ("leader_pointed", "red", LEADER.subject),
    ]
    assert view["next_step"] == "collectively_decided"
    assert view["status"] == "identifying"


def test_a_colleague_the_system_did_not_assign_cannot_take_the_colleague_step(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(WrongPerson) as exc:
        step(store, clock, CLERK, risk_id, "colleague_helped")
    assert (exc.value.code, rule_error(exc.value).status) == ("wrong_person_for_step", 403)
    assert store.get_risk_point(risk_id).steps_done == ["self_found"]


def test_nobody_takes_two_steps_of_the_same_risk_point(store, clock):
    """002/篇1 ⑵②: 逐级进行，有效遏制了走形式弄虚作假 — the holder cannot help himself as a colleague,
    nor the leader record the collective decision he pointed at."""
    risk_id = new_point(store, clock, decided=False, colleagues=[HOLDER.subject, COLLEAGUE.subject])
    assert store.get_risk_point(risk_id).assigned_colleagues == [COLLEAGUE.subject]
    step(store, clock, COLLEAGUE, risk_id, "colleague_helped")
    leader_officer = Principal("leader-2", frozenset({"commission_leader", "risk_officer"}), ("130402",))
    step(store, clock, leader_officer, risk_id, "leader_pointed")
    with pytest.raises(SamePersonTwice) as exc:
        step(store, clock, leader_officer, risk_id, "collectively_decided", participants=PARTICIPANTS)
    assert rule_error(exc.value).status == 409


def test_a_named_leader_is_the_only_one_who_may_point_out_risks(store, clock):
    risk_id = new_point(store, clock, decided=False, leader_id="dept-head-1")
    step(store, clock, COLLEAGUE, risk_id, "colleague_helped")
    with pytest.raises(WrongPerson):
        step(store, clock, LEADER, risk_id, "leader_pointed")
    head = Principal("dept-head-1", frozenset({"official"}), ("130402",))
    assert step(store, clock, head, risk_id, "leader_pointed").steps_done[-1] == "leader_pointed"


def test_the_collective_decision_needs_at_least_the_rules_quorum_of_participants(store, clock):
    """002/篇1 ⑵② 集体定: at least ``collective_min_participants`` (3 by default) distinct people."""
    risk_id = new_point(store, clock, decided=False)
    step(store, clock, COLLEAGUE, risk_id, "colleague_helped")
    step(store, clock, LEADER, risk_id, "leader_pointed")
    with pytest.raises(TooFewParticipants) as exc:
        step(store, clock, OFFICER, risk_id, "collectively_decided", participants=["甲", "乙", "乙"])
    assert rule_error(exc.value).status == 400
    point = step(store, clock, OFFICER, risk_id, "collectively_decided", participants=PARTICIPANTS)
    assert point.contributions[-1].participants == PARTICIPANTS


def test_a_skipped_step_is_refused_and_nothing_is_written(store, clock):
    risk_id = new_point(store, clock, decided=False)
    with pytest.raises(StepOutOfOrder):
        step(store, clock, LEADER, risk_id, "leader_pointed")
    assert store.get_risk_point(risk_id).steps_done == ["self_found"]


def test_only_deciders_record_the_collective_decision(store, clock):
    risk_id = new_point(store, clock, decided=False)
    step(store, clock, COLLEAGUE, risk_id, "colleague_helped")
    step(store, clock, LEADER, risk_id, "leader_pointed")
    with pytest.raises(WrongPerson):
        step(store, clock, CLERK, risk_id, "collectively_decided", participants=PARTICIPANTS)


def test_organisation_approval_by_a_commission_leader_publishes_the_risk_point(store, clock):
    risk_id = new_point(store, clock)
    with pytest.raises(WrongPerson):
        step(
            store,
            clock,
            Principal("staff-risk-2", frozenset({"risk_officer"}), ("130402",)),
            risk_id,
            "organisation_approved",
        )
    view = view_of(step(store, clock, SECRETARY, risk_id, "organisation_approved"))
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
        step(store, clock, LEADER, risk_id, "leader_pointed")
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
