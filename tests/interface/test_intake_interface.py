"""Intake as a real nameko container on the real local RabbitMQ."""

import base64
import json
import socket
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from wuying_archive.service import ArchiveService
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_intake.persistence import AuditEntry, IdentityRequest, Petition
from wuying_intake.service import IntakeService

KEY = base64.b64encode(b"k" * 32).decode()

ANONYMOUS = {
    "category": "work_style",
    "county": "130402",
    "content": "某局局长长期在工作日中午饮酒，并多次公车私用接送家人。",
    "subjects": [{"kind": "official", "name": "王某", "unit_name": "某某局"}],
    "anonymous": True,
}
NAMED = dict(
    ANONYMOUS,
    anonymous=False,
    reporter={"name": "李举报", "phone": "13800138000", "address": "某某小区3号楼"},
)


# A collective review on record (集体研判, seeds/001 黑龙江): closing a no-substance or duplicate
# report, or merging a duplicate, needs one (issue 8 item 5).
REVIEW = {
    "meeting_date": SystemClock().today().isoformat(),
    "participants": ["甲", "乙", "丙"],
    "conclusion": "无新事实",
}


def start(container_factory, config, keys=f"k1:{KEY}"):
    container = container_factory(IntakeService, dict(config, INTAKE_ENCRYPTION_KEYS=keys))
    container.start()
    return container


OFFICIAL = {
    "id": "off-1",
    "name": "王某",
    "county": "130402",
    "unit_id": "u-1",
    "post": "局长",
    "rank": "正科",
}


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_archive(container_factory, config, *officials):
    """The real archive service beside intake, on the same broker (its own HTTP port), with
    officials registered through its RPC."""
    archive = container_factory(ArchiveService, dict(config, WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}"))
    archive.start()
    with entrypoint_hook(archive, "register") as register:
        assert register(units=[], officials=list(officials))["officials"] == len(officials)
    return archive


def test_a_public_anonymous_report_is_stored_and_announced_as_petition_received(
    container_factory, service_config, web_session, event_listener
):
    start(container_factory, service_config)
    probe, seen = event_listener(service_config, "intake", "petition.received")
    with entrypoint_waiter(probe, "on", timeout=10):
        response = web_session.post("/api/v1/reports", json=ANONYMOUS)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "received"
    assert len(body["receipt_code"]) == 19
    expected = WorkingDayCalendar.official().add_working_days(SystemClock().today(), 15).date
    assert body["acknowledge_due"] == expected.isoformat()
    event = seen[0]
    assert event["type"] == "wuying.intake.petition.received.v1"
    assert event["data"]["petition_id"] == body["petition_id"]
    assert event["data"]["channel"] == "public_portal"
    assert event["data"]["anonymous"] is True
    assert event["county"] == "130402"
    assert body["receipt_code"] not in json.dumps(event)


def test_the_receipt_code_shows_the_status_and_the_answer_and_a_wrong_code_says_not_found(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    receipt = web_session.post("/api/v1/reports", json=ANONYMOUS).json()
    status = web_session.post("/api/v1/receipts/lookup", json={"receipt_code": receipt["receipt_code"].lower()})
    assert status.status_code == 200, status.text
    assert status.json()["status_zh"] == "已收到，正在登记受理"
    assert "petition_id" not in status.json()

    clerk = {"Authorization": token("intake_clerk")}
    pid = receipt["petition_id"]
    web_session.post(
        f"/api/v1/reports/{pid}/triage",
        json={"outcome": "no_substance", "severity": "low", "note": "无具体事实"},
        headers=clerk,
    )
    closed = web_session.post(
        f"/api/v1/reports/{pid}/close",
        json={"answer": "经核查，反映问题不属实。", "collective_review": REVIEW},
        headers=clerk,
    )
    assert closed.status_code == 200, closed.text
    after = web_session.post("/api/v1/receipts/lookup", json={"receipt_code": receipt["receipt_code"]}).json()
    assert after["status"] == "closed"
    assert [r["text"] for r in after["replies"]] == ["经核查，反映问题不属实。"]

    wrong = web_session.post("/api/v1/receipts/lookup", json={"receipt_code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert wrong.status_code == 404
    assert wrong.json()["error"]["code"] == "receipt_not_found"


def test_triage_as_integrity_information_publishes_petition_triaged_and_twice_is_a_conflict(
    container_factory, service_config, web_session, token, event_listener
):
    start_archive(container_factory, service_config, OFFICIAL)
    start(container_factory, service_config)
    probe, seen = event_listener(service_config, "intake", "petition.triaged")
    pid = web_session.post("/api/v1/reports", json=ANONYMOUS).json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk")}
    triage = {
        "outcome": "integrity_information",
        "severity": "medium",
        "subjects": [{"kind": "official", "id": "off-1", "county": "130402"}],
        "note": "反映具体，有线索可查",
    }
    with entrypoint_waiter(probe, "on", timeout=10):
        response = web_session.post(f"/api/v1/reports/{pid}/triage", json=triage, headers=clerk)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "triaged"
    data = seen[0]["data"]
    assert data["outcome"] == "integrity_information"
    assert data["category"] == "work_style"
    assert data["category_zh"] == "作风问题"
    assert data["subjects"] == [{"kind": "official", "id": "off-1", "county": "130402"}]

    again = web_session.post(f"/api/v1/reports/{pid}/triage", json=triage, headers=clerk)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_triaged"


def test_a_case_clue_is_recorded_as_transferred_to_case_handling(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    pid = web_session.post("/api/v1/reports", json=ANONYMOUS).json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk")}
    response = web_session.post(
        f"/api/v1/reports/{pid}/triage",
        json={"outcome": "case_clue", "severity": "high", "note": "涉嫌违纪，移交审查调查"},
        headers=clerk,
    )
    assert response.status_code == 200, response.text
    assert response.json()["triage"]["transferred_to"] == "case_handling"


def test_a_named_report_is_stored_sealed_and_staff_never_see_the_reporter(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    response = web_session.post("/api/v1/reports", json=NAMED)
    assert response.status_code == 201, response.text
    assert "receipt_code" not in response.json()
    pid = response.json()["petition_id"]
    stored = Petition.objects(id=pid).first()
    raw = json.dumps(stored.to_mongo().to_dict(), default=str, ensure_ascii=False)
    assert stored.reporter.kid == "k1"
    for secret in ("李举报", "13800138000", "某某小区"):
        assert secret not in raw
    view = web_session.get(f"/api/v1/reports/{pid}", headers={"Authorization": token("intake_supervisor")})
    assert view.status_code == 200
    assert view.json()["reporter_on_file"] is True
    assert "李举报" not in view.text and "13800138000" not in view.text


def test_without_a_key_a_named_report_is_refused_with_503_and_nothing_is_stored(
    container_factory, service_config, web_session
):
    start(container_factory, service_config, keys="")
    response = web_session.post("/api/v1/reports", json=NAMED)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "encryption_unavailable"
    assert Petition.objects.count() == 0
    assert web_session.post("/api/v1/reports", json=ANONYMOUS).status_code == 201


def test_bad_input_names_the_field_and_stores_nothing(container_factory, service_config, web_session):
    start(container_factory, service_config)
    cases = {
        "category": dict(ANONYMOUS, category="gossip"),
        "county": dict(ANONYMOUS, county="1304"),
        "content": dict(ANONYMOUS, content="太短"),
        "subjects": dict(ANONYMOUS, subjects=[]),
        "subjects.0.name": dict(ANONYMOUS, subjects=[{"kind": "official"}]),
        "reporter": dict(ANONYMOUS, reporter={"name": "李", "phone": "13800138000"}),
        "reporter.phone": dict(NAMED, reporter={"name": "李", "phone": "12345"}),
        "ip_address": dict(ANONYMOUS, ip_address="10.0.0.1"),
    }
    for field, body in cases.items():
        response = web_session.post("/api/v1/reports", json=body)
        assert response.status_code == 400, (field, response.text)
        assert field in response.json()["error"]["fields"], (field, response.json())
    named_without_reporter = dict(ANONYMOUS, anonymous=False)
    assert "reporter" in web_session.post("/api/v1/reports", json=named_without_reporter).json()["error"]["fields"]
    assert Petition.objects.count() == 0


def test_staff_entry_needs_a_token_and_a_county_within_it(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    letter = dict(NAMED, channel="letter", kind="discipline_report", received_on="2026-11-18")
    assert web_session.post("/api/v1/staff/reports", json=letter).status_code == 401
    other = web_session.post(
        "/api/v1/staff/reports", json=letter, headers={"Authorization": token("intake_clerk", county="130102")}
    )
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "county_forbidden"
    wrong_role = web_session.post(
        "/api/v1/staff/reports", json=letter, headers={"Authorization": token("warning_officer")}
    )
    assert wrong_role.status_code == 403
    ok = web_session.post("/api/v1/staff/reports", json=letter, headers={"Authorization": token("intake_clerk")})
    assert ok.status_code == 201, ok.text
    listing = web_session.get("/api/v1/reports?county=130402", headers={"Authorization": token("intake_clerk")})
    assert [r["channel"] for r in listed(listing)] == ["letter"]
    assert listed(listing)[0]["received_on"] == "2026-11-18"
    elsewhere = web_session.get("/api/v1/reports?county=130102", headers={"Authorization": token("intake_clerk")})
    assert elsewhere.status_code == 403
    # Report content is for intake's staff only (issue 9 item 5): not inspectors, not agencies.
    for role in ("inspector", "agency_reader", "official"):
        denied = web_session.get("/api/v1/reports?county=130402", headers={"Authorization": token(role)})
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "role_forbidden"
    assert web_session.get("/api/v1/reports?county=130402").status_code == 401


def test_reports_received_are_counted_by_channel_and_county(container_factory, service_config, web_session):
    start(container_factory, service_config)
    web_session.post("/api/v1/reports", json=ANONYMOUS)
    metrics = web_session.get("/metrics").text
    assert 'wuying_intake_reports_received_total{channel="public_portal",county="130402"} 1.0' in metrics
    assert "/api/v1/reports/{petition_id}/triage" in web_session.get("/openapi.json").json()["paths"]


def test_statistics_count_by_channel_and_export_as_csv(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    web_session.post("/api/v1/reports", json=ANONYMOUS)
    staff = {"Authorization": token("commission_leader")}
    stats = web_session.get("/api/v1/statistics?county=130402", headers=staff)
    assert stats.status_code == 200, stats.text
    assert stats.json()["channel"]["public_portal"] == 1
    assert stats.json()["status"]["received"] == 1
    exported = web_session.get("/api/v1/statistics?county=130402&format=csv", headers=staff)
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "130402,channel,public_portal,外网廉情信息收集（网上举报）,1" in exported.content.decode("utf-8-sig")
    assert web_session.get("/api/v1/statistics?county=130102", headers=staff).status_code == 403
    # A city answers each of its counties too: the dashboard draws them from one read.
    city = {"Authorization": token("commission_leader", county="130400")}
    rolled = web_session.get("/api/v1/statistics?county=130400", headers=city).json()
    by_county = {c["county"]: c for c in rolled["counties"]}
    assert set(by_county) == {"130402", "130403", "130404", "130406", "130408"}
    assert by_county["130402"]["total"] == 1 and by_county["130403"]["total"] == 0
    assert rolled["total"] == 1
    assert by_county["130402"]["working_days_to_closure"] == {"count": 0, "average": None, "median": None}


HISTORICAL = {
    "petition_id": "OLD-2026-000001",
    "channel": "letter",
    "category": "key_sectors",
    "county": "130402",
    "kind": "petition",
    "content": "原系统登记的反映材料，内容完整。",
    "subjects": [{"kind": "official", "name": "周某"}],
    "anonymous": True,
    "received_on": "2026-03-02",
    "status": "triaged",
    "triage": {
        "outcome": "no_substance",
        "severity": "low",
        "note": "经核查无实质内容",
        "triaged_at": "2026-03-05T02:00:00Z",
    },
}


def test_historical_reports_are_imported_whole_or_not_at_all_and_counted_with_their_overdue_deadline(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    operator = {"Authorization": token("operator")}
    late = dict(HISTORICAL, petition_id="OLD-2026-000002", received_on="2099-01-01")
    refused = web_session.post("/api/v1/imports/reports", json={"reports": [HISTORICAL, late]}, headers=operator)
    assert refused.status_code == 422 and set(refused.json()["error"]["fields"]) == {"reports.1.received_on"}
    clerk = {"Authorization": token("intake_clerk")}
    forbidden = web_session.post("/api/v1/imports/reports", json={"reports": [HISTORICAL]}, headers=clerk)
    assert forbidden.status_code == 403
    done = web_session.post("/api/v1/imports/reports", json={"reports": [HISTORICAL]}, headers=operator)
    assert done.status_code == 200 and done.json() == {"received": 1, "imported": 1, "skipped": []}, done.text
    stats = web_session.get("/api/v1/statistics?county=130402", headers={"Authorization": token("commission_leader")})
    # the one imported, not the one refused; its 60-day handling deadline (from 2026-03-05) has passed
    assert (stats.json()["total"], stats.json()["status"]["triaged"], stats.json()["overdue"]) == (1, 1, 1)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
mutated = st.builds(
    lambda key, value: dict(ANONYMOUS, **{key: value}),
    st.sampled_from([*ANONYMOUS, "reporter", "channel", "extra"]),
    json_values,
)
bodies = st.one_of(st.dictionaries(st.text(max_size=12), json_values, max_size=6), mutated, json_values)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
@example(body=ANONYMOUS)  # always exercise the stored path, not only when the draw finds it
@example(body=dict(ANONYMOUS, reporter=None))
def test_random_bodies_never_cause_a_server_error_or_a_half_written_report(
    container_factory, service_config, web_session, body
):
    # Hypothesis reuses the function-scoped fixtures across examples: start the service once.
    if getattr(container_factory, "_intake", None) is None:
        # Every request costs a token before its body is read (issue 15): lift the limit here,
        # where the bodies are the subject (tests/interface/test_intake_rate_limit.py tests it).
        container_factory._intake = start(container_factory, dict(service_config, INTAKE_RATE_LIMIT_REPORTS="1000/1"))
    before = Petition.objects.count()
    response = web_session.post("/api/v1/reports", data=json.dumps(body), headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text
    after = Petition.objects.count()
    if response.status_code == 201:
        assert after == before + 1
        stored = Petition.objects(id=response.json()["petition_id"]).first()
        # A portal report is a 检举控告: its acceptance deadline is stored with it.
        assert stored.status == "received" and stored.deadline("acknowledge").due is not None
        assert (stored.receipt is not None) == stored.anonymous
        assert (stored.reporter is not None) == (not stored.anonymous)
    else:
        assert after == before
        assert response.json()["error"]["fields"]


# -- identity opening: four eyes, audited -------------------------------------------------------
def listed(response) -> list:
    """A list route's items, bare or in a page (``{"items", "next"}``)."""
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


def test_opening_a_reporters_identity_takes_a_second_supervisor_only_the_requester_reads_it_and_all_is_audited(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    pid = web_session.post("/api/v1/reports", json=NAMED).json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk", subject="clerk-1")}
    boss = {"Authorization": token("intake_supervisor", subject="boss-1")}
    asked = web_session.post(
        f"/api/v1/reports/{pid}/identity-requests", json={"reason": "核实举报内容需要联系举报人"}, headers=clerk
    )
    assert asked.status_code == 201, asked.text
    rid = asked.json()["request_id"]
    early = web_session.get(f"/api/v1/identity-requests/{rid}/identity", headers=clerk)
    assert early.status_code == 403 and early.json()["error"]["code"] == "not_approved"
    by_clerk = web_session.post(f"/api/v1/identity-requests/{rid}/approve", json={}, headers=clerk)
    assert by_clerk.status_code == 403  # a clerk is not a supervisor
    # The supervisors' worklist: the request waits for them (the county and its city), not for clerks.
    city_boss = {"Authorization": token("intake_supervisor", county="130400", subject="boss-1")}
    for scope, who in (("130402", boss), ("130400", city_boss)):
        waiting = web_session.get(f"/api/v1/identity-requests?county={scope}", headers=who)
        assert waiting.status_code == 200, waiting.text
        assert [r["request_id"] for r in listed(waiting)] == [rid]
        assert listed(waiting)[0]["status_zh"] == "待审批" and "李举报" not in waiting.text
    assert web_session.get("/api/v1/identity-requests?county=130402", headers=clerk).status_code == 403
    assert web_session.get("/api/v1/identity-requests?county=130102", headers=boss).status_code == 403
    approved = web_session.post(f"/api/v1/identity-requests/{rid}/approve", json={"note": "同意"}, headers=boss)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    opened = web_session.get(f"/api/v1/identity-requests/{rid}/identity", headers=clerk)
    assert opened.status_code == 200, opened.text
    assert opened.json()["reporter"]["name"] == "李举报"
    assert listed(web_session.get("/api/v1/identity-requests?county=130402", headers=boss)) == []
    assert web_session.get(f"/api/v1/identity-requests/{rid}/identity", headers=boss).status_code == 403

    audit = web_session.get("/api/v1/audit?county=130402", headers={"Authorization": token("auditor")})
    assert audit.status_code == 200, audit.text
    trail = [(a["action"], a["outcome"], a["actor"]) for a in reversed(listed(audit))]
    assert ("requested", "allowed", "clerk-1") in trail
    assert ("approved", "allowed", "boss-1") in trail
    assert ("accessed", "allowed", "clerk-1") in trail
    assert ("accessed", "denied", "boss-1") in trail
    assert "李举报" not in audit.text and "13800138000" not in audit.text
    assert web_session.get("/api/v1/audit?county=130402", headers=clerk).status_code == 403
    stored = json.dumps(
        [e.to_mongo().to_dict() for e in AuditEntry.objects]
        + [r.to_mongo().to_dict() for r in IdentityRequest.objects],
        default=str,
        ensure_ascii=False,
    )
    assert "李举报" not in stored and "13800138000" not in stored


def test_the_same_person_cannot_approve_and_a_named_subject_can_neither_request_nor_approve(
    container_factory, service_config, web_session, token
):
    start_archive(container_factory, service_config, OFFICIAL)
    start(container_factory, service_config)
    letter = dict(
        NAMED,
        channel="letter",
        kind="discipline_report",
        received_on="2026-11-18",
        subjects=[{"kind": "official", "id": "off-1"}],
    )
    clerk = {"Authorization": token("intake_clerk", subject="clerk-1")}
    pid = web_session.post("/api/v1/staff/reports", json=letter, headers=clerk).json()["petition_id"]
    boss = {"Authorization": token("intake_supervisor", subject="boss-1")}
    rid = web_session.post(
        f"/api/v1/reports/{pid}/identity-requests", json={"reason": "需要联系举报人补充材料"}, headers=boss
    ).json()["request_id"]
    own = web_session.post(f"/api/v1/identity-requests/{rid}/approve", json={}, headers=boss)
    assert own.status_code == 403 and own.json()["error"]["code"] == "same_person"
    # Not in the asker's own worklist, but in another supervisor's.
    assert listed(web_session.get("/api/v1/identity-requests?county=130402", headers=boss)) == []
    other = {"Authorization": token("intake_supervisor", subject="boss-2")}
    waiting = web_session.get("/api/v1/identity-requests?county=130402", headers=other)
    assert [r["request_id"] for r in listed(waiting)] == [rid]

    accused = {"Authorization": token("intake_supervisor", "intake_clerk", subject="off-1")}
    for response in (
        web_session.post(f"/api/v1/reports/{pid}/identity-requests", json={"reason": "想知道是谁"}, headers=accused),
        web_session.post(f"/api/v1/identity-requests/{rid}/approve", json={}, headers=accused),
        web_session.get(f"/api/v1/reports/{pid}", headers=accused),
        web_session.post(
            f"/api/v1/reports/{pid}/triage",
            json={"outcome": "no_substance", "severity": "low", "note": "无具体事实"},
            headers=accused,
        ),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "subject_recused"
    assert listed(web_session.get("/api/v1/identity-requests?county=130402", headers=accused)) == []
    assert IdentityRequest.objects(id=rid).first().status == "pending"
    # the refused request attempt on its own, the refused approval in the request's trail
    assert AuditEntry.objects(actor="off-1", outcome="denied").count() == 1
    trail = IdentityRequest.objects(id=rid).first().audit
    assert [(a.actor, a.action, a.code) for a in trail if a.outcome == "denied"][-1] == (
        "off-1",
        "approved",
        "subject_recused",
    )
    audit = listed(web_session.get("/api/v1/audit?county=130402", headers={"Authorization": token("auditor")}))
    assert sum(1 for a in audit if a["actor"] == "off-1" and a["outcome"] == "denied") == 2


# -- subjects checked against archive's registry over RPC ------------------------------------------
def test_staff_entry_checks_subject_ids_and_resolves_a_unique_name_with_the_real_archive(
    container_factory, service_config, web_session, token
):
    start_archive(container_factory, service_config, OFFICIAL, dict(OFFICIAL, id="off-2", name="刘某"))
    start(container_factory, service_config)
    clerk = {"Authorization": token("intake_clerk")}
    letter = dict(ANONYMOUS, channel="letter", kind="discipline_report", received_on="2026-11-18")
    unknown = dict(letter, subjects=[{"kind": "official", "name": "王某"}, {"kind": "official", "id": "off-404"}])
    refused = web_session.post("/api/v1/staff/reports", json=unknown, headers=clerk)
    assert refused.status_code == 409, refused.text  # not in the registry: a state rule
    assert (
        refused.json()["error"]["code"] == "unknown_official" and "subjects.1.id" in refused.json()["error"]["fields"]
    )
    assert Petition.objects.count() == 0

    by_name = dict(letter, subjects=[{"kind": "official", "name": "刘某"}, {"kind": "official", "name": "陈某"}])
    created = web_session.post("/api/v1/staff/reports", json=by_name, headers=clerk)
    assert created.status_code == 201, created.text
    view = web_session.get(f"/api/v1/reports/{created.json()['petition_id']}", headers=clerk).json()
    assert [(s["name"], s["id"], s["registered"]) for s in view["subjects"]] == [
        ("刘某", "off-2", True),
        ("陈某", None, False),
    ]

    pid = created.json()["petition_id"]
    bad = {
        "outcome": "integrity_information",
        "severity": "low",
        "subjects": [{"kind": "official", "id": "off-404", "county": "130402"}],
        "note": "反映具体",
    }
    triaged = web_session.post(f"/api/v1/reports/{pid}/triage", json=bad, headers=clerk)
    # not in the registry: the state of things (register the official first), 409
    assert triaged.status_code == 409 and "subjects.0.id" in triaged.json()["error"]["fields"]


def test_a_case_clue_is_announced_as_clue_transferred_without_the_reporter(
    container_factory, service_config, web_session, token, event_listener
):
    start_archive(container_factory, service_config, OFFICIAL)
    start(container_factory, service_config)
    probe, seen = event_listener(service_config, "intake", "clue.transferred")
    pid = web_session.post("/api/v1/reports", json=NAMED).json()["petition_id"]
    clue = {
        "outcome": "case_clue",
        "severity": "high",
        "subjects": [{"kind": "official", "id": "off-1", "county": "130402"}],
        "note": "涉嫌违纪，移交审查调查",
    }
    with entrypoint_waiter(probe, "on", timeout=10):
        response = web_session.post(
            f"/api/v1/reports/{pid}/triage", json=clue, headers={"Authorization": token("intake_clerk")}
        )
    assert response.status_code == 200, response.text
    data = seen[0]["data"]
    assert seen[0]["type"] == "wuying.intake.clue.transferred.v1"
    assert data["petition_id"] == pid and data["transferred_to"] == "case_handling"
    assert data["subjects"] == [{"kind": "official", "id": "off-1", "county": "130402"}]
    assert "李举报" not in json.dumps(seen, ensure_ascii=False) and "13800138000" not in json.dumps(seen)


# -- public submission hardening -------------------------------------------------------------------
def test_public_submissions_and_lookups_are_rate_limited_per_client_and_no_address_is_stored(
    container_factory, service_config, web_session
):
    container = start(
        container_factory,
        dict(service_config, INTAKE_RATE_LIMIT_REPORTS="2/3600", INTAKE_RATE_LIMIT_LOOKUPS="2/3600"),
    )
    codes = [web_session.post("/api/v1/reports", json=ANONYMOUS) for _ in range(3)]
    assert [r.status_code for r in codes] == [201, 201, 429]
    error = codes[2].json()["error"]
    assert error["code"] == "too_many_requests" and "频繁" in error["message"]
    lookups = [
        web_session.post("/api/v1/receipts/lookup", json={"receipt_code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}) for _ in range(3)
    ]
    assert [r.status_code for r in lookups] == [404, 404, 429]

    limiter = next(e for e in container.extensions if type(e).__name__ == "RateLimiter")
    hashed = limiter.buckets["reports"].key("127.0.0.1")
    db = Petition._get_db()
    stored = json.dumps(
        {name: list(db[name].find()) for name in db.list_collection_names()}, default=str, ensure_ascii=False
    )
    for trace in ("127.0.0.1", hashed, hashed[:16]):
        assert trace not in stored


# Issue 15 item 3: the limit refuses before the body is read or parsed, with Retry-After.
def _raw_answer(sock: socket.socket) -> tuple[str, dict, bytes]:
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(4096)
        assert chunk, "the connection closed without an answer"
        raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    length = int(headers.get("Content-Length", "0"))
    while len(body) < length:
        body += sock.recv(4096)
    return lines[0], headers, body


def test_over_the_limit_a_slow_large_body_is_refused_before_it_is_read(
    container_factory, service_config, web_session, web_config_port
):
    start(container_factory, dict(service_config, INTAKE_RATE_LIMIT_REPORTS="1/3600"))
    assert web_session.post("/api/v1/reports", json=ANONYMOUS).status_code == 201

    # Announce 1 MiB, send 8 bytes, and wait: a server that read the body first would wait too.
    with socket.create_connection(("127.0.0.1", web_config_port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1048576\r\n\r\n" + b'{"conten'
        )
        status, headers, body = _raw_answer(sock)
    assert status.split(" ")[1] == "429"
    assert 1 <= int(headers["Retry-After"]) <= 3600
    error = json.loads(body)["error"]
    assert error["code"] == "too_many_requests" and "频繁" in error["message"]


def test_a_malformed_body_costs_a_token_because_the_limit_comes_before_parsing(
    container_factory, service_config, web_session
):
    start(container_factory, dict(service_config, INTAKE_RATE_LIMIT_REPORTS="2/3600"))
    bad = [
        web_session.post("/api/v1/reports", data=b"[" * 100, headers={"Content-Type": "application/json"})
        for _ in range(2)
    ]
    assert [r.status_code for r in bad] == [400, 400]
    refused = web_session.post("/api/v1/reports", json=ANONYMOUS)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "王某" not in refused.text and "127.0.0.1" not in refused.text


def test_each_process_allows_its_share_when_the_limit_is_spread_over_processes(
    container_factory, service_config, web_session
):
    # 4 lookups an hour for one client over 2 processes: this process allows 2 of them.
    start(
        container_factory,
        dict(service_config, INTAKE_RATE_LIMIT_LOOKUPS="4/3600", INTAKE_RATE_LIMIT_PROCESSES="2"),
    )
    codes = [
        web_session.post("/api/v1/receipts/lookup", json={"receipt_code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).status_code
        for _ in range(3)
    ]
    assert codes == [404, 404, 429]


def test_the_deadline_clock_announces_an_unanswered_report_as_overdue_once_and_counts_it(
    container_factory, service_config, web_session, token, event_listener
):
    container = start(container_factory, service_config)
    probe, seen = event_listener(service_config, "intake", "petition.overdue")
    long_ago = (SystemClock().today() - timedelta(days=60)).isoformat()
    letter = dict(ANONYMOUS, channel="letter", kind="discipline_report", received_on=long_ago)
    clerk = {"Authorization": token("intake_clerk")}
    pid = web_session.post("/api/v1/staff/reports", json=letter, headers=clerk).json()["petition_id"]
    with entrypoint_waiter(probe, "on", timeout=10):
        with entrypoint_hook(container, "check_deadlines") as tick:
            assert tick() == {"reminded": 0, "overdue": 1}
    with entrypoint_hook(container, "check_deadlines") as tick:
        assert tick() == {"reminded": 0, "overdue": 0}
    assert seen[0]["data"]["petition_id"] == pid and seen[0]["data"]["kind"] == "acknowledge"
    metrics = web_session.get("/metrics").text
    assert 'wuying_intake_deadlines_overdue_total{county="130402",kind="acknowledge"} 1.0' in metrics
    view = web_session.get(f"/api/v1/reports/{pid}", headers=clerk).json()
    assert any(n.startswith("overdue:acknowledge:") for n in view["deadline_notices"])


def test_a_forwarded_discipline_report_shows_its_5_working_day_deadline_and_the_clock_flags_it_overdue(
    container_factory, service_config, web_session, token, event_listener
):
    from datetime import UTC, datetime

    from wuying_common.clock import Clock
    from wuying_testing import FixedClock

    container = start(container_factory, service_config)
    fixed = FixedClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))  # a Friday in Beijing
    next(e for e in container.extensions if isinstance(e, Clock)).clock = fixed
    probe, seen = event_listener(service_config, "intake", "petition.overdue")
    clerk = {"Authorization": token("intake_clerk")}
    forwarded = dict(
        ANONYMOUS,
        channel="letter",
        received_on="2026-11-20",
        kind="discipline_report",
        forwarded=True,
        forwarded_from="某市纪委监委信访室",
        forwarded_on="2026-11-19",
    )
    assert web_session.post("/api/v1/staff/reports", json=dict(forwarded, kind=None), headers=clerk).status_code == 400
    created = web_session.post("/api/v1/staff/reports", json=forwarded, headers=clerk)
    assert created.status_code == 201, created.text
    pid = created.json()["petition_id"]
    view = web_session.get(f"/api/v1/reports/{pid}", headers=clerk).json()
    assert view["kind_zh"] == "检举控告" and view["forwarded_from"] == "某市纪委监委信访室"
    deadlines = {d["key"]: d for d in view["deadlines"]}
    accept = deadlines["accept_forwarded"]
    assert (accept["due"], accept["unit"], accept["unit_zh"]) == ("2026-11-27", "working_days", "工作日")
    assert deadlines["acknowledge"]["due"] == view["acknowledge_due"] == "2026-12-11"

    fixed.advance(days=11)  # 2026-12-01: the forwarded report was not accepted within 5 working days
    with entrypoint_waiter(probe, "on", timeout=10):
        with entrypoint_hook(container, "check_deadlines") as tick:
            assert tick() == {"reminded": 0, "overdue": 1}
    with entrypoint_hook(container, "check_deadlines") as tick:
        assert tick() == {"reminded": 0, "overdue": 0}
    data = seen[0]["data"]
    assert (data["petition_id"], data["kind"], data["unit"], data["due"]) == (
        pid,
        "accept_forwarded",
        "working_days",
        "2026-11-27",
    )
    assert data["working_days_overdue"] == 2 and data["report_kind"] == "discipline_report"
    metrics = web_session.get("/metrics").text
    assert 'wuying_intake_deadlines_overdue_total{county="130402",kind="accept_forwarded"} 1.0' in metrics
    view = web_session.get(f"/api/v1/reports/{pid}", headers=clerk).json()
    assert {d["key"]: d["overdue_notified"] for d in view["deadlines"]}["accept_forwarded"] is True


# -- attachments --------------------------------------------------------------------------------
def _attachment(content: bytes, content_type="image/jpeg", name="现场照片.jpg"):
    import hashlib

    return {
        "file_name": name,
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": base64.b64encode(content).decode(),
    }


def test_attachments_round_trip_to_staff_and_a_too_large_or_disallowed_one_leaves_nothing_stored(
    container_factory, service_config, web_session, token
):
    from wuying_intake.persistence import Attachment

    start(container_factory, dict(service_config, INTAKE_ATTACHMENT_MAX_BYTES=2000))
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    created = web_session.post("/api/v1/reports", json=dict(ANONYMOUS, attachments=[_attachment(photo)]))
    assert created.status_code == 201, created.text
    pid = created.json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk")}
    listed = web_session.get(f"/api/v1/reports/{pid}/attachments", headers=clerk)
    assert listed.status_code == 200, listed.text
    assert listed.json()["next"] is None and listed.json()["items"] == [
        {
            "n": 0,
            "file_name": "现场照片.jpg",
            "content_type": "image/jpeg",
            "size": len(photo),
            "sha256": _attachment(photo)["sha256"],
        }
    ]
    download = web_session.get(f"/api/v1/reports/{pid}/attachments/0", headers=clerk)
    assert download.status_code == 200
    assert download.content == photo and download.headers["Content-Type"].startswith("image/jpeg")
    assert web_session.get(f"/api/v1/reports/{pid}/attachments/0").status_code == 401
    other_county = {"Authorization": token("intake_clerk", county="130403")}
    assert web_session.get(f"/api/v1/reports/{pid}/attachments/0", headers=other_county).status_code == 403
    assert web_session.get(f"/api/v1/reports/{pid}/attachments/9", headers=clerk).status_code == 404

    before = (Petition.objects.count(), Attachment.objects.count())
    too_large = web_session.post(
        "/api/v1/reports", json=dict(ANONYMOUS, attachments=[_attachment(photo), _attachment(b"x" * 2001)])
    )
    assert too_large.status_code == 413, too_large.text
    assert "attachments.1.content" in too_large.json()["error"]["fields"]
    disallowed = web_session.post(
        "/api/v1/reports",
        json=dict(ANONYMOUS, attachments=[_attachment(b"MZ\x90", "application/x-msdownload", "a.exe")]),
    )
    assert disallowed.status_code == 400, disallowed.text
    assert "attachments.0.content_type" in disallowed.json()["error"]["fields"]
    assert (Petition.objects.count(), Attachment.objects.count()) == before


def test_an_anonymous_reporter_adds_information_with_the_receipt_code_and_it_is_rate_limited(
    container_factory, service_config, web_session, token
):
    start(container_factory, dict(service_config, INTAKE_RATE_LIMIT_LOOKUPS="2/3600"))
    receipt = web_session.post("/api/v1/reports", json=ANONYMOUS).json()
    body = {"receipt_code": receipt["receipt_code"], "content": "补充：该局长每周五都用公车接孩子放学。"}
    added = web_session.post("/api/v1/receipts/additions", json=body)
    assert added.status_code == 201, added.text
    assert added.json()["additions"] == 1
    short = web_session.post("/api/v1/receipts/additions", json=dict(body, content="太短"))
    assert short.status_code == 400 and "content" in short.json()["error"]["fields"]
    view = web_session.get(
        f"/api/v1/reports/{receipt['petition_id']}", headers={"Authorization": token("intake_clerk")}
    ).json()
    assert [a["text"] for a in view["additions"]] == [body["content"]]
    web_session.post("/api/v1/receipts/lookup", json={"receipt_code": receipt["receipt_code"]})
    assert web_session.post("/api/v1/receipts/additions", json=body).status_code == 429


# -- duplicates: merge, or close a repeat after collective review (seeds/001) -----------------------
def test_a_confirmed_duplicate_is_merged_and_a_repeat_closed_after_collective_review_both_announced(
    container_factory, service_config, web_session, token, event_listener
):
    start(container_factory, service_config)
    probe, seen = event_listener(service_config, "intake", "petition.closed")
    clerk = {"Authorization": token("intake_clerk", subject="clerk-1")}
    ids = [web_session.post("/api/v1/reports", json=ANONYMOUS).json()["petition_id"] for _ in range(3)]
    first, second, third = ids
    assert web_session.get(f"/api/v1/reports/{second}", headers=clerk).json()["duplicate_candidates"]
    with entrypoint_waiter(probe, "on", timeout=10):
        merged = web_session.post(
            f"/api/v1/reports/{second}/merge",
            json={"into": first, "confirmed_by": "受理科集体研判", "collective_review": REVIEW},
            headers=clerk,
        )
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged" and first in merged.json()["closure"]["answer"]
    assert web_session.get(f"/api/v1/reports/{first}", headers=clerk).json()["merged_reports"] == [second]
    again = web_session.post(
        f"/api/v1/reports/{second}/merge",
        json={"into": first, "confirmed_by": "x", "collective_review": REVIEW},
        headers=clerk,
    )
    assert again.status_code == 409

    review = {"meeting_date": SystemClock().today().isoformat(), "participants": ["甲", "乙"], "conclusion": "无新事实"}
    too_few = web_session.post(
        f"/api/v1/reports/{third}/close-repeated", json={"collective_review": review}, headers=clerk
    )
    assert too_few.status_code == 400
    assert "collective_review.participants" in too_few.json()["error"]["fields"]
    with entrypoint_waiter(probe, "on", timeout=10):
        closed = web_session.post(
            f"/api/v1/reports/{third}/close-repeated",
            json={"collective_review": dict(review, participants=["甲", "乙", "丙"])},
            headers=clerk,
        )
    assert closed.status_code == 200, closed.text
    assert closed.json()["collective_review"]["conclusion"] == "无新事实"
    assert [(e["data"]["petition_id"], e["data"]["outcome"]) for e in seen] == [
        (second, "merged"),
        (third, "repeated_no_new_facts"),
    ]


# -- RPC for other services ---------------------------------------------------------------------------
def test_other_services_read_a_reports_status_and_the_reports_about_an_official_over_rpc(
    container_factory, service_config, web_session, token
):
    from nameko.standalone.rpc import ServiceRpcProxy

    start(container_factory, service_config)
    start_archive(container_factory, service_config, OFFICIAL)
    pid = web_session.post("/api/v1/reports", json=NAMED).json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk")}
    triaged = web_session.post(
        f"/api/v1/reports/{pid}/triage",
        json={
            "outcome": "integrity_information",
            "severity": "medium",
            "subjects": [{"kind": "official", "id": "off-1", "county": "130402"}],
            "note": "反映具体",
        },
        headers=clerk,
    )
    assert triaged.status_code == 200, triaged.text
    with ServiceRpcProxy("intake", service_config) as intake:
        status = intake.report_status(pid)
        about = intake.reports_about("off-1")
        assert intake.report_status("XF000000-nope") is None
        assert intake.reports_about("off-404") == []
    assert status["status"] == "triaged" and status["outcome"] == "integrity_information"
    assert status["acknowledge_due"] and status["handle_due"] is None  # 检举控告: no handling deadline
    assert status["kind"] == "discipline_report"
    assert about == [
        {
            "petition_id": pid,
            "county": "130402",
            "category": "work_style",
            "status": "triaged",
            "outcome": "integrity_information",
            "received_on": status["received_on"],
            "closed_at": None,
        }
    ]
    serialized = json.dumps([status, about], ensure_ascii=False)
    assert "李举报" not in serialized and "13800138000" not in serialized and ANONYMOUS["content"] not in serialized


# -- issue 8 -----------------------------------------------------------------------------------------
def test_seed_001_heilongjiang_a_triage_needs_its_reason_and_a_no_substance_report_closes_only_after_review(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    pid = web_session.post("/api/v1/reports", json=ANONYMOUS).json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk")}
    triage = {"outcome": "no_substance", "severity": "low"}
    unreasoned = web_session.post(f"/api/v1/reports/{pid}/triage", json=triage, headers=clerk)
    assert unreasoned.status_code == 400 and "note" in unreasoned.json()["error"]["fields"]
    triaged = web_session.post(f"/api/v1/reports/{pid}/triage", json=dict(triage, note="无具体事实"), headers=clerk)
    assert triaged.status_code == 200 and triaged.json()["triage"]["note"] == "无具体事实"
    unreviewed = web_session.post(f"/api/v1/reports/{pid}/close", json={"answer": "经核查，不属实。"}, headers=clerk)
    assert unreviewed.status_code == 400, unreviewed.text
    assert unreviewed.json()["error"]["code"] == "review_required"
    assert "collective_review" in unreviewed.json()["error"]["fields"]
    reviewed = web_session.post(
        f"/api/v1/reports/{pid}/close", json={"answer": "经核查，不属实。", "collective_review": REVIEW}, headers=clerk
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["collective_review"]["participants"] == ["甲", "乙", "丙"]


def test_seed_000_h_a_report_about_the_commissions_leader_is_handled_only_by_the_principal_leader(
    container_factory, service_config, web_session, token, jwt_secret
):
    from wuying_common.auth import issue_token

    leader = dict(OFFICIAL, id="off-8", name="周某", post="纪委书记", rank="副处级", commission_staff=True)
    start_archive(container_factory, service_config, OFFICIAL, leader)
    start(container_factory, service_config)
    flagged = dict(ANONYMOUS, subjects=[{"kind": "official", "name": "周某", "commission_leader": True}])
    refused = web_session.post("/api/v1/reports", json=flagged)
    assert refused.status_code == 400 and "subjects.0.commission_leader" in refused.json()["error"]["fields"]

    clerk = {"Authorization": token("intake_clerk", subject="clerk-1")}
    letter = dict(
        ANONYMOUS,
        channel="special_supervisor",
        kind="discipline_report",
        received_on=SystemClock().today().isoformat(),
        subjects=[{"kind": "official", "name": "周某"}],
    )
    created = web_session.post("/api/v1/staff/reports", json=letter, headers=clerk)
    assert created.status_code == 201, created.text
    pid = created.json()["petition_id"]
    view = web_session.get(f"/api/v1/reports/{pid}", headers=clerk).json()
    assert (view["routing"], view["subjects"][0]["commission_leader"], view["assignee"]) == (
        "principal_leader",
        True,
        None,
    )
    triage = {
        "outcome": "integrity_information",
        "severity": "medium",
        "subjects": [{"kind": "official", "id": "off-8", "county": "130402"}],
        "note": "反映具体，有线索可查",
    }
    by_clerk = web_session.post(f"/api/v1/reports/{pid}/triage", json=triage, headers=clerk)
    assert by_clerk.status_code == 403 and by_clerk.json()["error"]["code"] == "principal_leader_only"
    by_supervisor = web_session.post(
        f"/api/v1/reports/{pid}/assign",
        json={"assignee": "clerk-2", "reason": "分办"},
        headers={"Authorization": token("intake_supervisor")},
    )
    assert by_supervisor.status_code == 403
    secretary = {"Authorization": token("commission_secretary", subject="sec-1")}
    assigned = web_session.post(
        f"/api/v1/reports/{pid}/assign",
        json={"assignee": "sec-office", "reason": "委领导办公室承办"},
        headers=secretary,
    )
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "sec-office"
    triaged = web_session.post(f"/api/v1/reports/{pid}/triage", json=triage, headers=secretary)
    assert triaged.status_code == 200, triaged.text

    # recusal by name: a staff member whose token name is the subject's, in the county
    namesake = "Bearer " + issue_token(jwt_secret, "staff-77", ["intake_clerk"], ["130402"], name="周某")
    recused = web_session.get(f"/api/v1/reports/{pid}", headers={"Authorization": namesake})
    assert recused.status_code == 403 and recused.json()["error"]["code"] == "subject_recused"
    page = web_session.get("/api/v1/reports?county=130402", headers={"Authorization": namesake}).json()
    assert pid not in [r["petition_id"] for r in page["items"]]


def test_a_named_reporter_is_told_through_the_notifier_and_every_reporter_downloads_the_acknowledgement_pdf(
    container_factory, service_config, web_session, token
):
    start(container_factory, dict(service_config, INTAKE_ACK_KEY="interface-test-acknowledgement-key"))
    named = web_session.post("/api/v1/reports", json=NAMED).json()
    pid, code = named["petition_id"], named["verification_code"]
    clerk = {"Authorization": token("intake_clerk")}
    early = web_session.post(f"/api/v1/reports/{pid}/acknowledgement", json={"method": "sms"}, headers=clerk)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_decided"
    web_session.post(
        f"/api/v1/reports/{pid}/triage",
        json={"outcome": "case_clue", "severity": "high", "note": "涉嫌违纪，移交审查调查"},
        headers=clerk,
    )
    sent = web_session.post(f"/api/v1/reports/{pid}/acknowledgement", json={"method": "sms"}, headers=clerk)
    assert sent.status_code == 200, sent.text
    assert sent.json()["acknowledgements"][0]["gateway"] == "local"
    assert {d["key"]: d["met_by"] for d in sent.json()["deadlines"]}["acknowledge"] == "acknowledged"
    assert "13800138000" not in json.dumps(Petition.objects(id=pid).first().to_mongo().to_dict(), default=str)

    pdf = web_session.post("/api/v1/acknowledgements", json={"petition_id": pid, "verification_code": code})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.headers["Cache-Control"] == "no-store"
    assert pdf.content.startswith(b"%PDF")
    forged = web_session.post("/api/v1/acknowledgements", json={"petition_id": pid, "verification_code": "AAAA"})
    assert forged.status_code == 404
    anonymous = web_session.post("/api/v1/reports", json=ANONYMOUS).json()
    by_receipt = web_session.post("/api/v1/acknowledgements", json={"receipt_code": anonymous["receipt_code"]})
    assert by_receipt.status_code == 200 and by_receipt.headers["Cache-Control"] == "no-store"

    received_on = SystemClock().today().isoformat()
    check = {"petition_id": pid, "date": received_on, "verification_code": code}
    genuine = web_session.post("/api/v1/acknowledgements/verify", json=check)
    assert genuine.status_code == 200 and genuine.json() == {"genuine": True}
    assert web_session.post("/api/v1/acknowledgements/verify", json=dict(check, verification_code="X")).json() == {
        "genuine": False
    }


def test_a_year_loaded_through_warning_recomputes_provisional_deadlines_and_reaches_every_replica(
    container_factory, service_config, web_session, token, publish_event
):
    """Issue 8 item 3: one mechanism for the province, the ``calendar.year_loaded`` event."""
    import uuid
    from datetime import UTC, date, datetime

    from marshmallow import Schema, fields

    from wuying_common.clock import Clock
    from wuying_common.events import EventType, build_event
    from wuying_testing import FixedClock

    container = start(container_factory, service_config)
    next(e for e in container.extensions if isinstance(e, Clock)).clock = FixedClock(
        datetime(2026, 12, 30, 2, 0, tzinfo=UTC)
    )
    clerk = {"Authorization": token("intake_clerk")}
    letter = dict(ANONYMOUS, channel="letter", kind="petition", received_on="2026-12-28")
    pid = web_session.post("/api/v1/staff/reports", json=letter, headers=clerk).json()["petition_id"]
    before = {d["key"]: d for d in web_session.get(f"/api/v1/reports/{pid}", headers=clerk).json()["deadlines"]}
    assert (before["register"]["due"], before["register"]["provisional"]) == ("2027-01-12", True)

    class YearLoaded(Schema):  # as warning publishes it (its schema lives in the warning service)
        year, holidays, workdays, source = (
            fields.Integer(),
            fields.List(fields.String()),
            fields.List(fields.String()),
            fields.String(),
        )

    year = {"year": 2027, "holidays": ["2027-01-01", "2027-01-12"], "workdays": [], "source": "测试安排"}
    envelope = build_event(
        EventType("warning", "calendar.year_loaded", 1, YearLoaded, ""),
        year,
        subject="calendar/2027",
        county="130000",
        event_id=str(uuid.uuid4()),
    )
    with entrypoint_waiter(container, "on_calendar_year_loaded", timeout=10):
        publish_event(service_config, "warning", "calendar.year_loaded", envelope, times=2)
    view = web_session.get(f"/api/v1/reports/{pid}", headers=clerk).json()
    register = {d["key"]: d for d in view["deadlines"]}["register"]
    assert (register["due"], register["provisional"]) == ("2027-01-13", False)
    assert [(c["old_due"], c["new_due"], c["year"]) for c in view["deadline_changes"]] == [
        ("2027-01-12", "2027-01-13", 2027)
    ]
    # another replica (same store) refreshes its calendar from the stored year
    replica = next(e for e in container.extensions if type(e).__name__ == "StoredYearsCalendar")
    replica.calendar = WorkingDayCalendar.official()
    with entrypoint_hook(container, "refresh_calendar") as refresh:
        assert refresh() == {"refreshed": [2027]}
    assert replica.calendar.is_working_day(date(2027, 1, 12)) == (False, False)


def test_seed_003_a_confirmed_malicious_report_publishes_petition_clarified_without_identity_or_content(
    container_factory, service_config, web_session, token, event_listener
):
    start(container_factory, service_config)
    probe, seen = event_listener(service_config, "intake", "petition.clarified")
    pid = web_session.post("/api/v1/reports", json=dict(NAMED, subjects=[{"kind": "official", "id": "off-1"}])).json()[
        "petition_id"
    ]
    clerk = {"Authorization": token("intake_clerk")}
    web_session.post(
        f"/api/v1/reports/{pid}/triage",
        json={"outcome": "suspected_malicious", "severity": "low", "note": "疑似捏造事实"},
        headers=clerk,
    )
    with entrypoint_waiter(probe, "on", timeout=10):
        concluded = web_session.post(
            f"/api/v1/reports/{pid}/verification",
            json={"confirmed": True, "clarification": "经核实，反映问题不实，予以澄清正名。"},
            headers=clerk,
        )
    assert concluded.status_code == 200, concluded.text
    assert concluded.json()["disposal"]["kind"] == "false_accusation"
    [event] = seen
    assert event["type"] == "wuying.intake.petition.clarified.v1"
    assert set(event["data"]) == {"petition_id", "county", "official_ids", "clarified_at", "summary_zh"}
    assert event["data"]["official_ids"] == ["off-1"]
    serialized = json.dumps(event, ensure_ascii=False)
    assert "李举报" not in serialized and "13800138000" not in serialized and ANONYMOUS["content"] not in serialized
