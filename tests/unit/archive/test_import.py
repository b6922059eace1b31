"""Importing the registry (CSV / JSON lines): line-numbered errors, nothing half-written,
re-importing any valid file is a no-op (a property test), only real changes become events."""

import json
import string
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.handlers.importing import import_chunk, import_stream
from wuying_archive.handlers.registry import finish_stale_batches, record_imported
from wuying_archive.persistence import ImportBatch, Official, Reminder, Unit
from wuying_archive.schemas import (
    OFFICIAL_CHANGED,
    OFFICIALS_IMPORTED,
    OfficialChangedEnvelopes,
    officials_imported_entry,
)
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.events import build_event
from wuying_testing import FixedClock
from wuying_testing.fakes.archive import FakeArchiveStore

HEADER = "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags"
CAL = WorkingDayCalendar.official()


@pytest.fixture
def store():
    return FakeArchiveStore()


def outbox_total(store):
    return sum(len(o.outbox) for o in store.all(Official))


def test_a_csv_file_imports_and_a_bad_line_is_reported_with_its_number_and_field(store, clock):
    lines = [
        HEADER,
        "o-1,张伟,130402,u-1,局长,正处级,serving,2020-01-01,0,,key_minority;principal",
        "o-2,李娜,13040,u-1,副局长,副处级,,,0,,",  # line 3: a five-digit county
        "o-3,王强,130402,u-1,科长,正科级,retired,2026-01-01,1,,",
        "o-4,赵敏,130402,u-1,科员,科员,seconded,,0,,",  # line 5: seconded without a unit
        "o-5,钱军,130402,u-1,科员,科员,serving,,0,,vip",  # line 6: unknown tag
    ]
    summary = import_stream(store, clock, None, "officials", "csv", lines)
    assert (summary.lines, summary.created, summary.failed, summary.events) == (5, 2, 3, 2)
    assert [(e.line, e.field) for e in summary.errors] == [(3, "county"), (5, "seconded_to"), (6, "tags")]
    assert store.get(Official, "o-1").tags == ["key_minority", "principal"]
    assert store.get(Official, "o-2") is None  # nothing half-written
    fixed = [HEADER, "o-2,李娜,130402,u-1,副局长,副处级,,,0,,"]
    again = import_stream(store, clock, None, "officials", "csv", lines[:2] + fixed[1:])
    assert (again.created, again.unchanged, again.failed) == (1, 1, 0)  # the corrected file completes it


def test_an_id_twice_in_one_file_is_refused_on_its_second_line(store, clock):
    lines = [
        HEADER,
        "o-1,张伟,130402,u-1,局长,正处级,,,0,,",
        "o-2,李娜,130402,u-1,科长,正科级,,,0,,",
        "o-1,张玮,130402,u-1,局长,正处级,,,0,,",
    ]
    summary = import_stream(store, clock, None, "officials", "csv", lines, batch=2)
    assert [(e.line, e.field) for e in summary.errors] == [(4, "id")]
    assert store.get(Official, "o-1").name == "张伟"


def test_json_lines_and_units_import_and_a_malformed_line_is_reported(store, clock):
    units = [json.dumps({"id": "u-1", "name": "邯山区住建局", "county": "130402", "kind": "department"}), "{oops"]
    summary = import_chunk(store, clock, None, "units", "jsonl", units, first_line=7)
    assert (summary.changed, summary.failed, summary.errors[0].line) == (1, 1, 8)
    assert store.get(Unit, "u-1").name == "邯山区住建局"
    assert import_chunk(store, clock, None, "units", "jsonl", units[:1]).unchanged == 1


def test_a_csv_chunk_names_file_lines_from_its_first_data_line(store, clock):
    chunk = [HEADER, "o-9,张伟,130402,u-1,局长,正处级,bogus,,0,,"]
    summary = import_chunk(store, clock, None, "officials", "csv", chunk, first_line=4001)
    assert (summary.errors[0].line, summary.errors[0].field) == (4001, "status")


def test_a_since_no_calendar_can_count_from_is_a_line_error_not_a_crash(store, clock):
    chunk = [HEADER, "o-9,张伟,130402,u-1,局长,正处级,serving,9990-01-01,0,,"]
    summary = import_chunk(store, clock, Evaluator(CAL), "officials", "csv", chunk)
    assert (summary.failed, summary.errors[0].field, summary.created) == (1, "since", 0)


def test_a_reimport_with_a_change_emits_only_that_change(store, clock):
    rows = [HEADER] + [f"o-{i},张{i},130402,u-1,科员,科员,serving,2020-01-01,0,," for i in range(5)]
    import_stream(store, clock, None, "officials", "csv", rows)
    rows[3] = "o-2,张2,130402,u-1,科长,正科级,serving,2026-11-01,0,,"
    summary = import_stream(store, clock, None, "officials", "csv", rows)
    assert (summary.changed, summary.unchanged, summary.events) == (1, 4, 1)
    last = announced(store)[-1]
    assert [(c["official_id"], c["change"]) for c in last["data"]["changes"]] == [("o-2", "promoted")]
    assert store.get(Official, "o-2").outbox == []  # an import announces in batches, not per official


def announced(store) -> list[dict]:
    """The ``officials.imported`` envelopes of the ready import batches, in write order."""
    return [e.envelope for b in store.all(ImportBatch) for e in b.outbox]


def test_an_import_announces_each_countys_changes_500_to_an_event(store, clock):
    rows = [HEADER] + [f"o-{i:04d},张{i},{'130402' if i < 1200 else '130403'},u-1,科员,科员,,,0,," for i in range(1300)]
    summary = import_stream(store, clock, None, "officials", "csv", rows, batch=2000)
    assert (summary.created, summary.events) == (1300, 1300)
    envelopes = announced(store)
    assert [(e["type"], e["county"], e["data"]["count"]) for e in envelopes] == [
        (OFFICIALS_IMPORTED.type, "130402", 500),
        (OFFICIALS_IMPORTED.type, "130402", 500),
        (OFFICIALS_IMPORTED.type, "130402", 200),
        (OFFICIALS_IMPORTED.type, "130403", 100),
    ]
    ids = [c["official_id"] for e in envelopes for c in e["data"]["changes"]]
    assert ids == [f"o-{i:04d}" for i in range(1300)]  # each change once, in the file's order
    assert {c["change"] for e in envelopes for c in e["data"]["changes"]} == {"registered"}
    batch_of = {c["official_id"]: e["data"]["import_id"] for e in envelopes for c in e["data"]["changes"]}
    assert all(o.import_batch == batch_of[o.id] and o.outbox == [] for o in store.all(Official))
    assert all(b.ready and b.changes == [] for b in store.all(ImportBatch))


def test_each_imported_change_lands_in_its_officials_file_once(store, clock):
    rows = [HEADER, "o-1,张伟,130402,u-1,局长,正处级,,,0,,", "o-2,李娜,130402,u-1,科长,正科级,,,0,,"]
    import_stream(store, clock, None, "officials", "csv", rows)
    (envelope,) = announced(store)
    assert record_imported(store, clock, envelope) == "processed"
    assert record_imported(store, clock, envelope) == "duplicate"  # a redelivery
    for oid, post in (("o-1", "局长"), ("o-2", "科长")):
        (entry,) = store.entries("official", oid)
        assert (entry.kind, entry.source_event_id, entry.data["official_id"]) == (
            "official.changed",
            envelope["id"],
            oid,
        )
        assert entry.summary.startswith("人员信息变动：") and post in entry.summary


def test_the_batch_envelope_equals_what_build_event_makes_of_all_its_changes(store, clock):
    rows = [HEADER] + [
        f"o-{i},张{i},130402,u-{i % 3},科员,科员,serving,2020-0{i % 9 + 1}-01,{i % 2},,finance" for i in range(40)
    ]
    rows += ["o-1,张1,130402,u-1,科长,正科级,serving,2026-11-01,1,,"]  # a change of one already read
    import_stream(store, clock, None, "officials", "csv", rows, batch=30)
    for fast in announced(store):
        whole = build_event(OFFICIALS_IMPORTED, fast["data"], subject=fast["subject"], county="130402", now=clock.now())
        assert {k: v for k, v in whole.items() if k != "id"} == {k: v for k, v in fast.items() if k != "id"}
    with pytest.raises(ValueError):
        officials_imported_entry("b", "130403", fast["data"]["changes"], clock.now())  # another county's changes


def test_a_batch_a_crash_left_unready_announces_only_what_was_written(store, clock):
    begun = {"_id": "b-1", "county": "130402", "created_at": clock.now().replace(tzinfo=None)}
    changes = [{**CHANGE, "official_id": oid} for oid in ("o-1", "o-2")]
    store.begin_batches([{**begun, "changes": changes}])
    rows = [HEADER, "o-1,张伟,130402,u-1,局长,正处级,,,0,,"]
    import_stream(store, clock, None, "officials", "csv", rows)  # o-1 written, by another batch
    store.rows[Official]["o-1"]["import_batch"] = "b-1"  # as if b-1 had written it, then crashed
    assert finish_stale_batches(store, clock) == 0  # too recent: its writer may still be at work
    clock.advance(days=1)
    assert finish_stale_batches(store, clock) == 1
    (envelope,) = store.get(ImportBatch, "b-1").outbox
    assert [c["official_id"] for c in envelope.envelope["data"]["changes"]] == ["o-1"]
    assert finish_stale_batches(store, clock) == 0
    store.begin_batches([{**begun, "_id": "b-2", "changes": changes[1:]}])
    clock.advance(days=1)
    assert finish_stale_batches(store, clock) == 1
    assert store.get(ImportBatch, "b-2") is None  # nothing of it was written: dropped


CHANGE = {
    "county": "130402",
    "unit_id": "u-1",
    "post": "局长",
    "rank": "正处级",
    "status": "serving",
    "change": "registered",
    "commission_staff": False,
    "effective_on": "2026-01-01",
    "previous_unit_id": None,
    "previous_post": None,
    "previous_rank": None,
    "previous_status": None,
    "seconded_to_unit_id": "",
    "tags": [],
}


def test_an_imported_long_tenure_raises_a_reminder(store, clock):
    rows = [HEADER, "o-1,张伟,130402,u-1,局长,正处级,serving,2012-05-01,0,,"]
    summary = import_stream(store, clock, Evaluator(CAL), "officials", "csv", rows)
    assert summary.reminders == 1
    assert [r.id for r in store.all(Reminder)] == ["o-1/long_tenure/1"]


def test_fast_envelopes_equal_what_build_event_makes():
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    make = OfficialChangedEnvelopes(now)
    data = {
        "official_id": "o-1",
        "county": "130402",
        "unit_id": "u",
        "post": "局长",
        "rank": "正处级",
        "status": "serving",
        "change": "registered",
        "commission_staff": False,
        "effective_on": "2026-11-20",
        "previous_unit_id": None,
        "previous_post": None,
        "previous_rank": None,
        "previous_status": None,
        "seconded_to_unit_id": None,
        "tags": [],
    }
    make(dict(data, official_id="o-0"))
    fast = make(data)
    slow = build_event(OFFICIAL_CHANGED, data, subject="official/o-1", county="130402", now=now)
    assert {k: v for k, v in fast.items() if k != "id"} == {k: v for k, v in slow.items() if k != "id"}
    with pytest.raises(ValueError):
        make(dict(data, reporter_name="x"))


# -- the property: re-importing any valid file changes nothing and emits nothing ------------------
NAMES = st.text(alphabet="张王李赵伟娜强敏", min_size=1, max_size=3)
TOKENS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=6)
ROW = st.fixed_dictionaries(
    {
        "id": TOKENS,
        "name": NAMES,
        "county": st.sampled_from(["130402", "130403", "130102"]),
        "unit_id": st.sampled_from(["u-1", "u-2", "u-3"]),
        "post": st.sampled_from(["局长", "副局长", "科长", "科员"]),
        "rank": st.sampled_from(["科员", "副科级", "正科级", "副处级", "正处级"]),
        "status": st.sampled_from(["serving", "seconded", "left", "retired", "deceased"]),
        "since": st.one_of(st.none(), st.dates(date(1991, 1, 1), date(2100, 12, 31)).map(lambda d: d.isoformat())),
        "commission_staff": st.booleans(),
        "seconded_to": st.sampled_from(["u-8", "u-9"]),
        "tags": st.lists(st.sampled_from(["key_minority", "finance", "reserve_cadre"]), max_size=3),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=25, unique_by=lambda r: r["id"]), fmt=st.sampled_from(["csv", "jsonl"]))
def test_reimporting_any_valid_file_is_a_no_op(rows, fmt):
    """Issue 10 item 3: idempotent — the same file again changes nothing and emits nothing."""
    store = FakeArchiveStore()
    clock = FixedClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    if fmt == "csv":
        lines = [HEADER] + [
            ",".join(
                [
                    r["id"],
                    r["name"],
                    r["county"],
                    r["unit_id"],
                    r["post"],
                    r["rank"],
                    r["status"],
                    r["since"] or "",
                    "1" if r["commission_staff"] else "0",
                    r["seconded_to"],
                    ";".join(r["tags"]),
                ]
            )
            for r in rows
        ]
    else:
        lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    first = import_stream(store, clock, Evaluator(CAL), "officials", fmt, lines, batch=7)
    assert first.failed == 0
    before = {o.id: (o.version, len(o.outbox)) for o in store.all(Official)}
    batches = len(announced(store))
    reminders = len(store.all(Reminder))
    clock.advance(days=3)  # another day: the re-import must still change nothing
    second = import_stream(store, clock, Evaluator(CAL), "officials", fmt, lines, batch=5)
    assert (second.created, second.changed, second.events, second.failed) == (0, 0, 0, 0)
    assert second.unchanged == len(rows)
    assert {o.id: (o.version, len(o.outbox)) for o in store.all(Official)} == before
    assert len(announced(store)) == batches
    assert len(store.all(Reminder)) == reminders
