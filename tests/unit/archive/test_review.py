"""The one-click integrity review report (廉政审核, 004/4 深圳龙岗: 根据输入的一人或多人信息及审核时间范围，
自动检索相应人员的问题线索、组织处理、党纪政务处分等内容，实现批量、在线一键生成廉政审核报告)."""

import uuid
from datetime import UTC, date, datetime

import pytest

from wuying_archive import handlers, views
from wuying_archive.handlers import matters, review
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import AccessLog, Review
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden
from wuying_common.rules import InvalidInput
from wuying_testing.fakes.archive import FakeArchiveStore

from .pdftext import pdf_text, uncompressed

PEOPLE = [
    {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "局长", "rank": "正处级"},
    {"id": "off-2", "name": "李娜", "county": "130402", "unit_id": "unit-1", "post": "科长", "rank": "正科级"},
    {"id": "off-3", "name": "王强", "county": "130402", "unit_id": "unit-2", "post": "科员", "rank": "科员"},
    {"id": "off-4", "name": "王强", "county": "130402", "unit_id": "unit-3", "post": "科员", "rank": "科员"},
    {"id": "off-5", "name": "赵敏", "county": "130102", "unit_id": "unit-9", "post": "科员", "rank": "科员"},
]


def event(event_type, data, time):
    return {
        "id": str(uuid.uuid4()),
        "type": f"wuying.{event_type}.v1",
        "time": time,
        "county": "130402",
        "subject": "x/1",
        "data": dict(data, official_id="off-1", county="130402"),
    }


@pytest.fixture
def store():
    return FakeArchiveStore()


@pytest.fixture
def evaluator():
    return Evaluator(WorkingDayCalendar.official())


@pytest.fixture
def keeper(person):
    return person("keeper-1", "archive_keeper")


@pytest.fixture
def history(store, clock, evaluator, keeper):
    """张伟: a warning lifted in March, organisational handling opened in October (recorded on
    2026-11-20), a demerit decided in June; the others have nothing."""
    handlers.register(store, clock, [], PEOPLE)
    issued = event("warning.warning.issued", {"warning_id": "w-1", "colour": "yellow"}, "2026-02-01T02:00:00Z")
    lifted = event("warning.warning.lifted", {"warning_id": "w-1", "lifted_on": "2026-03-10"}, "2026-03-10T02:00:00Z")
    opened = event(
        "warning.organisational_handling.opened", {"task_id": "t-1", "due_on": "2026-12-01"}, "2026-10-10T02:00:00Z"
    )
    for e in (issued, lifted, opened):
        handlers.record_event(store, clock, e)
    sanction = {"kind": "sanction", "source": "case_handling", "sanction": "demerit", "decided_on": "2026-06-01"}
    matters.add_record(store, clock, evaluator, keeper, "off-1", sanction)


def test_the_review_lists_settled_outcomes_and_marks_what_is_pending(store, clock, evaluator, keeper, history):
    found = review.create_review(
        store,
        clock,
        evaluator,
        keeper,
        purpose="干部选拔任用征求意见",
        people=["张伟、李娜"],
        date_from=date(2026, 1, 1),
    )
    assert (found.state, found.total, found.done, found.with_findings, found.pending_items) == ("done", 2, 2, 1, 1)
    rows = review.rows_of(store, clock, keeper, found.id, 0).rows
    zhang, li = rows
    assert {(i["category"], i["settled"]) for i in zhang["items"]} == {
        ("warning", True),
        ("organisational_handling", False),
        ("sanction", True),
    }
    assert next(i for i in zhang["items"] if i["category"] == "organisational_handling")["status_zh"] == "尚未办结"
    assert li["items"] == [] and li["conclusion_zh"].startswith("审核期间未发现")


def test_a_date_range_keeps_only_what_happened_in_it_or_was_still_pending(store, clock, evaluator, keeper, history):
    found = review.create_review(
        store, clock, evaluator, keeper, purpose="评先评优", people=["off-1"], date_from=date(2026, 7, 1)
    )
    (row,) = review.rows_of(store, clock, keeper, found.id, 0).rows
    assert [i["category"] for i in row["items"]] == ["organisational_handling"]


def test_as_of_a_stated_time_only_what_the_archive_knew_then(store, clock, evaluator, keeper, history):
    """Reproducible later: entries recorded after ``as_of`` (all on 2026-11-20 here) are left out."""
    before = review.create_review(
        store, clock, evaluator, keeper, purpose="复核", people=["off-1"], as_of=datetime(2026, 11, 19, tzinfo=UTC)
    )
    (row,) = review.rows_of(store, clock, keeper, before.id, 0).rows
    assert row["items"] == [] and row["file_seq"] == 0
    now = review.create_review(store, clock, evaluator, keeper, purpose="复核", people=["off-1"])
    (row,) = review.rows_of(store, clock, keeper, now.id, 0).rows
    assert len(row["items"]) == 3 and row["file_seq"] == 3  # the three events (registration not relayed here)
    with pytest.raises(InvalidInput):
        review.create_review(
            store, clock, evaluator, keeper, purpose="复核", people=["off-1"], as_of=datetime(2027, 1, 1, tzinfo=UTC)
        )


def test_unknown_ambiguous_and_foreign_inputs_are_listed_back_by_name(store, clock, evaluator, keeper, history):
    found = review.create_review(
        store,
        clock,
        evaluator,
        keeper,
        purpose="干部选拔任用征求意见",
        people=["张伟", "查无此人"],
        text="id,name\noff-2,李娜\n王强\noff-5\n",
    )
    assert found.total == 2
    assert [(u["input"], u["reason"]) for u in found.unknown] == [
        ("查无此人", "not_found"),
        ("王强", "ambiguous"),
        ("off-5", "outside_counties"),
    ]
    assert len(found.unknown[1]["candidates"]) == 2


def test_a_review_without_a_purpose_is_refused_and_each_request_is_audited(
    store, clock, evaluator, keeper, history, person
):
    with pytest.raises(InvalidInput) as raised:
        review.create_review(store, clock, evaluator, keeper, purpose="  ", people=["off-1"])
    assert (raised.value.field, raised.value.code) == ("purpose", "purpose_required")
    found = review.create_review(store, clock, evaluator, keeper, purpose="干部选拔任用征求意见", unit_id="unit-1")
    assert found.total == 2
    review.get_review(store, clock, keeper, found.id)
    actions = [(log.action, log.by, log.purpose) for log in store.all(AccessLog)]
    assert actions == [
        ("review.create", "keeper-1", "干部选拔任用征求意见"),
        ("review.read", "keeper-1", "干部选拔任用征求意见"),
    ]
    with pytest.raises(Forbidden):
        review.create_review(store, clock, evaluator, person("w", "warning_officer"), purpose="x y", people=["off-1"])


def test_a_large_review_runs_page_by_page_and_shows_its_progress(store, clock, evaluator, keeper, monkeypatch):
    monkeypatch.setattr(review, "PAGE_SIZE", 2)
    monkeypatch.setattr(review, "SYNC_LIMIT", 3)
    handlers.register(store, clock, [], PEOPLE[:4])
    found = review.create_review(
        store, clock, evaluator, keeper, purpose="批量审核", people=["off-1", "off-2", "off-3", "off-4"]
    )
    assert (found.state, found.done, found.pages) == ("queued", 0, 2)
    halfway = review.run_review(store, clock, evaluator, found.id, max_pages=1)
    assert (halfway.state, halfway.done) == ("running", 2)
    done = review.run_review(store, clock, evaluator, found.id)
    assert (done.state, done.done) == ("done", 4)
    assert store.get(Review, found.id).finished_at is not None


def test_the_review_pdf_is_watermarked_with_the_requester_and_time(
    store, clock, evaluator, keeper, history, monkeypatch
):
    uncompressed(monkeypatch)
    found = review.create_review(
        store, clock, evaluator, keeper, purpose="干部选拔任用征求意见", people=["张伟", "无名"]
    )
    pdf = views.review_pdf(found, review.all_rows(store, found), "keeper-1", clock.now())
    text = pdf_text(pdf)
    assert "廉政审核报告" in text and "张伟" in text and "无名" in text and "尚未办结" in text
    assert "keeper-1  2026-11-20 10:00" in text


def test_an_input_longer_than_a_page_goes_on_over_the_next_page_not_a_500(store, clock, evaluator, keeper, history):
    """A listed-back input of 2,000 characters (the longest ``people`` accepts) used to be one
    table cell taller than a page: reportlab's LayoutError, a 500 from report.pdf."""
    found = review.create_review(store, clock, evaluator, keeper, purpose="干部选拔任用征求意见", people=["张" * 2000])
    assert [u["reason"] for u in found.unknown] == ["not_found"]
    pdf = views.review_pdf(found, review.all_rows(store, found), "keeper-1", clock.now())
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") >= 2
