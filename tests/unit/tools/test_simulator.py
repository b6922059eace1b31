"""The province simulator (issue 15 item 1): deterministic from a seed, the counts it promises,
real division codes that the services accept, and every reference between kinds resolvable.
Small sizes (``scale``) keep it fast; the full size is checked on the plan alone."""

import csv
import json
from pathlib import Path

import jsonschema
import pytest

from wuying_archive.domain.importing import check_official, check_unit
from wuying_archive.domain.matters import RELATIVES, check_record
from wuying_archive.domain.tags import vocabulary
from wuying_archive.schemas.matters import MatterRecordInSchema
from wuying_common.access import Divisions
from wuying_inspection.schemas.pool import InspectorSchema
from wuying_risk.domain.monitoring.records import check_row
from wuying_tools import demo, province_load, simulator

ROOT = Path(__file__).resolve().parents[3]
SMALL = {"scale": 0.002, "counties": 6}  # 100 units, 400 officials over 6 counties


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    return out, simulator.generate(11, out, **SMALL)


def rows(out: Path, name: str) -> list[dict]:
    with (out / name).open(encoding="utf-8") as f:
        if name.endswith(".csv"):
            return list(csv.DictReader(f))
        return [json.loads(line) for line in f]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_ones(province, tmp_path):
    out, manifest = province
    again = simulator.generate(11, tmp_path / "again", **SMALL)
    other = simulator.generate(12, tmp_path / "other", **SMALL)
    assert {n: f["sha256"] for n, f in again["files"].items()} == {n: f["sha256"] for n, f in manifest["files"].items()}
    for name in simulator.FILES:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
    assert (out / "divisions.json").read_bytes() == (tmp_path / "again" / "divisions.json").read_bytes()
    assert other["files"]["officials.csv"]["sha256"] != manifest["files"]["officials.csv"]["sha256"]
    assert other["files"]["units.csv"]["sha256"] == manifest["files"]["units.csv"]["sha256"]  # units are a plan


def test_the_files_hold_what_the_plan_promises(province):
    out, manifest = province
    plan = simulator.plan(11, **SMALL)
    assert manifest["counties"] == 6 and len(plan.counties) == 6
    for name, kind in (("units.csv", "units"), ("officials.csv", "officials"), ("records.jsonl", "records")):
        assert len(rows(out, name)) == manifest["files"][name]["lines"] == plan.total(kind)
    assert (plan.total("units"), plan.total("officials"), plan.total("records")) == (100, 400, 200)
    assert len(rows(out, "reports.jsonl")) == plan.total("reports") == 24
    assert 0 < len(rows(out, "inspectors.jsonl")) <= plan.total("inspectors")
    assert len(rows(out, "matters.jsonl")) > 0


def test_at_full_size_the_province_is_the_issues():
    plan = simulator.plan(7)
    assert len(plan.counties) == 100
    assert (plan.total("units"), plan.total("officials"), plan.total("records")) == (50_000, 200_000, 100_000)
    assert plan.total("inspectors") == 3_000 and plan.total("reports") == simulator.REPORTS
    assert len({c.zone for c in plan.counties}) == simulator.ZONES
    # the demo's 19 counties are among them, with the same codes and names
    chosen = {c.code: c.name for c in plan.counties}
    assert {code: name for code, name, _, _ in demo.COUNTIES}.items() <= chosen.items()


def test_every_code_is_a_real_division_from_the_committed_source_and_the_services_accept_it(province):
    out, _ = province
    source = simulator.load_divisions()
    assert "china-division 2.7.0" in source["source"]
    real = {code: (name, city, city_name) for code, name, city, city_name in source["counties"]}
    loaded = Divisions.load(out / "divisions.json")  # what WUYING_DIVISIONS_FILE gives the services
    listed = json.loads((out / "divisions.json").read_text("utf-8"))
    for row in listed:
        if row["parent"] and row["parent"] != "130000":
            assert real[row["code"]][:2] == (row["name"], row["parent"])
    counties = {r["code"] for r in listed if r["parent"] not in ("", "130000")}
    for name, key in (
        ("units.csv", "county"),
        ("officials.csv", "county"),
        ("records.jsonl", "county"),
        ("reports.jsonl", "county"),
        ("inspectors.jsonl", "county"),
    ):
        seen = {r[key] for r in rows(out, name)}
        assert seen <= counties and all(code in loaded for code in seen), name
    assert loaded.counties_under("130000") == sorted(counties)


def test_references_between_kinds_resolve(province):
    out, manifest = province
    units = {u["id"]: u for u in rows(out, "units.csv")}
    officials = {o["id"]: o for o in rows(out, "officials.csv")}
    assert len(units) == manifest["files"]["units.csv"]["lines"]  # ids unique
    assert len(officials) == manifest["files"]["officials.csv"]["lines"]
    assert all(officials[o]["county"] == units[officials[o]["unit_id"]]["county"] for o in officials)
    # zones cover every unit, and a city's counties share one zone
    zone_of_city: dict[str, set] = {}
    for c in manifest["plan"]:
        zone_of_city.setdefault(c["city_code"], set()).add(c["zone"])
    assert all(len(z) == 1 for z in zone_of_city.values())
    assert {u["zone"] for u in units.values()} == set(manifest["zones"])
    plan_zone = {c["code"]: c["zone"] for c in manifest["plan"]}
    assert all(u["zone"] == plan_zone[u["county"]] for u in units.values())
    for r in rows(out, "records.jsonl"):
        assert officials[r["responsible_official_id"]]["county"] == r["county"] == units[r["buyer_unit_id"]]["county"]
    for r in rows(out, "reports.jsonl"):
        assert officials[r["official_id"]]["county"] == r["county"]
    for t in rows(out, "ties.jsonl"):
        assert t["official_id"] in officials and t["supplier_id"].startswith(officials[t["official_id"]]["county"])
    for i in rows(out, "inspectors.jsonl"):
        assert officials[i["id"]]["commission_staff"] == "1" and i["unit_id"] == officials[i["id"]]["unit_id"]
        assert all(u in units for u in i["former_unit_ids"] + [r["unit_id"] for r in i["relatives"]])
    # matters: each official's records numbered m1, m2 … ; a holder or relative_of is an earlier relative
    kinds: dict[str, list[str]] = {}
    for m in rows(out, "matters.jsonl"):
        assert m["official_id"] in officials
        mine = kinds.setdefault(m["official_id"], [])
        for ref in (m.get("holder"), m.get("relative_of")):
            if ref and ref != "self":
                assert mine[int(ref[1:]) - 1] in RELATIVES
        mine.append(m["kind"])


def test_every_row_passes_the_services_own_checks(province):
    out, _ = province
    tags = vocabulary()
    for u in rows(out, "units.csv"):
        check_unit(u)
    for o in rows(out, "officials.csv"):
        check_official(o, tags)
    schema = MatterRecordInSchema()
    for m in rows(out, "matters.jsonl"):
        check_record(schema.load({k: v for k, v in m.items() if k != "official_id"}))
    for n, r in enumerate(rows(out, "records.jsonl"), start=1):
        assert check_row(n, r)[1] == []
    inspectors = InspectorSchema()
    for i in rows(out, "inspectors.jsonl"):
        inspectors.load(i)


def test_a_report_becomes_the_triaged_event_intake_publishes(province):
    out, _ = province
    contract = json.loads((ROOT / "contracts/events/wuying.intake.petition.triaged.v1.json").read_text("utf-8"))
    report = rows(out, "reports.jsonl")[0]
    envelope = province_load.triaged_envelope(report)
    jsonschema.Draft7Validator(contract).validate(envelope["data"])
    assert (envelope["id"], envelope["type"], envelope["county"]) == (
        report["event_id"],
        simulator.TRIAGED,
        report["county"],
    )
    assert envelope["data"]["subjects"] == [
        {"kind": "official", "id": report["official_id"], "county": report["county"]}
    ]
