"""``IntakeStore``'s own queries and write rules, on the embedded store (MongoDB when
``MONGODB_URI`` is set), and the same tests on ``FakeIntakeStore``: what handler tests rely on
the fake for is what the real store does."""

from datetime import date, datetime, timedelta

import pytest

from wuying_common.errors import Conflict
from wuying_common.paging import decode_cursor
from wuying_intake.persistence import IdentityRequest, Petition, Receipt, ReportDeadline, ReportedSubject
from wuying_testing.fakes.intake import FakeIntakeStore


@pytest.fixture(params=["real", "fake"])
def any_store(request):
    if request.param == "fake":
        return FakeIntakeStore()
    return request.getfixturevalue("real_store")


def petition(pid, *, day=1, county="130402", status="received", subject="off-9", **fields) -> Petition:
    received = datetime(2026, 11, day, 2)
    return Petition(
        id=pid,
        channel=fields.pop("channel", "letter"),
        category=fields.pop("category", "other"),
        county=county,
        content="某镇在村道工程招标中指定施工单位。",
        subjects=[ReportedSubject(kind="official", id=subject)],
        subject_keys=fields.pop("subject_keys", [f"official:id:{subject}"]),
        anonymous=True,
        received_on=received.date(),
        received_at=received,
        status=status,
        **fields,
    )


def deadline(key="acknowledge", due=date(2026, 12, 11), **state) -> ReportDeadline:
    return ReportDeadline(
        key=key, label_zh="受理告知期限", amount=15, unit="working_days", counts_from="received",
        start=date(2026, 11, 20), due=due, **state,
    )  # fmt: skip


def test_a_lost_update_or_a_taken_key_is_a_conflict_and_nothing_is_overwritten(any_store):
    any_store.add(petition("A"))
    with pytest.raises(Conflict) as exc:
        any_store.add(petition("A"))
    assert exc.value.code == "duplicate"
    first, stale = any_store.get_petition("A"), any_store.get_petition("A")
    first.status = "triaged"
    any_store.save(first)
    stale.status = "sent_up"
    with pytest.raises(Conflict) as exc:
        any_store.save(stale)
    assert exc.value.code == "concurrent_update"
    assert (any_store.get_petition("A").status, any_store.get_petition("A").version) == ("triaged", 2)


def test_an_unsaved_change_never_shows_and_get_many_keeps_the_order_of_the_keys(any_store):
    any_store.add(petition("A"))
    any_store.add(petition("B"))
    loaded = any_store.get_petition("A")
    loaded.status = "closed"
    assert any_store.get_petition("A").status == "received"
    assert [p.id for p in any_store.get_many(Petition, ["B", "nope", "A"])] == ["B", "A"]
    assert any_store.get_petition("nope") is None


def test_events_are_appended_to_the_stored_outbox_with_the_state(any_store):
    from wuying_intake.schemas import PETITION_CLOSED

    p = petition("A")
    any_store.add(p)
    loaded = any_store.get_petition("A")
    loaded.status = "closed"
    loaded.record_event(
        PETITION_CLOSED, {"petition_id": "A", "outcome": "no_substance", "closed_at": "x", "answered": True}
    )
    any_store.save(loaded)
    stored = any_store.get_petition("A")
    assert stored.status == "closed" and stored.outbox_pending is True
    assert [e.envelope["subject"] for e in stored.outbox] == ["petition/A"]
    assert stored.outbox[0].envelope["county"] == "130402"


def test_search_filters_by_county_and_fields_leaves_out_reports_about_the_reader_and_pages_newest_first(any_store):
    for pid, day, extra in [
        ("A", 1, {}),
        ("B", 3, {"status": "triaged"}),
        ("C", 2, {"channel": "visit"}),
        ("D", 4, {"subject": "off-1"}),
        ("E", 5, {"county": "130403"}),
    ]:
        any_store.add(petition(pid, day=day, **extra))
    here = ("130402",)
    assert [p.id for p in any_store.search(here, {})] == ["D", "B", "C", "A"]
    assert [p.id for p in any_store.search(here, {}, status="triaged")] == ["B"]
    assert [p.id for p in any_store.search(here, {}, channel="visit")] == ["C"]
    assert [p.id for p in any_store.search(here, {}, not_about="off-9")] == ["D"]
    first = any_store.search(here, {"limit": 2})
    assert [p.id for p in first] == ["D", "B"] and first.next
    rest = any_store.search(here, {"limit": 2, "cursor": decode_cursor(first.next)})
    assert [p.id for p in rest] == ["C", "A"] and rest.next is None
    assert [p.id for p in any_store.search(("130402", "130403"), {"limit": 1})] == ["E"]


def test_receipts_are_found_by_their_lookup_prefix_only(any_store):
    receipt = {"salt": "s", "digest": "d", "params": "p"}
    any_store.add(petition("A", receipt=Receipt(prefix="7KQ2", **receipt)))
    any_store.add(petition("B", receipt=Receipt(prefix="7KQ3", **receipt)))
    any_store.add(petition("C"))
    assert [p.id for p in any_store.by_receipt_prefix("7KQ2")] == ["A"]
    assert any_store.by_receipt_prefix("0000") == []


def test_the_clock_finds_open_deadlines_due_by_the_cutoff_oldest_report_first(any_store):
    any_store.add(petition("late", day=9, deadlines=[deadline(due=date(2026, 12, 1))]))
    any_store.add(petition("due", day=2, deadlines=[deadline(due=date(2026, 12, 10))]))
    any_store.add(petition("later", day=1, deadlines=[deadline(due=date(2026, 12, 31))]))
    any_store.add(petition("met", day=1, deadlines=[deadline(due=date(2026, 12, 1), met_on=date(2026, 11, 25))]))
    any_store.add(petition("waived", day=1, deadlines=[deadline(key="send_up", due=date(2026, 12, 1), waived=True)]))
    assert [p.id for p in any_store.open_deadlines(date(2026, 12, 10))] == ["due", "late"]


def test_duplicates_merged_reports_and_reports_about_an_official_are_found_oldest_first(any_store):
    any_store.add(petition("A", day=1))
    any_store.add(petition("B", day=3, merged_into="A"))
    any_store.add(petition("C", day=2, merged_into="A"))
    any_store.add(petition("D", day=4, subject="off-1"))
    any_store.add(petition("E", day=5, county="130403"))
    assert any_store.merged_reports("A") == ["C", "B"]
    assert [p.id for p in any_store.about_official("off-9")] == ["A", "C", "B", "E"]
    since = date(2026, 11, 2)
    assert any_store.about_subjects_since("130402", ["official:id:off-9"], since) == [
        ("B", "某镇在村道工程招标中指定施工单位。"),
        ("C", "某镇在村道工程招标中指定施工单位。"),
    ]
    assert any_store.about_subjects_since("130402", [], since) == []


def test_the_reports_compared_on_arrival_follow_the_subject_keys_as_triage_and_the_purge_change_them(any_store):
    """Duplicates on arrival (seeds/001 黑龙江): the county's reports about a same subject, by id
    or name, received inside the window, newest first (day, then id), at most ``limit``."""
    any_store.add(petition("A", day=1, subject_keys=["official:name:王某"]))
    any_store.add(petition("B", day=5, subject_keys=["official:name:王某", "official:id:off-9"]))
    any_store.add(petition("C", day=5))
    any_store.add(petition("D", day=9, county="130403", subject_keys=["official:name:王某"]))
    name, ident = ["official:name:王某"], ["official:id:off-9"]
    since = date(2026, 11, 1)
    assert [pid for pid, _ in any_store.about_subjects_since("130402", name, since)] == ["B", "A"]
    assert [pid for pid, _ in any_store.about_subjects_since("130402", name + ident, since)] == ["C", "B", "A"]
    assert [pid for pid, _ in any_store.about_subjects_since("130402", name + ident, since, limit=2)] == ["C", "B"]
    assert [pid for pid, _ in any_store.about_subjects_since("130402", name, date(2026, 11, 2))] == ["B"]
    triaged = any_store.get_petition("A")  # triage resolved the name to a registered official
    triaged.subject_keys = sorted({*triaged.subject_keys, "official:id:off-9"})
    any_store.save(triaged)
    assert [pid for pid, _ in any_store.about_subjects_since("130402", ident, since)] == ["C", "B", "A"]
    purged = any_store.get_petition("B")  # the retention purge drops the names
    purged.subject_keys = [k for k in purged.subject_keys if ":name:" not in k]
    purged.content = "（已按保存期限删除）"
    any_store.save(purged)
    assert any_store.about_subjects_since("130402", name, since) == [("A", "某镇在村道工程招标中指定施工单位。")]
    assert ("B", "（已按保存期限删除）") in any_store.about_subjects_since("130402", ident, since)
    unchanged = any_store.get_petition("C")
    unchanged.status = "triaged"
    any_store.save(unchanged)
    assert [pid for pid, _ in any_store.about_subjects_since("130402", ident, since)] == ["C", "B", "A"]


def test_the_audit_reads_refused_attempts_and_request_trails_newest_first_by_period_and_page(any_store):
    start = datetime(2026, 11, 20, 2)
    request = IdentityRequest(
        id="IR-1", petition_id="A", county="130402", reason="需要联系", requested_by="c", requested_at=start
    )
    request.add_audit(start, "c", "requested", "allowed")
    any_store.add(request)
    any_store.audit(
        at=start + timedelta(hours=1), actor="x", action="requested", outcome="denied", code="c1", petition_id="A", county="130402"
    )  # fmt: skip
    any_store.push_audit(
        request, at=start + timedelta(days=2), actor="y", action="approved", outcome="denied", code="c2"
    )
    any_store.audit(at=start, actor="z", action="requested", outcome="denied", petition_id="B", county="130403")
    rows = any_store.audit_entries(("130402",))
    assert [(r["actor"], r["code"], r["request_id"]) for r in rows] == [
        ("y", "c2", "IR-1"),
        ("x", "c1", None),
        ("c", None, "IR-1"),
    ]
    assert [r["actor"] for r in any_store.audit_entries(("130402", "130403"))] == ["y", "x", "z", "c"]
    assert [r["actor"] for r in any_store.audit_entries(("130402",), since=start + timedelta(minutes=1))] == ["y", "x"]
    assert [r["actor"] for r in any_store.audit_entries(("130402",), until=start + timedelta(days=1))] == ["x", "c"]
    with pytest.raises(Conflict):  # the pushed entry moved the version: a stale copy cannot erase it
        request.add_audit(start, "boss", "approved", "allowed")
        any_store.save(request)
    assert len(any_store.get_request("IR-1").audit) == 2


def test_attachments_are_stored_by_key_and_removed_with_a_report_that_could_not_be_stored(any_store):
    item = {"file_name": "a.txt", "content_type": "text/plain", "sha256": "AB" * 32, "content": b"hello"}
    any_store.add(petition("A"))
    with pytest.raises(Conflict):
        any_store.add_report(petition("A"), [item, item])
    assert (any_store.attachment("A", 0), any_store.attachment_count()) == (None, 0)
    any_store.add_report(petition("B"), [item])
    stored = any_store.attachment("B", 0)
    assert (bytes(stored.content), stored.sha256, any_store.attachment_count()) == (b"hello", "ab" * 32, 1)


def test_the_worklist_query_finds_open_watched_deadlines_due_by_the_cutoff_by_county_scope_and_assignee(any_store):
    """Issue 8 item 10: bounded, by the county (or the city/province covering it) and assignee;
    reports the caller is recused from are left out."""
    any_store.add(petition("A", deadlines=[deadline(due=date(2026, 11, 25))], assignee="clerk-1"))
    any_store.add(petition("B", day=2, deadlines=[deadline(due=date(2026, 12, 30))], assignee="clerk-1"))
    any_store.add(petition("C", day=3, deadlines=[deadline(due=date(2026, 11, 10), met_on=date(2026, 11, 9))]))
    any_store.add(petition("D", day=4, county="130403", deadlines=[deadline(due=date(2026, 11, 20))]))
    any_store.add(petition("E", day=5, deadlines=[deadline(key="send_up", due=date(2026, 11, 20), watched=False)]))
    any_store.add(
        petition("F", day=6, subject="off-1", deadlines=[deadline(due=date(2026, 11, 20))], assignee="clerk-2")
    )
    cutoff = date(2026, 12, 1)
    county, city = ("130402",), ("130402", "130403")
    assert [p.id for p in any_store.due_for_worklist(county, cutoff)] == ["A", "F"]
    assert [p.id for p in any_store.due_for_worklist(city, cutoff)] == ["A", "D", "F"]
    assert [p.id for p in any_store.due_for_worklist(city, cutoff, limit=2)] == ["A", "D"]
    assert [p.id for p in any_store.due_for_worklist(county, cutoff, assignee="clerk-2")] == ["F"]
    assert [p.id for p in any_store.due_for_worklist(county, cutoff, recused=["official:id:off-1"])] == ["A"]
