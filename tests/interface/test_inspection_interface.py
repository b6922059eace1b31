"""Inspection as a real nameko container on the real local RabbitMQ."""

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from wuying_common.outbox import OutboxRelay
from wuying_inspection.exceptions import UnitsInvalid
from wuying_inspection.service import InspectionService

UNIT = {
    "id": "u-jw-1",
    "name": "区纪委监委第一派驻纪检监察组",
    "county": "130402",
    "kind": "dispatched_agency",
    "zone": "z1",
}


def start(container_factory, config, units=(UNIT,)):
    container = container_factory(InspectionService, config)
    container.start()
    if units:
        with ServiceRpcProxy("inspection", config) as inspection:
            assert inspection.register_units(list(units)) == {"units": len(units)}
    return container


def test_scheduling_a_plan_publishes_inspection_scheduled(
    container_factory, service_config, web_session, token, event_listener
):
    start(container_factory, service_config)
    listener, seen = event_listener(service_config, "inspection", "inspection.scheduled")
    with entrypoint_waiter(listener, "on", timeout=10):
        response = web_session.post(
            "/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027}, headers={"Authorization": token("inspector")}
        )
        assert response.status_code == 201, response.text
    plan = response.json()
    assert [r["round"] for r in plan["rounds"]] == [1, 2]
    event = seen[0]
    assert event["type"] == "wuying.inspection.inspection.scheduled.v1"
    assert event["county"] == "130402"
    assert event["subject"] == f"plan/{plan['plan_id']}"
    assert event["data"] == {
        "plan_id": plan["plan_id"],
        "unit_id": "u-jw-1",
        "county": "130402",
        "year": 2027,
        "zone": "z1",
        "rounds": [
            {"round": 1, "method": "special", "starts_on": "2027-01-01", "ends_on": "2027-06-30"},
            {"round": 2, "method": "cross", "starts_on": "2027-07-01", "ends_on": "2027-12-31"},
        ],
    }


def test_a_second_plan_for_the_same_unit_and_year_is_a_conflict(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    auth = {"Authorization": token("inspector")}
    assert web_session.post("/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027}, headers=auth).status_code == 201
    again = web_session.post("/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027, "rounds": 3}, headers=auth)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "plan_exists"
    listed = web_session.get("/api/v1/plans", params={"county": "130402", "year": 2027}, headers=auth).json()
    assert len(listed) == 1 and len(listed[0]["rounds"]) == 2


def test_a_plan_for_an_unknown_unit_is_not_found(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    response = web_session.post(
        "/api/v1/plans", json={"unit_id": "nobody", "year": 2027}, headers={"Authorization": token("inspector")}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unit_not_found"
    assert "unit_id" in response.json()["error"]["fields"]


def test_fewer_than_two_rounds_is_refused_naming_the_field_and_writes_nothing(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    auth = {"Authorization": token("inspector")}
    response = web_session.post("/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027, "rounds": 1}, headers=auth)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "inspection_rule_violated"
    assert "每年不少于2次" in error["fields"]["rounds"]
    assert web_session.get("/api/v1/plans", params={"county": "130402"}, headers=auth).json() == []


def test_a_bad_method_or_a_window_outside_the_year_names_the_field(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    auth = {"Authorization": token("inspector")}
    bad_method = web_session.post(
        "/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027, "methods": ["special", "tea"]}, headers=auth
    )
    assert bad_method.status_code == 400
    assert "methods.1" in bad_method.json()["error"]["fields"]
    outside = web_session.post(
        "/api/v1/plans",
        json={
            "unit_id": "u-jw-1",
            "year": 2027,
            "windows": [
                {"starts_on": "2026-12-01", "ends_on": "2027-01-31"},
                {"starts_on": "2027-09-01", "ends_on": "2027-09-30"},
            ],
        },
        headers=auth,
    )
    assert outside.status_code == 400
    assert "windows.0.starts_on" in outside.json()["error"]["fields"]
    missing_year = web_session.post("/api/v1/plans", json={"unit_id": "u-jw-1"}, headers=auth)
    assert missing_year.status_code == 400
    assert "year" in missing_year.json()["error"]["fields"]


def test_plans_are_read_back_only_within_the_tokens_counties(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    created = web_session.post(
        "/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027}, headers={"Authorization": token("inspector")}
    ).json()
    mine = web_session.get(f"/api/v1/plans/{created['plan_id']}", headers={"Authorization": token("inspector")})
    assert mine.status_code == 200
    assert mine.json()["unit_name"] == UNIT["name"]
    other = web_session.get(
        f"/api/v1/plans/{created['plan_id']}", headers={"Authorization": token("inspector", county="130102")}
    )
    assert other.status_code == 403
    assert web_session.get("/api/v1/plans/nope", headers={"Authorization": token("inspector")}).status_code == 404
    # An official of the inspected unit must not read the dates of an unannounced visit.
    assert (
        web_session.get(f"/api/v1/plans/{created['plan_id']}", headers={"Authorization": token("official")}).status_code
        == 403
    )


def test_scheduling_outside_the_tokens_counties_is_forbidden(container_factory, service_config, web_session, token):
    start(container_factory, service_config)
    response = web_session.post(
        "/api/v1/plans",
        json={"unit_id": "u-jw-1", "year": 2027},
        headers={"Authorization": token("inspector", county="130102")},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "county_forbidden"


def test_units_registered_over_http_need_the_right_role_and_county(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config, units=())
    body = {"units": [UNIT]}
    assert web_session.post("/api/v1/units", json=body, headers={"Authorization": token("official")}).status_code == 403
    elsewhere = web_session.post(
        "/api/v1/units", json=body, headers={"Authorization": token("operator", county="130102")}
    )
    assert elsewhere.status_code == 403
    ok = web_session.post("/api/v1/units", json=body, headers={"Authorization": token("operator")})
    assert ok.status_code == 200 and ok.json() == {"units": 1}
    bad = web_session.post(
        "/api/v1/units", json={"units": [dict(UNIT, county="1304")]}, headers={"Authorization": token("operator")}
    )
    assert bad.status_code == 400
    assert "units.0.county" in bad.json()["error"]["fields"]


def test_an_invalid_unit_over_rpc_is_a_typed_error_naming_the_field(container_factory, service_config):
    start(container_factory, service_config, units=())
    with ServiceRpcProxy("inspection", service_config) as inspection:
        with pytest.raises(UnitsInvalid) as caught:
            inspection.register_units([{"id": "u", "name": "x", "county": "13", "kind": "department"}])
    assert "units.0.county" in caught.value.fields


def test_metrics_count_plans_by_county_and_openapi_lists_the_plans(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config)
    web_session.post(
        "/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027}, headers={"Authorization": token("inspector")}
    )
    metrics = web_session.get("/metrics").text
    assert 'wuying_inspection_plans_scheduled_total{county="130402"} 1.0' in metrics
    spec = web_session.get("/openapi.json").json()
    assert "/api/v1/plans/{plan_id}" in spec["paths"]
    assert web_session.get("/health").json()["service"] == "inspection"


def test_outbox_relay_is_registered_for_plans():
    assert any(isinstance(p, OutboxRelay) for p in vars(InspectionService).values())


ZONED = [
    {"id": f"u-{zone}", "name": f"{zone} 协作区纪委监委", "county": county, "kind": "commission_organ", "zone": zone}
    for zone, county in (("z1", "130402"), ("z2", "130403"), ("z3", "130102"))
]


def test_cross_inspection_never_pairs_a_zone_with_itself_and_rotates(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config, units=ZONED)
    province = {"Authorization": token("inspector", counties=["130000"])}
    first = web_session.post("/api/v1/cross-assignments", json={"region": "130000", "year": 2027}, headers=province)
    assert first.status_code == 201, first.text
    pairs_2027 = {p["inspected_zone"]: p["inspecting_zone"] for p in first.json()["pairs"]}
    assert set(pairs_2027) == {"z1", "z2", "z3"}
    assert all(a != b for a, b in pairs_2027.items())
    second = web_session.post("/api/v1/cross-assignments", json={"region": "130000", "year": 2028}, headers=province)
    pairs_2028 = {p["inspected_zone"]: p["inspecting_zone"] for p in second.json()["pairs"]}
    assert all(pairs_2028[z] != pairs_2027[z] for z in pairs_2027)
    again = web_session.post("/api/v1/cross-assignments", json={"region": "130000", "year": 2027}, headers=province)
    assert again.status_code == 409

    plan = web_session.post("/api/v1/plans", json={"unit_id": "u-z1", "year": 2027}, headers=province).json()
    cross = [r for r in plan["rounds"] if r["method"] == "cross"]
    assert cross and cross[0]["inspecting_zone"] == pairs_2027["z1"]
    read = web_session.get("/api/v1/cross-assignments/130000/2027", headers=province)
    assert read.status_code == 200 and read.json()["pairs"] == first.json()["pairs"]


def test_cross_inspection_of_a_region_needs_that_regions_scope_and_two_zones(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config, units=ZONED)
    county_only = web_session.post(
        "/api/v1/cross-assignments",
        json={"region": "130000", "year": 2027},
        headers={"Authorization": token("inspector")},
    )
    assert county_only.status_code == 403
    one_zone = web_session.post(
        "/api/v1/cross-assignments",
        json={"region": "130402", "year": 2027},
        headers={"Authorization": token("inspector")},
    )
    assert one_zone.status_code == 400
    assert "zones" in one_zone.json()["error"]["fields"]


def test_specialists_join_a_round_on_demand_and_are_not_double_booked(
    container_factory, service_config, web_session, token
):
    other = dict(UNIT, id="u-jw-2", name="区纪委监委第二派驻纪检监察组")
    start(container_factory, service_config, units=(UNIT, other))
    auth = {"Authorization": token("inspector")}
    pool = [
        {"id": "s1", "name": "王工", "county": "130402", "expertise": ["engineering"]},
        {"id": "s2", "name": "李工", "county": "130403", "expertise": ["engineering"], "unit_id": "u-jw-2"},
    ]
    assert web_session.post("/api/v1/specialists", json={"specialists": pool}, headers=auth).status_code == 403
    city = {"Authorization": token("inspector", counties=["130400"])}
    assert web_session.post("/api/v1/specialists", json={"specialists": pool}, headers=city).json() == {
        "specialists": 2
    }
    first = web_session.post("/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027}, headers=auth).json()
    second = web_session.post("/api/v1/plans", json={"unit_id": "u-jw-2", "year": 2027}, headers=auth).json()

    joined = web_session.post(
        f"/api/v1/plans/{first['plan_id']}/rounds/1/specialists", json={"expertise": ["engineering"]}, headers=auth
    )
    assert joined.status_code == 200, joined.text
    assert [s["id"] for s in joined.json()["rounds"][0]["specialists"]] == ["s1"]
    # s1 is busy in the first half-year and s2 works in u-jw-2 itself: nobody is left.
    none_left = web_session.post(
        f"/api/v1/plans/{second['plan_id']}/rounds/1/specialists", json={"expertise": ["engineering"]}, headers=auth
    )
    assert none_left.status_code == 400
    assert "expertise.0" in none_left.json()["error"]["fields"]
    # In the second half-year s1 is free again: the pool is fixed to no team or unit.
    later = web_session.post(
        f"/api/v1/plans/{second['plan_id']}/rounds/2/specialists", json={"expertise": ["engineering"]}, headers=auth
    )
    assert [s["id"] for s in later.json()["rounds"][1]["specialists"]] == ["s1"]
    missing = web_session.post(
        f"/api/v1/plans/{second['plan_id']}/rounds/9/specialists", json={"expertise": ["engineering"]}, headers=auth
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "round_not_found"


def test_findings_are_disposed_by_severity_and_completing_the_last_round_completes_the_plan(
    container_factory, service_config, web_session, token, event_listener
):
    start(container_factory, service_config)
    auth = {"Authorization": token("inspector")}
    plan = web_session.post("/api/v1/plans", json={"unit_id": "u-jw-1", "year": 2027}, headers=auth).json()
    base = f"/api/v1/plans/{plan['plan_id']}"
    findings_listener, findings = event_listener(service_config, "inspection", "inspection.finding_recorded")
    completed_listener, completed = event_listener(service_config, "inspection", "inspection.completed")

    wrong = web_session.post(
        f"{base}/findings",
        json={"round": 1, "severity": "serious", "disposition": "reminder_talk", "summary": "违规收受礼金"},
        headers=auth,
    )
    assert wrong.status_code == 400
    assert "disposition" in wrong.json()["error"]["fields"]

    with entrypoint_waiter(findings_listener, "on", timeout=10):
        finding = web_session.post(
            f"{base}/findings",
            json={"round": 1, "severity": "early_sign", "official_id": "off-1", "summary": "工作日午间饮酒苗头"},
            headers=auth,
        )
    assert finding.status_code == 201, finding.text
    assert finding.json()["disposition"] == "reminder_talk"
    recorded = findings[-1]
    assert recorded["type"] == "wuying.inspection.inspection.finding_recorded.v1"
    assert recorded["data"]["official_id"] == "off-1"
    assert recorded["data"]["disposition_zh"] == "提醒谈话"
    assert "summary" not in recorded["data"]

    with entrypoint_waiter(completed_listener, "on", timeout=10):
        first = web_session.post(f"{base}/rounds/1/complete", headers=auth)
    assert first.status_code == 200 and first.json()["status"] == "scheduled"
    assert completed[-1]["data"]["findings"] == {"early_sign": 1, "general": 0, "serious": 0}
    assert completed[-1]["data"]["plan_completed"] is False

    closed = web_session.post(
        f"{base}/findings", json={"round": 1, "severity": "general", "summary": "补录"}, headers=auth
    )
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "round_completed"

    with entrypoint_waiter(completed_listener, "on", timeout=10):
        last = web_session.post(f"{base}/rounds/2/complete", headers=auth)
    assert last.json()["status"] == "completed"
    assert completed[-1]["data"]["plan_completed"] is True
    metrics = web_session.get("/metrics").text
    assert 'wuying_inspection_findings_recorded_total{county="130402",severity="early_sign"} 1.0' in metrics
