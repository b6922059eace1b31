"""Inspection as a real nameko container on the real local RabbitMQ."""

import time

import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from wuying_common.outbox import OutboxRelay
from wuying_common.tallies import CountiesInvalid
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
    listed = web_session.get("/api/v1/plans", params={"county": "130402", "year": 2027}, headers=auth).json()["items"]
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
    assert web_session.get("/api/v1/plans", params={"county": "130402"}, headers=auth).json() == {
        "items": [],
        "next": None,
    }


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
    assert outside.status_code == 422  # schema-valid, a window outside the plan's year (rules.UnprocessableInput)
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
    assert one_zone.status_code == 409  # the registry's state: too few zones registered
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
    assert none_left.status_code == 409  # the pool's state, not the request, is what is missing
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


# -- issue 12: campaign → assignment → inspection.scheduled v1 and v2 -------------------------
CAMPAIGN_UNITS = [
    {"id": f"u-{county}", "name": f"{county} 纪委监委", "county": county, "kind": "commission_organ", "zone": zone}
    for county, zone in (("130402", "z1"), ("130403", "z1"), ("130102", "z2"), ("130104", "z2"))
]
POOL = [
    {
        "id": f"p{i:02d}",
        "name": f"干部{i}",
        "county": ("130402", "130403", "130102", "130104")[i % 4],
        "zone": ("z1", "z1", "z2", "z2")[i % 4],
        "level": "county",
        "leader": i % 2 == 0,
        "gender": ("female", "male")[i % 3 % 2],
    }
    for i in range(12)
]


def wait_for_solve(web_session, campaign_id, auth):
    """Poll the campaign until the background solve has written its answer (bounded)."""
    for _ in range(300):
        campaign = web_session.get(f"/api/v1/campaigns/{campaign_id}", headers=auth).json()
        if campaign["status"] != "solving":
            return campaign
        eventlet.sleep(0.05)
    raise AssertionError("the solve did not finish")


def test_a_campaign_is_previewed_solved_and_committed_publishing_scheduled_v1_and_v2(
    container_factory, service_config, web_session, token, event_listener
):
    start(container_factory, service_config, units=CAMPAIGN_UNITS)
    auth = {"Authorization": token("inspector", counties=["130000"])}
    assert web_session.post("/api/v1/inspectors", json={"inspectors": POOL}, headers=auth).json() == {"inspectors": 12}
    body = {
        "region": "130000",
        "year": 2027,
        "campaign_rules": {"surprise_share": 1.0, "unannounced_share": 0.0},
        "assignment_rules": {"team_min": 2, "team_max": 3},
    }
    preview = web_session.post("/api/v1/campaigns", json=body, headers=auth)
    assert preview.status_code == 201, preview.text
    campaign = preview.json()
    assert campaign["status"] == "draft" and len(campaign["visits"]) == 8
    assert {v["method"] for v in campaign["visits"]} == {"surprise", "cross"}

    solving = web_session.post(f"/api/v1/campaigns/{campaign['campaign_id']}/solve", headers=auth)
    assert solving.status_code == 202, solving.text
    solved = wait_for_solve(web_session, campaign["campaign_id"], auth)
    assert solved["status"] == "solved", solved
    assert all(v["leader"] in v["members"] for v in solved["visits"])
    progress = web_session.get(f"/api/v1/campaigns/{campaign['campaign_id']}/progress", headers=auth).json()
    assert progress["plan_version"] == 1 and progress["progress"]["stage"] == "finished"

    listener, seen = event_listener(service_config, "inspection", "inspection.scheduled")
    with entrypoint_waiter(listener, "on", timeout=10, callback=lambda *a: len(seen) >= 8):
        committed = web_session.post(f"/api/v1/campaigns/{campaign['campaign_id']}/commit", headers=auth)
        assert committed.status_code == 200, committed.text
    by_version = {}
    for event in seen:
        by_version.setdefault(event["type"].rsplit(".", 1)[1], []).append(event)
    assert len(by_version["v1"]) == 4 and len(by_version["v2"]) == 4
    v2 = next(e for e in by_version["v2"] if e["data"]["unit_id"] == "u-130402")
    v1 = next(e for e in by_version["v1"] if e["data"]["unit_id"] == "u-130402")
    assert v2["data"]["rounds"][0] == {
        "round": 1,
        "method": "surprise",
        "starts_on": None,
        "ends_on": None,
        "dates_withheld": True,
    }
    assert v1["data"]["rounds"][0]["starts_on"] is not None  # v1 until retired: the old contract
    assert v2["data"]["campaign_id"] == "130000:2027" and v2["data"]["plan_version"] == 1

    visit = next(v for v in solved["visits"] if v["unit_id"] == "u-130402" and v["round"] == 1)
    mine = web_session.get(
        "/api/v1/my/assignments",
        params={"year": 2027},
        headers={"Authorization": token("inspector", subject=visit["leader"], counties=["130000"])},
    ).json()["items"]
    assert {"unit_id": "u-130402", "round": 1, "role": "leader"}.items() <= next(
        a for a in mine if a["unit_id"] == "u-130402"
    ).items()
    coverage = web_session.get("/api/v1/coverage", params={"region": "130000", "year": 2027}, headers=auth).json()
    assert coverage["total"]["units"] == 4 and coverage["total"]["planned"] == 4


def test_an_impossible_campaign_answers_the_blocking_rules_not_a_500(
    container_factory, service_config, web_session, token
):
    start(container_factory, service_config, units=CAMPAIGN_UNITS)
    auth = {"Authorization": token("inspector", counties=["130000"])}
    web_session.post("/api/v1/inspectors", json={"inspectors": POOL[:3]}, headers=auth)
    created = web_session.post(
        "/api/v1/campaigns",
        json={"region": "130000", "year": 2027, "assignment_rules": {"team_min": 2, "team_max": 3}},
        headers=auth,
    ).json()
    assert web_session.post(f"/api/v1/campaigns/{created['campaign_id']}/solve", headers=auth).status_code == 202
    answer = wait_for_solve(web_session, created["campaign_id"], auth)
    assert answer["status"] == "infeasible"
    assert answer["blocking"] and all(b["rule_zh"] and b["source"] for b in answer["blocking"])
    refused = web_session.post(f"/api/v1/campaigns/{created['campaign_id']}/commit", headers=auth)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "campaign_state"


def slow_solve(seconds: float):
    """A real CP-SAT search that runs ``seconds`` (a 60 x 60 assignment with random costs, one
    worker, not proved optimal in that time), then the real team assignment."""
    import random

    from ortools.sat.python import cp_model

    from wuying_inspection.domain.assignment import assign_teams

    def run(problem, rules, progress=None):
        model, n, rnd = cp_model.CpModel(), 60, random.Random(1)
        x = [[model.new_bool_var(f"{i}.{j}") for j in range(n)] for i in range(n)]
        for i in range(n):
            model.add_exactly_one(x[i])
            model.add_exactly_one(x[j][i] for j in range(n))
        model.minimize(sum(rnd.randint(0, 1000) * x[i][j] for i in range(n) for j in range(n)))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = 1
        solver.solve(model)
        return assign_teams(problem, rules, progress)

    return run


def test_the_service_answers_health_while_a_solve_runs(
    container_factory, service_config, web_session, token, monkeypatch
):
    """The CP-SAT search runs in an OS thread (``eventlet.tpool``), not in the service's event
    loop: while a campaign is solving, /health and reads answer at once."""
    from wuying_inspection.handlers.campaigns import planning

    monkeypatch.setattr(planning, "assign_teams", slow_solve(3.0))
    start(container_factory, service_config, units=CAMPAIGN_UNITS)
    auth = {"Authorization": token("inspector", counties=["130000"])}
    web_session.post("/api/v1/inspectors", json={"inspectors": POOL}, headers=auth)
    body = {"region": "130000", "year": 2027, "assignment_rules": {"team_min": 2, "team_max": 3}}
    campaign = web_session.post("/api/v1/campaigns", json=body, headers=auth).json()
    began = time.monotonic()
    assert web_session.post(f"/api/v1/campaigns/{campaign['campaign_id']}/solve", headers=auth).status_code == 202
    waits, status = [], "solving"
    while status == "solving" and time.monotonic() - began < 60:
        asked = time.monotonic()
        assert web_session.get("/health").status_code == 200
        waits.append(time.monotonic() - asked)
        status = web_session.get(f"/api/v1/campaigns/{campaign['campaign_id']}", headers=auth).json()["status"]
        eventlet.sleep(0.05)
    assert status == "solved" and time.monotonic() - began >= 2.5  # the search ran its time
    assert len(waits) >= 10 and max(waits) < 1.0, waits


def test_the_pool_follows_archives_official_changed(
    container_factory, service_config, web_session, token, publish_event
):
    container = start(container_factory, service_config, units=())
    auth = {"Authorization": token("inspector", counties=["130000"])}
    web_session.post("/api/v1/inspectors", json={"inspectors": [dict(POOL[0], unit_id="u-a")]}, headers=auth)
    envelope = {
        "specversion": "1.0",
        "id": "6f1c7a52-7a44-4c1e-9d55-1f1d2b0c0001",
        "source": "/wuying/archive",
        "type": "wuying.archive.official.changed.v1",
        "time": "2026-11-20T02:00:00Z",
        "subject": "official/p00",
        "datacontenttype": "application/json",
        "dataschema": "https://schemas.wuying.local/events/wuying.archive.official.changed.v1.json",
        "county": "130102",
        "data": {
            "official_id": "p00",
            "county": "130102",
            "unit_id": "u-b",
            "post": "科员",
            "rank": "科级",
            "status": "serving",
            "change": "transferred",
            "commission_staff": True,
        },
    }
    with entrypoint_waiter(container, "on_official_changed", timeout=10):
        publish_event(service_config, "archive", "official.changed", envelope)
    member = web_session.get("/api/v1/inspectors/p00", headers=auth).json()
    assert (member["unit_id"], member["county"], member["former_unit_ids"]) == ("u-b", "130102", ["u-a"])


def test_a_year_loaded_through_warning_reaches_the_campaign_dates_and_every_replica(
    container_factory, service_config, web_session, token, publish_event
):
    """Issue 8 item 3: one mechanism for the province, warning's ``calendar.year_loaded`` v1."""
    import uuid
    from datetime import date

    from marshmallow import Schema, fields
    from nameko.testing.services import entrypoint_hook

    from wuying_common.calendar import WorkingDayCalendar
    from wuying_common.events import EventType, build_event

    container = start(container_factory, service_config, units=CAMPAIGN_UNITS[:1])

    class YearLoaded(Schema):  # as warning publishes it (its schema lives in the warning service)
        year, holidays, workdays, source = (
            fields.Integer(),
            fields.List(fields.String()),
            fields.List(fields.String()),
            fields.String(),
        )

    year = {"year": 2027, "holidays": ["2027-03-02"], "workdays": ["2027-03-06"], "source": "测试安排"}
    envelope = build_event(
        EventType("warning", "calendar.year_loaded", 1, YearLoaded, ""),
        year,
        subject="calendar/2027",
        county="130000",
        event_id=str(uuid.uuid4()),
    )
    with entrypoint_waiter(container, "on_calendar_year_loaded", timeout=10) as result:
        publish_event(service_config, "warning", "calendar.year_loaded", envelope)
    assert result.get() == "processed"

    auth = {"Authorization": token("inspector", counties=["130000"])}
    body = {
        "region": "130402",
        "year": 2027,
        "windows": [
            {"starts_on": "2027-03-01", "ends_on": "2027-03-31"},
            {"starts_on": "2027-09-01", "ends_on": "2027-09-30"},
        ],
    }
    created = web_session.post("/api/v1/campaigns", json=body, headers=auth)
    assert created.status_code == 201, created.text
    first = next(v for v in created.json()["visits"] if v["round"] == 1)
    # five working days from Monday 03-01 skip the Tuesday holiday and end on the make-up Saturday
    assert (first["starts_on"], first["ends_on"]) == ("2027-03-01", "2027-03-06")

    # another replica (same store) refreshes its calendar from the stored year
    replica = next(e for e in container.dependencies if type(e).__name__ == "StoredYearsCalendar")
    replica.calendar = WorkingDayCalendar.official()
    with entrypoint_hook(container, "refresh_calendar") as refresh:
        assert refresh() == {"refreshed": [2027]}
    assert replica.calendar.is_working_day(date(2027, 3, 2)) == (False, False)


def test_a_year_planned_one_round_at_a_time_is_announced_once_it_holds_two_rounds(
    container_factory, service_config, web_session, token, event_listener
):
    """Issue 12 item 1: "one action plans a year (or one round)"; 000/E 每年不少于2次 over the
    year's plan, not inside a one-round campaign."""
    start(container_factory, service_config, units=CAMPAIGN_UNITS)
    auth = {"Authorization": token("inspector", counties=["130000"])}
    web_session.post("/api/v1/inspectors", json={"inspectors": POOL}, headers=auth)
    rules = {"assignment_rules": {"team_min": 2, "team_max": 3}}

    def plan_round(number):
        created = web_session.post(
            "/api/v1/campaigns", json={"region": "130000", "year": 2027, "round": number, **rules}, headers=auth
        )
        assert created.status_code == 201, created.text
        campaign = created.json()
        assert campaign["campaign_id"] == f"130000:2027:{number}" and campaign["round"] == number
        assert {v["round"] for v in campaign["visits"]} == {number} and len(campaign["visits"]) == 4
        assert web_session.post(f"/api/v1/campaigns/{campaign['campaign_id']}/solve", headers=auth).status_code == 202
        assert wait_for_solve(web_session, campaign["campaign_id"], auth)["status"] == "solved"
        committed = web_session.post(f"/api/v1/campaigns/{campaign['campaign_id']}/commit", headers=auth)
        assert committed.status_code == 200, committed.text

    plan_round(1)
    whole = web_session.post("/api/v1/campaigns", json={"region": "130000", "year": 2027, **rules}, headers=auth)
    assert whole.status_code == 409 and whole.json()["error"]["code"] == "campaign_exists"
    plan = web_session.get("/api/v1/plans/u-130402:2027", headers=auth).json()
    assert [r["round"] for r in plan["rounds"]] == [1] and plan["rounds_expected"] == 2
    coverage = web_session.get("/api/v1/coverage", params={"region": "130000", "year": 2027}, headers=auth).json()
    assert coverage["total"]["unplanned"] == 4  # one round is not a year's plan

    listener, seen = event_listener(service_config, "inspection", "inspection.scheduled")
    with entrypoint_waiter(listener, "on", timeout=10, callback=lambda *a: len(seen) >= 8):
        plan_round(2)
    v2 = [e for e in seen if e["type"].endswith(".v2")]
    assert len(v2) == 4 and all([r["round"] for r in e["data"]["rounds"]] == [1, 2] for e in v2)
    assert {e["data"]["campaign_id"] for e in v2} == {"130000:2027:2"}
    plan = web_session.get("/api/v1/plans/u-130402:2027", headers=auth).json()
    assert [(r["round"], r["campaign_id"]) for r in plan["rounds"]] == [(1, "130000:2027:1"), (2, "130000:2027:2")]
    coverage = web_session.get("/api/v1/coverage", params={"region": "130000", "year": 2027}, headers=auth).json()
    assert coverage["total"]["planned"] == 4


def test_coverage_from_the_tallies_by_county_city_and_province_with_and_without_the_units(
    container_factory, service_config, web_session, token
):
    """Issue 14 item 7: the dashboard asks ``units=false`` (figures only); the default keeps the
    list of units needing attention. Next year: a unit with a plan is planned, with both rounds
    completed done, without one unplanned; last year every unit without a plan is missed."""
    from datetime import date

    year, last_year = date.today().year + 1, date.today().year - 1
    units = [
        dict(UNIT, id="u-a", county="130402"),
        dict(UNIT, id="u-b", county="130402", kind="commission_organ"),
        dict(UNIT, id="u-c", county="130403", kind="township"),
        dict(UNIT, id="u-d", county="130102", kind="commission_organ", zone="z2"),
        dict(UNIT, id="u-e", county="130402", kind="department"),  # counts only with a plan
    ]
    start(container_factory, service_config, units=units)
    inspector = {"Authorization": token("inspector", counties=["130000"])}
    for unit_id in ("u-a", "u-c", "u-e"):
        response = web_session.post("/api/v1/plans", json={"unit_id": unit_id, "year": year}, headers=inspector)
        assert response.status_code == 201, response.text
    for number in (1, 2):
        done = web_session.post(f"/api/v1/plans/u-c:{year}/rounds/{number}/complete", headers=inspector)
        assert done.status_code == 200, done.text

    def read(county, region, y=year, **params):
        auth = {"Authorization": token("commission_leader", county=county)}
        return web_session.get("/api/v1/coverage", params={"region": region, "year": y, **params}, headers=auth)

    def figures(body):
        return {k: body["total"][k] for k in ("units", "done", "planned", "overdue", "missed", "unplanned")}

    province = read("130000", "130000").json()
    assert figures(province) == {"units": 5, "done": 1, "planned": 2, "overdue": 0, "missed": 0, "unplanned": 2}
    assert province["total"]["coverage"] == 0.2
    assert [c["code"] for c in province["cities"]] == ["130100", "130400"]
    assert {c["code"]: c["units"] for c in province["counties"]} == {"130102": 1, "130402": 3, "130403": 1}
    assert [(u["unit_id"], u["status"], u["status_zh"]) for u in province["units"]] == [
        ("u-d", "unplanned", "未计划"),
        ("u-b", "unplanned", "未计划"),
    ]
    figures_only = read("130000", "130000", units="false").json()
    assert figures_only["units"] == [] and {k: v for k, v in figures_only.items() if k != "units"} == {
        k: v for k, v in province.items() if k != "units"
    }
    city = read("130400", "130400").json()
    assert figures(city) == {"units": 4, "done": 1, "planned": 2, "overdue": 0, "missed": 0, "unplanned": 1}
    assert [u["unit_id"] for u in city["units"]] == ["u-b"]
    assert read("130400", "130400", units="false").json()["units"] == []
    county = read("130402", "130402", units="true").json()
    assert figures(county) == {"units": 3, "done": 0, "planned": 2, "overdue": 0, "missed": 0, "unplanned": 1}
    past = read("130000", "130000", y=last_year, units="false").json()
    assert figures(past) == {"units": 4, "done": 0, "planned": 0, "overdue": 0, "missed": 4, "unplanned": 0}

    assert read("130402", "130000").status_code == 403  # a county's token reads its county only
    bad = read("130000", "130000", units="maybe")
    assert bad.status_code == 400 and "units" in bad.json()["error"]["fields"]

    with ServiceRpcProxy("inspection", service_config) as inspection:
        assert inspection.rebuild_tallies(["130402"]) == {"tallies": 2, "units": 3, "plans": 2}
        assert inspection.rebuild_tallies() == {
            "tallies": 5,
            "units": 5,
            "plans": 3,
        }  # 3 counties, 2 of them with plans
        with pytest.raises(CountiesInvalid) as caught:
            inspection.rebuild_tallies(["13"])
        assert "counties" in caught.value.fields
    assert read("130000", "130000").json() == province  # rebuilt from the records: the same figures
