"""``wuying tallies rebuild`` (issue 14 item 7 follow-up) on the real local RabbitMQ: warning,
intake and inspection as real nameko containers with records written over HTTP, their tally
collections dropped (what a store written before the tallies, or a restore, looks like), the CLI
entry function run, and each statistics route answering the figures it answered before. Then a
rebuild of one service and one county, the same counties rule in all three RPCs, and the exit
status when a service does not answer in time or is not running."""

import base64
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import eventlet
import pytest
import requests
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.utils import find_free_port

from wuying_common.clock import SystemClock
from wuying_common.tallies import CountiesInvalid
from wuying_inspection.persistence.tallies import PlanTally, UnitTally
from wuying_inspection.service import InspectionService
from wuying_intake.persistence.tallies import ReportTally
from wuying_intake.service import IntakeService
from wuying_tools import cli
from wuying_warning.persistence import QuarterTally, WarningTally
from wuying_warning.service import WarningService

KEY = "k1:" + base64.b64encode(b"k" * 32).decode()


def report(county: str) -> dict:
    """A public report about a unit of ``county`` (each county's report counts in its tally)."""
    unit = {"kind": "unit", "name": f"{county}某某局"}
    text = "该单位在项目验收中违规收受礼金，群众多次反映未见处理。"
    return {"county": county, "anonymous": True, "category": "key_sectors", "subjects": [unit], "content": text}


UNITS = [
    {
        "id": "u-a",
        "name": "区纪委监委第一派驻纪检监察组",
        "county": "130402",
        "kind": "dispatched_agency",
        "zone": "z1",
    },
    {"id": "u-b", "name": "区纪委监委机关", "county": "130402", "kind": "commission_organ", "zone": "z1"},
    {"id": "u-c", "name": "某某镇", "county": "130403", "kind": "township", "zone": "z1"},
]


def start(container_factory, service_config, cls, **extra) -> str:
    port = find_free_port()
    container_factory(cls, dict(service_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", **extra)).start()
    return f"http://127.0.0.1:{port}"


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def test_the_cli_rebuilds_dropped_tallies_of_the_three_services_to_the_same_figures(
    container_factory, service_config, token, monkeypatch, capsys
):
    base = {"warning": "", "intake": "", "inspection": ""}
    base["warning"] = start(container_factory, service_config, WarningService)
    base["intake"] = start(container_factory, service_config, IntakeService, INTAKE_ENCRYPTION_KEYS=KEY)
    base["inspection"] = start(container_factory, service_config, InspectionService)
    with ClusterRpcProxy(service_config) as cluster:
        assert cluster.inspection.register_units(UNITS) == {"units": 3}

    def auth(role, county):
        return {"Authorization": token(role, county=county)}

    # warning: a red proposal in 130403, a blue warning issued in 130402
    for county, level, trigger in (("130403", 1, "poor_annual_assessment"), ("130402", 3, "public_reports")):
        proposal = {
            "official_id": f"off-{county}",
            "unit_id": "unit-1",
            "county": county,
            "level": level,
            "reasons": ["群众反映"],
            "trigger": trigger,
        }
        created = ok(
            requests.post(f"{base['warning']}/api/v1/warnings", json=proposal, headers=auth("warning_officer", county)),
            201,
        )
    ok(
        requests.post(
            f"{base['warning']}/api/v1/warnings/{created['id']}/approve",
            json={"issued_on": "2026-09-30"},
            headers=auth("commission_leader", "130402"),
        )
    )
    # intake: two reports in 130402, one in 130403
    for county in ("130402", "130402", "130403"):
        ok(requests.post(f"{base['intake']}/api/v1/reports", json=report(county)), 201)
    # inspection: next year's plans for two units, one of them done
    year = date.today().year + 1
    inspector = {"Authorization": token("inspector", counties=["130000"])}
    for unit_id in ("u-a", "u-c"):
        ok(
            requests.post(
                f"{base['inspection']}/api/v1/plans", json={"unit_id": unit_id, "year": year}, headers=inspector
            ),
            201,
        )
    for number in (1, 2):
        ok(requests.post(f"{base['inspection']}/api/v1/plans/u-c:{year}/rounds/{number}/complete", headers=inspector))

    today = SystemClock().today()
    quarter = (today.month - 1) // 3 + 1

    def figures() -> dict:
        province = auth("agency_reader", "130000")
        return {
            "warning": ok(requests.get(f"{base['warning']}/api/v1/statistics?county=130000", headers=province)),
            "quarterly": ok(
                requests.get(
                    f"{base['warning']}/api/v1/reports/quarterly?county=130000&year={today.year}&quarter={quarter}",
                    headers=province,
                )
            ),
            "intake": ok(
                requests.get(
                    f"{base['intake']}/api/v1/statistics?county=130400", headers=auth("commission_leader", "130400")
                )
            ),
            "inspection": ok(
                requests.get(
                    f"{base['inspection']}/api/v1/coverage",
                    params={"region": "130000", "year": year, "units": "false"},
                    headers=auth("commission_leader", "130000"),
                )
            ),
        }

    before = figures()
    assert (before["warning"]["live"], before["warning"]["by_level"]) == (2, {"1": 1, "2": 0, "3": 1})
    assert before["quarterly"]["total"] >= 1
    assert before["intake"]["total"] == 3
    assert {k: before["inspection"]["total"][k] for k in ("units", "done", "planned")} == {
        "units": 3,
        "done": 1,
        "planned": 1,
    }

    def drop(*classes):
        for cls in classes:
            cls.drop_collection()

    drop(WarningTally, QuarterTally, ReportTally, UnitTally, PlanTally)
    lost = figures()
    assert lost["warning"]["live"] == 0 and lost["quarterly"]["total"] == 0
    assert lost["intake"]["total"] == 0 and lost["inspection"]["total"]["units"] == 0

    monkeypatch.setenv("AMQP_URI", service_config["AMQP_URI"])
    capsys.readouterr()
    cli.main(["tallies", "rebuild", "--timeout", "30"])
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("：", 1)[0] for line in printed] == ["warning", "intake", "inspection"]
    assert printed[0].startswith("warning：已重建 2 个县区的预警统计，在办预警 2 条")
    assert printed[1].startswith("intake：已重建 2 份举报统计，读取举报 3 件")
    assert printed[2].startswith("inspection：已重建 4 份巡察覆盖统计，单位 3 个，巡察计划 2 项")
    assert figures() == before

    # One service, one county: 130402's warning figures come back, 130403's stay lost.
    drop(WarningTally, QuarterTally)
    cli.main(["tallies", "rebuild", "--service", "warning", "--county", "130402"])
    assert capsys.readouterr().out.startswith("warning：已重建 1 个县区的预警统计，在办预警 1 条")
    partial = {c["county"]: c for c in figures()["warning"]["counties"]}
    wanted = {c["county"]: c for c in before["warning"]["counties"]}
    assert partial["130402"] == wanted["130402"] and wanted["130403"]["live"] == 1
    assert partial["130403"]["live"] == 0

    # The same counties rule in the three RPCs: a list of six-digit codes.
    with ClusterRpcProxy(service_config) as cluster:
        for service in ("warning", "intake", "inspection"):
            for bad in (["13"], "130402"):
                with pytest.raises(CountiesInvalid) as caught:
                    getattr(cluster, service).rebuild_tallies(counties=bad)
                assert caught.value.fields == {"counties": "须为六位行政区划代码的列表"}
    with pytest.raises(SystemExit) as refused:
        cli.main(["tallies", "rebuild", "--county", "1304"])
    assert "--county" in str(refused.value.code)


class SlowIntake:
    """Stands in for intake: answers ``rebuild_tallies`` after the CLI has stopped waiting."""

    name = "intake"

    @rpc
    def rebuild_tallies(self, counties=None):
        eventlet.sleep(2)
        return {"tallies": 0, "reports": 0}


def test_a_service_that_does_not_answer_in_time_or_is_not_running_fails_the_command_by_name(
    container_factory, service_config, monkeypatch
):
    container_factory(SlowIntake, service_config).start()
    monkeypatch.setenv("AMQP_URI", service_config["AMQP_URI"])
    with pytest.raises(SystemExit) as failed:
        cli.main(["tallies", "rebuild", "--service", "intake", "--service", "inspection", "--timeout", "0.5"])
    message = str(failed.value.code)
    assert message.startswith("统计重建未完成")
    assert "intake：0.5 秒内未答复" in message
    assert "inspection：服务未运行" in message

    # The installed command's exit status (nothing answers in this vhost for warning).
    wuying = Path(sys.executable).parent / "wuying"
    done = subprocess.run(
        [str(wuying), "tallies", "rebuild", "--service", "warning", "--timeout", "5"],
        env=dict(os.environ, AMQP_URI=service_config["AMQP_URI"]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "warning：服务未运行" in done.stderr and done.stdout == ""
