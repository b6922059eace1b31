"""A confirmed malicious report (seeds/003 宝安《恶意举报认定及处置办法》: 恶意举报的认定、处置、澄清和
责任追究; issue 8 item 6): the accused are cleared on the record and announced (``petition.clarified``
v1, exactly its five fields, no identity, no content), and the false reporter's disposal is
recorded as a clue transferred to case handling (``clue.transferred``, kind ``false_accusation``)."""

import json

from wuying_common.auth import Principal
from wuying_intake import handlers
from wuying_intake.schemas import PetitionClarifiedV1Schema

from .conftest import staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
REPORTER = {"name": "李举报", "phone": "13912345678"}
CONTENT = "某镇在村道工程招标中指定施工单位，涉嫌围标串标。"


def confirmed_malicious(store, clock, calendar, keyring):
    payload = {
        "category": "key_sectors",
        "county": "130402",
        "content": CONTENT,
        "subjects": [{"kind": "official", "id": "off-9", "name": "赵某"}],
        "anonymous": False,
        "reporter": dict(REPORTER),
    }
    pid = handlers.submit_report(store, clock, calendar, keyring, payload, channel="letter").petition.id
    handlers.triage(
        store,
        clock,
        CLERK,
        pid,
        {
            "outcome": "suspected_malicious",
            "severity": "low",
            "subjects": [{"kind": "official", "id": "off-5", "county": "130402"}],
            "note": "疑似捏造事实",
        },
    )
    clock.advance(days=3)
    verification = {"confirmed": True, "note": "捏造事实", "clarification": "经核实，反映赵某问题不实，予以澄清正名。"}
    return pid, handlers.conclude_verification(store, clock, CLERK, pid, verification)


def test_seed_003_a_confirmed_malicious_report_announces_the_clarification_with_exactly_five_fields(
    store, clock, calendar, keyring
):
    pid, petition = confirmed_malicious(store, clock, calendar, keyring)
    [event] = [e.envelope for e in petition.outbox if e.envelope["type"] == "wuying.intake.petition.clarified.v1"]
    assert set(PetitionClarifiedV1Schema._declared_fields) == {
        "petition_id",
        "county",
        "official_ids",
        "clarified_at",
        "summary_zh",
    }
    data = event["data"]
    assert set(data) == {"petition_id", "county", "official_ids", "clarified_at", "summary_zh"}
    assert (data["petition_id"], data["county"], data["official_ids"]) == (pid, "130402", ["off-5", "off-9"])
    assert data["clarified_at"] == "2026-11-23T02:00:00Z" and "澄清正名" in data["summary_zh"]
    serialized = json.dumps(event, ensure_ascii=False)
    for secret in (*REPORTER.values(), CONTENT, "赵某问题不实"):
        assert secret not in serialized


def test_seed_003_the_false_reporters_disposal_is_a_clue_transferred_with_no_identity(store, clock, calendar, keyring):
    pid, petition = confirmed_malicious(store, clock, calendar, keyring)
    [clue] = [e.envelope["data"] for e in petition.outbox if e.envelope["type"] == "wuying.intake.clue.transferred.v1"]
    assert (clue["kind"], clue["transferred_to"], clue["subjects"]) == ("false_accusation", "case_handling", [])
    assert "恶意举报" in clue["reason_zh"]
    assert not any(value in json.dumps(clue, ensure_ascii=False) for value in REPORTER.values())
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert (view["disposal"]["kind"], view["disposal"]["by"]) == ("false_accusation", "clerk-1")
    # one write: the conclusion, the clarification and both events
    assert store.get_petition(pid).verification.status == "confirmed"


def test_an_unconfirmed_verification_announces_no_clarification_and_disposes_of_no_one(store, clock, calendar):
    payload = {
        "category": "other",
        "county": "130402",
        "content": "某村会计账目长期不公开，群众意见很大。",
        "subjects": [{"kind": "official", "id": "off-9"}],
        "anonymous": True,
        "reporter": None,
    }
    pid = handlers.submit_report(store, clock, calendar, None, payload, channel="letter").petition.id
    handlers.triage(
        store, clock, CLERK, pid, {"outcome": "suspected_malicious", "severity": "low", "subjects": [], "note": "待核"}
    )
    petition = handlers.conclude_verification(
        store, clock, CLERK, pid, {"confirmed": False, "note": "", "clarification": ""}
    )
    types = [e.envelope["type"] for e in petition.outbox]
    assert "wuying.intake.petition.clarified.v1" not in types
    assert "wuying.intake.clue.transferred.v1" not in types and petition.disposal is None
