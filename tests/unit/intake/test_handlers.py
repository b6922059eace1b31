"""Intake use cases on the embedded store with a fixed clock (DESIGN.md §4 Intake)."""

import base64
import json
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Forbidden, rule_error
from wuying_common.events import FORBIDDEN_EVENT_FIELDS, registry
from wuying_common.rules import RuleBroken, UnprocessableInput
from wuying_intake import handlers
from wuying_intake.domain.protection import Keyring
from wuying_intake.exceptions import EncryptionUnavailable, InvalidTransition, PetitionNotFound, ReceiptNotFound
from wuying_intake.persistence import Petition

from .conftest import receipt_view, staff_view, staff_view_many, submitted

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()
REPORTER = {"name": "李举报", "phone": "13912345678", "id_number": "11010519491231002X", "address": "幸福路88号"}
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标。",
    "subjects": [{"kind": "official", "name": "赵某", "unit_name": "某镇政府", "id": None}],
}
CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))


def submit(store, clock, calendar, keyring, anonymous=False, **extra):
    payload = dict(REPORT, anonymous=anonymous, reporter=None if anonymous else dict(REPORTER), **extra)
    return submitted(
        handlers.submit_report(store, clock, calendar, keyring, payload, channel=extra.get("channel", "public_portal"))
    )


def test_a_submission_is_stored_with_its_deadline_and_its_received_event_in_one_document(
    store, clock, calendar, keyring
):
    result = submit(store, clock, calendar, keyring)
    petition = store.get_petition(result["petition_id"])
    assert petition.status == "received"
    assert petition.received_on == date(2026, 11, 20)
    assert petition.kind == "discipline_report" and petition.rules_version == "default-2026.2"
    assert petition.deadline("acknowledge").due == date(2026, 12, 11)
    assert result["acknowledge_due"] == "2026-12-11"
    assert petition.deadline("acknowledge").provisional is False and result["acknowledge_due_provisional"] is False
    assert [(d["key"], d["unit"]) for d in result["deadlines"]] == [
        ("acknowledge", "working_days"),
        ("send_up", "working_days"),
    ]
    assert [e.envelope["type"] for e in petition.outbox] == ["wuying.intake.petition.received.v1"]
    assert petition.outbox[0].envelope["data"]["subject_count"] == 1
    assert petition.outbox_pending is True


def test_staff_entry_counts_the_deadline_from_the_day_the_letter_arrived(store, clock, calendar, keyring):
    result = submit(store, clock, calendar, keyring, channel="letter", received_on=date(2026, 11, 13))
    assert result["acknowledge_due"] == date(2026, 12, 4).isoformat()
    assert store.get_petition(result["petition_id"]).channel == "letter"


def test_a_received_date_in_the_future_is_refused_and_nothing_is_stored(store, clock, calendar, keyring):
    with pytest.raises(UnprocessableInput) as exc:  # a date against today: 422
        submit(store, clock, calendar, keyring, channel="letter", received_on=date(2026, 11, 21))
    assert (exc.value.field, exc.value.code, rule_error(exc.value).status) == ("received_on", "date_in_future", 422)
    assert store.count() == 0


def test_without_a_keyring_named_reports_are_refused_and_anonymous_ones_accepted(store, clock, calendar):
    with pytest.raises(EncryptionUnavailable) as exc:
        submit(store, clock, calendar, None)
    assert exc.value.status == 503
    assert store.count() == 0
    assert "receipt_code" in submit(store, clock, calendar, None, anonymous=True)


def test_every_intake_event_of_a_named_report_is_free_of_the_reporters_identity(store, clock, calendar, keyring):
    triage_as = {
        "severity": "high",
        "subjects": [{"kind": "official", "id": "off-9", "county": "130402"}],
        "note": "反映具体，有线索可查",
    }
    first = submit(store, clock, calendar, keyring)["petition_id"]
    handlers.triage(store, clock, CLERK, first, dict(triage_as, outcome="integrity_information"))
    handlers.close(store, clock, CLERK, first, {"answer": "已转风险研判并跟踪处理。", "note": ""})
    clue = submit(store, clock, calendar, keyring)["petition_id"]
    handlers.triage(store, clock, CLERK, clue, dict(triage_as, outcome="case_clue"))
    up = submit(store, clock, calendar, keyring)["petition_id"]
    handlers.send_up(store, clock, CLERK, up, {"organ": "某某市纪委监委", "reason": "反映对象为市管干部"})
    false = submit(store, clock, calendar, keyring)["petition_id"]  # seeds/003: clarified, reporter disposed of
    handlers.triage(store, clock, CLERK, false, dict(triage_as, outcome="suspected_malicious"))
    handlers.conclude_verification(
        store, clock, CLERK, false, {"confirmed": True, "note": "", "clarification": "经核实，反映问题不属实"}
    )
    late = submit(store, clock, calendar, keyring)["petition_id"]
    clock.advance(days=18)  # 2026-12-08: three working days before the acknowledgement deadline
    handlers.check_deadlines(store, clock, calendar)
    clock.advance(days=6)  # 2026-12-14: past it
    handlers.check_deadlines(store, clock, calendar)

    envelopes = [e.envelope for pid in (first, clue, up, false, late) for e in store.get_petition(pid).outbox]
    intake_types = {t.type for t in registry.all() if t.schema.__module__.startswith("wuying_intake.schemas")}
    assert {e["type"] for e in envelopes} == intake_types
    serialized = json.dumps(envelopes, ensure_ascii=False, default=str)
    for value in REPORTER.values():
        assert value not in serialized
    for envelope in envelopes:
        assert not FORBIDDEN_EVENT_FIELDS & set(envelope["data"])
        assert "content" not in envelope["data"]


def test_the_stored_report_and_the_staff_view_hold_no_reporter_detail_in_clear(store, clock, calendar, keyring):
    pid = submit(store, clock, calendar, keyring)["petition_id"]
    petition = store.get_petition(pid)
    raw = json.dumps(petition.to_mongo().to_dict(), ensure_ascii=False, default=str)
    view = json.dumps(staff_view(handlers.get_report(store, CLERK, pid)), ensure_ascii=False, default=str)
    for value in REPORTER.values():
        assert value not in raw
        assert value not in view
    assert keyring.open(pid, petition.reporter.to_domain()) == REPORTER


def test_triage_then_close_records_who_decided_and_answers_the_reporter(store, clock, calendar, keyring):
    result = submit(store, clock, calendar, keyring, anonymous=True)
    pid = result["petition_id"]
    view = staff_view(
        handlers.triage(
            store, clock, CLERK, pid, {"outcome": "case_clue", "severity": "high", "subjects": [], "note": "已构成违纪"}
        )
    )
    assert view["triage"]["transferred_to"] == "case_handling"
    assert view["triage"]["triaged_by"] == "clerk-1"
    clock.advance(days=3)
    closed = staff_view(handlers.close(store, clock, CLERK, pid, {"answer": "已移交有关部门依规处理。", "note": ""}))
    assert closed["status"] == "closed"
    seen = receipt_view(handlers.lookup_receipt(store, result["receipt_code"]))
    assert seen["status_zh"] == "已办结，请查看答复"
    assert [r["text"] for r in seen["replies"]] == ["已移交有关部门依规处理。"]
    assert "case_clue" not in json.dumps(seen, default=str)  # the reporter is not told the outcome
    closed_event = store.get_petition(pid).outbox[-1].envelope
    assert closed_event["data"] == {
        "petition_id": pid,
        "outcome": "case_clue",
        "closed_at": "2026-11-23T02:00:00Z",
        "answered": True,
    }


def test_triaging_twice_or_closing_untriaged_is_a_conflict(store, clock, calendar, keyring):
    pid = submit(store, clock, calendar, keyring)["petition_id"]
    with pytest.raises(RuleBroken) as exc:
        handlers.close(store, clock, CLERK, pid, {"answer": "答复内容", "note": ""})
    assert exc.value.code == "not_triaged" and rule_error(exc.value).status == 409
    handlers.triage(
        store,
        clock,
        CLERK,
        pid,
        {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
    )
    with pytest.raises(RuleBroken) as exc:
        handlers.triage(
            store,
            clock,
            CLERK,
            pid,
            {"outcome": "duplicate", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
        )
    assert exc.value.code == "already_triaged" and rule_error(exc.value).status == 409
    assert store.get_petition(pid).triage.outcome == "no_substance"


def test_staff_from_another_county_cannot_see_or_triage(store, clock, calendar, keyring):
    pid = submit(store, clock, calendar, keyring)["petition_id"]
    outsider = Principal("clerk-2", frozenset({"intake_clerk"}), ("130102",))
    with pytest.raises(Forbidden):
        handlers.get_report(store, outsider, pid)
    with pytest.raises(Forbidden):
        handlers.triage(
            store,
            clock,
            outsider,
            pid,
            {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
        )
    city = Principal("clerk-3", frozenset({"intake_clerk"}), ("130400",))
    assert staff_view(handlers.get_report(store, city, pid))["petition_id"] == pid
    with pytest.raises(PetitionNotFound):
        handlers.get_report(store, CLERK, "XF-nope")


def test_a_wrong_or_malformed_receipt_code_is_not_found(store, clock, calendar, keyring):
    code = submit(store, clock, calendar, keyring, anonymous=True)["receipt_code"]
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    for attempt in (wrong, "not a code", ""):
        with pytest.raises(ReceiptNotFound):
            handlers.lookup_receipt(store, attempt)


def test_listing_filters_by_county_and_status(store, clock, calendar, keyring):
    first = submit(store, clock, calendar, keyring)["petition_id"]
    submit(store, clock, calendar, keyring, anonymous=True)
    handlers.triage(
        store,
        clock,
        CLERK,
        first,
        {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
    )
    triaged = handlers.list_reports(store, CLERK, {"county": "130402", "status": "triaged"})
    assert [r["petition_id"] for r in staff_view_many(triaged)] == [first]
    assert len(handlers.list_reports(store, CLERK, {"county": "130402"})) == 2


def test_key_rotation_reseals_old_reporters_under_the_new_key(store, clock, calendar, keyring):
    pid = submit(store, clock, calendar, keyring)["petition_id"]
    rotated = Keyring.from_config(f"k2:{KEY_B},k1:{KEY_A}")
    assert handlers.reseal_reporters(store, rotated) == {"resealed": 1, "current_kid": "k2"}
    petition = store.get_petition(pid)
    assert petition.reporter.kid == "k2"
    assert Keyring.from_config(f"k2:{KEY_B}").open(pid, petition.reporter.to_domain()) == REPORTER
    assert handlers.reseal_reporters(store, rotated)["resealed"] == 0


def test_stored_petitions_carry_no_ip_address_field():
    assert not {"ip", "ip_address", "remote_addr", "user_agent"} & set(Petition._fields)


def test_a_repeated_report_about_the_same_subject_is_proposed_as_a_duplicate_not_closed(
    store, clock, calendar, keyring
):
    first = submit(store, clock, calendar, keyring, anonymous=True)["petition_id"]
    clock.advance(days=10)
    second = submit(store, clock, calendar, keyring, anonymous=True)["petition_id"]
    view = staff_view(handlers.get_report(store, CLERK, second))
    assert view["duplicate_candidates"] == [{"petition_id": first, "similarity": 1.0}]
    assert view["status"] == "received"
    other = dict(REPORT, subjects=[{"kind": "official", "name": "钱某"}], anonymous=True, reporter=None)
    third = handlers.submit_report(store, clock, calendar, keyring, other, channel="public_portal").petition.id
    assert staff_view(handlers.get_report(store, CLERK, third))["duplicate_candidates"] == []


def test_a_report_about_commission_staff_is_routed_to_the_commission_leaders(store, clock, calendar, keyring):
    about_staff = dict(REPORT, subjects=[{"kind": "official", "name": "孙某", "commission_staff": True}])
    pid = handlers.submit_report(
        store, clock, calendar, keyring, dict(about_staff, anonymous=True, reporter=None), channel="special_supervisor"
    ).petition.id
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert view["routing"] == "commission_leaders"
    assert view["subjects"][0]["commission_staff"] is True


def test_a_petitions_handling_deadline_starts_at_triage_and_extends_only_once(store, clock, calendar, keyring):
    pid = submit(store, clock, calendar, keyring, kind="petition")["petition_id"]
    with pytest.raises(InvalidTransition):
        handlers.extend(store, CLERK, pid, "需要补充材料")
    view = staff_view(
        handlers.triage(
            store,
            clock,
            CLERK,
            pid,
            {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
        )
    )
    assert view["triage"]["handle_due"] == date(2027, 1, 19).isoformat()
    extended = staff_view(handlers.extend(store, CLERK, pid, "需要补充材料"))
    assert extended["triage"]["handle_due"] == date(2027, 2, 18).isoformat()
    assert extended["triage"]["extended"] is True
    handle = next(d for d in extended["deadlines"] if d["key"] == "handle")
    assert (handle["original_due"], handle["extensions"], handle["extendable"]) == (
        date(2027, 1, 19).isoformat(),
        1,
        False,
    )
    with pytest.raises(RuleBroken) as exc:
        handlers.extend(store, CLERK, pid, "还要再延")
    assert exc.value.code == "already_extended" and rule_error(exc.value).status == 409
    assert store.get_petition(pid).deadline("handle").due == date(2027, 2, 18)


def test_a_discipline_report_has_no_handling_deadline_to_extend(store, clock, calendar, keyring):
    pid = submit(store, clock, calendar, keyring)["petition_id"]
    view = staff_view(
        handlers.triage(
            store,
            clock,
            CLERK,
            pid,
            {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
        )
    )
    assert view["triage"]["handle_due"] is None
    with pytest.raises(InvalidTransition) as exc:
        handlers.extend(store, CLERK, pid, "需要补充材料")
    assert exc.value.code == "not_extendable"
