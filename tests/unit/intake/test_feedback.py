"""Feeding the result back to a named reporter within 15 working days of closing, covered by the
deadline clock (件件有着落，事事有回音, seeds/000 B)."""

import pytest

from wuying_common.auth import Principal
from wuying_intake import handlers
from wuying_intake.exceptions import InvalidTransition
from wuying_intake.schemas import ReportAboutSchema, ReportStatusSchema

from .conftest import REVIEW, RecordingNotifier, staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标，请组织调查。",
    "subjects": [{"kind": "official", "id": "off-9"}],
    "anonymous": False,
    "reporter": {"name": "李举报", "phone": "13800138000"},
}


def closed_report(store, clock, calendar, keyring, anonymous=False):
    payload = dict(REPORT, anonymous=anonymous, reporter=None if anonymous else REPORT["reporter"])
    pid = handlers.submit_report(store, clock, calendar, keyring, payload, channel="letter").petition.id
    handlers.triage(
        store,
        clock,
        CLERK,
        pid,
        {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
    )
    handlers.close(
        store,
        clock,
        CLERK,
        pid,
        {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW},
        calendar=calendar,
    )
    if not anonymous:  # a named reporter is told (issue 8 item 7): the acknowledgement is delivered
        handlers.send_acknowledgement(store, clock, keyring, RecordingNotifier(), CLERK, pid, "sms")
    return pid


def test_a_named_report_is_due_feedback_15_working_days_after_closing_and_the_clock_reminds_then_flags_it(
    store, clock, calendar, keyring
):
    pid = closed_report(store, clock, calendar, keyring)
    due = store.get_petition(pid).deadline("feedback").due
    assert due == calendar.add_working_days(clock.today(), 15).date
    assert (
        store.get_petition(closed_report(store, clock, calendar, keyring, anonymous=True)).deadline("feedback") is None
    )
    clock.advance(days=(due - clock.today()).days - 1)  # a working day or two before
    result = handlers.check_deadlines(store, clock, calendar)
    assert result["reminded"] == 1 and result["overdue"] == []
    clock.advance(days=5)
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == [("130402", "feedback")]
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == []
    kinds = [e.envelope["data"].get("kind") for e in store.get_petition(pid).outbox if "kind" in e.envelope["data"]]
    assert kinds == ["feedback", "feedback"]
    view = staff_view(handlers.record_feedback(store, clock, CLERK, pid, {"method": "phone", "note": "已电话告知"}))
    assert view["feedback"]["on_time"] is False and view["feedback"]["by"] == "clerk-1"
    with pytest.raises(InvalidTransition):
        handlers.record_feedback(store, clock, CLERK, pid, {"method": "phone", "note": ""})


def test_fed_back_in_time_no_notice_follows_and_an_anonymous_or_open_report_has_nothing_to_feed_back(
    store, clock, calendar, keyring
):
    pid = closed_report(store, clock, calendar, keyring)
    assert handlers.record_feedback(store, clock, CLERK, pid, {"method": "letter", "note": ""}).feedback.on_time
    clock.advance(days=60)
    assert handlers.check_deadlines(store, clock, calendar) == {"reminded": 0, "overdue": []}
    anonymous = closed_report(store, clock, calendar, keyring, anonymous=True)
    with pytest.raises(InvalidTransition) as exc:
        handlers.record_feedback(store, clock, CLERK, anonymous, {"method": "phone", "note": ""})
    assert exc.value.code == "no_feedback_due"


# -- RPC for other services --------------------------------------------------------------------------
def test_other_services_read_status_deadlines_and_reports_about_an_official_without_identity_or_content(
    store, clock, calendar, keyring
):
    import json

    pid = closed_report(store, clock, calendar, keyring)
    status = ReportStatusSchema().dump(handlers.report_status(store, pid))
    assert status["status"] == "closed" and status["outcome"] == "no_substance"
    assert (
        status["feedback_due"] == store.get_petition(pid).deadline("feedback").due.isoformat()
        and status["fed_back"] is False
    )
    assert status["acknowledge_due"] and status["handle_due"] is None  # 检举控告: no handling deadline
    assert status["kind"] == "discipline_report"
    assert {d["key"]: d["met_on"] is not None for d in status["deadlines"]} == {
        "acknowledge": True,
        "send_up": False,
        "feedback": False,
    }
    assert handlers.report_status(store, "XF-nope") is None
    other = handlers.submit_report(
        store,
        clock,
        calendar,
        None,
        dict(REPORT, anonymous=True, reporter=None, subjects=[{"kind": "official", "id": "off-1"}]),
        channel="letter",
    ).petition.id
    about = ReportAboutSchema(many=True).dump(handlers.reports_about(store, "off-9"))
    assert [(r["petition_id"], r["status"], r["outcome"]) for r in about] == [(pid, "closed", "no_substance")]
    assert [r.id for r in handlers.reports_about(store, "off-1")] == [other]
    serialized = json.dumps([status, about], ensure_ascii=False)
    for value in [*REPORT["reporter"].values(), REPORT["content"]]:
        assert value not in serialized
