"""The PrometheusRule of deploy/components/alerts: promtool accepts it, its unit tests pass,
every alert of docs/operations.md has a rule, every rule has a test and selects real metrics."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml

TESTS = sorted((Path(__file__).parent / "rules").glob("*.test.yml"))
ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "components" / "alerts" / "prometheusrule.yaml"
RULE_FILE = "wuying-alerts.rules.yml"


def _alerts(spec):
    return {r["alert"]: r for group in spec["groups"] for r in group["rules"] if "alert" in r}


def _workdir(tmp_path, spec):
    # One source of truth: promtool reads the PrometheusRule's own spec, written out here.
    (tmp_path / RULE_FILE).write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    for test in TESTS:
        shutil.copy(test, tmp_path / test.name)
    return tmp_path


def test_promtool_accepts_the_rules(promtool, rules_spec, tmp_path):
    workdir = _workdir(tmp_path, rules_spec)
    result = subprocess.run([promtool, "check", "rules", RULE_FILE], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(_alerts(rules_spec))} rules found" in result.stdout


def test_promtool_unit_tests_pass(promtool, rules_spec, tmp_path):
    workdir = _workdir(tmp_path, rules_spec)
    result = subprocess.run(
        [promtool, "test", "rules", *[t.name for t in TESTS]], cwd=workdir, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_tested_firing(rules_spec):
    tested = set()
    for test in TESTS:
        for case in yaml.safe_load(test.read_text("utf-8"))["tests"]:
            tested |= {t["alertname"] for t in case.get("alert_rule_test", []) if t.get("exp_alerts")}
    assert set(_alerts(rules_spec)) - tested == set()


def test_every_alert_of_the_runbook_has_a_rule(rules_spec):
    """Each metric in docs/operations.md's alert table (``wuying_<svc>_…``) is used by a rule."""
    runbook = (ROOT / "docs" / "operations.md").read_text("utf-8")
    table = runbook.split("## Metrics worth an alert", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(wuying_[^`{]+)", table, flags=re.M))
    assert len(documented) >= 6
    exprs = "\n".join(r["expr"] for r in _alerts(rules_spec).values())
    for metric in documented:
        as_rule = metric.replace("<svc>", "[a-z]+")
        assert as_rule in exprs, f"{metric} is in the runbook but no alert rule uses it"
    # Consumer lag is not a service metric: it is RabbitMQ's queue depth.
    assert "rabbitmq_detailed_queue_messages_ready" in exprs


def test_every_rule_selects_metrics_that_exist(rules_spec, unknown_in):
    for name, rule in _alerts(rules_spec).items():
        assert unknown_in(rule["expr"]) == [], name


def test_every_alert_has_severity_summary_and_runbook(rules_spec):
    for name, rule in _alerts(rules_spec).items():
        assert rule["labels"]["severity"] in ("info", "warning", "critical"), name
        assert {"summary", "description", "runbook_url"} <= set(rule["annotations"]), name
        assert rule["annotations"]["runbook_url"].startswith("docs/operations.md#"), name


def test_metric_check_catches_a_misspelt_metric(unknown_in, known_metrics):
    assert unknown_in('sum(rate(wuying_intake_entrypoint_calls_total{outcome="error"}[5m]))') == []
    assert unknown_in("rate(wuying_intake_entrypoint_call_total[5m])") == ["wuying_intake_entrypoint_call_total"]
    assert unknown_in('{__name__=~"wuying_[a-z]+_outbox_pending"}') == ["wuying_[a-z]+_outbox_pending"]
    # The service's own counters are found in its code, even through a helper (warning's _count).
    assert "wuying_warning_warnings_issued_total" in known_metrics["warning"]
    assert "wuying_intake_deadlines_overdue_total" in known_metrics["intake"]


def test_rules_file_is_the_one_the_overlay_ships():
    kustomization = yaml.safe_load((RULES.parent / "kustomization.yaml").read_text("utf-8"))
    assert kustomization["resources"] == [RULES.name]
