"""Routing enforced (seeds/000 H 监督方式及处理: 涉及市纪委监委领导的，向市纪委主要领导反映; issue 8
item 4): a report about the commission's own leaders is handled only by the principal leader
(主要负责人, ``commission_secretary``) or sent to the level above; reports have an assignee,
reassigned by an intake_supervisor and recorded; the leader flags come from archive's registry,
never from the public; recusal by name as well as by id."""

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import rule_error
from wuying_intake import handlers
from wuying_intake.domain.identity import IdentityRuleError
from wuying_intake.domain.petition import IntakeRuleError
from wuying_intake.domain.routing import RoutingRuleError, is_commission_leader
from wuying_intake.exceptions import SubjectRecused
from wuying_intake.schemas import StaffReportSchema, SubmitReportSchema

from .conftest import FakeRegistry, staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
SECRETARY = Principal("sec-1", frozenset({"commission_secretary"}), ("130402",))
SUPERVISOR = Principal("boss-1", frozenset({"intake_supervisor"}), ("130402",))
LEADER = {
    "id": "off-1",
    "name": "周某",
    "county": "130402",
    "commission_staff": True,
    "post": "纪委书记",
    "rank": "副处级",
}
STAFF = {
    "id": "off-7",
    "name": "孙某",
    "county": "130402",
    "commission_staff": True,
    "post": "信访室主任",
    "rank": "正科级",
}
CHIEF = {"id": "off-9", "name": "赵某", "county": "130402", "commission_staff": False, "post": "局长", "rank": "正科级"}
REPORT = {
    "category": "work_style",
    "county": "130402",
    "content": "反映某干部违规接受管理服务对象宴请，情节具体。",
    "anonymous": True,
    "reporter": None,
}


def enter(store, clock, calendar, subjects, registry=None):
    payload = dict(REPORT, subjects=subjects)
    return handlers.submit_report(
        store, clock, calendar, None, payload, channel="special_supervisor", recorded_by="clerk-1", registry=registry
    ).petition.id


def triage_payload(subject_id, outcome="integrity_information"):
    return {
        "outcome": outcome,
        "severity": "medium",
        "subjects": [{"kind": "official", "id": subject_id, "county": "130402"}],
        "note": "反映具体，有线索可查",
    }


def test_a_leader_is_commission_staff_in_a_leadership_post_of_the_registry():
    assert is_commission_leader(LEADER)
    assert is_commission_leader(dict(STAFF, post="纪委常委、派驻第一纪检监察组组长"))
    assert not is_commission_leader(STAFF)  # commission staff, not a leader: the commission leaders
    assert not is_commission_leader(dict(CHIEF, post="党工委书记"))  # a 书记, but not of the commission
    assert not is_commission_leader(dict(STAFF, rank="副处级"))  # rank alone does not make a leader


def test_seed_000_h_a_registered_commission_leader_routes_the_report_to_the_principal_leader_unassigned(
    store, clock, calendar
):
    pid = enter(store, clock, calendar, [{"kind": "official", "name": "周某"}], FakeRegistry(LEADER, CHIEF))
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert view["subjects"][0]["commission_leader"] is True and view["subjects"][0]["id"] == "off-1"
    assert (view["routing"], view["assignee"], view["assignments"]) == ("principal_leader", None, [])
    ordinary = enter(store, clock, calendar, [{"kind": "official", "id": "off-9"}], FakeRegistry(LEADER, CHIEF))
    view = staff_view(handlers.get_report(store, CLERK, ordinary))
    assert (view["routing"], view["assignee"]) == ("standard", "clerk-1")  # routing set the assignee
    assert view["assignments"][0]["by"] == "clerk-1" and view["assignments"][0]["reason"]


def test_seed_000_h_only_the_principal_leader_handles_a_report_about_a_commission_leader_or_it_goes_up(
    store, clock, calendar
):
    registry = FakeRegistry(LEADER)
    pid = enter(store, clock, calendar, [{"kind": "official", "id": "off-1"}], registry)
    for step in (
        lambda: handlers.triage(store, clock, CLERK, pid, triage_payload("off-1"), registry=registry),
        lambda: handlers.assign(store, clock, SUPERVISOR, pid, {"assignee": "clerk-2", "reason": "分办"}),
    ):
        with pytest.raises(RoutingRuleError) as exc:
            step()
        assert rule_error(exc.value).status == 403 and exc.value.code == "principal_leader_only"
    assert store.get_petition(pid).status == "received"
    assigned = handlers.assign(
        store, clock, SECRETARY, pid, {"assignee": "sec-office-1", "reason": "由委领导办公室承办"}
    )
    assert assigned.assignee == "sec-office-1"
    triaged = handlers.triage(store, clock, SECRETARY, pid, triage_payload("off-1"), registry=registry)
    assert triaged.status == "triaged" and triaged.triage.triaged_by == "sec-1"
    with pytest.raises(RoutingRuleError):
        handlers.close(store, clock, CLERK, pid, {"answer": "已办结。", "note": ""})
    assert handlers.close(store, clock, SECRETARY, pid, {"answer": "已办结。", "note": ""}).status == "closed"

    other = enter(store, clock, calendar, [{"kind": "official", "id": "off-1"}], registry)
    sent = handlers.send_up(store, clock, CLERK, other, {"organ": "某某市纪委监委", "reason": "涉及本级纪委主要负责人"})
    assert sent.status == "sent_up"  # or to the level above: a clerk may send it up


def test_seed_000_h_a_leader_found_only_at_triage_reroutes_the_report_before_a_clerk_may_triage_it(
    store, clock, calendar
):
    registry = FakeRegistry(LEADER)
    pid = enter(store, clock, calendar, [{"kind": "official", "name": "某领导"}], registry)  # not resolved
    assert store.get_petition(pid).routing == "standard"
    with pytest.raises(RoutingRuleError):
        handlers.triage(store, clock, CLERK, pid, triage_payload("off-1"), registry=registry)
    assert store.get_petition(pid).status == "received"
    view = staff_view(handlers.triage(store, clock, SECRETARY, pid, triage_payload("off-1"), registry=registry))
    assert (view["routing"], view["assignee"]) == ("principal_leader", None)
    change = view["assignments"][-1]
    assert (change["routing"], change["previous"], change["by"]) == ("principal_leader", "clerk-1", "sec-1")


def test_an_intake_supervisor_reassigns_with_a_reason_and_every_change_is_recorded(store, clock, calendar):
    pid = enter(store, clock, calendar, [{"kind": "official", "id": "off-9"}], FakeRegistry(CHIEF))
    with pytest.raises(RoutingRuleError) as exc:  # a clerk does not reassign
        handlers.assign(store, clock, CLERK, pid, {"assignee": "clerk-2", "reason": "改派"})
    assert exc.value.code == "role_forbidden"
    with pytest.raises(RoutingRuleError) as exc:  # nor may a subject of the report handle it
        handlers.assign(store, clock, SUPERVISOR, pid, {"assignee": "off-9", "reason": "改派"})
    assert exc.value.code == "assignee_recused"
    with pytest.raises(IntakeRuleError) as exc:
        handlers.assign(store, clock, SUPERVISOR, pid, {"assignee": "clerk-2", "reason": " "})
    assert rule_error(exc.value).status == 400 and "reason" in rule_error(exc.value).fields
    clock.advance(days=1)
    view = staff_view(handlers.assign(store, clock, SUPERVISOR, pid, {"assignee": "clerk-2", "reason": "原承办人回避"}))
    assert view["assignee"] == "clerk-2"
    assert [(a["previous"], a["assignee"], a["by"], a["reason"]) for a in view["assignments"]] == [
        (None, "clerk-1", "clerk-1", "登记人承办"),
        ("clerk-1", "clerk-2", "boss-1", "原承办人回避"),
    ]
    assert view["assignments"][1]["at"].startswith("2026-11-21")


def test_the_portal_cannot_mark_a_subject_as_commission_staff_or_leader_but_staff_entry_can():
    subject = {"kind": "official", "name": "周某", "commission_leader": True}
    public = dict(REPORT, subjects=[subject])
    errors = SubmitReportSchema().validate(public)
    assert "commission_leader" in errors["subjects"][0]
    errors = SubmitReportSchema().validate(
        dict(public, subjects=[{"kind": "official", "name": "周某", "commission_staff": False}])
    )
    assert "commission_staff" in errors["subjects"][0]
    staff = dict(public, channel="letter", received_on="2026-11-20", kind="discipline_report")
    assert StaffReportSchema().validate(staff) == {}


def test_a_staff_member_named_by_name_in_a_report_of_their_county_is_recused(store, clock, calendar, keyring):
    pid = enter(store, clock, calendar, [{"kind": "official", "name": "周 某"}])  # by name only, unresolved
    namesake = Principal("staff-77", frozenset({"intake_clerk", "intake_supervisor"}), ("130402",), name="周某")
    with pytest.raises(SubjectRecused):
        handlers.get_report(store, namesake, pid)
    with pytest.raises(SubjectRecused):
        handlers.triage(store, clock, namesake, pid, triage_payload("off-9", "no_substance"))
    assert pid not in [p.id for p in handlers.list_reports(store, namesake, {"county": "130402"})]
    assert pid in [p.id for p in handlers.list_reports(store, CLERK, {"county": "130402"})]
    named = handlers.submit_report(
        store,
        clock,
        calendar,
        keyring,
        dict(
            REPORT,
            anonymous=False,
            reporter={"name": "李举报", "phone": "13912345678"},
            subjects=[{"kind": "official", "name": "周某"}],
        ),
        channel="letter",
    ).petition.id
    with pytest.raises(IdentityRuleError) as exc:
        handlers.request_identity(store, clock, namesake, named, "想知道是谁举报的")
    assert exc.value.code == "subject_recused" and rule_error(exc.value).status == 403
