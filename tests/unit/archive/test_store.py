"""ArchiveStore on the embedded store (or MongoDB when MONGODB_URI is set): the file's natural
keys, by-key reads and writes, and the crash windows between an append's writes.

The append algorithm is shared with the fake, so the crash and race tests run on both: the
fake the handler tests use must keep the same guarantees as the store.
"""

import os
import uuid
from datetime import UTC, datetime

import pytest
from mongoengine import ValidationError

import wuying_common.embedded as common_store
from wuying_archive.domain.file import GENESIS_HASH, FileSubject, verify_chain
from wuying_archive.persistence import (
    ALIAS,
    ArchiveStore,
    Dossier,
    FileEntry,
    FileHead,
    Official,
    RecordedEvent,
    Unit,
)
from wuying_common.errors import Conflict
from wuying_testing.fakes.archive import FakeArchiveStore

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
ZHANG = FileSubject("official", "off-1", "130402")
EMBEDDED = not os.environ.get("MONGODB_URI")


def event(event_id=None):
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": "wuying.warning.warning.issued.v1",
        "time": "2026-11-20T02:00:00Z",
        "data": {"official_id": "off-1", "colour": "blue"},
    }


def append(store, ev, subject=ZHANG):
    return store.append(subject, kind="warning.issued", summary="发出廉政风险预警：蓝色预警", event=ev, now=NOW)


def insert_only(store, ev, seq, prev_hash, subject=ZHANG, insert=None):
    """Step 3 alone: an appender that stopped right after inserting its entry."""
    entry = FileEntry.chained(subject, seq, prev_hash, kind="warning.issued", summary="摘要", event=ev, now=NOW)
    assert (insert or store.insert_entry)(entry)
    return entry


def intact(store, subject=ZHANG):
    entries = store.entries(subject.kind, subject.id)
    return verify_chain([(e.seq, e.content(), e.prev_hash, e.hash) for e in entries]).intact


@pytest.fixture
def real_store(embedded_store):
    embedded_store(ALIAS)
    store = ArchiveStore(ALIAS, "embedded" if EMBEDDED else "mongodb")
    store.ensure_indexes()
    return store


@pytest.fixture(params=["store", "fake"])
def store(request):
    if request.param == "fake":
        return FakeArchiveStore()
    return request.getfixturevalue("real_store")


# -- keys ------------------------------------------------------------------------------------
def test_entries_head_and_idempotency_records_have_natural_keys(real_store):
    first, second = event(), event()
    assert append(real_store, first) and append(real_store, second)
    assert [e.pk for e in real_store.entries("official", "off-1")] == ["official/off-1/1", "official/off-1/2"]
    head = real_store.get(FileHead, "official/off-1")
    assert (head.seq, head.hash) == (2, real_store.get(FileEntry, "official/off-1/2").hash)
    record = real_store.get(RecordedEvent, f"{first['id']}/official/off-1")
    assert (record.event_id, record.subject_kind, record.subject_id, record.seq) == (
        first["id"],
        "official",
        "off-1",
        1,
    )


def test_no_collection_written_per_event_has_a_secondary_unique_index(real_store):
    for doc in (FileEntry, FileHead, RecordedEvent):
        indexes = doc._get_collection().index_information()
        assert [name for name, spec in indexes.items() if spec.get("unique") and name != "_id_"] == []


@pytest.mark.skipif(not EMBEDDED, reason="counts the embedded store's scans")
def test_appending_and_reading_a_file_never_scans_a_collection(real_store, monkeypatch):
    append(real_store, event())  # the collections exist before scans are forbidden

    def scan(collection, filter):
        raise AssertionError(f"scanned {collection.name} for {filter}")

    monkeypatch.setattr(common_store, "_SCAN", scan)
    redelivered = event()
    assert append(real_store, redelivered) is True
    assert append(real_store, redelivered) is False
    assert append(real_store, event(), FileSubject("unit", "unit-1", "130402")) is True
    assert [e.seq for e in real_store.entries("official", "off-1")] == [1, 2]


# -- appends ---------------------------------------------------------------------------------
def test_a_redelivered_event_lands_once_per_file(store):
    ev = event()
    assert append(store, ev) is True
    assert append(store, ev) is False
    other = FileSubject("official", "off-2", "130402")
    assert append(store, ev, other) is True  # the same event in another file is not a redelivery
    assert [e.source_event_id for e in store.entries("official", "off-1")] == [ev["id"]]
    assert intact(store)


def test_each_entry_chains_to_the_one_before(store):
    for _ in range(3):
        append(store, event())
    entries = store.entries("official", "off-1")
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert intact(store)


def test_the_head_never_moves_backwards(store):
    append(store, event())
    append(store, event())
    store.advance_head(ZHANG, 1, "stale")
    assert (store.head("official", "off-1").seq, store.head("official", "off-1").hash) == (
        2,
        store.entry_at("official", "off-1", 2).hash,
    )


def test_an_entry_appended_by_key_is_stored_as_the_document_would_store_it(real_store):
    ev = event()
    append(real_store, event())
    append(real_store, ev)
    stored = real_store.entry_at("official", "off-1", 2)
    prev = real_store.entry_at("official", "off-1", 1).hash
    built = FileEntry.chained(
        ZHANG, 2, prev, kind="warning.issued", summary="发出廉政风险预警：蓝色预警", event=ev, now=NOW
    )
    assert stored.to_mongo().to_dict() == built.to_mongo().to_dict()
    ev["data"]["colour"] = "red"  # the stored entry keeps its own copy of the event's data
    assert real_store.entry_at("official", "off-1", 2).data == {"official_id": "off-1", "colour": "blue"}


def test_an_entry_for_a_subject_kind_the_file_does_not_know_is_refused_and_nothing_is_written(real_store):
    with pytest.raises(ValidationError) as refused:
        append(real_store, event(), FileSubject("person", "off-1", "130402"))
    assert "subject_kind" in refused.value.errors
    assert real_store.entry_at("person", "off-1", 1) is None
    assert real_store.head("person", "off-1") is None


def test_a_signal_is_learnt_once_per_event_keeping_the_last_ones_and_moving_the_version(real_store):
    def signal(event_id):
        return {"event_id": event_id, "kind": "report", "on": "2026-11-20", "ref": "p-1", "detail": ""}

    assert real_store.add_signal("off-1", "130402", signal("e1"), keep=2) is True  # creates the dossier
    read_before = real_store.get(Dossier, "off-1")
    assert real_store.add_signal("off-1", "130402", signal("e1"), keep=2) is False  # a redelivery
    assert real_store.add_signal("off-1", "130402", signal("e2"), keep=2) is True
    assert real_store.add_signal("off-1", "130402", signal("e3"), keep=2) is True
    dossier = real_store.get(Dossier, "off-1")
    assert [s.event_id for s in dossier.signals] == ["e2", "e3"]
    assert (dossier.version, dossier.county) == (3, "130402")
    read_before.hits = {"repeated_reports": {"round": 1}}
    with pytest.raises(Conflict):  # a writer that read before the signals were added reads again
        real_store.save(read_before)
    with pytest.raises(ValidationError):
        real_store.add_signal("off-1", "130402", dict(signal("e4"), kind=None), keep=2)


# -- crash windows: each test stops an append between two of its writes ------------------------
def test_a_crash_after_the_entry_is_repaired_by_the_redelivery(store):
    ev = event()
    entry = insert_only(store, ev, 1, GENESIS_HASH)  # no idempotency record, no head
    assert store.head("official", "off-1") is None
    assert [e.seq for e in store.entries("official", "off-1")] == [1]  # read past the lagging head

    assert append(store, ev) is False
    assert store.is_recorded(ev["id"], ZHANG)
    assert (store.head("official", "off-1").seq, store.head("official", "off-1").hash) == (1, entry.hash)
    assert [e.source_event_id for e in store.entries("official", "off-1")] == [ev["id"]]


def test_a_crash_after_the_entry_is_repaired_by_the_next_event_and_the_redelivery_stays_a_duplicate(store):
    crashed, later = event(), event()
    append(store, event())
    first = store.entry_at("official", "off-1", 1)
    entry = insert_only(store, crashed, 2, first.hash)

    assert append(store, later) is True
    landed = store.entry_at("official", "off-1", 3)
    assert (landed.source_event_id, landed.prev_hash) == (later["id"], entry.hash)
    assert store.is_recorded(crashed["id"], ZHANG)  # recorded by the append that walked past it
    assert store.head("official", "off-1").seq == 3

    assert append(store, crashed) is False
    assert [e.seq for e in store.entries("official", "off-1")] == [1, 2, 3]
    assert intact(store)


def test_a_crash_after_the_idempotency_record_is_repaired_by_the_next_event(store):
    crashed = event()
    entry = insert_only(store, crashed, 1, GENESIS_HASH)
    store.record(crashed["id"], ZHANG, 1)  # the head was not advanced

    assert append(store, crashed) is False
    assert store.head("official", "off-1") is None  # a redelivery answered from the record alone
    assert append(store, event()) is True
    assert store.entry_at("official", "off-1", 2).prev_hash == entry.hash
    assert store.head("official", "off-1").seq == 2
    assert intact(store)


def test_an_append_that_loses_its_seq_to_a_concurrent_one_lands_after_it(store, monkeypatch):
    ours, theirs = event(), event()
    insert = store.insert_entry
    raced = []

    def insert_after_a_competitor(entry):
        if not raced:  # between our read of the head and our insert, another append wins seq 1
            raced.append(insert_only(store, theirs, 1, GENESIS_HASH, insert=insert))
        return insert(entry)

    monkeypatch.setattr(store, "insert_entry", insert_after_a_competitor)
    assert append(store, ours) is True
    assert [e.source_event_id for e in store.entries("official", "off-1")] == [theirs["id"], ours["id"]]
    assert store.head("official", "off-1").seq == 2
    assert intact(store)


def test_the_same_event_racing_itself_lands_once(store, monkeypatch):
    ev = event()
    insert = store.insert_entry
    raced = []

    def insert_after_a_redelivery(entry):
        if not raced:  # the same event, delivered twice, handled by two workers at once
            raced.append(insert_only(store, ev, 1, GENESIS_HASH, insert=insert))
        return insert(entry)

    monkeypatch.setattr(store, "insert_entry", insert_after_a_redelivery)
    assert append(store, ev) is False
    assert [e.source_event_id for e in store.entries("official", "off-1")] == [ev["id"]]


def test_a_redelivery_read_while_the_first_delivery_completes_lands_once(store, monkeypatch):
    ev = event()
    first_step_done = []

    def then_the_first_delivery_completes(step):
        def wrapped(*args):
            answer = step(*args)
            if not first_step_done:  # right after the redelivery's first read, the first delivery runs through
                first_step_done.append(True)
                with monkeypatch.context() as m:
                    m.setattr(store, "tail", tail)
                    m.setattr(store, "is_recorded", is_recorded)
                    assert append(store, ev) is True
            return answer

        return wrapped

    tail, is_recorded = store.tail, store.is_recorded  # the head's read is ``tail``
    monkeypatch.setattr(store, "tail", then_the_first_delivery_completes(tail))
    monkeypatch.setattr(store, "is_recorded", then_the_first_delivery_completes(is_recorded))
    assert append(store, ev) is False
    assert [e.source_event_id for e in store.entries("official", "off-1")] == [ev["id"]]


# -- reading a file ----------------------------------------------------------------------------
def test_a_removed_entry_breaks_the_chain(real_store):
    for _ in range(3):
        append(real_store, event())
    real_store.delete(real_store.get(FileEntry, "official/off-1/2"))
    assert [e.seq for e in real_store.entries("official", "off-1")] == [1, 3]
    assert not intact(real_store)


def test_a_changed_entry_breaks_the_chain(real_store):
    append(real_store, event())
    entry = real_store.get(FileEntry, "official/off-1/1")
    entry.summary = "改过的摘要"
    real_store.save(entry)
    assert not intact(real_store)


# -- registry --------------------------------------------------------------------------------
def test_officials_are_listed_by_county_and_name_in_id_order_and_bounded(real_store):
    for i in (3, 1, 2):
        real_store.add(
            Official(id=f"off-{i}", name="张伟", county="130402", unit_id="unit-1", post="局长", rank="正科级")
        )
    real_store.add(Official(id="off-9", name="李娜", county="130403", unit_id="unit-2", post="科员", rank="科员"))
    assert [o.id for o in real_store.officials(county="130402")] == ["off-1", "off-2", "off-3"]
    assert [o.id for o in real_store.officials(county="130402", limit=2)] == ["off-1", "off-2"]
    assert [o.id for o in real_store.officials(county="130403", name="李娜")] == ["off-9"]


def test_units_are_reference_data_written_whole(real_store):
    real_store.add_or_replace(Unit(id="unit-1", name="住建局", county="130402", kind="department"))
    real_store.add_or_replace(Unit(id="unit-1", name="邯山区住建局", county="130402", kind="department"))
    assert real_store.get(Unit, "unit-1").name == "邯山区住建局"
