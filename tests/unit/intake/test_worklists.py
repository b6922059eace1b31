"""Staff worklists and internal notes (DESIGN.md §5; 件件有着落，事事有回音, seeds/000 B; issue 8
item 10): deadlines due within N working days and overdue, by assignee and county (the caller's
counties), bounded; internal notes shown to staff only, never to a reporter or in an event."""

import json
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Forbidden
from wuying_intake import handlers
from wuying_intake.domain.petition import IntakeRuleError
from wuying_intake.exceptions import SubjectRecused
from wuying_intake.schemas import DueItemOutSchema, ReceiptStatusSchema, ReportStatusSchema

from .conftest import staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
CITY = Principal("boss-1", frozenset({"intake_supervisor"}), ("130400",))
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标。",
    "subjects": [{"kind": "official", "name": "赵某"}],
    "anonymous": True,
    "reporter": None,
}


def enter(store, clock, calendar, county="130402", recorded_by="clerk-1", **extra):
    payload = dict(REPORT, county=county, **extra)
    return handlers.submit_report(
        store, clock, calendar, None, payload, channel="letter", recorded_by=recorded_by
    ).petition.id


def worklist(store, clock, calendar, principal, **query):
    query = {"county": "130402", "within": 3, "assignee": None, "limit": 100, **query}
    return DueItemOutSchema(many=True).dump(handlers.deadline_worklist(store, clock, calendar, principal, query))


def test_the_worklist_lists_deadlines_due_within_n_working_days_and_overdue_by_assignee_and_county(
    store, clock, calendar
):
    late = enter(store, clock, calendar, received_on=date(2026, 10, 20))  # acknowledge due 11-10: overdue
    soon = enter(store, clock, calendar, received_on=date(2026, 11, 2), recorded_by="clerk-2")  # due 11-23
    later = enter(store, clock, calendar)  # due 12-11: not within 3 working days
    elsewhere = enter(store, clock, calendar, county="130403", received_on=date(2026, 11, 2))
    items = worklist(store, clock, calendar, CLERK)
    assert [(i["petition_id"], i["key"], i["overdue"], i["working_days"]) for i in items] == [
        (late, "acknowledge", True, 8),
        (soon, "acknowledge", False, 1),
    ]
    assert (
        items[1]["assignee"] == "clerk-2" and items[1]["unit_zh"] == "工作日" and items[1]["label_zh"] == "受理告知期限"
    )
    assert [i["petition_id"] for i in worklist(store, clock, calendar, CLERK, assignee="clerk-2")] == [soon]
    assert [i["petition_id"] for i in worklist(store, clock, calendar, CLERK, within=15)] == [late, soon, later]
    city = [i["petition_id"] for i in worklist(store, clock, calendar, CITY, county="130400")]
    assert city == [late, soon, elsewhere]
    with pytest.raises(Forbidden):  # a county token cannot list its city
        worklist(store, clock, calendar, CLERK, county="130400")
    assert [i["petition_id"] for i in worklist(store, clock, calendar, CLERK, limit=1)] == [late]


def test_internal_notes_are_for_staff_only_never_for_the_reporter_rpc_or_events(store, clock, calendar):
    result = handlers.submit_report(store, clock, calendar, None, REPORT, channel="public_portal")
    pid = result.petition.id
    view = staff_view(handlers.add_note(store, clock, CLERK, pid, "已电话联系被反映单位核实，待回复"))
    [note] = view["internal_notes"]
    assert (note["by"], note["text"]) == ("clerk-1", "已电话联系被反映单位核实，待回复") and note["at"]
    with pytest.raises(IntakeRuleError):
        handlers.add_note(store, clock, CLERK, pid, " ")
    petition = store.get_petition(pid)
    for seen in (
        ReceiptStatusSchema().dump(handlers.lookup_receipt(store, result.receipt_code)),
        ReportStatusSchema().dump(petition),
        [e.envelope for e in petition.outbox],
    ):
        assert "待回复" not in json.dumps(seen, ensure_ascii=False, default=str)
    accused = Principal("staff-9", frozenset({"intake_clerk"}), ("130402",), name="赵某")
    with pytest.raises(SubjectRecused):  # a subject named by name adds no note
        handlers.add_note(store, clock, accused, pid, "我要解释一下")
