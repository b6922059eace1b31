"""Family and interests imported in bulk (issue 15 item 1): JSON lines with each record's
official, line-numbered errors, relatives referred to by their record ids, conditions evaluated,
and importing the same file twice is the same as once."""

import json

import pytest

from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.handlers.importing import import_chunk, import_stream
from wuying_archive.persistence import Dossier, Reminder
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.rules import InvalidInput
from wuying_testing.fakes.archive import FakeArchiveStore

HEADER = "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags"
EVALUATOR = Evaluator(WorkingDayCalendar.official())


@pytest.fixture
def store(clock):
    store = FakeArchiveStore()
    officials = [
        HEADER,
        "o-1,张伟,130402,u-1,局长,正处级,serving,2020-01-01,0,,",
        "o-2,李娜,130403,u-2,科长,正科级,,,0,,",
    ]
    assert import_stream(store, clock, None, "officials", "csv", officials).created == 2
    return store


def lines(*records):
    return [json.dumps(r, ensure_ascii=False) for r in records]


FAMILY = lines(
    {"official_id": "o-1", "kind": "spouse", "source": "personal_report", "name": "王芳", "recorded_on": "2025-03-31"},
    {"official_id": "o-1", "kind": "child", "source": "personal_report", "name": "张明"},
    {"official_id": "o-1", "kind": "business", "source": "personal_report", "holder": "m1", "company": "甲商贸公司"},
    {"official_id": "o-2", "kind": "spouse", "source": "personal_report", "name": "赵强"},
)


def test_records_land_in_new_dossiers_numbered_in_line_order_and_conditions_are_evaluated(store, clock):
    summary = import_chunk(store, clock, EVALUATOR, "matters", "jsonl", FAMILY)
    assert (summary.lines, summary.created, summary.failed) == (4, 4, 0)
    dossier = store.get(Dossier, "o-1")
    assert [(r.id, r.kind, r.noted_by) for r in dossier.records] == [
        ("m1", "spouse", "import"),
        ("m2", "child", "import"),
        ("m3", "business", "import"),
    ]
    assert dossier.records[0].recorded_on == "2025-03-31" and dossier.next_record == 4
    # the spouse's business is the 配偶经商办企业 condition: one reminder, counted in the summary
    reminders = [r for r in store.all(Reminder) if r.official_id == "o-1"]
    assert [r.condition_code for r in reminders] == ["spouse_business"]
    assert summary.reminders == 1


def test_importing_the_same_file_twice_writes_nothing_new(store, clock):
    import_chunk(store, clock, EVALUATOR, "matters", "jsonl", FAMILY)
    again = import_chunk(store, clock, EVALUATOR, "matters", "jsonl", FAMILY)
    assert (again.created, again.unchanged, again.failed) == (0, 4, 0)
    assert len(store.get(Dossier, "o-1").records) == 3


def test_a_record_for_an_official_with_a_dossier_is_appended(store, clock):
    import_chunk(store, clock, EVALUATOR, "matters", "jsonl", FAMILY)
    more = lines({"official_id": "o-2", "kind": "child", "source": "personal_report", "name": "李明"})
    summary = import_chunk(store, clock, EVALUATOR, "matters", "jsonl", more)
    assert summary.created == 1
    assert [r.id for r in store.get(Dossier, "o-2").records] == ["m1", "m2"]


def test_bad_lines_are_reported_with_their_number_and_field_and_the_rest_imports(store, clock):
    bad = lines(
        {"official_id": "o-1", "kind": "spouse", "source": "personal_report", "name": "王芳"},
        {"kind": "spouse", "source": "personal_report", "name": "无名"},  # line 11: no official
        {"official_id": "o-9", "kind": "spouse", "source": "personal_report", "name": "王芳"},  # 12: not registered
        {"official_id": "o-1", "kind": "pet", "source": "personal_report"},  # 13: unknown kind
        {"official_id": "o-1", "kind": "business", "source": "personal_report", "holder": "m7", "company": "乙公司"},
        {"official_id": "o-1", "kind": "spouse", "source": "personal_report"},  # 15: no name
        {"official_id": "o-1", "kind": "inquiry_verification", "source": "verification", "year": 2025},
    ) + ["{oops"]
    summary = import_chunk(store, clock, EVALUATOR, "matters", "jsonl", bad, first_line=10)
    assert [(e.line, e.field) for e in summary.errors] == [
        (11, "official_id"),
        (13, "kind"),
        (15, "name"),
        (16, "kind"),
        (17, "_line"),
        (12, "official_id"),
        (14, "holder"),
    ]
    assert (summary.created, summary.failed) == (1, 7)
    assert [r.name for r in store.get(Dossier, "o-1").records] == ["王芳"]


def test_a_county_outside_the_callers_is_refused_and_csv_is_not_accepted(store, clock):
    summary = import_chunk(store, clock, EVALUATOR, "matters", "jsonl", FAMILY, counties=lambda c: c == "130402")
    assert [(e.line, e.field) for e in summary.errors] == [(4, "official_id")]
    assert store.get(Dossier, "o-2") is None
    with pytest.raises(InvalidInput) as refused:
        import_chunk(store, clock, EVALUATOR, "matters", "csv", ["official_id,kind"])
    assert refused.value.field == "format"
