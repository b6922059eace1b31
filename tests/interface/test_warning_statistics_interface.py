"""Warning statistics (issue 14 item 7) through a real warning container on the real local
RabbitMQ: county, city and province tokens, a county outside the token, the quarterly report
from the year tallies, and the operators' rebuild over RPC."""

from datetime import date, timedelta

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from wuying_common.clock import SystemClock
from wuying_common.tallies import CountiesInvalid
from wuying_warning.service import WarningService

ZEROS = {"1": 0, "2": 0, "3": 0}


def propose(web_session, token, official, county, level, trigger):
    created = web_session.post(
        "/api/v1/warnings",
        json={
            "official_id": official,
            "unit_id": "unit-1",
            "county": county,
            "level": level,
            "reasons": ["群众反映"],
            "trigger": trigger,
        },
        headers={"Authorization": token("warning_officer", county=county)},
    )
    assert created.status_code == 201, created.text
    return created.json()


def test_statistics_of_a_county_a_city_and_the_province_and_a_county_outside_the_token(
    container_factory, service_config, web_session, token
):
    container = container_factory(WarningService, service_config)
    container.start()
    # 邯山区: a blue warning issued on 2026-09-30, its answer due 2026-10-15 (overdue since);
    # 丛台区: a red proposal; 长安区 (石家庄市): a yellow proposal, then rejected.
    blue = propose(web_session, token, "off-1", "130402", 3, "public_reports")
    approved = web_session.post(
        f"/api/v1/warnings/{blue['id']}/approve",
        json={"issued_on": "2026-09-30"},
        headers={"Authorization": token("commission_leader", county="130402")},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["answer_due"] == "2026-10-15"
    propose(web_session, token, "off-2", "130403", 1, "poor_annual_assessment")
    yellow = propose(web_session, token, "off-3", "130102", 2, "policy_deviation_signs")
    rejected = web_session.post(
        f"/api/v1/warnings/{yellow['id']}/reject",
        json={"reasons": ["经研究不予发出"]},
        headers={"Authorization": token("commission_secretary", county="130102")},
    )
    assert rejected.status_code == 200, rejected.text
    today = SystemClock().today()
    late = int(today > date(2026, 10, 15))

    county = web_session.get("/api/v1/statistics?county=130402", headers={"Authorization": token("auditor")})
    assert county.status_code == 200, county.text
    body = county.json()
    assert body["as_of"] in (today.isoformat(), (today + timedelta(days=1)).isoformat())  # midnight in Beijing
    assert body == {
        "county": "130402",
        "as_of": body["as_of"],
        "live": 1,
        "by_level": {"1": 0, "2": 0, "3": 1},
        "overdue": late,
        "counties": [{"county": "130402", "live": 1, "by_level": {"1": 0, "2": 0, "3": 1}, "overdue": late}],
    }

    city = web_session.get(
        "/api/v1/statistics?county=130400", headers={"Authorization": token("commission_leader", county="130400")}
    ).json()
    assert (city["county"], city["live"], city["by_level"], city["overdue"]) == (
        "130400",
        2,
        {"1": 1, "2": 0, "3": 1},
        late,
    )
    assert [c["county"] for c in city["counties"]] == ["130402", "130403", "130404", "130406", "130408"]
    assert city["counties"][1] == {"county": "130403", "live": 1, "by_level": {"1": 1, "2": 0, "3": 0}, "overdue": 0}
    assert city["counties"][2] == {"county": "130404", "live": 0, "by_level": ZEROS, "overdue": 0}

    province = web_session.get(
        "/api/v1/statistics?county=130000", headers={"Authorization": token("agency_reader", county="130000")}
    ).json()
    assert (province["live"], province["by_level"]) == (2, {"1": 1, "2": 0, "3": 1})  # the rejected one is not live
    assert len(province["counties"]) == 19 and province["counties"] == sorted(
        province["counties"], key=lambda c: c["county"]
    )
    assert {c["county"]: c["live"] for c in province["counties"] if c["live"]} == {"130402": 1, "130403": 1}

    foreign = web_session.get("/api/v1/statistics?county=130102", headers={"Authorization": token("auditor")})
    assert foreign.status_code == 403
    assert foreign.json()["error"]["code"] == "county_forbidden"
    assert "county" in foreign.json()["error"]["fields"]
    wider = web_session.get("/api/v1/statistics?county=130400", headers={"Authorization": token("auditor")})
    assert wider.status_code == 403
    bad = web_session.get("/api/v1/statistics?county=13", headers={"Authorization": token("auditor")})
    assert bad.status_code == 400 and "county" in bad.json()["error"]["fields"]
    official = web_session.get("/api/v1/statistics?county=130402", headers={"Authorization": token("official")})
    assert official.status_code == 403

    # The quarterly report from the year tallies (篇5 三(二)): the blue warning counts in 2026 Q3
    # (issued on 30 September) and, with the other two, in the quarter they were proposed in.
    def quarterly(year, quarter):
        answer = web_session.get(
            f"/api/v1/reports/quarterly?county=130000&year={year}&quarter={quarter}",
            headers={"Authorization": token("agency_reader", county="130000")},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    now = (today.year, (today.month - 1) // 3 + 1)
    q3, current = quarterly(2026, 3), quarterly(*now)
    assert (q3["total"], q3["by_status"], q3["by_level"]) == (1, {"issued": 1}, {"blue": 1, "yellow": 0, "red": 0})
    assert (current["total"], current["by_status"]) == (3, {"issued": 1, "proposed": 1, "rejected": 1})

    # The operators' rebuild over RPC (the year tallies too) gives the same figures.
    with ServiceRpcProxy("warning", service_config) as warning:
        rebuilt = warning.rebuild_tallies()
        assert rebuilt["130402"] == 1 and rebuilt["130403"] == 1 and rebuilt["130102"] == 0
        assert warning.rebuild_tallies(["130402", "130403"]) == {"130402": 1, "130403": 1}
        with pytest.raises(CountiesInvalid) as caught:
            warning.rebuild_tallies("130402")  # one code, not a list of them
        assert "counties" in caught.value.fields
    again = web_session.get(
        "/api/v1/statistics?county=130000", headers={"Authorization": token("agency_reader", county="130000")}
    ).json()
    assert again == province
    assert (quarterly(2026, 3), quarterly(*now)) == (q3, current)
