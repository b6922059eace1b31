"""Warning as a real nameko container on the real local RabbitMQ."""

import uuid

from marshmallow import Schema, fields
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_waiter

from wuying_common.events import build_event, registry
from wuying_common.outbox import OutboxRelay
from wuying_warning.service import WarningService


class _ProposedProbe(Schema):
    """risk's warning.proposed v1 data as docs/event-flow.md lists it (test only)."""

    proposal_id = fields.String()
    official_id = fields.String()
    unit_id = fields.String()
    county = fields.String()
    level = fields.Integer()
    colour = fields.String()
    risk_point = fields.String()
    trigger = fields.String()
    reasons = fields.List(fields.String())
    score = fields.Float()
    rule_version = fields.String()
    cause_event_ids = fields.List(fields.String())


PROBE = registry.register("risk", "warnprobe.proposed", 1, _ProposedProbe, "test only")


def proposed_event(level=3, event_id=None):
    env = build_event(
        PROBE,
        {
            "proposal_id": "prop-1",
            "official_id": "off-1",
            "unit_id": "unit-1",
            "county": "130402",
            "level": level,
            "colour": {3: "blue", 2: "yellow", 1: "red"}[level],
            "risk_point": "工程招投标",
            "trigger": "public_reports",
            "reasons": ["风险画像分值越过蓝色预警阈值"],
            "score": 62.0,
            "rule_version": "risk-2026.1",
            "cause_event_ids": [str(uuid.uuid4())],
        },
        subject="proposal/prop-1",
        county="130402",
        event_id=event_id,
    )
    env["type"] = "wuying.risk.warning.proposed.v1"
    return env


def start_with_listener(config, container_factory, event_listener):
    container = container_factory(WarningService, config)
    container.start()
    listener, seen = event_listener(config, "warning", "warning.issued")
    return container, listener, seen


def test_a_risk_proposal_approved_by_the_leader_is_issued_as_an_event(
    container_factory, service_config, web_session, token, publish_event, event_listener
):
    container, listener, seen = start_with_listener(service_config, container_factory, event_listener)
    event = proposed_event()
    with entrypoint_waiter(container, "on_warning_proposed", timeout=10) as result:
        publish_event(service_config, "risk", "warning.proposed", event)
    assert result.get() == "processed"
    with entrypoint_waiter(container, "on_warning_proposed", timeout=10) as result:
        publish_event(service_config, "risk", "warning.proposed", event)
    assert result.get() == "duplicate"

    officer = token("warning_officer")
    listed = web_session.get("/api/v1/warnings?county=130402&status=proposed", headers={"Authorization": officer})
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["items"]) == 1
    warning = listed.json()["items"][0]
    assert (warning["proposer"], warning["colour"], warning["proposal_id"]) == ("system:risk", "blue", "prop-1")

    leader = token("commission_leader", subject="leader-1")
    with entrypoint_waiter(listener, "on", timeout=10):
        approved = web_session.post(
            f"/api/v1/warnings/{warning['id']}/approve",
            json={"issued_on": "2026-09-30"},
            headers={"Authorization": leader},
        )
        assert approved.status_code == 200, approved.text
    issued = seen[0]
    assert issued["type"] == "wuying.warning.warning.issued.v1"
    assert issued["subject"] == f"warning/{warning['id']}"
    assert issued["data"]["answer_due"] == "2026-10-15"
    assert issued["data"]["notice_kind"] == "notice"
    assert issued["data"]["approved_by"] == "leader-1"
    assert issued["data"]["proposal_id"] == "prop-1"

    detail = web_session.get(f"/api/v1/warnings/{warning['id']}", headers={"Authorization": officer}).json()
    assert detail["status"] == "issued" and detail["rule_version"] == "default-2026.1"
    metrics = web_session.get("/metrics").text
    assert (
        'wuying_warning_warnings_issued_total{colour="blue",county="130402",level="3",source="approval"} 1.0' in metrics
    )
    assert (
        'wuying_warning_warnings_proposed_total{colour="blue",county="130402",level="3",source="risk"} 1.0' in metrics
    )


def test_staff_proposals_are_checked_and_need_the_competent_authority(
    container_factory, service_config, web_session, token
):
    container_factory(WarningService, service_config).start()
    officer = token("warning_officer", subject="officer-1")
    bad = web_session.post(
        "/api/v1/warnings",
        json={
            "official_id": "off-2",
            "unit_id": "unit-1",
            "county": "130402",
            "level": 1,
            "reasons": [],
            "trigger": "public_reports",
        },
        headers={"Authorization": officer},
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"reasons", "trigger"}

    created = web_session.post(
        "/api/v1/warnings",
        json={
            "official_id": "off-2",
            "unit_id": "unit-1",
            "county": "130402",
            "level": 1,
            "reasons": ["挪用专项资金，情节轻微"],
            "trigger": "fiscal_funds_misused",
        },
        headers={"Authorization": officer},
    )
    assert created.status_code == 201, created.text
    warning_id = created.json()["id"]
    assert created.json()["proposer"] == "officer-1"

    as_secretary = web_session.post(
        f"/api/v1/warnings/{warning_id}/approve", json={}, headers={"Authorization": token("commission_secretary")}
    )
    assert as_secretary.status_code == 403
    assert as_secretary.json()["error"]["code"] == "approval_authority_required"

    elsewhere = web_session.post(
        f"/api/v1/warnings/{warning_id}/approve",
        json={},
        headers={"Authorization": token("party_committee", county="130102")},
    )
    assert elsewhere.status_code == 403
    assert elsewhere.json()["error"]["code"] == "county_forbidden"

    approved = web_session.post(
        f"/api/v1/warnings/{warning_id}/approve", json={}, headers={"Authorization": token("party_committee")}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["notice_zh"] == "廉情监察(检查)建议书"
    assert approved.json()["fix_due"] is not None

    as_official = web_session.get(f"/api/v1/warnings/{warning_id}", headers={"Authorization": token("official")})
    assert as_official.status_code == 403


def test_the_proposer_is_told_clearly_that_they_cannot_approve(container_factory, service_config, web_session, token):
    container_factory(WarningService, service_config).start()
    both = token("warning_officer", "commission_leader", subject="leader-9")
    created = web_session.post(
        "/api/v1/warnings",
        json={
            "official_id": "off-3",
            "unit_id": "unit-1",
            "county": "130402",
            "level": 3,
            "reasons": ["群众反映"],
            "trigger": "public_reports",
        },
        headers={"Authorization": both},
    )
    assert created.status_code == 201, created.text
    refused = web_session.post(
        f"/api/v1/warnings/{created.json()['id']}/approve", json={}, headers={"Authorization": both}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "self_approval_forbidden"


def test_the_calendar_endpoint_counts_official_working_days(container_factory, service_config, web_session, token):
    container_factory(WarningService, service_config).start()
    answer = web_session.get(
        "/api/v1/calendar/add-working-days?start=2026-09-30&days=7", headers={"Authorization": token("inspector")}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["date"], body["provisional"]) == ("2026-10-15", False)
    assert 2026 in body["loaded_years"]
    unloaded = web_session.get(
        "/api/v1/calendar/add-working-days?start=2027-03-01&days=7", headers={"Authorization": token("inspector")}
    ).json()
    assert (unloaded["date"], unloaded["provisional"]) == ("2027-03-10", True)
    bad = web_session.get(
        "/api/v1/calendar/add-working-days?start=tomorrow&days=-1", headers={"Authorization": token("inspector")}
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"start", "days"}


def test_health_openapi_and_outbox_are_wired(container_factory, service_config, web_session):
    container_factory(WarningService, service_config).start()
    assert web_session.get("/health").json()["checks"]["broker"] == "ok"
    spec = web_session.get("/openapi.json").json()
    assert "/api/v1/warnings/{warning_id}/approve" in spec["paths"]
    assert any(isinstance(p, OutboxRelay) for p in vars(WarningService).values())


def test_only_the_warned_official_answers_and_the_answer_is_published(
    container_factory, service_config, web_session, token, event_listener
):
    container = container_factory(WarningService, service_config)
    container.start()
    listener, seen = event_listener(service_config, "warning", "warning.responded")
    created = web_session.post(
        "/api/v1/warnings",
        json={
            "official_id": "off-7",
            "unit_id": "unit-1",
            "county": "130402",
            "level": 3,
            "reasons": ["群众反映"],
            "trigger": "public_reports",
        },
        headers={"Authorization": token("warning_officer")},
    ).json()
    web_session.post(
        f"/api/v1/warnings/{created['id']}/approve", json={}, headers={"Authorization": token("commission_leader")}
    )
    path = f"/api/v1/warnings/{created['id']}/responses"
    other = web_session.post(
        path, json={"content": "说明"}, headers={"Authorization": token("official", subject="off-8")}
    )
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "not_own_warning"
    with entrypoint_waiter(listener, "on", timeout=10):
        own = web_session.post(
            path, json={"content": "说明"}, headers={"Authorization": token("official", subject="off-7")}
        )
        assert own.status_code == 201, own.text
    assert seen[0]["data"]["kind"] == "explanation"
    assert seen[0]["data"]["status"] == "answered"


def test_an_operator_loads_a_calendar_year_over_http(container_factory, service_config, web_session, token):
    container_factory(WarningService, service_config).start()
    year = {"year": 2027, "source": "国办发明电（测试）", "holidays": ["2027-01-01"], "workdays": []}
    refused = web_session.put(
        "/api/v1/calendar/years/2027", json=year, headers={"Authorization": token("warning_officer")}
    )
    assert refused.status_code == 403
    mismatch = web_session.put("/api/v1/calendar/years/2028", json=year, headers={"Authorization": token("operator")})
    assert mismatch.status_code == 422 and mismatch.json()["error"]["code"] == "year_mismatch"  # body vs path
    assert "year" in mismatch.json()["error"]["fields"]
    loaded = web_session.put("/api/v1/calendar/years/2027", json=year, headers={"Authorization": token("operator")})
    assert loaded.status_code == 200, loaded.text
    answer = web_session.get(
        "/api/v1/calendar/add-working-days?start=2026-12-31&days=1", headers={"Authorization": token("inspector")}
    ).json()
    assert (answer["date"], answer["provisional"]) == ("2027-01-04", False)


def _issue(web_session, token, official="off-20", level=3, issued_on=None):
    trigger = {3: "public_reports", 2: "policy_deviation_signs", 1: "poor_annual_assessment"}[level]
    body = {
        "official_id": official,
        "unit_id": "unit-9",
        "county": "130402",
        "level": level,
        "reasons": ["群众反映"],
        "trigger": trigger,
    }
    if issued_on:
        body["issued_on"] = issued_on
    created = web_session.post("/api/v1/warnings", json=body, headers={"Authorization": token("warning_officer")})
    assert created.status_code == 201, created.text
    approver = {3: "commission_leader", 2: "commission_secretary", 1: "party_committee"}[level]
    approved = web_session.post(
        f"/api/v1/warnings/{created.json()['id']}/approve", json={}, headers={"Authorization": token(approver)}
    )
    assert approved.status_code == 200, approved.text
    return approved.json()


def _stored(web_session, token, warning_id):
    detail = web_session.get(f"/api/v1/warnings/{warning_id}", headers={"Authorization": token("auditor")})
    assert detail.status_code == 200, detail.text
    return detail.json()


def test_the_official_appeals_the_clock_pauses_and_the_issuing_organ_decides(
    container_factory, service_config, web_session, token, event_listener
):
    container = container_factory(WarningService, service_config)
    container.start()
    listener, seen = event_listener(service_config, "warning", "warning.appealed")
    warning = _issue(web_session, token, issued_on="2026-09-30")
    path = f"/api/v1/warnings/{warning['id']}/appeals"
    me = token("official", subject="off-20")

    inbox = web_session.get("/api/v1/inbox", headers={"Authorization": me})
    assert inbox.status_code == 200 and [m["title"] for m in inbox.json()["items"]] == ["廉情预警告知书"]
    read = web_session.post(f"/api/v1/inbox/{inbox.json()['items'][0]['id']}/read", headers={"Authorization": me})
    assert read.status_code == 200 and read.json()["read_at"]

    with entrypoint_waiter(listener, "on", timeout=10):
        lodged = web_session.post(path, json={"reasons": ["所反映问题与事实不符"]}, headers={"Authorization": me})
        assert lodged.status_code == 201, lodged.text
    assert lodged.json()["status"] == "appealed" and lodged.json()["paused_on"]
    assert seen[0]["data"]["stage"] == "lodged" and "事实不符" not in str(seen[0])

    with entrypoint_waiter(listener, "on", timeout=10):
        decided = web_session.post(
            f"{path}/decision",
            json={"outcome": "upheld", "reasons": ["经核实，反映属实"]},
            headers={"Authorization": token("commission_leader", subject="leader-3")},
        )
        assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["status"] == "issued" and body["paused_on"] is None
    assert body["appeals"][0]["decided_by"] == "leader-3"
    # The deadline moved on by exactly the working days the appeal was pending.
    paused = body["appeals"][0]["paused_working_days"]
    moved = web_session.get(
        f"/api/v1/calendar/add-working-days?start={warning['answer_due']}&days={paused}",
        headers={"Authorization": token("auditor")},
    ).json()
    assert body["answer_due"] == moved["date"]
    assert seen[1]["data"]["stage"] == "decided" and seen[1]["data"]["outcome"] == "upheld"


def test_bad_requests_are_refused_clearly_and_change_nothing(container_factory, service_config, web_session, token):
    container_factory(WarningService, service_config).start()
    red = _issue(web_session, token, official="off-21", level=1)
    wid = red["id"]
    before = _stored(web_session, token, wid)
    owner = token("official", subject="off-21")
    cases = [
        # (method path, body, token, status, code or field)
        (f"/api/v1/warnings/{wid}/appeals", {"reasons": []}, owner, 400, "reasons"),
        (f"/api/v1/warnings/{wid}/appeals", {"reasons": ["异议"]}, token("official", subject="off-22"), 403, None),
        (f"/api/v1/warnings/{wid}/responses", {"content": "说明"}, token("official", subject="off-22"), 403, None),
        (f"/api/v1/warnings/{wid}/transfer", {"reason": ""}, token("warning_officer"), 400, "reason"),
        (f"/api/v1/warnings/{wid}/extension", {"reasons": ["r"]}, token("commission_secretary"), 403, None),
        (
            f"/api/v1/warnings/{wid}/extension",
            {"reasons": ["r"], "until": "2000-01-01"},
            token("party_committee"),
            400,
            "until",
        ),
        (
            # Issue 8 item 9: the lead's rank is read from the registry, no longer typed in.
            f"/api/v1/warnings/{wid}/interviews",
            {
                "interviewers": ["甲"],
                "lead": "甲",
                "plan": "提纲",
                "notice_slip_no": "1",
                "scheduled_on": "2026-12-01",
            },
            token("warning_officer"),
            400,
            "interviewers",
        ),
        (
            f"/api/v1/warnings/{wid}/appeals/decision",
            {"outcome": "upheld", "reasons": ["r"]},
            token("party_committee"),
            409,
            None,
        ),
    ]
    for path, body, auth, status, field in cases:
        answer = web_session.post(path, json=body, headers={"Authorization": auth})
        assert answer.status_code == status, (path, answer.text)
        error = answer.json()["error"]
        assert error["code"] and error["message"]
        if field:
            assert field in error["fields"], (path, error)
    unknown_level = web_session.post(
        "/api/v1/warnings",
        json={"official_id": "o", "unit_id": "u", "county": "130402", "level": 4, "reasons": ["r"], "trigger": "x"},
        headers={"Authorization": token("warning_officer")},
    )
    assert unknown_level.status_code == 400 and "level" in unknown_level.json()["error"]["fields"]
    assert _stored(web_session, token, wid) == before

    extended = web_session.post(
        f"/api/v1/warnings/{wid}/extension",
        json={"reasons": ["汛期"]},
        headers={"Authorization": token("party_committee")},
    )
    assert extended.status_code == 200, extended.text
    again = web_session.post(
        f"/api/v1/warnings/{wid}/extension",
        json={"reasons": ["再延"]},
        headers={"Authorization": token("party_committee")},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "extension_exhausted"


def test_results_eligibility_and_the_printable_quarterly_report(container_factory, service_config, web_session, token):
    container_factory(_FakeArchive, service_config).start()
    container_factory(WarningService, service_config).start()
    _issue(web_session, token, official="off-31", level=1)
    _issue(web_session, token, official="off-32", level=1)
    year = _stored(web_session, token, _issue(web_session, token, official="off-33")["id"])["issued_on"][:4]
    eligibility = web_session.get(
        f"/api/v1/units/unit-9/advanced-eligibility?year={year}", headers={"Authorization": token("auditor")}
    )
    assert eligibility.status_code == 200, eligibility.text
    assert (eligibility.json()["eligible"], eligibility.json()["red_warnings"]) == (False, 2)
    month = int(_stored(web_session, token, eligibility.json()["warning_ids"][0])["issued_on"][5:7])
    query = f"/api/v1/reports/quarterly?county=130402&year={year}&quarter={(month - 1) // 3 + 1}"
    report = web_session.get(query, headers={"Authorization": token("commission_secretary")})
    assert report.status_code == 200 and report.json()["by_level"] == {"blue": 1, "yellow": 0, "red": 2}
    page = web_session.get(query + "&format=html", headers={"Authorization": token("commission_secretary")})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "廉政风险信息预警专报" in page.text
    bad = web_session.get(
        "/api/v1/reports/quarterly?county=130402&year=2026&quarter=5", headers={"Authorization": token("auditor")}
    )
    assert bad.status_code == 400 and "quarter" in bad.json()["error"]["fields"]


def test_eligibility_is_only_answered_for_a_registered_unit_of_the_callers_counties(
    container_factory, service_config, web_session, token
):
    """Issue 9 item 5: a unit archive does not know is 404 (not "eligible"); a unit of another
    county is 403 for a county token and answered for the province's."""
    container_factory(_FakeArchive, service_config).start()
    container_factory(WarningService, service_config).start()
    path = "/api/v1/units/{}/advanced-eligibility?year=2026"
    missing = web_session.get(path.format("unit-nowhere"), headers={"Authorization": token("auditor")})
    assert missing.status_code == 404, missing.text
    assert missing.json()["error"]["code"] == "unit_not_found"
    assert "单位" in missing.json()["error"]["message"] and "unit_id" in missing.json()["error"]["fields"]
    elsewhere = web_session.get(path.format("unit-sjz"), headers={"Authorization": token("auditor")})
    assert elsewhere.status_code == 403 and elsewhere.json()["error"]["code"] == "county_forbidden"
    province = web_session.get(path.format("unit-sjz"), headers={"Authorization": token("auditor", county="130000")})
    assert province.status_code == 200 and province.json()["eligible"] is True
    mine = web_session.get(path.format("unit-9"), headers={"Authorization": token("agency_reader")})
    assert mine.status_code == 200 and mine.json()["red_warnings"] == 0


class _TriagedProbe(Schema):
    petition_id = fields.String()
    outcome = fields.String()
    subjects = fields.List(fields.Dict())


TRIAGED_PROBE = registry.register("intake", "warnprobe.triaged", 1, _TriagedProbe, "test only")


def test_a_new_report_over_the_broker_is_verified_then_escalated_by_the_secretary_superseding_the_blue(
    container_factory, service_config, web_session, token, publish_event, event_listener
):
    """篇5 七(一) 预警后群众仍有反映，经调查问题属实的，可转廉情预警质询, decided by 篇5 三(一)2's
    authority (issue 8 item 1): the report is attached pending verification, the officer's
    finding proposes yellow, the commission secretary issues it with reasons, the blue is closed."""
    container = container_factory(WarningService, service_config)
    container.start()
    superseded, seen_superseded = event_listener(service_config, "warning", "warning.superseded")
    warning = _issue(web_session, token, official="off-40")
    event = build_event(
        TRIAGED_PROBE,
        {
            "petition_id": "p-9",
            "outcome": "integrity_information",
            "subjects": [{"kind": "official", "id": "off-40", "county": "130402"}],
        },
        subject="petition/p-9",
        county="130402",
    )
    event["type"] = "wuying.intake.petition.triaged.v1"
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10) as result:
        publish_event(service_config, "intake", "petition.triaged", event)
    assert result.get() == "processed"
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10) as result:
        publish_event(service_config, "intake", "petition.triaged", event)
    assert result.get() == "duplicate"
    after = _stored(web_session, token, warning["id"])
    assert (after["colour"], after["status"], after["escalation_ids"]) == ("blue", "issued", [])
    assert [(r["petition_id"], r["status_zh"]) for r in after["pending_reports"]] == [("p-9", "待核实")]

    found = web_session.post(
        f"/api/v1/warnings/{warning['id']}/reports/p-9/finding",
        json={"substantiated": True, "reasons": ["经核查，反映的问题属实"]},
        headers={"Authorization": token("warning_officer", subject="officer-40")},
    )
    assert found.status_code == 200, found.text
    [proposal_id] = found.json()["escalation_ids"]
    proposal = _stored(web_session, token, proposal_id)
    assert (proposal["colour"], proposal["status"], proposal["escalated_from"]) == ("yellow", "proposed", warning["id"])
    assert proposal["escalation_reason_zh"] == "预警后群众仍有反映，经调查问题属实"

    path = f"/api/v1/warnings/{proposal_id}/approve"
    leader = web_session.post(path, json={"reasons": ["属实"]}, headers={"Authorization": token("commission_leader")})
    assert leader.status_code == 403 and leader.json()["error"]["code"] == "approval_authority_required"
    silent = web_session.post(path, json={}, headers={"Authorization": token("commission_secretary")})
    assert silent.status_code == 400 and silent.json()["error"]["code"] == "decision_reasons_required"
    with entrypoint_waiter(superseded, "on", timeout=10):
        approved = web_session.post(
            path,
            json={"reasons": ["经纪委研究，转廉情预警质询"]},
            headers={"Authorization": token("commission_secretary")},
        )
        assert approved.status_code == 200, approved.text
    assert seen_superseded[0]["data"]["superseded_by"] == proposal_id
    assert seen_superseded[0]["data"]["reason"] == "verified_new_report"
    lower = _stored(web_session, token, warning["id"])
    assert (lower["status"], lower["superseded_by"], lower["issued_on"]) == (
        "superseded",
        proposal_id,
        warning["issued_on"],
    )


def test_the_worklist_and_organisational_handling_answer_over_http(
    container_factory, service_config, web_session, token
):
    """Issue 8 item 10: a bounded worklist for the caller's counties; the task list (篇5 七(一))."""
    container_factory(WarningService, service_config).start()
    waiting = web_session.post(
        "/api/v1/warnings",
        json={
            "official_id": "off-50",
            "unit_id": "unit-9",
            "county": "130402",
            "level": 3,
            "reasons": ["群众反映"],
            "trigger": "public_reports",
        },
        headers={"Authorization": token("warning_officer")},
    ).json()
    issued = _issue(web_session, token, official="off-51")
    work = web_session.get(
        "/api/v1/worklist?limit=5", headers={"Authorization": token("commission_leader", county="130400")}
    )
    assert work.status_code == 200, work.text
    body = work.json()
    assert [w["warning_id"] for w in body["awaiting_approval"]["items"]] == [waiting["id"]]
    assert [w["warning_id"] for w in body["awaiting_answer"]["items"]] == [issued["id"]]
    assert body["organisational_handling"] == {"items": [], "truncated": False}
    elsewhere = web_session.get("/api/v1/worklist?county=130102", headers={"Authorization": token("auditor")})
    assert elsewhere.status_code == 403
    tasks = web_session.get("/api/v1/organisational-handling", headers={"Authorization": token("auditor")})
    assert tasks.status_code == 200 and tasks.json() == {"items": [], "next": None}
    missing = web_session.get("/api/v1/organisational-handling/oh-x", headers={"Authorization": token("auditor")})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "organisational_task_not_found"


class _FakeArchive:
    """archive's registry over RPC, as the demo province has it (tools/wuying_tools/demo.py)."""

    name = "archive"

    @rpc
    def get_unit(self, unit_id):
        return {
            "unit-9": {"id": "unit-9", "name": "邯山区某局", "county": "130402", "kind": "department"},
            "unit-sjz": {"id": "unit-sjz", "name": "长安区某局", "county": "130102", "kind": "department"},
        }.get(unit_id)

    @rpc
    def get_official(self, official_id):
        return {
            "130402-O00001": {"id": "130402-O00001", "name": "王伟", "county": "130402", "unit_id": "130402-U01"}
            | {"post": "纪委书记", "rank": "副处级", "status": "serving", "commission_staff": True},
            "130402-O00003": {"id": "130402-O00003", "name": "李静", "county": "130402", "unit_id": "130402-U01"}
            | {"post": "纪检监察室主任", "rank": "正科级", "status": "serving", "commission_staff": True},
        }.get(official_id)


def _interview_plan(lead="130402-O00001"):
    return {
        "interviewers": ["130402-O00001", "130402-O00003"],
        "lead": lead,
        "plan": "谈话提纲",
        "notice_slip_no": "约谈〔2026〕3号",
        "scheduled_on": "2099-12-01",
    }


def test_an_interview_without_archive_is_refused_with_503_and_nothing_is_arranged(
    container_factory, service_config, web_session, token
):
    """Issue 8 item 9: the lead's rank is checked against archive's registry over RPC; if archive
    cannot answer, nothing is arranged and the answer says why."""
    container_factory(WarningService, {**service_config, "ARCHIVE_RPC_TIMEOUT": 2}).start()
    warning = _issue(web_session, token, official="off-60")
    answer = web_session.post(
        f"/api/v1/warnings/{warning['id']}/interviews",
        json=_interview_plan(),
        headers={"Authorization": token("warning_officer")},
    )
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "registry_unavailable"
    assert _stored(web_session, token, warning["id"])["interviews"] == []


def test_an_interview_lead_is_checked_against_archives_registry_and_the_interview_recorded(
    container_factory, service_config, web_session, token
):
    """篇5 五(二)2(2): 主谈人为党委成员或纪检监察机关负责同志、分管负责同志 — from archive's registry
    (issue 8 item 9), then the interview that took place is recorded (篇5 五(二)2(4))."""
    container_factory(_FakeArchive, service_config).start()
    container_factory(WarningService, service_config).start()
    warning = _issue(web_session, token, official="off-61")
    path = f"/api/v1/warnings/{warning['id']}/interviews"
    officer = token("warning_officer", subject="officer-61")
    unfit = web_session.post(path, json=_interview_plan(lead="130402-O00003"), headers={"Authorization": officer})
    assert unfit.status_code == 400 and "lead" in unfit.json()["error"]["fields"]
    arranged = web_session.post(path, json=_interview_plan(), headers={"Authorization": officer})
    assert arranged.status_code == 201, arranged.text
    [interview] = arranged.json()["interviews"]
    assert (interview["lead_rank"], interview["lead_post"]) == ("commission_principal", "纪委书记")
    recorded = web_session.post(
        f"{path}/{interview['id']}/record",
        json={
            "held_on": warning["issued_on"],
            "attendees": ["130402-O00001", "130402-O00003"],
            "summary": "告知群众反映的主要问题，本人作出说明",
            "follow_up": "七个工作日内书面说明",
        },
        headers={"Authorization": officer},
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["interviews"][0]["held"]["recorded_by"] == "officer-61"


def test_a_loaded_calendar_year_is_published_and_consumed_by_warning_like_any_service(
    container_factory, service_config, web_session, token, event_listener
):
    """Issue 8 item 3: one mechanism for the province — ``calendar.year_loaded`` v1 on
    warning.events, consumed here too (stored by year, provisional dates recounted)."""
    container = container_factory(WarningService, service_config)
    container.start()
    listener, seen = event_listener(service_config, "warning", "calendar.year_loaded")
    year = {"year": 2027, "source": "国办发明电（测试）", "holidays": ["2027-01-01"], "workdays": []}
    with (
        entrypoint_waiter(listener, "on", timeout=10),
        entrypoint_waiter(container, "on_calendar_year_loaded", timeout=10) as consumed,
    ):
        loaded = web_session.put(
            "/api/v1/calendar/years/2027", json=year, headers={"Authorization": token("operator", county="130000")}
        )
        assert loaded.status_code == 200, loaded.text
    assert consumed.get() == "processed"
    [event] = seen
    assert event["type"] == "wuying.warning.calendar.year_loaded.v1" and event["county"] == "130000"
    assert event["data"] == {"year": 2027, "holidays": ["2027-01-01"], "workdays": [], "source": "国办发明电（测试）"}


class _ClarifiedProbe(Schema):
    petition_id = fields.String()
    county = fields.String()
    official_ids = fields.List(fields.String())
    clarified_at = fields.String()
    summary_zh = fields.String()


CLARIFIED_PROBE = registry.register("intake", "warnprobe.clarified", 1, _ClarifiedProbe, "test only")


def test_a_clarification_from_intake_reaches_the_accused_officials_inbox_once(
    container_factory, service_config, web_session, token, publish_event
):
    """Seed 003 澄清正名 (issue 8 item 6): intake's ``petition.clarified`` v1 becomes a system
    message to each accused official, once however often it is delivered."""
    container = container_factory(WarningService, service_config)
    container.start()
    event = build_event(
        CLARIFIED_PROBE,
        {
            "petition_id": "p-77",
            "county": "130402",
            "official_ids": ["off-70"],
            "clarified_at": "2026-11-20T02:00:00Z",
            "summary_zh": "所反映问题经核查不属实。",
        },
        subject="petition/p-77",
        county="130402",
    )
    event["type"] = "wuying.intake.petition.clarified.v1"
    for expected in ("processed", "duplicate"):
        with entrypoint_waiter(container, "on_petition_clarified", timeout=10) as result:
            publish_event(service_config, "intake", "petition.clarified", event)
        assert result.get() == expected
    inbox = web_session.get("/api/v1/inbox", headers={"Authorization": token("official", subject="off-70")})
    assert inbox.status_code == 200
    assert [(m["title"], m["warning_id"]) for m in inbox.json()["items"]] == [("澄清正名告知", None)]
    assert "澄清正名" in inbox.json()["items"][0]["body"]


def test_other_services_read_warnings_and_eligibility_over_rpc(container_factory, service_config, web_session, token):
    from nameko.standalone.rpc import ServiceRpcProxy

    container_factory(WarningService, service_config).start()
    first = _issue(web_session, token, official="off-rpc", level=1)
    _issue(web_session, token, official="off-rpc-2", level=1)
    with ServiceRpcProxy("warning", service_config) as warning:
        assert warning.warning_by_id(first["id"])["official_id"] == "off-rpc"
        assert warning.warning_by_id("no-such-warning") is None
        assert [w["id"] for w in warning.warnings_for_official("off-rpc")] == [first["id"]]
        eligibility = warning.unit_advanced_eligibility("unit-9", int(first["issued_on"][:4]))
    assert eligibility["eligible"] is False
    assert eligibility["red_warnings"] == 2


def test_a_token_cannot_claim_every_county():
    from wuying_common.auth import issue_token, verify_token

    principal = verify_token("s", issue_token("s", "u", ["auditor"], ["*"]))
    assert not principal.can_see("130402")
