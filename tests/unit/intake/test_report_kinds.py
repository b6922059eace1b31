"""Kinds of report on entry and the deadlines each gets and meets (handlers, schemas, persistence):
检举控告 (纪检监察机关处理检举控告工作规则) and 信访 (信访工作条例), forwarded reports (转来)."""

from datetime import date, datetime

import pytest
from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.rules import UnprocessableInput
from wuying_intake import handlers
from wuying_intake.exceptions import InvalidTransition
from wuying_intake.persistence import Closure, Petition, ReportedSubject, Triage
from wuying_intake.schemas import StaffReportSchema, SubmitReportSchema

from .conftest import REVIEW, staff_view, submitted

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
PUBLIC = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标。",
    "subjects": [{"kind": "official", "name": "赵某"}],
    "anonymous": True,
}
STAFF = dict(PUBLIC, channel="letter", received_on="2026-11-20", kind="discipline_report")
FORWARDED = dict(STAFF, forwarded=True, forwarded_from="某市纪委监委信访室", forwarded_on="2026-11-18")


def enter(store, clock, calendar, body):
    payload = StaffReportSchema().load(body)
    return submitted(
        handlers.submit_report(store, clock, calendar, None, payload, channel=payload["channel"], recorded_by="c")
    )


def keys(view):
    return {d["key"]: d for d in view["deadlines"]}


def test_staff_must_say_the_kind_and_the_public_portal_may_not():
    with pytest.raises(ValidationError) as exc:
        StaffReportSchema().load({k: v for k, v in STAFF.items() if k != "kind"})
    assert "kind" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        StaffReportSchema().load(dict(STAFF, kind="complaint"))
    assert "kind" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        SubmitReportSchema().load(dict(PUBLIC, kind="petition"))
    assert "kind" in exc.value.messages
    assert "kind" not in SubmitReportSchema().load(PUBLIC)


def test_a_forwarded_report_names_who_forwarded_it_and_when_and_only_a_forwarded_one_does():
    for missing in ("forwarded_from", "forwarded_on"):
        with pytest.raises(ValidationError) as exc:
            StaffReportSchema().load({k: v for k, v in FORWARDED.items() if k != missing})
        assert missing in exc.value.messages
    with pytest.raises(UnprocessableInput) as late:  # a rule between two dates: 422
        StaffReportSchema().load(dict(FORWARDED, forwarded_on="2026-11-21"))
    assert (late.value.field, late.value.code, late.value.status) == ("forwarded_on", "forwarded_after_received", 422)
    with pytest.raises(ValidationError) as exc:
        StaffReportSchema().load(dict(STAFF, forwarded_from="某市纪委监委"))
    assert "forwarded_from" in exc.value.messages


def test_the_public_portal_takes_discipline_reports_counted_in_working_days(store, clock, calendar):
    result = submitted(handlers.submit_report(store, clock, calendar, None, PUBLIC, channel="public_portal"))
    assert result["kind"] == "discipline_report" and result["kind_zh"] == "检举控告"
    view = staff_view(handlers.get_report(store, CLERK, result["petition_id"]))
    assert {k: (d["unit_zh"], d["due"]) for k, d in keys(view).items()} == {
        "acknowledge": ("工作日", date(2026, 12, 11).isoformat()),
        "send_up": ("工作日", date(2026, 11, 27).isoformat()),
    }
    assert view["rules_zh"] == "纪检监察机关处理检举控告工作规则"


def test_a_forwarded_discipline_report_gets_the_5_working_day_acceptance_deadline_met_by_triage(store, clock, calendar):
    pid = enter(store, clock, calendar, FORWARDED)["petition_id"]
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert view["forwarded"] is True and view["forwarded_from"] == "某市纪委监委信访室"
    assert view["forwarded_on"] == date(2026, 11, 18).isoformat()
    accept = keys(view)["accept_forwarded"]
    assert (accept["due"], accept["unit"], accept["label_zh"]) == (
        date(2026, 11, 27).isoformat(),
        "working_days",
        "转来件受理期限",
    )
    clock.advance(days=3)
    view = staff_view(
        handlers.triage(
            store,
            clock,
            CLERK,
            pid,
            {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
        )
    )
    d = keys(view)
    assert (
        d["accept_forwarded"]["met_on"] == date(2026, 11, 23).isoformat() and d["accept_forwarded"]["on_time"] is True
    )
    assert d["acknowledge"]["met_by"] == "triage"
    assert d["send_up"]["waived"] is True and d["send_up"]["met_on"] is None


def test_a_forwarded_petition_records_its_origin_and_keeps_the_petition_deadlines(store, clock, calendar):
    pid = enter(store, clock, calendar, dict(FORWARDED, kind="petition"))["petition_id"]
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert view["forwarded"] is True and list(keys(view)) == ["register"]
    assert (
        keys(view)["register"]["unit_zh"] == "自然日" and view["acknowledge_due"] == date(2026, 12, 7).isoformat()
    )  # 12-05 is a Saturday: 民法典 第二百零三条


def test_sending_up_meets_the_send_up_and_receipt_deadlines(store, clock, calendar):
    pid = enter(store, clock, calendar, FORWARDED)["petition_id"]
    clock.advance(days=2)
    view = staff_view(handlers.send_up(store, clock, CLERK, pid, {"organ": "某市纪委监委", "reason": "属市管干部"}))
    assert view["sent_up"]["due"] == date(2026, 11, 27).isoformat() and view["sent_up"]["on_time"] is True
    assert {k: d["met_by"] for k, d in keys(view).items()} == {
        "acknowledge": "send_up",
        "accept_forwarded": "send_up",
        "send_up": "send_up",
    }
    petition = enter(store, clock, calendar, dict(STAFF, kind="petition", received_on="2026-11-22"))
    view = staff_view(
        handlers.send_up(store, clock, CLERK, petition["petition_id"], {"organ": "某市信访局", "reason": "越级"})
    )
    assert (
        view["sent_up"]["due"] == date(2026, 12, 7).isoformat()
    )  # a petition goes on within its registration deadline


def test_closing_a_petition_meets_its_handling_deadline_and_owes_no_feedback(store, clock, calendar):
    pid = enter(store, clock, calendar, dict(STAFF, kind="petition"))["petition_id"]
    handlers.triage(
        store,
        clock,
        CLERK,
        pid,
        {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
    )
    clock.advance(days=10)
    view = staff_view(
        handlers.close(
            store,
            clock,
            CLERK,
            pid,
            {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW},
            calendar,
        )
    )
    d = keys(view)
    assert d["handle"]["met_on"] == date(2026, 11, 30).isoformat() and d["handle"]["on_time"] is True
    assert "feedback" not in d and view["feedback_due"] is None
    with pytest.raises(InvalidTransition) as exc:
        handlers.record_feedback(store, clock, CLERK, pid, {"method": "phone", "note": ""})
    assert exc.value.code == "no_feedback_due"
    clock.advance(days=200)
    assert handlers.check_deadlines(store, clock, calendar) == {"reminded": 0, "overdue": []}


def test_reports_stored_before_the_rule_table_are_migrated_into_the_deadline_list(real_store, clock):
    store = real_store
    legacy = Petition(
        id="XF130402-20261001-LEGACY01",
        channel="letter",
        category="other",
        county="130402",
        content="某镇在村道工程招标中指定施工单位。",
        subjects=[ReportedSubject(kind="official", name="赵某")],
        anonymous=False,
        received_on=date(2026, 10, 9),
        received_at=datetime(2026, 10, 9, 2),
        acknowledge_due=date(2026, 10, 30),
        acknowledge_due_provisional=False,
        send_up_due=date(2026, 10, 16),
        feedback_due=date(2026, 12, 10),
        status="closed",
        notices=["overdue:handle:2026-11-12"],
        triage=Triage(
            outcome="no_substance",
            severity="low",
            triaged_at=datetime(2026, 10, 13, 2),
            triaged_by="c",
            handle_due=date(2026, 11, 12),
            extended=True,
            extension_reason="补充材料",
            extended_by="c",
        ),
        closure=Closure(answer="不属实。", closed_at=datetime(2026, 11, 19, 2), closed_by="c"),
    )
    legacy.save_versioned()
    Petition.objects(id=legacy.id).update_one(unset__deadlines=True, unset__kind=True, unset__rules_version=True)
    assert store.migrate_legacy_deadlines() == 1
    assert store.migrate_legacy_deadlines() == 0
    migrated = store.get_petition(legacy.id)
    assert migrated.kind == "discipline_report" and migrated.rules_version == "legacy"
    assert migrated.acknowledge_due is None and migrated.triage.handle_due is None
    view = staff_view(migrated)
    assert view["acknowledge_due"] == "2026-10-30" and view["feedback_due"] == "2026-12-10"
    assert view["triage"]["handle_due"] == "2026-11-12" and view["triage"]["extended"] is True
    d = keys(view)
    assert d["acknowledge"]["met_on"] == "2026-10-13" and d["send_up"]["waived"] is True
    assert d["handle"]["overdue_notified"] is True and d["handle"]["unit"] == "calendar_days"
    assert d["handle"]["met_on"] == "2026-11-19" and d["feedback"]["met_on"] is None
