"""Opening a named reporter's identity: four eyes, requester only, every step audited, subjects
recused (DESIGN.md §4 Intake: identity visible only to authorised roles, every access audited;
seeds/003: the accused must never learn who reported; seeds/000 H: who supervises the supervisors)."""

import json

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Conflict, ValidationFailed, rule_error
from wuying_common.rules import RuleBroken
from wuying_intake import handlers
from wuying_intake.domain.identity import (
    Actor,
    IdentityRuleError,
    check_access,
    check_decision,
    check_request,
    may_decide,
)
from wuying_intake.exceptions import SubjectRecused
from wuying_intake.persistence import AuditEntry, IdentityRequest

from .conftest import request_view

REPORTER = {"name": "李举报", "phone": "13912345678"}
CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
BOSS = Principal("boss-1", frozenset({"intake_supervisor"}), ("130402",))
BOSS2 = Principal("boss-2", frozenset({"intake_supervisor"}), ("130402",))
ACCUSED = Principal("off-9", frozenset({"intake_supervisor"}), ("130402",))
AUDITOR = Principal("aud-1", frozenset({"auditor"}), ("130402",))


def named_report(store, clock, calendar, keyring, subject_id="off-9"):
    payload = {
        "category": "work_style",
        "county": "130402",
        "content": "某局干部多次利用职务便利为亲属承揽工程。",
        "subjects": [{"kind": "official", "id": subject_id}],
        "anonymous": False,
        "reporter": dict(REPORTER),
    }
    return handlers.submit_report(store, clock, calendar, keyring, payload, channel="letter").petition.id


def test_the_domain_asks_a_reason_a_second_supervisor_and_only_the_requester_reads():
    clerk = Actor("clerk-1", frozenset({"intake_clerk"}))
    with pytest.raises(IdentityRuleError) as exc:
        check_request(clerk, set(), False, "看")
    assert exc.value.code == "reason_required"
    with pytest.raises(IdentityRuleError) as exc:
        check_request(clerk, set(), True, "核实举报内容需要联系举报人")
    assert exc.value.code == "no_identity_on_file"
    with pytest.raises(IdentityRuleError) as exc:
        check_decision(Actor("clerk-1", frozenset({"intake_supervisor"})), "clerk-1", "pending", set())
    assert exc.value.code == "same_person"
    with pytest.raises(IdentityRuleError) as exc:
        check_decision(clerk, "someone", "pending", set())
    assert exc.value.code == "role_forbidden"
    with pytest.raises(IdentityRuleError) as exc:
        check_access(Actor("boss-1", frozenset({"intake_supervisor"})), "clerk-1", "approved", set())
    assert exc.value.code == "not_requester"
    with pytest.raises(IdentityRuleError) as exc:
        check_access(clerk, "clerk-1", "pending", set())
    assert exc.value.code == "not_approved"
    for check in (
        lambda: check_request(Actor("off-9", frozenset({"intake_clerk"})), {"off-9"}, False, "需要联系举报人"),
        lambda: check_decision(Actor("off-9", frozenset({"intake_supervisor"})), "x", "pending", {"off-9"}),
        lambda: check_access(Actor("off-9", frozenset({"intake_clerk"})), "off-9", "approved", {"off-9"}),
    ):
        with pytest.raises(IdentityRuleError) as exc:
            check()
        assert exc.value.code == "subject_recused"


def test_the_worklist_shows_a_request_only_to_a_second_supervisor_who_may_decide_it():
    boss = Actor("boss-2", frozenset({"intake_supervisor"}), "王主任")
    assert may_decide(boss, "clerk-1", "pending", set())
    assert not may_decide(boss, "boss-2", "pending", set())  # their own request
    assert not may_decide(boss, "clerk-1", "approved", set())  # decided already
    assert not may_decide(boss, "clerk-1", "pending", {"boss-2"})  # about them
    assert not may_decide(boss, "clerk-1", "pending", set(), {"王主任"})  # named in it
    assert not may_decide(Actor("clerk-2", frozenset({"intake_clerk"})), "clerk-1", "pending", set())


def test_a_second_supervisor_approves_and_the_requester_reads_the_reporter_with_every_step_audited(
    store, clock, calendar, keyring
):
    pid = named_report(store, clock, calendar, keyring)
    request = request_view(handlers.request_identity(store, clock, CLERK, pid, "核实举报内容需要联系举报人"))
    assert request["status"] == "pending"
    approved = request_view(handlers.decide_identity_request(store, clock, BOSS, request["request_id"], True, "同意"))
    assert approved["status"] == "approved" and approved["decided_by"] == "boss-1"
    opened = handlers.open_identity(store, clock, keyring, CLERK, request["request_id"])
    assert opened.reporter == REPORTER
    with pytest.raises(IdentityRuleError) as exc:
        handlers.open_identity(store, clock, keyring, BOSS, request["request_id"])
    assert exc.value.code == "not_requester"
    # about who asks: 403 through the shared mapping (the rule's own status), after the audit
    assert rule_error(exc.value).status == 403 and rule_error(exc.value).fields == {
        "requester": "只有申请人本人可以查看"
    }

    audit = handlers.audit_log(store, AUDITOR, {"county": "130402"})
    assert [(a["action"], a["outcome"], a["actor"]) for a in reversed(audit)] == [
        ("requested", "allowed", "clerk-1"),
        ("approved", "allowed", "boss-1"),
        ("accessed", "allowed", "clerk-1"),
        ("accessed", "denied", "boss-1"),
    ]
    assert {a["petition_id"] for a in audit} == {pid}
    dumped = json.dumps(audit, ensure_ascii=False, default=str)
    assert "李举报" not in dumped and "13912345678" not in dumped


def test_the_requester_cannot_approve_their_own_request_and_nothing_opens_before_approval(
    store, clock, calendar, keyring
):
    pid = named_report(store, clock, calendar, keyring)
    request = request_view(handlers.request_identity(store, clock, BOSS, pid, "核实举报内容需要联系举报人"))
    with pytest.raises(IdentityRuleError) as exc:
        handlers.decide_identity_request(store, clock, BOSS, request["request_id"], True)
    assert exc.value.code == "same_person"
    with pytest.raises(IdentityRuleError) as exc:
        handlers.open_identity(store, clock, keyring, BOSS, request["request_id"])
    assert exc.value.code == "not_approved"
    refused = request_view(
        handlers.decide_identity_request(store, clock, BOSS2, request["request_id"], False, "理由不充分")
    )
    assert refused["status"] == "refused"
    with pytest.raises(RuleBroken) as exc:
        handlers.decide_identity_request(store, clock, BOSS2, request["request_id"], True)
    assert exc.value.code == "not_pending" and rule_error(exc.value).status == 409
    outcomes = [
        (a["action"], a["outcome"], a["code"]) for a in handlers.audit_log(store, AUDITOR, {"county": "130402"})
    ]
    assert ("approved", "denied", "same_person") in outcomes
    assert ("refused", "allowed", None) in outcomes


def test_a_person_named_in_the_report_can_never_request_approve_or_handle_it(store, clock, calendar, keyring):
    pid = named_report(store, clock, calendar, keyring, subject_id="off-9")
    with pytest.raises(IdentityRuleError) as exc:
        handlers.request_identity(store, clock, ACCUSED, pid, "我想知道是谁举报的")
    assert exc.value.code == "subject_recused"
    request = request_view(handlers.request_identity(store, clock, CLERK, pid, "核实举报内容需要联系举报人"))
    with pytest.raises(IdentityRuleError) as exc:
        handlers.decide_identity_request(store, clock, ACCUSED, request["request_id"], True)
    assert exc.value.code == "subject_recused"
    for handle in (
        lambda: handlers.get_report(store, ACCUSED, pid),
        lambda: handlers.triage(
            store,
            clock,
            ACCUSED,
            pid,
            {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "经研判，理由已记录"},
        ),
        lambda: handlers.send_up(store, clock, ACCUSED, pid, {"organ": "某某市纪委监委", "reason": "管辖"}),
    ):
        with pytest.raises(SubjectRecused):
            handle()
    assert handlers.list_reports(store, ACCUSED, {"county": "130402"}).items == []
    assert len(handlers.list_reports(store, CLERK, {"county": "130402"})) == 1
    assert store.get_request(request["request_id"]).status == "pending"


def test_a_subject_resolved_only_at_triage_is_recused_from_then_on(store, clock, calendar, keyring):
    payload = {
        "category": "work_style",
        "county": "130402",
        "content": "某局干部多次利用职务便利为亲属承揽工程。",
        "subjects": [{"kind": "official", "name": "赵某"}],
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
            "outcome": "integrity_information",
            "severity": "low",
            "subjects": [{"kind": "official", "id": "off-9", "county": "130402"}],
            "note": "反映具体，有线索可查",
        },
    )
    with pytest.raises(IdentityRuleError):
        handlers.request_identity(store, clock, ACCUSED, pid, "我想知道是谁举报的")
    with pytest.raises(SubjectRecused):
        handlers.close(store, clock, ACCUSED, pid, {"answer": "已办结", "note": ""})


def test_a_request_needs_a_reason_and_an_anonymous_report_has_no_identity_to_open(store, clock, calendar, keyring):
    pid = named_report(store, clock, calendar, keyring)
    with pytest.raises(RuleBroken) as exc:
        handlers.request_identity(store, clock, CLERK, pid, "看看")
    error = rule_error(exc.value)
    assert isinstance(error, ValidationFailed) and "reason" in error.fields
    anonymous = handlers.submit_report(
        store,
        clock,
        calendar,
        keyring,
        {
            "category": "other",
            "county": "130402",
            "content": "某村会计账目长期不公开。",
            "subjects": [{"kind": "unit", "name": "某村委会"}],
            "anonymous": True,
            "reporter": None,
        },
        channel="public_portal",
    ).petition.id
    with pytest.raises(RuleBroken) as exc:
        handlers.request_identity(store, clock, CLERK, anonymous, "核实举报内容需要联系举报人")
    assert exc.value.code == "no_identity_on_file" and rule_error(exc.value).status == 409


# -- the audit is written with the step it records (one write) ---------------------------------------
def test_each_step_of_a_request_and_its_audit_entry_are_one_write_in_the_request_document(
    real_store, clock, calendar, keyring
):
    store = real_store
    pid = named_report(store, clock, calendar, keyring)
    rid = handlers.request_identity(store, clock, CLERK, pid, "核实举报内容需要联系举报人").id
    handlers.decide_identity_request(store, clock, BOSS, rid, True, "同意")
    handlers.open_identity(store, clock, keyring, CLERK, rid)
    stored = IdentityRequest.objects(id=rid).first()
    assert [(a.action, a.outcome) for a in stored.audit] == [
        ("requested", "allowed"),
        ("approved", "allowed"),
        ("accessed", "allowed"),
    ]
    assert stored.accesses == 1
    assert AuditEntry.objects.count() == 0  # only refused request attempts live on their own
    with pytest.raises(IdentityRuleError):
        handlers.request_identity(store, clock, ACCUSED, pid, "我想知道是谁举报的")
    assert [(e.action, e.code) for e in AuditEntry.objects] == [("requested", "subject_recused")]


def test_a_stale_writer_cannot_erase_a_refused_attempt_and_no_audit_means_no_access(
    real_store, clock, calendar, keyring, monkeypatch
):
    store = real_store
    pid = named_report(store, clock, calendar, keyring)
    rid = handlers.request_identity(store, clock, CLERK, pid, "核实举报内容需要联系举报人").id
    stale = IdentityRequest.objects(id=rid).first()
    with pytest.raises(IdentityRuleError):
        handlers.decide_identity_request(store, clock, CLERK, rid, True)  # a clerk: refused, audited
    stale.add_audit(stale.requested_at, "boss-1", "approved", "allowed")
    with pytest.raises(Conflict):
        stale.save_versioned()
    assert [a.code for a in IdentityRequest.objects(id=rid).first().audit] == [None, "role_forbidden"]

    handlers.decide_identity_request(store, clock, BOSS, rid, True)
    opened = []
    monkeypatch.setattr(keyring, "open", lambda *a: opened.append(a))

    def fail(self):
        raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")

    monkeypatch.setattr(IdentityRequest, "save_versioned", fail)
    with pytest.raises(Conflict):
        handlers.open_identity(store, clock, keyring, CLERK, rid)
    assert opened == []
