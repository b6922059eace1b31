"""Precise search (精准检索, 004/4 深圳龙岗) inside the caller's counties, cursor-paged; reading a
file is paged and its hash chain verified on demand (issue 10 items 6 and 8)."""

import uuid
from datetime import date

import pytest

from wuying_archive import handlers
from wuying_archive.handlers import matters, search
from wuying_archive.handlers.conditions import Evaluator
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden
from wuying_common.paging import decode_cursor
from wuying_testing.fakes.archive import FakeArchiveStore

BASE = {"county": "130402", "unit_id": "u-1", "post": "科员", "rank": "科员"}


@pytest.fixture
def store(clock):
    store = FakeArchiveStore()
    handlers.register(
        store,
        clock,
        [],
        [
            dict(BASE, id="o-1", name="张伟", post="局长", rank="正处级", since="2018-01-01", tags=["key_minority"]),
            dict(BASE, id="o-2", name="李娜", since="2022-01-01"),
            dict(BASE, id="o-3", name="王强", county="130403", since="2020-01-01", tags=["key_minority"]),
            dict(BASE, id="o-4", name="赵敏", county="130102", unit_id="u-9", since="2020-01-01"),
        ],
    )
    return store


def ids(page):
    return [o.id for o in page.items]


def test_search_stays_inside_the_callers_counties_and_pages_by_cursor(store, person):
    city = person("s", "archive_keeper", county="130400")
    first = search.search(store, city, {"limit": 2})
    assert (ids(first), decode_cursor(first.next)) == (["o-1", "o-2"], ("o-2",))
    second = search.search(store, city, {"limit": 2, "cursor": decode_cursor(first.next)})
    assert (ids(second), second.next) == (["o-3"], None)
    with pytest.raises(Forbidden):
        search.search(store, city, {"county": "130102"})


def test_search_by_name_post_rank_tag_and_the_time_a_post_was_held(store, person):
    province = person("p", "archive_keeper", county="130000")
    assert ids(search.search(store, province, {"name": "李娜"})) == ["o-2"]
    assert ids(search.search(store, province, {"post": "局长", "rank": "正处级"})) == ["o-1"]
    assert ids(search.search(store, province, {"tag": "key_minority", "county": "130403"})) == ["o-3"]
    held = {"unit_id": "u-1", "date_from": date(2019, 1, 1), "date_to": date(2019, 12, 31)}
    assert ids(search.search(store, province, held)) == ["o-1"]


def test_search_by_condition_and_reminder_state(store, clock, person):
    evaluator = Evaluator(WorkingDayCalendar.official())
    side_job = {"kind": "side_job", "source": "personal_report", "company": "c", "role": "r", "paid": True}
    matters.add_record(store, clock, evaluator, person("k", "archive_keeper"), "o-2", side_job)
    province = person("p", "archive_keeper", county="130000")
    assert ids(search.search(store, province, {"condition": "side_job"})) == ["o-2"]
    assert ids(search.search(store, province, {"reminder_state": "closed"})) == []
    assert ids(search.search(store, person("x", "archive_keeper", county="130403"), {"condition": "side_job"})) == []


def triaged(official_id):
    return {
        "id": str(uuid.uuid4()),
        "type": "wuying.intake.petition.triaged.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": "130402",
        "subject": "petition/p",
        "data": {"outcome": "integrity_information", "subjects": [{"kind": "official", "id": official_id}]},
    }


def test_a_file_is_read_a_page_at_a_time_and_verified_only_when_asked(store, clock, person):
    reader = person("r", "archive_keeper")
    for _ in range(5):
        handlers.record_event(store, clock, triaged("o-1"))
    page = handlers.integrity_file(store, reader, "official", "o-1", limit=2)
    assert ([e.seq for e in page.entries], page.next_after, page.last_seq, page.intact) == ([1, 2], 2, 5, None)
    last = handlers.integrity_file(store, reader, "official", "o-1", after=4, limit=2)
    assert ([e.seq for e in last.entries], last.next_after) == ([5], None)
    assert handlers.integrity_file(store, reader, "official", "o-1", limit=2, verify=True).intact is True
    whole = handlers.integrity_file(store, reader, "official", "o-1")  # one page is the whole file
    assert (len(whole.entries), whole.intact) == (5, True)


def test_verifying_on_demand_finds_the_first_tampered_entry(store, clock, person):
    for _ in range(3):
        handlers.record_event(store, clock, triaged("o-1"))
    entry = store.entry_at("official", "o-1", 2)
    entry.summary = "改过"
    store.add_or_replace(entry)
    check = handlers.verify_file(store, person("a", "auditor"), "official", "o-1")
    assert (check.intact, check.entries, check.first_broken_seq) == (False, 3, 2)
    assert handlers.integrity_file(store, None, "official", "o-1", limit=1).intact is None  # a read does not hash
