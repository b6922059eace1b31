"""Archive use cases on the fake store (no database, no broker)."""

import uuid

import pytest

from wuying_archive import handlers
from wuying_archive.exceptions import FileNotFound
from wuying_archive.persistence import Official, Unit
from wuying_common.auth import Principal
from wuying_common.errors import Conflict, Forbidden
from wuying_testing.fakes.archive import FakeArchiveStore

OFFICIAL = {
    "id": "off-1",
    "name": "张伟",
    "county": "130402",
    "unit_id": "unit-1",
    "post": "局长",
    "rank": "正科级",
}
UNIT = {"id": "unit-1", "name": "邯山区住建局", "county": "130402", "kind": "department", "zone": None}


def envelope(event_type, data, *, county="130402", event_id=None):
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": f"wuying.{event_type}.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": county,
        "subject": "test/1",
        "data": data,
    }


def triaged(*official_ids, event_id=None):
    return envelope(
        "intake.petition.triaged",
        {
            "outcome": "integrity_information",
            "subjects": [{"kind": "official", "id": i} for i in official_ids],
            "category": "work_style",
        },
        event_id=event_id,
    )


def staff(county="130402"):
    return Principal("staff-1", frozenset({"archive_keeper"}), (county,))


@pytest.fixture
def store():
    return FakeArchiveStore()


def outbox_of(store, official_id):
    return [entry.envelope for entry in store.get(Official, official_id).outbox]


# -- recording events ------------------------------------------------------------------------
def test_an_event_lands_in_every_file_it_concerns(store, clock):
    assert handlers.record_event(store, clock, triaged("off-1", "off-2")) == "processed"
    assert [e.seq for e in store.entries("official", "off-1")] == [1]
    assert [e.seq for e in store.entries("official", "off-2")] == [1]


def test_a_redelivered_event_is_a_duplicate_and_lands_once(store, clock):
    event = triaged("off-1")
    assert handlers.record_event(store, clock, event) == "processed"
    assert handlers.record_event(store, clock, event) == "duplicate"
    assert [e.source_event_id for e in store.entries("official", "off-1")] == [event["id"]]


def test_a_plan_published_in_two_versions_reaches_the_units_file_once_without_surprise_dates(store, clock):
    """Issue 12 item 4: ``inspection.scheduled`` v1 (published beside v2 until it retires) carries
    the dates of surprise rounds; the file records v2 only."""
    plan = {"plan_id": "unit-1:2027", "unit_id": "unit-1", "county": "130402", "year": 2027, "rounds": []}
    v1 = envelope("inspection.inspection.scheduled", plan)
    v2 = dict(envelope("inspection.inspection.scheduled", plan), type="wuying.inspection.inspection.scheduled.v2")
    assert handlers.record_event(store, clock, v1) == "processed"
    assert store.entries("unit", "unit-1") == []
    assert handlers.record_event(store, clock, v2) == "processed"
    assert [e.source_event_type for e in store.entries("unit", "unit-1")] == [
        "wuying.inspection.inspection.scheduled.v2"
    ]


def test_an_event_about_nobody_is_processed_without_an_entry(store, clock):
    event = envelope("intake.petition.triaged", {"outcome": "case_clue", "subjects": [{"kind": "official", "id": "o"}]})
    assert handlers.record_event(store, clock, event) == "processed"
    assert store.entries("official", "o") == []


def test_entries_chain_in_order_with_a_chinese_summary(store, clock):
    handlers.record_event(store, clock, triaged("off-1"))
    issued = envelope("warning.warning.issued", {"official_id": "off-1", "colour": "blue", "answer_due": "2026-12-01"})
    handlers.record_event(store, clock, issued)
    first, second = store.entries("official", "off-1")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert second.kind == "warning.issued"
    assert second.summary == "发出廉政风险预警：蓝色预警，答复期限 2026-12-01"


# -- registry --------------------------------------------------------------------------------
def test_registering_an_official_emits_official_changed_about_that_official(store, clock):
    assert handlers.register(store, clock, [UNIT], [OFFICIAL]) == handlers.Registered(units=1, officials=1)
    (event,) = outbox_of(store, "off-1")
    assert event["type"] == "wuying.archive.official.changed.v1"
    assert event["subject"] == "official/off-1"
    assert event["county"] == "130402"
    assert event["data"]["change"] == "registered"
    assert store.get(Unit, "unit-1").name == "邯山区住建局"


def test_registering_an_unchanged_official_writes_nothing(store, clock):
    handlers.register(store, clock, [], [OFFICIAL])
    handlers.register(store, clock, [], [OFFICIAL])
    assert len(outbox_of(store, "off-1")) == 1
    assert store.get(Official, "off-1").version == 1


def test_a_new_unit_or_status_is_a_transfer_or_retirement(store, clock):
    handlers.register(store, clock, [], [OFFICIAL])
    handlers.register(store, clock, [], [dict(OFFICIAL, unit_id="unit-2")])
    handlers.register(store, clock, [], [dict(OFFICIAL, unit_id="unit-2", status="retired")])
    handlers.register(store, clock, [], [dict(OFFICIAL, unit_id="unit-2", status="serving")])
    changes = [e["data"]["change"] for e in outbox_of(store, "off-1")]
    assert changes == ["registered", "transferred", "retired", "hired"]
    assert store.get(Official, "off-1").version == 4


def test_the_same_official_twice_in_one_payload_is_registered_then_changed(store, clock):
    handlers.register(store, clock, [], [OFFICIAL, dict(OFFICIAL, unit_id="unit-2")])
    assert [e["data"]["change"] for e in outbox_of(store, "off-1")] == ["registered", "transferred"]


def test_a_stale_copy_of_an_official_is_not_saved_over_a_newer_one(store, clock):
    handlers.register(store, clock, [], [OFFICIAL])
    first, second = store.get(Official, "off-1"), store.get(Official, "off-1")
    first.post = "副局长"
    store.save(first)
    second.post = "科员"
    with pytest.raises(Conflict) as raised:
        store.save(second)
    assert raised.value.code == "concurrent_update"


def test_officials_are_found_by_county_and_name(store, clock):
    handlers.register(store, clock, [], [OFFICIAL, dict(OFFICIAL, id="off-2", name="李娜", county="130403")])
    assert [o.id for o in handlers.find_officials(store, "130402")] == ["off-1"]
    assert [o.id for o in handlers.find_officials(store, "130403", name="李娜")] == ["off-2"]
    assert handlers.get_official(store, "off-2").name == "李娜"
    assert handlers.get_official(store, "nobody") is None


# -- reading a file ----------------------------------------------------------------------------
def test_a_file_is_its_timeline_with_the_chain_verified(store, clock):
    handlers.register(store, clock, [], [OFFICIAL])
    handlers.record_event(store, clock, triaged("off-1"))
    file = handlers.integrity_file(store, staff(), "official", "off-1")
    assert (file.subject_kind, file.subject_id, file.county, file.name) == ("official", "off-1", "130402", "张伟")
    assert [e.kind for e in file.entries] == ["petition.triaged"]
    assert file.intact is True


def test_a_tampered_entry_breaks_the_chain(store, clock):
    handlers.record_event(store, clock, triaged("off-1"))
    handlers.record_event(store, clock, triaged("off-1"))
    entry = store.entry_at("official", "off-1", 1)
    entry.summary = "改过的摘要"
    store.add_or_replace(entry)
    assert handlers.integrity_file(store, staff(), "official", "off-1").intact is False


def test_a_file_of_an_unregistered_subject_takes_the_county_of_its_entries(store, clock):
    handlers.record_event(store, clock, envelope("inspection.inspection.completed", {"unit_id": "unit-9"}))
    file = handlers.integrity_file(store, None, "unit", "unit-9")
    assert (file.county, file.name, file.intact) == ("130402", None, True)


def test_a_file_that_does_not_exist_is_not_found(store):
    with pytest.raises(FileNotFound):
        handlers.integrity_file(store, staff(), "official", "nobody")


def test_a_file_outside_the_principals_counties_is_forbidden(store, clock):
    handlers.register(store, clock, [], [OFFICIAL])
    with pytest.raises(Forbidden) as raised:
        handlers.integrity_file(store, staff("130102"), "official", "off-1")
    assert raised.value.code == "county_forbidden"
