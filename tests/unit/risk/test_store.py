"""RiskStore's own writes and queries, on the embedded store (or MongoDB with MONGODB_URI).

The checks that describe the store's interface run against ``FakeRiskStore`` too, so the fake
the handler tests use behaves like the real thing.
"""

import uuid
from datetime import UTC, datetime

import pytest

from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxEntry
from wuying_common.store import PENDING
from wuying_risk.persistence import (
    ALIAS,
    SEEN_EVENTS_KEPT,
    ContributionRecord,
    EvaluationRecord,
    PowerItem,
    Profile,
    ProposalRecord,
    RiskPoint,
    RiskStore,
    Signal,
)
from wuying_testing.fakes.risk import FakeRiskStore

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def real_store(embedded_store):
    embedded_store(ALIAS)
    store = RiskStore(ALIAS, "embedded")
    store.ensure_indexes()
    return store


@pytest.fixture(params=["embedded", "fake"])
def store(request):
    if request.param == "fake":
        return FakeRiskStore()
    return request.getfixturevalue("real_store")


def signal(event_id=None, points=35):
    return Signal(factor="integrity_report", points=points, event_id=event_id or uuid.uuid4().hex, explanation="说明")


def entry():
    return OutboxEntry(
        id=uuid.uuid4().hex,
        service="risk",
        routing_key="risk.profile_changed",
        envelope={"type": "wuying.risk.risk.profile_changed.v1", "county": "130402"},
        created_at=NOW.replace(tzinfo=None),
    )


def add_signal(store, official_id, expected_version, sig=None, proposal=None, county="130402"):
    return store.add_signal(
        official_id,
        expected_version=expected_version,
        signal=sig or signal(),
        set_fields={"unit_id": "unit-1", "county": county, "level": "medium", "rule_version": "default-2026.1"},
        points=(sig.points if sig else 35),
        outbox=[entry()],
        proposal=proposal,
        now=NOW,
    )


def power(**overrides):
    fields = {
        "id": uuid.uuid4().hex,
        "county": "130402",
        "unit_id": "unit-1",
        "post": "科长",
        "name": "审批",
        "content": "审核",
        "holder": "审批科",
        "legal_basis": "法",
        "procedure": "受理—决定",
        "time_limit": "20个工作日",
    }
    return PowerItem(**{**fields, **overrides})


def risk_point(unit_id="unit-1", county="130402", index=None):
    at = NOW.replace(tzinfo=None)
    point = RiskPoint(
        id=uuid.uuid4().hex,
        county=county,
        unit_id=unit_id,
        post="科长",
        kind="post_duty",
        description="审批寻租",
        contributions=[ContributionRecord(step="self_found", by="staff", content="", at=at)],
    )
    if index is not None:
        point.evaluation = EvaluationRecord(
            grades={"probability": 1}, index=index, level="low", rule_version="v", evaluated_by="staff", evaluated_at=at
        )
    return point


# -- profiles ------------------------------------------------------------------------------
def test_a_first_signal_creates_the_profile_with_its_events_in_one_write(store):
    official = "off-" + uuid.uuid4().hex[:8]
    proposal = ProposalRecord(
        proposal_id="p1", level=3, colour="blue", score=35, cause_event_id="e1", proposed_at=NOW.replace(tzinfo=None)
    )
    assert add_signal(store, official, 0, proposal=proposal) is True
    profile = store.get_profile(official)
    assert (profile.score, profile.version, profile.county, profile.unit_id) == (35, 1, "130402", "unit-1")
    assert len(profile.signals) == len(profile.outbox) == 1
    assert profile.outbox_pending is True
    assert profile.proposed_levels == [3]


def test_a_signal_already_in_the_profile_is_refused(store):
    official = "off-" + uuid.uuid4().hex[:8]
    sig = signal()
    assert add_signal(store, official, 0, sig)
    assert add_signal(store, official, 1, Signal(**{**sig.to_mongo().to_dict()})) is False
    assert store.get_profile(official).score == 35


def test_a_signal_scored_on_a_stale_version_is_refused(store):
    official = "off-" + uuid.uuid4().hex[:8]
    assert add_signal(store, official, 0)
    assert add_signal(store, official, 1)
    assert add_signal(store, official, 1) is False  # read at version 1, written meanwhile
    assert add_signal(store, official, 0) is False  # "new" profile that someone else created
    profile = store.get_profile(official)
    assert (profile.score, profile.version) == (70, 2)


def test_a_moved_official_moves_the_profile_and_bumps_its_version(store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_signal(store, official, 0)
    store.move_profile(official, "unit-9", "130403")
    profile = store.get_profile(official)
    assert (profile.unit_id, profile.county, profile.version) == ("unit-9", "130403", 2)
    store.move_profile("nobody", "unit-9", "130403")
    assert store.get_profile("nobody") is None


def test_top_profiles_are_the_county_s_highest_scores_first(store):
    for official, points in [("a", 15), ("b", 55), ("c", 35)]:
        add_signal(store, official, 0, signal(points=points))
    add_signal(store, "elsewhere", 0, signal(points=90), county="130403")
    assert [p.id for p in store.top_profiles("130402", 2)] == ["b", "c"]


def test_official_changed_is_recorded_once_and_remembers_recent_event_ids(store):
    data = {"official_id": "off-1", "county": "130402", "unit_id": "unit-7", "post": "局长"}
    assert store.record_official(data, "e1", NOW) is True
    assert store.record_official(data, "e1", NOW) is False
    for n in range(SEEN_EVENTS_KEPT):
        store.record_official({**data, "unit_id": f"unit-{n}"}, f"e{n + 2}", NOW)
    official = store.get_official("off-1")
    assert official.unit_id == f"unit-{SEEN_EVENTS_KEPT - 1}"
    assert len(official.seen_event_ids) == SEEN_EVENTS_KEPT
    assert "e1" not in official.seen_event_ids


# -- catalogue -----------------------------------------------------------------------------
def test_a_power_changed_since_it_was_read_is_a_conflict(store):
    created = store.add(power())
    first, second = store.get_power(created.id), store.get_power(created.id)
    first.time_limit = "15个工作日"
    store.save_power(first)
    second.time_limit = "10个工作日"
    with pytest.raises(Conflict) as exc:
        store.save_power(second)
    assert exc.value.code == "concurrent_update"
    assert store.get_power(created.id).time_limit == "15个工作日"
    with pytest.raises(Conflict) as exc:
        store.add(power(id=created.id))
    assert exc.value.code == "duplicate"


def test_powers_are_listed_by_county_unit_and_post(store):
    store.add(power(name="乙"))
    store.add(power(name="甲"))
    store.add(power(post="副科长"))
    store.add(power(county="130403"))
    assert [p.name for p in store.powers("130402", "unit-1", "科长")] == ["乙", "甲"]
    assert len(store.powers("130402")) == 3
    deleted = store.powers("130402", post="副科长")[0]
    store.delete(deleted)
    assert store.get_power(deleted.id) is None


def test_risk_points_are_listed_by_unit_then_highest_index(store):
    low, high, unrated = risk_point(index=10), risk_point(index=80), risk_point()
    other = risk_point(unit_id="unit-0", index=5)
    for point in (low, high, unrated, other, risk_point(county="130403")):
        store.add_risk_point(point)
    assert [p.id for p in store.risk_points("130402")] == [other.id, high.id, low.id, unrated.id]
    assert [p.id for p in store.risk_points("130402", "unit-0")] == [other.id]


def test_the_department_tally_counts_risk_points_and_guards_high_slots(store):
    for _ in range(3):
        store.add_risk_point(risk_point(unit_id="unit-5"))
    assert store.department_tally("unit-5") == (3, 0)
    assert store.department_tally("unit-none") == (0, 0)
    assert store.reserve_high("unit-5", 0) is False
    assert store.reserve_high("unit-5", 1) is True
    assert store.reserve_high("unit-5", 1) is False
    assert store.department_tally("unit-5") == (3, 1)
    store.release_high("unit-5")
    store.release_high("unit-5")  # never below zero
    assert store.department_tally("unit-5") == (3, 0)


def test_a_risk_point_changed_since_it_was_read_is_a_conflict(store):
    point = store.add_risk_point(risk_point())
    first, second = store.get_risk_point(point.id), store.get_risk_point(point.id)
    first.status = "decided"
    store.save_risk_point(first)
    with pytest.raises(Conflict) as exc:
        store.save_risk_point(second)
    assert exc.value.code == "concurrent_update"
    assert store.get_many(RiskPoint, [point.id, "missing"])[0].version == 2


# -- the real store only: the outbox relay is told, by key ---------------------------------
def test_add_signal_tells_the_outbox_relay_which_profile_holds_events(real_store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_signal(real_store, official, 0)
    marks = PENDING.keys(Profile, 100_000)
    assert official in marks
    PENDING.done(Profile, official, marks[official])


def test_a_refused_signal_tells_the_relay_nothing(real_store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_signal(real_store, official, 0)
    marks = PENDING.keys(Profile, 100_000)[official]
    assert add_signal(real_store, official, 0) is False
    assert PENDING.keys(Profile, 100_000)[official] == marks
    PENDING.done(Profile, official, marks)
