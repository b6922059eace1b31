"""Attachments: allow-listed types, size limits, SHA-256 verified, stored before the petition and
never left half-written (DESIGN.md §4 Intake)."""

import base64
import hashlib

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict, PayloadTooLarge, ValidationFailed, rule_error
from wuying_common.rules import RuleBroken
from wuying_intake import handlers
from wuying_intake.domain.attachments import AttachmentRuleError, Limits, check_attachments
from wuying_intake.exceptions import AttachmentNotFound, SubjectRecused
from wuying_intake.persistence import Petition
from wuying_intake.schemas import SubmitReportSchema

from .conftest import REVIEW, receipt_view, staff_view, submitted

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
PDF = b"%PDF-1.4 minutes of the tender committee"


def item(content=PDF, content_type="application/pdf", **extra):
    return dict(
        {"file_name": "招标会议纪要.pdf", "content_type": content_type, "sha256": hashlib.sha256(content).hexdigest()},
        content=content,
        **extra,
    )


def payload(*items):
    return {
        "category": "key_sectors",
        "county": "130402",
        "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标，附会议纪要。",
        "subjects": [{"kind": "official", "id": "off-9"}],
        "anonymous": True,
        "reporter": None,
        "attachments": list(items),
    }


def submit(store, clock, calendar, *items, limits=None):
    return submitted(
        handlers.submit_report(store, clock, calendar, None, payload(*items), channel="public_portal", limits=limits)
    )


def test_the_rules_name_the_attachment_and_field_at_fault():
    with pytest.raises(AttachmentRuleError) as exc:
        check_attachments([item(), item(content_type="application/x-msdownload")], Limits())
    assert exc.value.field == "attachments.1.content_type"
    with pytest.raises(AttachmentRuleError) as exc:
        check_attachments([item(b"x" * 11)], Limits(per_file=10, total=100))
    assert (exc.value.field, exc.value.too_large) == ("attachments.0.content", True)
    with pytest.raises(AttachmentRuleError) as exc:
        check_attachments([item(b"x" * 8), item(b"y" * 8)], Limits(per_file=10, total=12))
    assert (exc.value.field, exc.value.too_large) == ("attachments.1.content", True)
    with pytest.raises(AttachmentRuleError) as exc:
        check_attachments([dict(item(), sha256="0" * 64)], Limits())
    assert exc.value.field == "attachments.0.sha256"
    with pytest.raises(AttachmentRuleError) as exc:
        check_attachments([item(size=3)], Limits())
    assert exc.value.field == "attachments.0.size"
    assert Limits.from_config(None, None) == Limits()
    assert Limits.from_config(10**12, 10**12).total == 20 * 1024 * 1024  # the hard cap holds


def test_the_schema_decodes_base64_and_refuses_other_types_naming_the_field():
    body = dict(payload(), attachments=[dict(item(), content=base64.b64encode(PDF).decode())])
    body.pop("reporter")
    assert SubmitReportSchema().load(body)["attachments"][0]["content"] == PDF
    bad = dict(body, attachments=[dict(body["attachments"][0], content="不是base64", content_type="text/html")])
    with pytest.raises(Exception) as exc:
        SubmitReportSchema().load(bad)
    assert set(exc.value.messages["attachments"][0]) == {"content", "content_type"}


def test_attachments_are_stored_apart_listed_to_staff_and_downloaded_with_the_county_and_recusal_checks(
    store, clock, calendar
):
    pid = submit(store, clock, calendar, item(), item(b"hello", "text/plain"))["petition_id"]
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert [(a["n"], a["content_type"], a["size"]) for a in view["attachments"]] == [
        (0, "application/pdf", len(PDF)),
        (1, "text/plain", 5),
    ]
    assert bytes(handlers.get_attachment(store, CLERK, pid, "0").content) == PDF
    assert "content" not in store.get_petition(pid).to_mongo()["attachments"][0]
    with pytest.raises(AttachmentNotFound):
        handlers.get_attachment(store, CLERK, pid, "2")
    with pytest.raises(SubjectRecused):
        handlers.get_attachment(store, Principal("off-9", frozenset({"intake_clerk"}), ("130402",)), pid, "0")


def test_a_too_large_or_mismatched_attachment_is_refused_and_nothing_is_stored(store, clock, calendar):
    with pytest.raises(AttachmentRuleError) as exc:
        submit(store, clock, calendar, item(), item(b"z" * 100), limits=Limits(per_file=50, total=1000))
    too_large = rule_error(exc.value)  # the rule's own status: 413
    assert too_large.status == 413 and "attachments.1.content" in too_large.fields
    assert too_large.code == "payload_too_large" and too_large.message == PayloadTooLarge.message
    with pytest.raises(RuleBroken) as exc:
        submit(store, clock, calendar, dict(item(), sha256="a" * 64))
    error = rule_error(exc.value)
    # schema-valid, the digest does not match the content: 422 (rules.UnprocessableInput)
    assert isinstance(error, ValidationFailed) and error.status == 422
    assert "attachments.0.sha256" in error.fields
    assert (store.count(), store.attachment_count()) == (0, 0)


def test_when_the_petition_cannot_be_written_its_attachments_are_deleted_again(
    real_store, clock, calendar, monkeypatch
):
    def fail(self):
        raise Conflict("记录已存在", code="duplicate")

    monkeypatch.setattr(Petition, "save_versioned", fail)
    with pytest.raises(Conflict):
        submit(real_store, clock, calendar, item())
    assert (real_store.count(), real_store.attachment_count()) == (0, 0)


# -- anonymous follow-up with the receipt code ------------------------------------------------------
def test_with_the_receipt_code_the_reporter_adds_information_staff_see_it_and_a_closed_report_refuses(
    store, clock, calendar
):
    from wuying_intake.exceptions import InvalidTransition, ReceiptNotFound

    receipt = submit(store, clock, calendar)
    pid, code = receipt["petition_id"], receipt["receipt_code"]
    status = receipt_view(
        handlers.add_information(store, clock, code.lower(), "  补充：招标公告发布仅两天即截止报名。 ")
    )
    assert status["additions"] == 1 and "petition_id" not in status
    assert [a["text"] for a in staff_view(handlers.get_report(store, CLERK, pid))["additions"]] == [
        "补充：招标公告发布仅两天即截止报名。"
    ]
    with pytest.raises(ReceiptNotFound):
        handlers.add_information(store, clock, "ABCD-EFGH-JKMN-PQRS", "补充：另有一份会议记录可以作证。")
    handlers.triage(
        store,
        clock,
        CLERK,
        pid,
        {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
    )
    handlers.close(
        store, clock, CLERK, pid, {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW}
    )
    with pytest.raises(InvalidTransition) as exc:
        handlers.add_information(store, clock, code, "补充：还有新的情况需要反映给你们。")
    assert exc.value.code == "not_open"
    assert len(store.get_petition(pid).additions) == 1
