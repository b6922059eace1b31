"""Issue 9 item 5 and issue 15 item 3 on real containers (real local RabbitMQ): a city or province
token reads the lists of risk, inspection and archive across its counties (a county token cannot
widen itself), and every list answers pages of at most ``limit`` with an opaque ``next`` that
walks the whole list once; a malformed cursor is a 400 naming ``cursor``."""

from __future__ import annotations

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from wuying_archive.service import ArchiveService
from wuying_common.paging import encode_cursor
from wuying_inspection.service import InspectionService
from wuying_risk.service import RiskService

COUNTIES = ("130402", "130403", "130406", "130102")  # three of 邯郸市, one of 石家庄市


def walk(web_session, path, headers, limit):
    """Every item of a list, page by page through ``next``; also the pages' sizes."""
    items, sizes, cursor = [], [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = web_session.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next"}
        items += body["items"]
        sizes.append(len(body["items"]))
        cursor = body["next"]
        if cursor is None:
            return items, sizes


def check_rollup(web_session, token, role, path, key="county"):
    """City, province and county tokens on one list; returns the city's items."""
    city = {"Authorization": token(role, county="130400")}
    city_items, sizes = walk(web_session, f"{path}county=130400", city, limit=2)
    assert sorted(i[key] for i in city_items) == ["130402", "130403", "130406"]
    assert sizes == [2, 1]  # at most ``limit`` a page, the last without ``next``
    province = {"Authorization": token(role, county="130000")}
    everything, _ = walk(web_session, f"{path}county=130000", province, limit=1000)
    assert sorted(i[key] for i in everything) == sorted(COUNTIES)
    county = {"Authorization": token(role, county="130402")}
    assert [i[key] for i in walk(web_session, f"{path}county=130402", county, limit=5)[0]] == ["130402"]
    widened = web_session.get(f"{path}county=130400", headers=county)
    assert widened.status_code == 403 and widened.json()["error"]["code"] == "county_forbidden"
    bad = web_session.get(f"{path}county=130400&cursor=not-a-cursor", headers=city)
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["cursor"]
    too_many = web_session.get(f"{path}county=130400&limit=1001", headers=city)
    assert too_many.status_code == 400 and "limit" in too_many.json()["error"]["fields"]
    return city_items


def test_risk_lists_roll_up_and_page(container_factory, service_config, web_session, token):
    container_factory(RiskService, service_config).start()
    writer = {"Authorization": token("risk_officer", county="130000")}
    for n, county in enumerate(COUNTIES):
        where = {"county": county, "unit_id": f"unit-{n}", "post": "审批科科长"}
        power = where | {"name": f"规划许可{n}", "content": "核发许可证", "holder": "审批科", "legal_basis": "第四十条"}
        power |= {"procedure": "受理—决定", "time_limit": "20个工作日", "risk_points": ["降低标准"]}
        power |= {"control_measures": ["双人审核"]}
        assert web_session.post("/api/v1/powers", json=power, headers=writer).status_code == 201
        point = where | {"kind": "post_duty", "description": f"审批中可能降低审查标准（{n}）"}
        created = web_session.post("/api/v1/risk-points", json=point, headers=writer)
        assert created.status_code == 201, created.text
    check_rollup(web_session, token, "risk_officer", "/api/v1/powers?")
    check_rollup(web_session, token, "risk_officer", "/api/v1/risk-points?")
    city = {"Authorization": token("auditor", county="130400")}
    assert web_session.get("/api/v1/monitoring/hits?county=130400", headers=city).json() == {"items": [], "next": None}


def test_inspection_plans_roll_up_and_page(container_factory, service_config, web_session, token):
    container_factory(InspectionService, service_config).start()
    units = [
        {
            "id": f"u-{county}",
            "name": f"{county}纪检监察组",
            "county": county,
            "kind": "dispatched_agency",
            "zone": "z1",
        }
        for county in COUNTIES
    ]
    with ServiceRpcProxy("inspection", service_config) as inspection:
        inspection.register_units(units)
    inspector = {"Authorization": token("inspector", county="130000")}
    for unit in units:
        planned = web_session.post("/api/v1/plans", json={"unit_id": unit["id"], "year": 2027}, headers=inspector)
        assert planned.status_code == 201, planned.text
    city_plans = check_rollup(web_session, token, "inspector", "/api/v1/plans?year=2027&")
    assert len({(p["unit_id"], p["year"]) for p in city_plans}) == 3  # no plan sent twice across pages


def test_archive_lists_roll_up_and_page(container_factory, service_config, web_session, token):
    container_factory(ArchiveService, service_config).start()
    officials = [
        {"id": f"off-{county}", "name": f"干部{n}", "county": county, "unit_id": f"unit-{county}"}
        | {"post": "科长", "rank": "正科级"}
        for n, county in enumerate(COUNTIES)
    ]
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], officials)
    check_rollup(web_session, token, "archive_keeper", "/api/v1/officials?")
    # Lists scoped by the token (no county parameter) roll up the same way.
    city = {"Authorization": token("auditor", county="130400")}
    for path in ("/api/v1/supervisors", "/api/v1/report-checks", "/api/v1/reminders", "/api/v1/access-log"):
        response = web_session.get(path, params={"limit": 5}, headers=city)
        assert response.status_code == 200, (path, response.text)
        assert set(response.json()) == {"items", "next"}


@pytest.mark.parametrize("cursor", ["%%%", "eyJ", "A" * 600])
def test_a_malformed_cursor_never_reaches_a_handler(container_factory, service_config, web_session, token, cursor):
    container_factory(RiskService, service_config).start()
    response = web_session.get(
        "/api/v1/powers",
        params={"county": "130402", "cursor": cursor},
        headers={"Authorization": token("risk_officer")},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed" and "cursor" in response.json()["error"]["fields"]


def test_a_cursor_of_another_list_is_refused_naming_it(container_factory, service_config, web_session, token):
    """A well-formed cursor is bound to the list (route and ordering) that answered it: one of
    ``/powers`` (ordered by id) or a hand-made unbound position sent to ``/profiles`` (ordered by
    score) used to be compared with scores and answer 500."""
    container_factory(RiskService, service_config).start()
    headers = {"Authorization": token("risk_officer", county="130000")}
    for n, county in enumerate(COUNTIES[:3]):
        power = {"county": county, "unit_id": f"unit-{n}", "post": "审批科科长", "name": f"规划许可{n}"}
        power |= {"content": "核发许可证", "holder": "审批科", "legal_basis": "第四十条", "procedure": "受理—决定"}
        power |= {"time_limit": "20个工作日", "risk_points": ["降低标准"], "control_measures": ["双人审核"]}
        assert web_session.post("/api/v1/powers", json=power, headers=headers).status_code == 201
    first = web_session.get("/api/v1/powers", params={"county": "130000", "limit": 1}, headers=headers).json()
    assert first["next"]
    again = web_session.get("/api/v1/powers", params={"county": "130000", "cursor": first["next"]}, headers=headers)
    assert again.status_code == 200 and len(again.json()["items"]) == 2
    foreign = [first["next"], encode_cursor(("2026-01-01", "x")), encode_cursor(("a", "b"), scope="elsewhere")]
    for path in ("/api/v1/profiles", "/api/v1/unit-profiles"):
        for cursor in foreign:
            response = web_session.get(path, params={"county": "130000", "cursor": cursor}, headers=headers)
            assert response.status_code == 400, (path, response.text)
            assert response.json()["error"]["code"] == "invalid_cursor"
            assert list(response.json()["error"]["fields"]) == ["cursor"]
