"""The acknowledgement (受理告知; 件件有着落，事事有回音, seeds/000 B; issue 8 item 7): a named reporter's
is actually sent (a recorded delivery through the notifier) before the receipt deadline counts as
met, and the contact is never stored; every reporter can download a printable Chinese
acknowledgement with a verification code intake can check."""

import json
import subprocess
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import rule_error
from wuying_intake import handlers
from wuying_intake.domain.acknowledgement import AcknowledgementRuleError, AckSigner
from wuying_intake.exceptions import AcknowledgementUnavailable, PetitionNotFound, ReceiptNotFound
from wuying_intake.views import acknowledgement_pdf

from .conftest import staff_view, submitted

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
SIGNER = AckSigner(b"acknowledgement-test-key-32bytes")
REPORTER = {"name": "李举报", "phone": "13912345678", "address": "幸福路88号"}
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标。",
    "subjects": [{"kind": "official", "id": "off-9"}],
}
TRIAGE = {"outcome": "case_clue", "severity": "medium", "subjects": [], "note": "涉嫌违纪，移交审查调查"}


def submit(store, clock, calendar, keyring, anonymous=False, **extra):
    payload = dict(REPORT, anonymous=anonymous, reporter=None if anonymous else dict(REPORTER), **extra)
    return handlers.submit_report(store, clock, calendar, keyring, payload, channel="letter", signer=SIGNER)


def test_a_named_reporters_acknowledgement_deadline_is_met_only_by_a_recorded_delivery(
    store, clock, calendar, keyring, notifier
):
    pid = submit(store, clock, calendar, keyring).petition.id
    triage = dict(TRIAGE, subjects=[{"kind": "official", "id": "off-9", "county": "130402"}])
    handlers.triage(store, clock, CLERK, pid, triage)
    assert store.get_petition(pid).deadline("acknowledge").met_on is None  # decided, not yet told
    clock.advance(days=2)
    view = staff_view(handlers.send_acknowledgement(store, clock, keyring, notifier, CLERK, pid, "sms", SIGNER))
    acknowledge = store.get_petition(pid).deadline("acknowledge")
    assert (acknowledge.met_by, acknowledge.met_on, acknowledge.on_time) == ("acknowledged", date(2026, 11, 22), True)
    [sent] = notifier.sent
    assert sent["contact"] == "13912345678" and pid in sent["text"] and "已受理" in sent["text"]
    assert SIGNER.code(pid, date(2026, 11, 20)) in sent["text"] and REPORT["content"] not in sent["text"]
    [delivery] = view["acknowledgements"]
    assert (delivery["method"], delivery["gateway"], delivery["reference"], delivery["by"]) == (
        "sms",
        "recording",
        "ref-1",
        "clerk-1",
    )
    stored = json.dumps(store.get_petition(pid).to_mongo().to_dict(), ensure_ascii=False, default=str)
    assert "13912345678" not in stored and "幸福路" not in stored and sent["text"] not in stored
    with pytest.raises(AcknowledgementRuleError) as exc:
        handlers.send_acknowledgement(store, clock, keyring, notifier, CLERK, pid, "sms", SIGNER)
    assert exc.value.code == "already_acknowledged" and rule_error(exc.value).status == 409


def test_the_clock_flags_a_named_reports_unsent_acknowledgement_overdue_although_it_was_triaged(
    store, clock, calendar, keyring
):
    pid = submit(store, clock, calendar, keyring).petition.id
    handlers.triage(store, clock, CLERK, pid, TRIAGE)
    clock.advance(days=25)  # 2026-12-15: the 15 working days (to 12-11) passed without a delivery
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == [("130402", "acknowledge")]
    anonymous = submit(store, clock, calendar, keyring, anonymous=True).petition.id
    handlers.triage(store, clock, CLERK, anonymous, TRIAGE)  # an anonymous reporter reads it by receipt code
    assert store.get_petition(anonymous).deadline("acknowledge").met_by == "triage"


def test_an_acknowledgement_goes_only_to_a_named_reporter_of_a_decided_report_and_a_letter_needs_an_address(
    store, clock, calendar, keyring, notifier
):
    anonymous = submit(store, clock, calendar, keyring, anonymous=True).petition.id
    pending = submit(store, clock, calendar, keyring).petition.id
    for pid, code in ((anonymous, "not_named"), (pending, "not_decided")):
        with pytest.raises(AcknowledgementRuleError) as exc:
            handlers.send_acknowledgement(store, clock, keyring, notifier, CLERK, pid, "sms", SIGNER)
        assert exc.value.code == code
    payload = dict(REPORT, anonymous=False, reporter={"name": "王某", "phone": "13800138000"}, kind="petition")
    no_address = handlers.submit_report(store, clock, calendar, keyring, payload, channel="visit").petition.id
    handlers.send_up(store, clock, CLERK, no_address, {"organ": "某市信访局", "reason": "属上级管辖"})
    with pytest.raises(AcknowledgementRuleError) as exc:
        handlers.send_acknowledgement(store, clock, keyring, notifier, CLERK, no_address, "letter", SIGNER)
    assert exc.value.code == "no_address"
    handlers.send_acknowledgement(store, clock, keyring, notifier, CLERK, no_address, "sms", SIGNER)
    assert store.get_petition(no_address).deadline("register").met_by == "acknowledged"
    assert "转送上级机关" in notifier.sent[-1]["text"]
    assert notifier.sent[-1]["contact"] == "13800138000" and len(notifier.sent) == 1


def test_the_verification_code_is_an_hmac_of_the_report_and_its_date_and_a_forged_one_is_not_genuine():
    code = SIGNER.code("XF130402-20261120-0A1B2C3D", date(2026, 11, 20))
    assert len(code) == 19 and code.count("-") == 3
    assert SIGNER.genuine("XF130402-20261120-0A1B2C3D", date(2026, 11, 20), code.lower().replace("-", " "))
    assert not SIGNER.genuine("XF130402-20261120-0A1B2C3D", date(2026, 11, 21), code)
    assert not SIGNER.genuine("XF130402-20261120-0A1B2C3E", date(2026, 11, 20), code)
    assert not AckSigner(b"another-key-of-at-least-16-bytes").genuine(
        "XF130402-20261120-0A1B2C3D", date(2026, 11, 20), code
    )
    assert handlers.verify_code(SIGNER, "XF130402-20261120-0A1B2C3D", date(2026, 11, 20), code) == {"genuine": True}
    with pytest.raises(ValueError):
        AckSigner.from_config("short")
    assert AckSigner.from_config("") is None


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "ack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_reporter_downloads_a_printable_chinese_acknowledgement_anonymous_by_receipt_code(
    store, clock, calendar, keyring, tmp_path
):
    anonymous = submitted(submit(store, clock, calendar, keyring, anonymous=True, kind="petition"))
    printable = handlers.printable_for_reporter(store, {"receipt_code": anonymous["receipt_code"]}, SIGNER)
    pdf = acknowledgement_pdf(printable)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0:
        text = _text(pdf, tmp_path)
        assert "信访受理回执" in text and anonymous["petition_id"] in text and "2026年11月20日" in text
        assert "登记受理期限" in text and "2026-12-07" in text and printable.verification_code in text
        assert anonymous["receipt_code"] not in text and REPORT["content"] not in text
    with pytest.raises(ReceiptNotFound):
        handlers.printable_for_reporter(store, {"receipt_code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}, SIGNER)

    named = submitted(submit(store, clock, calendar, keyring))
    assert named["verification_code"] == SIGNER.code(named["petition_id"], date(2026, 11, 20))
    mine = {"petition_id": named["petition_id"], "verification_code": named["verification_code"]}
    assert handlers.printable_for_reporter(store, mine, SIGNER).petition.id == named["petition_id"]
    with pytest.raises(PetitionNotFound):
        handlers.printable_for_reporter(store, dict(mine, verification_code="AAAA-AAAA-AAAA-AAAA"), SIGNER)
    with pytest.raises(AcknowledgementUnavailable):
        handlers.printable_for_reporter(store, mine, None)
