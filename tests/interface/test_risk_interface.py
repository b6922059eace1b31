"""Risk as a real nameko container on the real local RabbitMQ."""

import json

from marshmallow import Schema, fields
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from wuying_common.events import build_event, registry
from wuying_common.outbox import OutboxRelay
from wuying_risk.service import RiskService


class _RiskTriagedProbe(Schema):
    """The part of intake's petition.triaged that risk reads."""

    petition_id = fields.String()
    outcome = fields.String()
    category = fields.String()
    category_zh = fields.String()
    severity = fields.String()
    subjects = fields.List(fields.Dict())


class _OfficialChangedProbe(Schema):
    official_id = fields.String()
    county = fields.String()
    unit_id = fields.String()


class _ReminderClosedProbe(Schema):
    """archive.reminder_closed as the archive engineer describes it (issue 13)."""

    reminder_id = fields.String()
    official_id = fields.String()
    county = fields.String()
    unit_id = fields.String()
    condition_code = fields.String()
    condition_name_zh = fields.String()
    result = fields.String()
    closed_on = fields.String()
    rule_version = fields.String()


class _CreditFactorProbe(Schema):
    code = fields.String()
    name_zh = fields.String()
    points = fields.Integer()
    count = fields.Integer()


class _CreditChangedProbe(Schema):
    """archive.integrity_credit_changed v1 as the archive publishes it."""

    official_id = fields.String()
    county = fields.String()
    score = fields.Integer()
    factors = fields.List(fields.Nested(_CreditFactorProbe))
    previous_score = fields.Integer(allow_none=True)
    level = fields.String()
    level_zh = fields.String()
    rule_version = fields.String()
    computed_on = fields.String()


TRIAGED_PROBE = registry.register("intake", "riskprobe.triaged", 1, _RiskTriagedProbe, "test only")
OFFICIAL_PROBE = registry.register("archive", "riskprobe.official", 1, _OfficialChangedProbe, "test only")
REMINDER_PROBE = registry.register("archive", "riskprobe.reminder", 1, _ReminderClosedProbe, "test only")
CREDIT_PROBE = registry.register("archive", "riskprobe.credit", 1, _CreditChangedProbe, "test only")


def triaged_event(official_id="off-1", severity="medium", county="130402"):
    env = build_event(
        TRIAGED_PROBE,
        {
            "petition_id": "p1",
            "outcome": "integrity_information",
            "category": "gifts",
            "category_zh": "违规收受礼品礼金",
            "severity": severity,
            "subjects": [{"kind": "official", "id": official_id, "county": county}],
        },
        subject="petition/p1",
        county=county,
    )
    env["type"] = "wuying.intake.petition.triaged.v1"
    return env


def official_event(official_id="off-1", unit_id="unit-1", county="130402"):
    env = build_event(
        OFFICIAL_PROBE,
        {"official_id": official_id, "county": county, "unit_id": unit_id},
        subject=f"official/{official_id}",
        county=county,
    )
    env["type"] = "wuying.archive.official.changed.v1"
    return env


def test_a_triaged_report_raises_the_profile_and_proposes_a_blue_warning(
    container_factory, service_config, publish_event, event_listener
):
    container = container_factory(RiskService, service_config)
    container.start()
    changes, changed_events = event_listener(service_config, "risk", "risk.profile_changed")
    proposals, proposed_events = event_listener(service_config, "risk", "warning.proposed")

    with entrypoint_waiter(container, "on_official_changed", timeout=10) as registered:
        publish_event(service_config, "archive", "official.changed", official_event())
    assert registered.get() == "processed"

    event = triaged_event()
    with entrypoint_waiter(proposals, "on", timeout=10), entrypoint_waiter(changes, "on", timeout=10):
        publish_event(service_config, "intake", "petition.triaged", event)

    changed = changed_events[0]
    assert changed["type"] == "wuying.risk.risk.profile_changed.v1"
    assert changed["data"]["score_after"] == 35
    assert changed["data"]["unit_id"] == "unit-1"
    proposed = proposed_events[0]
    assert proposed["county"] == "130402"
    assert (proposed["data"]["level"], proposed["data"]["colour"]) == (3, "blue")
    assert proposed["data"]["cause_event_ids"] == [event["id"]]


def test_an_import_batch_teaches_risk_its_officials_and_is_counted(
    container_factory, service_config, publish_event, web_session, token
):
    """Issue 15: archive's ``officials.imported`` (500 changes to an event) as its official.changed would."""
    container = container_factory(RiskService, service_config)
    container.start()
    batch = official_event()
    batch["type"] = "wuying.archive.officials.imported.v1"
    changes = [official_event(f"off-{n}", f"unit-{n}")["data"] for n in (1, 2)]
    batch["data"] = {"import_id": "b-1", "county": "130402", "count": 2, "changes": changes}
    with entrypoint_waiter(container, "on_officials_imported", timeout=10) as learnt:
        publish_event(service_config, "archive", "officials.imported", batch)
    assert learnt.get() == "processed"
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10):
        publish_event(service_config, "intake", "petition.triaged", triaged_event("off-2"))
    assert web_session.get("/metrics").text.count("wuying_risk_registry_imported_total 2.0") == 1
    profile = web_session.get("/api/v1/profiles/off-2", headers={"Authorization": token("risk_officer")}).json()
    assert (profile["unit_id"], profile["county"]) == ("unit-2", "130402")  # the registry copy's unit
    with entrypoint_waiter(container, "on_officials_imported", timeout=10) as again:
        publish_event(service_config, "archive", "officials.imported", batch)
    assert again.get() == "duplicate"


def test_the_same_report_delivered_twice_counts_once(container_factory, service_config, publish_event):
    container = container_factory(RiskService, service_config)
    container.start()
    event = triaged_event()
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10) as first:
        publish_event(service_config, "intake", "petition.triaged", event)
    assert first.get() == "processed"
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10) as second:
        publish_event(service_config, "intake", "petition.triaged", event)
    assert second.get() == "duplicate"
    with ServiceRpcProxy("risk", service_config) as risk:
        profile = risk.get_profile("off-1")
        assert risk.get_profile("nobody") is None
    assert profile["score"] == 35
    assert [s["event_id"] for s in profile["signals"]] == [event["id"]]
    assert profile["proposed_levels"] == [3]


def test_staff_read_a_profile_explained_factor_by_factor(
    container_factory, service_config, web_session, token, publish_event
):
    container = container_factory(RiskService, service_config)
    container.start()
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10):
        publish_event(service_config, "intake", "petition.triaged", triaged_event())

    response = web_session.get("/api/v1/profiles/off-1", headers={"Authorization": token("risk_officer")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["score"], body["level"], body["level_zh"]) == (35, "medium", "中风险")
    assert body["rule_version"] == "default-2026.3"
    assert body["factors"][0]["factor_zh"] == "信访举报经研判为廉情信息"
    assert "违规收受礼品礼金" in body["factors"][0]["lines"][0]
    assert body["proposed_levels"] == [3]

    listing = web_session.get("/api/v1/profiles?county=130402", headers={"Authorization": token("warning_officer")})
    assert listing.status_code == 200
    assert [p["official_id"] for p in listing.json()["items"]] == ["off-1"] and listing.json()["next"] is None

    metrics = web_session.get("/metrics").text
    assert 'wuying_risk_profiles_changed_total{county="130402"} 1.0' in metrics
    assert 'wuying_risk_warnings_proposed_total{county="130402",level="3"} 1.0' in metrics


def test_profiles_outside_the_tokens_counties_are_forbidden(
    container_factory, service_config, web_session, token, publish_event
):
    container = container_factory(RiskService, service_config)
    container.start()
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10):
        publish_event(service_config, "intake", "petition.triaged", triaged_event())
    other = token("risk_officer", county="130102")
    response = web_session.get("/api/v1/profiles/off-1", headers={"Authorization": other})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "county_forbidden"
    assert web_session.get("/api/v1/profiles?county=130402", headers={"Authorization": other}).status_code == 403
    assert web_session.get("/api/v1/profiles/off-1").status_code == 401


def test_bad_queries_and_unknown_profiles_get_json_errors(container_factory, service_config, web_session, token):
    container_factory(RiskService, service_config).start()
    auth = {"Authorization": token("risk_officer")}
    missing = web_session.get("/api/v1/profiles/nobody", headers=auth)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "profile_not_found"
    bad = web_session.get("/api/v1/profiles?county=13", headers=auth)
    assert bad.status_code == 400
    assert "county" in bad.json()["error"]["fields"]


def test_health_and_openapi_describe_the_risk_service(container_factory, service_config, web_session):
    container_factory(RiskService, service_config).start()
    assert web_session.get("/health").json()["checks"]["broker"] == "ok"
    spec = web_session.get("/openapi.json").json()
    assert "/api/v1/profiles/{official_id}" in spec["paths"]
    assert "/api/v1/profiles" in spec["paths"]


def test_outbox_relay_is_registered_for_profiles():
    relays = [p for p in vars(RiskService).values() if isinstance(p, OutboxRelay)]
    assert relays and any(doc.__name__ == "Profile" for doc in relays[0].documents)


POWER = {
    "county": "130402",
    "unit_id": "unit-1",
    "post": "审批科科长",
    "name": "建设工程规划许可",
    "content": "审核并核发建设工程规划许可证",
    "holder": "审批科",
    "legal_basis": "《城乡规划法》第四十条",
    "procedure": "受理—审查—决定—送达",
    "time_limit": "20个工作日",
    "risk_points": ["降低审查标准"],
    "control_measures": ["双人审核", "结果公开"],
}


def test_a_power_list_entry_is_created_read_changed_and_deleted(container_factory, service_config, web_session, token):
    container_factory(RiskService, service_config).start()
    auth = {"Authorization": token("risk_officer")}
    created = web_session.post("/api/v1/powers", json=POWER, headers=auth)
    assert created.status_code == 201, created.text
    power_id = created.json()["id"]
    listed = web_session.get("/api/v1/powers?county=130402&post=审批科科长", headers=auth).json()["items"]
    assert [p["legal_basis"] for p in listed] == ["《城乡规划法》第四十条"]
    changed = web_session.put(f"/api/v1/powers/{power_id}", json={**POWER, "time_limit": "15个工作日"}, headers=auth)
    assert changed.json()["time_limit"] == "15个工作日"
    assert web_session.delete(f"/api/v1/powers/{power_id}", headers=auth).json() == {"deleted": power_id}
    assert web_session.get(f"/api/v1/powers/{power_id}", headers=auth).status_code == 404


def test_a_power_without_its_legal_basis_is_refused_naming_the_field(
    container_factory, service_config, web_session, token
):
    container_factory(RiskService, service_config).start()
    incomplete = {k: v for k, v in POWER.items() if k != "legal_basis"}
    response = web_session.post("/api/v1/powers", json=incomplete, headers={"Authorization": token("risk_officer")})
    assert response.status_code == 400
    assert "legal_basis" in response.json()["error"]["fields"]
    clerk = web_session.post("/api/v1/powers", json=POWER, headers={"Authorization": token("intake_clerk")})
    assert clerk.status_code == 403


def test_a_risk_point_goes_through_the_five_steps_by_the_right_people_and_is_evaluated(
    container_factory, service_config, web_session, token, event_listener
):
    """002/篇1 ⑵②: 自己找、同事帮、领导点、集体定、组织审, each by its own person, then 公示; ⑵③ evaluation."""
    container = container_factory(RiskService, service_config)
    container.start()
    listener, seen = event_listener(service_config, "risk", "risk.assessed")
    holder = {"Authorization": token("official", subject="off-holder")}
    body = {
        "county": "130402",
        "unit_id": "unit-1",
        "post": "科长",
        "kind": "post_duty",
        "description": "审批寻租",
        "colleagues": ["off-colleague"],
    }
    point = web_session.post("/api/v1/risk-points", json=body, headers=holder).json()
    assert point["assigned_colleagues"] == ["off-colleague"]
    url = f"/api/v1/risk-points/{point['id']}"
    skipped = web_session.post(f"{url}/steps", json={"step": "leader_pointed"}, headers=holder)
    assert skipped.status_code == 409
    assert skipped.json()["error"]["code"] == "step_out_of_order"
    twice = web_session.post(f"{url}/steps", json={"step": "colleague_helped"}, headers=holder)
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "same_person_twice")
    officer = {"Authorization": token("risk_officer", subject="officer-1")}
    steps = [
        ("colleague_helped", {"Authorization": token("official", subject="off-colleague")}, {}),
        ("leader_pointed", {"Authorization": token("commission_leader", subject="leader-1")}, {}),
        ("collectively_decided", officer, {"participants": ["甲", "乙", "丙"]}),
        ("organisation_approved", {"Authorization": token("commission_secretary", subject="secretary-1")}, {}),
    ]
    for step, headers, extra in steps:
        response = web_session.post(f"{url}/steps", json={"step": step, **extra}, headers=headers)
        assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"

    grades = dict.fromkeys(
        ["probability", "scope", "severity", "variation", "distribution", "duration", "frequency"], 3
    )
    with entrypoint_waiter(listener, "on", timeout=10):
        evaluated = web_session.post(f"{url}/evaluation", json={"grades": grades}, headers=officer)
    assert evaluated.status_code == 200, evaluated.text
    assert (evaluated.json()["evaluation"]["index"], evaluated.json()["evaluation"]["level"]) == (50, "medium")
    # Medium: reviewed every six months (篇8 第二十二条), counted on the official calendar.
    assert evaluated.json()["next_review_on"] > evaluated.json()["evaluation"]["evaluated_at"][:10]
    assert seen[0]["data"]["risk_point_id"] == point["id"]

    # One risk in the department: 10% of 1 rounds down to no high slot (seeds/000 A).
    too_high = web_session.post(f"{url}/evaluation", json={"grades": dict.fromkeys(grades, 5)}, headers=officer)
    assert too_high.status_code == 409
    assert too_high.json()["error"]["code"] == "high_risk_cap_reached"
    bad = web_session.post(f"{url}/evaluation", json={"grades": {"scope": 9}}, headers=officer)
    assert bad.status_code == 400
    assert "grades.scope" in bad.json()["error"]["fields"]

    library = web_session.get("/api/v1/library?county=130402")
    assert library.status_code == 200
    public = library.json()["risk_points"][0]
    assert (public["id"], public["level_zh"]) == (point["id"], "中")
    assert "contributions" not in public and "holder_id" not in public


def reminder_closed_event(official_id="off-1", county="130402"):
    env = build_event(
        REMINDER_PROBE,
        {
            "reminder_id": "rem-1",
            "official_id": official_id,
            "county": county,
            "unit_id": "unit-1",
            "condition_code": "children_business",
            "condition_name_zh": "子女经商办企业",
            "result": "confirmed",
            "closed_on": "2026-11-20",
            "rule_version": "default-2026.1",
        },
        subject=f"official/{official_id}",
        county=county,
    )
    env["type"] = "wuying.archive.archive.reminder_closed.v1"
    return env


def test_an_archive_condition_and_a_procurement_anomaly_change_the_profile_and_propose_warnings(
    container_factory, service_config, web_session, token, publish_event, event_listener
):
    """DESIGN.md §2 (archive conditions feed risk; seeds/004 12 类预警条件) and seeds/003 (两域
    monitoring): a confirmed condition raises the profile to blue; a procurement split found by the
    scan raises it to yellow; each proposes its warning."""
    container = container_factory(RiskService, service_config)
    container.start()
    changes, changed_events = event_listener(service_config, "risk", "risk.profile_changed")
    proposals, proposed_events = event_listener(service_config, "risk", "warning.proposed")

    condition = reminder_closed_event()
    with entrypoint_waiter(proposals, "on", timeout=10), entrypoint_waiter(changes, "on", timeout=10):
        publish_event(service_config, "archive", "archive.reminder_closed", condition)
    assert changed_events[0]["data"]["factor"] == "archive_condition"
    assert "子女经商办企业（经核实属实）" in changed_events[0]["data"]["explanation"]
    assert (proposed_events[0]["data"]["colour"], proposed_events[0]["data"]["cause_event_ids"]) == (
        "blue",
        [condition["id"]],
    )

    officer = {"Authorization": token("risk_officer")}
    rows = [
        {
            "record_id": f"cg-{n}",
            "county": "130402",
            "domain": "procurement",
            "category": "goods",
            "buyer_unit_id": "hospital-1",
            "buyer_kind": "public_hospital",
            "responsible_official_id": "off-1",
            "supplier_id": f"sup-{n}",
            "amount": 800000,
            "method": "inquiry",
            "awarded_on": f"2026-0{n + 3}-10",
        }
        for n in range(3)
    ]
    body = "\n".join(json.dumps(r) for r in rows) + "\n{broken"
    imported = web_session.post("/api/v1/monitoring/records?format=jsonl", data=body.encode(), headers=officer)
    assert imported.status_code == 200, imported.text
    assert (imported.json()["imported"], imported.json()["errors"][0]["line"]) == (3, 4)
    with entrypoint_waiter(proposals, "on", timeout=10):
        scanned = web_session.post(
            "/api/v1/monitoring/scans",
            json={"county": "130402", "start": "2026-01-01", "end": "2026-12-31"},
            headers=officer,
        )
    assert scanned.status_code == 200, scanned.text
    assert scanned.json()["by_rule"] == {"split_purchase": 1}
    yellow = proposed_events[-1]["data"]
    assert (yellow["colour"], yellow["score"]) == ("yellow", 70)
    assert any("化整为零" in reason for reason in yellow["reasons"])

    profile = web_session.get("/api/v1/profiles/off-1", headers=officer).json()
    assert {f["factor"]: f["points"] for f in profile["factors"]} == {"archive_condition": 35, "business_anomaly": 35}
    inspector = {"Authorization": token("inspector")}
    hits = web_session.get("/api/v1/monitoring/hits?county=130402", headers=inspector).json()["items"]
    assert len(hits[0]["evidence"]) == 3
    assert web_session.post("/api/v1/monitoring/scans", json={}, headers=inspector).status_code == 403


def credit_changed_event(official_id="off-1", county="130402"):
    env = build_event(
        CREDIT_PROBE,
        {
            "official_id": official_id,
            "county": county,
            "score": 62,
            "factors": [
                {"code": "assessment", "name_zh": "2025年度考核", "points": -15, "count": 1},
                {"code": "sanction_in_force", "name_zh": "处分影响期内", "points": -15, "count": 1},
                {"code": "findings", "name_zh": "12个月内巡察发现问题", "points": -8, "count": 2},
            ],
            "previous_score": 100,
            "level": "watch",
            "level_zh": "关注",
            "rule_version": "2026.1",
            "computed_on": "2026-11-20",
        },
        subject=f"official/{official_id}",
        county=county,
    )
    env["type"] = "wuying.archive.archive.integrity_credit_changed.v1"
    return env


def test_a_low_integrity_credit_from_the_archive_changes_the_profile_once(
    container_factory, service_config, web_session, token, publish_event, event_listener
):
    """篇8 第二十六条 廉政信用度: the archive's credit (62, of which −8 for findings risk scores from
    their own events) counts as 70, medium under the rule data's bands: +35, explained."""
    container = container_factory(RiskService, service_config)
    container.start()
    changes, changed_events = event_listener(service_config, "risk", "risk.profile_changed")

    event = credit_changed_event()
    with (
        entrypoint_waiter(changes, "on", timeout=10),
        entrypoint_waiter(container, "on_integrity_credit_changed", timeout=10) as first,
    ):
        publish_event(service_config, "archive", "archive.integrity_credit_changed", event)
    assert first.get() == "processed"
    changed = changed_events[0]["data"]
    assert (changed["factor"], changed["score_before"], changed["score_after"]) == ("integrity_credit", 0, 35)
    assert changed["cause_event_id"] == event["id"]
    assert "廉政信用度 62 分（关注）" in changed["explanation"] and "按 70 分计" in changed["explanation"]

    with entrypoint_waiter(container, "on_integrity_credit_changed", timeout=10) as again:
        publish_event(service_config, "archive", "archive.integrity_credit_changed", event)
    assert again.get() == "duplicate"
    profile = web_session.get("/api/v1/profiles/off-1", headers={"Authorization": token("risk_officer")}).json()
    assert (profile["score"], profile["rule_version"]) == (35, "default-2026.3")
    assert [(f["factor"], f["points"], f["signals"]) for f in profile["factors"]] == [("integrity_credit", 35, 1)]
