"""ArchiveStore's registry, reminder and search queries on the embedded store (or MongoDB when
MONGODB_URI is set), against the same handlers the fake serves."""

import os
from datetime import UTC, date, datetime

import pytest

from wuying_archive import handlers
from wuying_archive.handlers import conditions, matters
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.handlers.importing import import_stream
from wuying_archive.persistence import ALIAS, ArchiveStore, FileEntry, ImportBatch, Official, OfficialQuery, Reminder
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.store import PENDING
from wuying_testing import FixedClock

EMBEDDED = not os.environ.get("MONGODB_URI")
HEADER = "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags"


@pytest.fixture
def store(embedded_store):
    embedded_store(ALIAS)
    store = ArchiveStore(ALIAS, "embedded" if EMBEDDED else "mongodb")
    store.ensure_indexes()
    return store


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))


def test_an_import_writes_each_official_and_its_batch_event_and_tells_the_relay_by_key(store, clock):
    rows = [HEADER] + [f"o-{i},张{i},130402,u-1,科员,科员,serving,2020-01-01,0,,finance" for i in range(250)]
    summary = import_stream(store, clock, None, "officials", "csv", rows, batch=100)
    assert (summary.created, summary.events) == (250, 250)
    official = store.get(Official, "o-7")
    assert (official.version, official.outbox_pending, official.tags) == (1, False, ["finance"])
    batch = store.get(ImportBatch, official.import_batch)
    assert (batch.ready, batch.outbox_pending, batch.changes) == (True, True, [])
    (entry,) = batch.outbox
    assert [c["official_id"] for c in entry.envelope["data"]["changes"]] == [f"o-{i}" for i in range(100)]
    assert batch.id in PENDING.keys(ImportBatch, 100000)
    again = import_stream(store, clock, None, "officials", "csv", rows, batch=100)
    assert (again.unchanged, again.events) == (250, 0)
    store.begin_batches([{"_id": "b-left", "county": "130402", "changes": [], "created_at": datetime(2026, 1, 1)}])
    assert [b["_id"] for b in store.stale_batches(datetime(2026, 1, 2))] == ["b-left"]
    store.finish_batch("b-left", None)
    assert store.stale_batches(datetime(2026, 1, 2)) == [] and store.get(ImportBatch, "b-left") is None


def test_new_files_started_in_bulk_are_what_appending_one_by_one_writes(store, clock):
    from wuying_archive.domain.file import FileSubject
    from wuying_archive.persistence import FileHead, RecordedEvent

    def items(event_id, ids):
        event = {"id": event_id, "type": "wuying.archive.officials.imported.v1", "time": "2026-11-20T02:00:00Z"}
        return [
            (
                FileSubject("official", oid, "130402"),
                "official.changed",
                f"人员信息变动：{oid}",
                {**event, "data": {"n": oid}},
            )
            for oid in ids
        ]

    old, _, _, first = items("e0", ["o-old"])[0]
    store.append(old, kind="official.changed", summary="人员信息变动", event=first, now=clock.now())
    bulk = items("e1", ["o-1", "o-2", "o-old", "o-1"])  # o-old has a file; o-1 twice
    assert store.append_many(bulk, clock.now()) == 3  # o-1's second is the same event: once
    assert store.append_many(bulk[:3], clock.now()) == 0  # a redelivery
    for oid, seqs in (("o-1", [1]), ("o-2", [1]), ("o-old", [1, 2])):
        entries = store.entries("official", oid)
        assert [e.seq for e in entries] == seqs and handlers.verify_file(store, None, "official", oid).intact
        head = store.get(FileHead, f"official/{oid}")
        assert (head.seq, head.hash, head.pending) == (seqs[-1], entries[-1].hash, True)
    assert store.get(RecordedEvent, "e1/official/o-2").seq == 1
    (subject, kind, summary, event), (bulk_subject, *_) = items("e2", ["o-3"])[0], items("e2", ["o-4"])[0]
    store.append(subject, kind=kind, summary=summary, event=event, now=clock.now())
    store.append_many(items("e2", ["o-4"]), clock.now())
    (by_one,), (in_bulk,) = store.entries("official", "o-3"), store.entries("official", "o-4")
    fields = ("seq", "kind", "source_event_id", "source_event_type", "occurred_at", "recorded_at", "prev_hash")
    assert [getattr(by_one, f) for f in fields] == [getattr(in_bulk, f) for f in fields]
    chained = FileEntry.chained(
        bulk_subject,
        1,
        in_bulk.prev_hash,
        kind=kind,
        summary=in_bulk.summary,
        event={**event, "data": in_bulk.data},
        now=clock.now(),
    )
    assert in_bulk.hash == chained.hash  # hashed as an append hashes


def test_a_stale_update_is_lost_not_written(store, clock):
    handlers.register(
        store,
        clock,
        [],
        [{"id": "o-1", "name": "张伟", "county": "130402", "unit_id": "u-1", "post": "科长", "rank": "正科级"}],
    )
    lost = store.write_officials([], [("o-1", 7, {"post": "局长"}, [])])
    assert lost == {"o-1"}
    assert store.get(Official, "o-1").post == "科长"
    taken = store.write_officials([dict(store.official_rows(["o-1"])["o-1"])], [])
    assert taken == {"o-1"}


def test_holders_search_and_the_sweep_walk_query_the_store(store, clock):
    rows = [
        HEADER,
        "o-1,张伟,130402,u-1,局长,正处级,serving,2018-01-01,0,,key_minority",
        "o-2,李娜,130403,u-1,科长,正科级,serving,2022-01-01,0,,",
        "o-3,王强,130102,u-2,局长,正处级,serving,2019-01-01,0,,key_minority",
    ]
    import_stream(store, clock, None, "officials", "csv", rows)
    assert [o.id for o, _ in store.holders("u-1", "局长", date(2020, 1, 1))] == ["o-1"]
    city = OfficialQuery(counties=("130400",), limit=10)
    assert [o.id for o in store.search_officials(city)] == ["o-1", "o-2"]
    tagged = OfficialQuery(counties=("130000",), tag="key_minority", limit=1)
    assert [o.id for o in store.search_officials(tagged)] == ["o-1"]
    assert [
        o.id for o in store.search_officials(OfficialQuery(counties=("130000",), tag="key_minority", after="o-1"))
    ] == ["o-3"]
    ranged = OfficialQuery(counties=("130000",), unit_id="u-1", held_from=date(2019, 1, 1), held_to=date(2020, 1, 1))
    assert [o.id for o in store.search_officials(ranged)] == ["o-1"]
    assert [o.id for o in store.official_page("o-1", 10)] == ["o-2", "o-3"]


def test_reminders_are_found_by_due_date_county_and_state(store, clock, person):
    evaluator = Evaluator(WorkingDayCalendar.official())
    handlers.register(
        store,
        clock,
        [],
        [{"id": "o-1", "name": "张伟", "county": "130402", "unit_id": "u-1", "post": "科长", "rank": "正科级"}],
    )
    matters.add_record(
        store,
        clock,
        evaluator,
        person("k", "archive_keeper"),
        "o-1",
        {"kind": "side_job", "source": "personal_report", "company": "c", "role": "r", "paid": True},
    )
    assert [r.id for r in store.reminders(("130400",), state="assigned")] == ["o-1/side_job/1"]
    assert store.reminders(("130102",)) == []
    assert store.reminders_due(date(2026, 11, 25)) == []
    assert [r.id for r in store.reminders_due(date(2026, 11, 26))] == ["o-1/side_job/1"]
    assert store.reminder_figures_rows(("130402",))[0][:3] == ("supervision_inspection", "130402", "assigned")
    assert [r.id for r in store.reminders_of("o-1")] == ["o-1/side_job/1"]
    assert conditions.evaluate_ids(store, clock, evaluator, ["o-1"]) == []
    assert len(Reminder.objects) == 1
