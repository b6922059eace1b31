"""RiskStore's own writes and queries, on the embedded store (or MongoDB with MONGODB_URI).

The checks that describe the store's interface run against ``FakeRiskStore`` too, so the fake
the handler tests use behaves like the real thing.
"""

import uuid
from datetime import UTC, datetime

import pytest
from mongoengine.errors import ValidationError

from wuying_common.errors import Conflict
from wuying_common.events import parse_event
from wuying_common.outbox import OutboxEntry
from wuying_common.paging import decode_cursor
from wuying_common.store import PENDING
from wuying_risk.domain.scoring import Entry, ScoredEntry
from wuying_risk.handlers.signals import on_petition_triaged
from wuying_risk.persistence import (
    ALIAS,
    RECENT_KEYS_KEPT,
    SEEN_EVENTS_KEPT,
    SIGNALS_KEPT,
    CalendarYear,
    ContributionRecord,
    EvaluationRecord,
    PowerItem,
    Profile,
    ProposalRecord,
    RiskPoint,
    RiskStore,
    Signal,
    SignalRecord,
    UnitProfile,
    signal_son,
)
from wuying_risk.schemas import PROFILE_CHANGED
from wuying_testing import FixedClock
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
    event_id = event_id or uuid.uuid4().hex
    return Signal(
        key=event_id,
        factor="integrity_report",
        points=points,
        event_id=event_id,
        severity="medium",
        occurred_at=NOW.replace(tzinfo=None),
        explanation="说明",
    )


def entry():
    return OutboxEntry(
        id=uuid.uuid4().hex,
        service="risk",
        routing_key="risk.profile_changed",
        envelope={"type": "wuying.risk.risk.profile_changed.v1", "county": "130402"},
        created_at=NOW.replace(tzinfo=None),
    )


def new_profile(official_id, points=35, county="130402", proposal=None):
    sig = signal(points=points)
    profile = Profile(
        id=official_id,
        unit_id="unit-1",
        county=county,
        score=points,
        level="medium",
        rule_version="default-2026.2",
        signals=[sig],
        recent_keys=[sig.key],
        proposals=[proposal] if proposal else [],
    )
    profile.record_event(PROFILE_CHANGED, changed_data(official_id, county, points), now=NOW)
    return profile


def changed_data(official_id, county, points):
    return {
        "official_id": official_id,
        "unit_id": "unit-1",
        "county": county,
        "score_before": 0,
        "score_after": points,
        "level": "medium",
        "level_zh": "中风险",
        "factor": "integrity_report",
        "points": points,
        "cause_event_id": "e1",
        "rule_version": "default-2026.2",
    }


def add_profile(store, official_id, points=35, county="130402", proposal=None):
    store.save_profile(new_profile(official_id, points, county, proposal))


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


# -- signals and profiles ---------------------------------------------------------------------
def signal_record(key, subject="off-1"):
    return SignalRecord(
        id=key,
        subject_kind="official",
        subject_id=subject,
        county="130402",
        factor="integrity_report",
        severity="medium",
        occurred_at=NOW.replace(tzinfo=None),
        source="wuying.intake.petition.triaged.v1",
        source_event_id=key.split(":")[0],
        recorded_at=NOW.replace(tzinfo=None),
    )


def test_a_signal_is_written_once_by_its_key_and_listed_for_its_subject(store):
    key = uuid.uuid4().hex + ":off-s"
    assert store.record_signal(signal_record(key, "off-s")) is True
    assert store.record_signal(signal_record(key, "off-s")) is False
    assert store.get_signal(key).subject_id == "off-s"
    assert [s.id for s in store.signals_of("off-s", {})] == [key]


def test_a_first_signal_creates_the_profile_with_its_events_in_one_write(store):
    official = "off-" + uuid.uuid4().hex[:8]
    proposal = ProposalRecord(
        proposal_id="p1", level=3, colour="blue", score=35, cause_event_id="e1", proposed_at=NOW.replace(tzinfo=None)
    )
    add_profile(store, official, proposal=proposal)
    profile = store.get_profile(official)
    assert (profile.score, profile.version, profile.county, profile.unit_id) == (35, 1, "130402", "unit-1")
    assert len(profile.signals) == len(profile.outbox) == 1
    assert profile.outbox_pending is True
    assert profile.proposed_levels == [3]
    assert profile.has_key(profile.signals[0].key)


def test_a_profile_created_twice_or_written_on_a_stale_version_is_a_conflict(store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_profile(store, official)
    with pytest.raises(Conflict) as exc:
        add_profile(store, official)  # "new" profile that someone else created
    assert exc.value.code == "duplicate"
    first, second = store.get_profile(official), store.get_profile(official)
    first.score = 70
    store.save_profile(first)
    second.score = 50
    with pytest.raises(Conflict) as exc:
        store.save_profile(second)  # read at version 1, written meanwhile
    assert exc.value.code == "concurrent_update"
    assert (store.get_profile(official).score, store.get_profile(official).version) == (70, 2)


def test_a_profile_remembers_a_bounded_number_of_applied_signal_keys(store):
    official = "off-" + uuid.uuid4().hex[:8]
    profile = new_profile(official)
    profile.recent_keys = [f"k{n}" for n in range(RECENT_KEYS_KEPT + 5)]
    store.save_profile(profile)
    kept = store.get_profile(official).recent_keys
    assert len(kept) == RECENT_KEYS_KEPT and kept[-1] == f"k{RECENT_KEYS_KEPT + 4}" and "k0" not in kept


# -- one signal's path: raw rows by key (no document built per signal) -----------------------
def profile_fields(county="130402", signals=1, keys=("k1",)):
    stamp = NOW.replace(tzinfo=None)
    scored = [
        ScoredEntry(Entry(f"k{n}", f"e{n}", "integrity_report", "medium", "gifts", "礼品", NOW.date()), 35, "说明")
        for n in range(signals)
    ]
    return {
        "unit_id": "unit-1",
        "county": county,
        "score": 35 * signals,
        "level": "medium",
        "rule_version": "default-2026.3",
        "signals": [signal_son(s, stamp) for s in scored],
        "recent_keys": list(keys),
        "scored_on": NOW.date().isoformat(),
        "updated_at": stamp,
        "proposals": [],
    }


def outbox_row():
    return entry().to_mongo().to_dict()


def test_a_signal_row_is_written_once_by_its_key_and_checked_as_its_document(store):
    key = uuid.uuid4().hex + ":off-r"
    row = signal_record(key, "off-r").to_mongo().to_dict()
    assert store.record_signal_row(row) is True
    assert store.record_signal_row(row) is False
    assert (store.get_signal(key).subject_id, store.get_signal(key).factor) == ("off-r", "integrity_report")
    with pytest.raises(ValidationError):
        store.record_signal_row({**row, "_id": key + "x", "county": "1304"})
    with pytest.raises(ValidationError):
        store.record_signal_row({**row, "_id": key + "y", "subject_kind": "person"})
    assert store.get_signal(key + "x") is None and store.get_signal(key + "y") is None


def test_an_officials_placement_is_read_by_key(store):
    assert store.official_placement("off-p") is None
    store.record_official({"official_id": "off-p", "county": "130403", "unit_id": "unit-5"}, "e1", NOW)
    assert store.official_placement("off-p") == ("130403", "unit-5")


def test_a_profile_row_is_inserted_once_then_written_on_the_version_read_with_its_events(store):
    official = "off-" + uuid.uuid4().hex[:8]
    assert store.profile_row("official", official) is None
    created = {**profile_fields(), "created_at": NOW.replace(tzinfo=None)}
    store.write_profile_row("official", official, None, created, [outbox_row()])
    with pytest.raises(Conflict) as exc:
        store.write_profile_row("official", official, None, created, [])
    assert exc.value.code == "duplicate"
    row = store.profile_row("official", official)
    assert (row["version"], row["score"], row["recent_keys"]) == (1, 35, ["k1"])
    store.write_profile_row("official", official, 1, profile_fields(signals=2, keys=("k1", "k2")), [outbox_row()])
    with pytest.raises(Conflict) as exc:
        store.write_profile_row("official", official, 1, profile_fields(signals=3), [outbox_row()])  # stale
    assert exc.value.code == "concurrent_update"
    profile = store.get_profile(official)
    profile.validate()  # the rows make a valid document
    assert (profile.version, profile.score, len(profile.signals), len(profile.outbox)) == (2, 70, 2, 2)
    assert profile.outbox_pending is True and profile.created_at == NOW.replace(tzinfo=None)
    assert profile.recent_keys == ["k1", "k2"] and store.get_unit_profile(official) is None


def test_a_profile_row_keeps_a_bounded_number_of_keys_and_is_checked_as_its_document(store):
    official = "off-" + uuid.uuid4().hex[:8]
    keys = [f"k{n}" for n in range(RECENT_KEYS_KEPT + 5)]
    store.write_profile_row("official", official, None, profile_fields(keys=keys), [])
    kept = store.profile_row("official", official)["recent_keys"]
    assert len(kept) == RECENT_KEYS_KEPT and kept[-1] == keys[-1] and "k0" not in kept
    assert store.get_profile(official).outbox_pending is False
    with pytest.raises(ValidationError):
        store.write_profile_row("official", official, 1, profile_fields(county="13040"), [])
    with pytest.raises(ValidationError):
        store.write_profile_row("official", official, 1, profile_fields(signals=SIGNALS_KEPT + 1), [])
    assert store.profile_row("official", official)["version"] == 1  # nothing written


def test_a_unit_profile_row_is_kept_apart_from_officials(store):
    fields = {k: v for k, v in profile_fields().items() if k != "proposals"}
    store.write_profile_row("unit", "unit-r", None, fields, [])
    assert store.get_unit_profile("unit-r").score == 35
    assert store.profile_row("official", "unit-r") is None


def test_a_moved_official_moves_the_profile_and_bumps_its_version(store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_profile(store, official)
    store.move_profile(official, "unit-9", "130403")
    profile = store.get_profile(official)
    assert (profile.unit_id, profile.county, profile.version) == ("unit-9", "130403", 2)
    store.move_profile("nobody", "unit-9", "130403")
    assert store.get_profile("nobody") is None


def test_top_profiles_are_the_county_s_highest_scores_first(store):
    for official, points in [("a", 15), ("b", 55), ("c", 35)]:
        add_profile(store, official, points)
    add_profile(store, "elsewhere", 90, county="130406")
    first = store.top_profiles(("130402",), {"limit": 2})
    assert [p.id for p in first] == ["b", "c"] and first.next
    rest = store.top_profiles(("130402",), {"limit": 2, "cursor": decode_cursor(first.next)})
    assert [p.id for p in rest] == ["a"] and rest.next is None
    # A city's counties in one read, still by score.
    assert [p.id for p in store.top_profiles(("130402", "130406"), {})] == ["elsewhere", "b", "c", "a"]


def test_a_profile_inserted_between_two_pages_is_never_sent_twice(store):
    for official, points in [("a", 15), ("b", 55), ("c", 35), ("d", 35)]:
        add_profile(store, official, points)
    first = store.top_profiles(("130402",), {"limit": 2})
    assert [p.id for p in first] == ["b", "c"]
    add_profile(store, "a0", 35)  # ranks before "c": already behind the cursor
    add_profile(store, "e", 35)  # after "c": on the next page
    rest = store.top_profiles(("130402",), {"limit": 10, "cursor": decode_cursor(first.next)})
    assert [p.id for p in rest] == ["d", "e", "a"]


def test_unit_profiles_are_kept_apart_from_officials(store):
    unit = UnitProfile(id="unit-x", unit_id="unit-x", county="130402", score=20, rule_version="v", signals=[signal()])
    store.save_profile(unit)
    assert store.get_unit_profile("unit-x").score == 20
    assert store.get_profile("unit-x") is None
    assert [u.id for u in store.top_unit_profiles(("130402",), {})] == ["unit-x"]


def test_profile_batches_cover_a_scope_and_recomputed_writes_respect_the_version(store):
    add_profile(store, "p-1", county="130402")
    add_profile(store, "p-2", county="130403")
    add_profile(store, "p-3", county="140101")
    rows = [row for batch in store.profile_batches("1304", batch_size=1) for row in batch]
    assert sorted(r["_id"] for r in rows) == ["p-1", "p-2"]
    stale = next(r for r in rows if r["_id"] == "p-2")
    store.move_profile("p-2", "unit-2", "130403")  # written meanwhile
    written = store.write_recomputed(
        [(r["_id"], r["version"], {"score": 5, "level": "low"}, [entry().to_mongo().to_dict()]) for r in rows]
    )
    assert written == 1
    assert store.get_profile("p-1").score == 5 and len(store.get_profile("p-1").outbox) == 2
    assert store.get_profile("p-2").score == 35 and stale["version"] == 1


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


def test_an_imported_batch_is_recorded_once_per_official_and_moves_their_profiles(store):
    add_profile(store, "off-2")
    store.record_official({"official_id": "off-3", "county": "130402", "unit_id": "unit-1"}, "b1", NOW)
    changes = [
        {"official_id": f"off-{n}", "county": "130403", "unit_id": f"unit-{n}", "post": "科员", "status": "serving"}
        for n in (1, 2, 3)
    ]
    applied = store.record_officials(changes, "b1", NOW)
    assert [d["official_id"] for d in applied] == ["off-1", "off-2"]  # off-3 had this event already
    assert (store.get_official("off-1").unit_id, store.get_official("off-1").seen_event_ids) == ("unit-1", ["b1"])
    assert store.get_official("off-3").county == "130402"
    profile = store.get_profile("off-2")
    assert (profile.unit_id, profile.county, profile.version) == ("unit-2", "130403", 2)
    assert store.record_officials(changes, "b1", NOW) == []  # a redelivery changes nothing
    assert store.get_profile("off-2").version == 2
    assert store.record_officials([{**changes[0], "unit_id": "unit-9"}], "b2", NOW)[0]["unit_id"] == "unit-9"
    assert store.get_official("off-1").seen_event_ids == ["b1", "b2"]


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
    assert sorted(p.name for p in store.powers(("130402",), {}, "unit-1", "科长")) == ["乙", "甲"]
    assert len(store.powers(("130402",), {})) == 3
    assert len(store.powers(("130402", "130403"), {})) == 4
    first = store.powers(("130402",), {"limit": 2})
    rest = store.powers(("130402",), {"limit": 2, "cursor": decode_cursor(first.next)})
    assert [p.id for p in [*first, *rest]] == sorted(p.id for p in store.powers(("130402",), {})) and not rest.next
    deleted = store.powers(("130402",), {}, post="副科长").items[0]
    store.delete(deleted)
    assert store.get_power(deleted.id) is None


def test_risk_points_are_listed_by_unit_then_highest_index(store):
    low, high, unrated = risk_point(index=10), risk_point(index=80), risk_point()
    other = risk_point(unit_id="unit-0", index=5)
    for point in (low, high, unrated, other, risk_point(county="130403")):
        store.add_risk_point(point)
    assert [p.id for p in store.risk_points(("130402",))] == [other.id, high.id, low.id, unrated.id]
    assert [p.id for p in store.risk_points(("130402",), "unit-0")] == [other.id]
    page = store.risk_point_page(("130402",), {"limit": 3})
    assert [p.id for p in page] == sorted([other.id, high.id, low.id, unrated.id])[:3] and page.next


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
def test_saving_a_profile_tells_the_outbox_relay_which_profile_holds_events(real_store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_profile(real_store, official)
    marks = PENDING.keys(Profile, 100_000)
    assert official in marks
    PENDING.done(Profile, official, marks[official])


def test_a_refused_profile_write_tells_the_relay_nothing(real_store):
    official = "off-" + uuid.uuid4().hex[:8]
    add_profile(real_store, official)
    marks = PENDING.keys(Profile, 100_000)[official]
    with pytest.raises(Conflict):
        add_profile(real_store, official)
    assert PENDING.keys(Profile, 100_000)[official] == marks
    PENDING.done(Profile, official, marks)


def test_a_profile_row_with_events_tells_the_relay_and_one_without_does_not(real_store):
    official = "off-" + uuid.uuid4().hex[:8]
    real_store.write_profile_row("official", official, None, profile_fields(), [])
    assert official not in PENDING.keys(Profile, 100_000)
    real_store.write_profile_row("official", official, 1, profile_fields(), [outbox_row()])
    marks = PENDING.keys(Profile, 100_000)
    assert official in marks
    PENDING.done(Profile, official, marks[official])


def test_a_triaged_report_on_the_real_store_leaves_valid_documents_and_applies_once(real_store):
    """The per-signal path writes stored rows straight to the collections: what it leaves must
    load as the documents every other reader (views, the relay, the recompute) uses."""
    real_store.record_official({"official_id": "off-t", "county": "130403", "unit_id": "unit-t"}, "e0", NOW)
    event = {
        "id": str(uuid.uuid4()),
        "type": "wuying.intake.petition.triaged.v1",
        "time": "2026-11-20T01:00:00Z",
        "county": "130402",
        "data": {
            "petition_id": "p1",
            "outcome": "integrity_information",
            "category": "gifts",
            "category_zh": "违规收受礼品礼金",
            "severity": "high",
            "subjects": [{"kind": "official", "id": "off-t", "county": "130402"}],
        },
    }
    clock = FixedClock(NOW)
    assert on_petition_triaged(real_store, clock, event).status == "processed"
    assert on_petition_triaged(real_store, clock, event).status == "duplicate"
    profile = real_store.get_profile("off-t")
    profile.validate()
    assert (profile.county, profile.unit_id, profile.score, profile.version) == ("130403", "unit-t", 55, 1)
    assert [e.routing_key for e in profile.outbox] == ["risk.profile_changed", "warning.proposed"]
    assert profile.proposed_levels == [3] and profile.signals[0].key == f"{event['id']}:off-t"
    for entry_ in profile.outbox:
        parse_event(entry_.envelope)
    record = real_store.get_signal(f"{event['id']}:off-t")
    record.validate()
    assert (record.county, record.unit_id, record.evidence) == ("130403", "unit-t", ["p1"])
    PENDING.done(Profile, "off-t", PENDING.keys(Profile, 100_000)["off-t"])


# -- rule data and monitoring (issue 13) ------------------------------------------------------
def test_the_rules_in_force_are_the_countys_else_its_citys_in_one_lookup(store):
    from wuying_risk.persistence import RuleVersion

    store.put_in_force("profile", "130400", "city-1", {"version": "city-1"}, "staff", NOW)
    assert store.rules_in_force("profile", "130402")[0] == "130400"
    store.put_in_force("profile", "130402", "county-1", {"version": "county-1"}, "staff", NOW)
    commission, doc = store.rules_in_force("profile", "130402")
    assert (commission, doc.rule_version) == ("130402", "county-1")
    assert store.rules_in_force("profile", "140101") is None
    version = RuleVersion(
        id="evaluation:130402:v1",
        kind="evaluation",
        commission="130402",
        rule_version="v1",
        body={"version": "v1"},
        created_by="staff",
        created_at=NOW.replace(tzinfo=None),
    )
    store.add_rule_version(version)
    store.freeze_rule_version("evaluation", "130402", "v1", NOW)
    store.freeze_rule_version("evaluation", "130402", "v1", NOW)
    assert store.get_rule_version("evaluation", "130402", "v1").frozen is True
    assert [v.rule_version for v in store.rule_versions("evaluation", "130402", {})] == ["v1"]


def business_row(rid, county="130402", awarded_on="2026-03-10"):
    return {
        "_id": f"{county}/{rid}",
        "record_id": rid,
        "county": county,
        "domain": "procurement",
        "category": "goods",
        "buyer_unit_id": "unit-1",
        "buyer_kind": "",
        "responsible_official_id": "off-1",
        "supplier_id": "sup-1",
        "supplier_name": "",
        "subject": "",
        "amount": 1000.0,
        "method": "inquiry",
        "announced_on": "",
        "awarded_on": awarded_on,
        "contracted_on": "",
        "imported_at": NOW.replace(tzinfo=None),
    }


def test_business_records_are_replaced_by_key_and_read_by_county_and_window(store):
    store.write_records([business_row("r1"), business_row("r2", awarded_on="2027-01-02"), business_row("x", "130403")])
    store.write_records([{**business_row("r1"), "amount": 2000.0}])
    rows = store.records_in_window("130402", "2026-01-01", "2026-12-31")
    assert [(r["_id"], r["amount"]) for r in rows] == [("130402/r1", 2000.0)]
    assert [r.record_id for r in store.records(("130402",), {})] == ["r2", "r1"]


def test_a_monitoring_hit_is_written_once(store):
    from wuying_risk.persistence import MonitoringHit

    hit = MonitoringHit(
        id="just_under_threshold:" + uuid.uuid4().hex[:8],
        rule="just_under_threshold",
        rule_version="v",
        county="130402",
        unit_id="unit-1",
        grade="low",
        summary="说明",
        evidence=["130402/r1"],
        found_at=NOW.replace(tzinfo=None),
    )
    assert store.add_hit(hit) is True
    assert store.add_hit(hit) is False
    assert [h.id for h in store.hits(("130402",), {})] == [hit.id]


def test_calendar_years_are_kept_by_year_and_replaced_when_loaded_again(store):
    def year(event_id, holidays):
        return CalendarYear(id=2027, holidays=holidays, workdays=[], source="国办", event_id=event_id, loaded_at=NOW)

    assert store.calendar_year(2027) is None and store.calendar_years() == []
    store.put_calendar_year(year("ev-1", [datetime(2027, 1, 1).date()]))
    store.put_calendar_year(year("ev-2", [datetime(2027, 1, 1).date(), datetime(2027, 1, 4).date()]))
    stored = store.calendar_year(2027)
    assert (stored.event_id, len(stored.holidays)) == ("ev-2", 2)
    assert [y.id for y in store.calendar_years()] == [2027]
