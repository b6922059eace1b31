"""The warning store's own queries, on the embedded store (or MongoDB when MONGODB_URI is set)
and, with the same assertions, on ``FakeWarningStore``: the fake the handler tests use may not
answer differently from the real thing."""

import os
from datetime import datetime

import pytest

from wuying_common import embedded as shared_store
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Conflict
from wuying_common.paging import decode_cursor
from wuying_warning import handlers
from wuying_warning.persistence import (
    ALIAS,
    InboxMessage,
    OfficialWarnings,
    OrganisationalTask,
    WarningRecord,
    WarningStore,
    proposal_warning_id,
)


@pytest.fixture
def store(embedded_or_fake):
    return embedded_or_fake


def warning(official="off-1", county="130402", status="proposed", level=3, at=datetime(2026, 11, 20, 2), **more):
    colour = {3: "blue", 2: "yellow", 1: "red"}[level]
    return WarningRecord(
        official_id=official,
        unit_id=more.pop("unit_id", "unit-1"),
        county=county,
        level=level,
        colour=colour,
        proposer="officer-1",
        proposed_at=at,
        status=status,
        **more,
    )


def test_an_added_warning_is_read_back_by_key_and_a_second_add_is_a_duplicate(store):
    new = warning()
    store.add(new)
    assert new.version == 1
    assert store.warning(new.id).official_id == "off-1"
    assert store.warning("nobody") is None
    with pytest.raises(Conflict) as twice:
        store.add(warning(id=new.id))
    assert twice.value.code == "duplicate"


def test_a_save_over_a_newer_version_is_refused_as_a_lost_update(store):
    store.add(warning())
    [first] = store.warnings_of("off-1")
    second = store.warning(first.id)
    first.status = "issued"
    store.save(first)
    second.status = "rejected"
    with pytest.raises(Conflict) as lost:
        store.save(second)
    assert lost.value.code == "concurrent_update"
    assert (store.warning(first.id).status, store.warning(first.id).version) == ("issued", 2)


def test_an_officials_warnings_are_listed_by_key_oldest_first_and_by_status(store):
    late = warning(at=datetime(2026, 11, 21))
    early = warning(at=datetime(2026, 11, 1), status="issued")
    for w in (late, early, warning(official="off-2")):
        store.add(w)
    assert [w.id for w in store.warnings_of("off-1")] == [early.id, late.id]
    assert [w.id for w in store.warnings_of("off-1", ("issued",))] == [early.id]
    assert store.warnings_of("off-9") == []


def test_a_warning_listed_but_never_inserted_is_skipped(store):
    """A crash between listing a warning under its official and inserting it leaves an id
    that reads as nothing (the redelivered event inserts it)."""
    store.add_or_replace(OfficialWarnings(official_id="off-1", warning_ids=["never-written"]))
    assert store.warnings_of("off-1") == []
    kept = warning()
    store.add(kept)
    assert [w.id for w in store.warnings_of("off-1")] == [kept.id]


def test_lists_for_people_filter_by_county_status_and_level_newest_first(store):
    old = warning(at=datetime(2026, 10, 1))
    new = warning(at=datetime(2026, 11, 1), level=2)
    for w in (old, new, warning(county="130102"), warning(status="issued", at=datetime(2026, 9, 1))):
        store.add(w)
    assert [w.id for w in store.find(("130402",), {}, status="proposed")] == [new.id, old.id]
    assert [w.id for w in store.find(("130402",), {}, status="proposed", level=2)] == [new.id]
    first = store.find(("130402",), {"limit": 1}, status="proposed")
    assert [w.id for w in first] == [new.id]
    rest = store.find(("130402",), {"limit": 1, "cursor": decode_cursor(first.next)}, status="proposed")
    assert [w.id for w in rest] == [old.id] and rest.next is None
    assert len(store.find(("130402", "130102"), {})) == 4


def test_red_warnings_of_a_unit_in_a_year_exclude_revoked_ones(store):
    red = warning(level=1, status="issued", issued_on="2026-03-01")
    for w in (
        red,
        warning(level=1, status="revoked", issued_on="2026-04-01"),
        warning(level=1, status="issued", issued_on="2025-12-31"),
        warning(level=2, status="issued", issued_on="2026-05-01"),
    ):
        store.add(w)
    assert [w.id for w in store.red_issued_in_year("unit-1", 2026)] == [red.id]


def test_the_timer_finds_answers_and_fixes_past_their_dates(store):
    late_answer = warning(status="issued", answer_due="2026-11-19")
    late_fix = warning(status="rectifying", fix_due="2026-11-01")
    for w in (late_answer, late_fix, warning(status="issued", answer_due="2026-11-20")):
        store.add(w)
    assert {w.id for w in store.overdue_candidates("2026-11-20")} == {late_answer.id, late_fix.id}


def test_the_timer_finds_a_fix_date_passed_while_the_warning_is_still_unanswered(store):
    """Issue 8: an ignored red warning may never have been answered; its fix date counts too."""
    ignored = warning(level=1, status="issued", answer_due="2026-12-01", fix_due="2026-11-19")
    both = warning(level=1, status="issued", answer_due="2026-11-01", fix_due="2026-11-19")
    for w in (ignored, both, warning(level=1, status="rectified", fix_due="2026-11-01")):
        store.add(w)
    found = store.overdue_candidates("2026-11-20")
    assert sorted(w.id for w in found) == sorted([ignored.id, both.id])


def test_worklists_read_the_counties_a_token_covers_by_status_most_urgent_first(store):
    """Issue 8 item 10: a city code covers its districts, a province code its counties."""
    late = warning(status="issued", answer_due="2026-11-01")
    soon = warning(status="issued", answer_due="2026-12-01", county="130403")
    elsewhere = warning(status="issued", answer_due="2026-10-01", county="130102")
    pending = warning(status="answered", reports_pending=True)
    for w in (soon, late, elsewhere, pending, warning(status="proposed")):
        store.add(w)
    assert [w.id for w in store.worklist(["130400"], ["issued"], "answer_due", 10)] == [late.id, soon.id]
    assert [w.id for w in store.worklist(["130000"], ["issued"], "answer_due", 2)] == [elsewhere.id, late.id]
    assert [w.id for w in store.worklist(["130402", "130102"], ["issued"], "answer_due", 10)] == [
        elsewhere.id,
        late.id,
    ]
    assert [
        w.id for w in store.worklist(["130402"], ["answered", "issued"], "proposed_at", 10, reports_pending=True)
    ] == [pending.id]
    assert [w.id for w in store.worklist(["130402"], ["answered"], "answer_due", 10, level=2)] == []


def test_organisational_tasks_are_read_by_key_and_listed_by_county_and_due_date(store):
    def task(key, county="130402", due="2026-12-21", status="open"):
        return OrganisationalTask(
            id=key,
            warning_id=key[3:],
            official_id="off-1",
            county=county,
            status=status,
            owner="county_party_committee",
            owner_zh="县（市、区）党委",
            recorder_role="party_committee",
            rule_version="default-2026.1",
            opened_on="2026-11-20",
            opened_at=datetime(2026, 11, 20),
            due_on=due,
        )

    for t in (
        task("oh-b"),
        task("oh-a", due="2026-12-01"),
        task("oh-c", county="130102"),
        task("oh-d", status="closed"),
    ):
        store.add(t)
    assert store.task("oh-a").due_on == "2026-12-01" and store.task("oh-x") is None
    assert [t.id for t in store.tasks(["130402"], "open", 10)] == ["oh-a", "oh-b"]
    assert [t.id for t in store.tasks(["130000"], None, 10)] == ["oh-a", "oh-b", "oh-c", "oh-d"]
    assert [t.id for t in store.tasks(["130100"], None, 10)] == ["oh-c"]
    first = store.task_page(["130000"], None, {"limit": 3})
    assert [t.id for t in first] == ["oh-a", "oh-b", "oh-c"]
    assert [t.id for t in store.task_page(["130000"], None, {"cursor": decode_cursor(first.next)})] == ["oh-d"]


def test_provisional_dues_and_pending_supersedes_are_found_and_cleared(store):
    """Issue 8 items 1 and 3: what a loaded year recounts; issued warnings with lower ones open."""
    answer = warning(status="issued", answer_due_provisional=True)
    fix = warning(status="rectifying", fix_due_provisional=True)
    for w in (answer, fix, warning(status="lifted", answer_due_provisional=True), warning(status="issued")):
        store.add(w)
    assert sorted(w.id for w in store.provisional_dues(["issued", "rectifying"])) == sorted([answer.id, fix.id])
    higher = warning(level=1, status="issued", supersede_pending=True)
    store.add(higher)
    assert [w.id for w in store.supersede_pending()] == [higher.id]
    store.clear_supersede_pending(higher.id)
    assert store.supersede_pending() == []


def test_pending_notices_are_cleared_only_if_nothing_was_written_since(store):
    queued = warning(notices_pending=True)
    store.add(queued)
    assert [w.id for w in store.notices_pending()] == [queued.id]
    store.clear_notices_pending(queued.id, version=0)  # an older version: left pending
    assert store.warning(queued.id).notices_pending is True
    store.clear_notices_pending(queued.id, version=1)
    assert store.notices_pending() == []


def test_an_inbox_message_is_delivered_once_listed_newest_first_and_read_once(store):
    def message(key, at):
        return InboxMessage(
            id=key,
            official_id="off-1",
            warning_id="w",
            county="130402",
            kind="notice",
            title="廉情预警告知书",
            body="正文",
            delivered_at=at,
        )

    assert store.deliver_inbox(message("w.n1", datetime(2026, 11, 1))) is True
    assert store.deliver_inbox(message("w.n1", datetime(2026, 11, 2))) is False
    store.deliver_inbox(message("w.n2", datetime(2026, 11, 3)))
    assert [m.id for m in store.inbox("off-1", {})] == ["w.n2", "w.n1"]
    store.mark_read("w.n1", datetime(2026, 11, 4))
    store.mark_read("w.n1", datetime(2026, 11, 5))
    assert store.inbox_message("w.n1").read_at == datetime(2026, 11, 4)


def test_a_calendar_year_loaded_twice_is_stored_once_with_an_event_per_load(store, clock):
    """Issue 8 item 3: a year is stored by key; each load writes its ``calendar.year_loaded``."""
    calendar = WorkingDayCalendar.official()
    handlers.load_calendar_year(store, calendar, {"year": 2028, "holidays": []}, clock)
    handlers.load_calendar_year(store, calendar, {"year": 2027, "holidays": []}, clock)
    handlers.load_calendar_year(store, calendar, {"year": 2027, "holidays": ["2027-01-01"]}, clock)
    assert [(y["year"], y["holidays"]) for y in store.calendar_years()] == [(2027, ["2027-01-01"]), (2028, [])]
    record = store.calendar_year(2027)
    assert [e.routing_key for e in record.outbox] == ["calendar.year_loaded", "calendar.year_loaded"]
    assert record.outbox[-1].envelope["data"]["holidays"] == ["2027-01-01"]


@pytest.mark.skipif(bool(os.environ.get("MONGODB_URI")), reason="about the embedded store's scans")
def test_the_per_event_paths_read_and_write_by_key_on_the_embedded_store(embedded_store, clock, monkeypatch):
    """issue 7: a consumed proposal (new and redelivered) and a triaged report about an official
    without a blue warning never scan a collection (mongomock scans any filter without _id)."""
    embedded_store(ALIAS)
    real = WarningStore(ALIAS, "embedded")
    real.ensure_indexes()
    scans = []
    original = shared_store._SCAN
    monkeypatch.setattr(shared_store, "_SCAN", lambda coll, spec: scans.append(spec) or original(coll, spec))
    event = {
        "id": "7c0b6c1e-0000-4000-8000-000000000001",
        "data": {"official_id": "off-1", "unit_id": "u", "county": "130402", "level": 3, "risk_point": "招投标"},
    }
    assert handlers.proposal_from_event(real, clock, event)[0] == "processed"
    assert handlers.proposal_from_event(real, clock, event) == ("duplicate", None)
    triaged = {
        "id": "7c0b6c1e-0000-4000-8000-000000000002",
        "data": {
            "petition_id": "p",
            "outcome": "integrity_information",
            "subjects": [{"kind": "official", "id": "off-1"}],
        },
    }
    assert handlers.report_from_triage(real, clock, triaged) == "processed"
    assert scans == []
    assert real.warning(proposal_warning_id(event["id"])).source_event_id == event["id"]
