"""The Grafana dashboards of deploy/components/dashboards: one per service plus the pipeline,
valid JSON, unique uids, every panel's metric exposed by the services, every query valid PromQL."""

import json
import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPONENT = ROOT / "deploy" / "components" / "dashboards"
SERVICES = ("intake", "risk", "warning", "inspection", "archive")
FILES = sorted((COMPONENT / "dashboards").glob("*.json"))
# What Grafana substitutes before a query reaches Prometheus.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "$namespace": "wuying"}


def _load(path):
    return json.loads(path.read_text("utf-8"))


def _targets(dashboard):
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel, target


def _as_prometheus_sees_it(expr):
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def test_one_dashboard_per_service_and_one_for_the_pipeline():
    assert sorted(p.stem for p in FILES) == sorted((*SERVICES, "pipeline"))


def test_every_file_is_valid_json_with_unique_uid_and_title():
    dashboards = [_load(p) for p in FILES]
    uids = [d["uid"] for d in dashboards]
    assert len(set(uids)) == len(uids)
    assert len({d["title"] for d in dashboards}) == len(dashboards)
    for d in dashboards:
        # Grafana's limit on a uid, and a character set that is safe in its URLs.
        assert re.fullmatch(r"[a-z0-9-]{1,40}", d["uid"]), d["uid"]
        assert "id" not in d or d["id"] is None, "an exported id would clash on import"


def test_every_panel_has_a_unique_id_a_query_and_the_datasource_variable():
    for path in FILES:
        dashboard = _load(path)
        ids = [p["id"] for p in dashboard["panels"]]
        assert len(set(ids)) == len(ids), path.name
        variables = {v["name"] for v in dashboard["templating"]["list"]}
        assert {"datasource", "namespace"} <= variables, path.name
        for panel in dashboard["panels"]:
            assert panel["targets"], f"{path.name}: {panel['title']} has no query"
            assert panel["datasource"]["uid"] == "${datasource}", f"{path.name}: {panel['title']}"
            for target in panel["targets"]:
                assert target["expr"].strip(), f"{path.name}: {panel['title']}"
                assert 'namespace="$namespace"' in target["expr"], f"{path.name}: {panel['title']}"


def test_every_panel_selects_metrics_the_services_expose(unknown_in):
    for path in FILES:
        for panel, target in _targets(_load(path)):
            assert unknown_in(target["expr"]) == [], f"{path.name}: {panel['title']}"


def test_a_service_dashboard_shows_only_its_own_metrics():
    for service in SERVICES:
        for panel, target in _targets(_load(COMPONENT / "dashboards" / f"{service}.json")):
            names = set(re.findall(r"\bwuying_([a-z]+)_", target["expr"]))
            assert names <= {service}, f"{service}.json: {panel['title']} shows {names}"


def test_every_query_is_valid_promql(promtool, tmp_path):
    # promtool parses expressions only inside rule files: each query becomes a recording rule.
    rules = [
        {"record": f"check:{path.stem}:{panel['id']}:{target['refId']}", "expr": _as_prometheus_sees_it(target["expr"])}
        for path in FILES
        for panel, target in _targets(_load(path))
    ]
    (tmp_path / "dashboards.rules.yml").write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run(
        [promtool, "check", "rules", "dashboards.rules.yml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


def test_the_configmap_ships_every_dashboard():
    kustomization = yaml.safe_load((COMPONENT / "kustomization.yaml").read_text("utf-8"))
    generator = kustomization["configMapGenerator"][0]
    assert sorted(generator["files"]) == sorted(f"dashboards/{p.name}" for p in FILES)
    assert generator["options"]["labels"]["grafana_dashboard"] == "1"
