"""Shared fixtures of the ops ring: the metric names the platform really exposes, promtool, and
the PromQL expressions of the alert rules and dashboards (deploy/components/alerts, dashboards)."""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ("intake", "risk", "warning", "inspection", "archive")
RULES = DEPLOY / "components" / "alerts" / "prometheusrule.yaml"
DASHBOARDS = DEPLOY / "components" / "dashboards" / "dashboards"

# Series that come from elsewhere than the services' registries: Prometheus itself (up) and
# RabbitMQ's rabbitmq_prometheus plugin, endpoint /metrics/detailed with the families
# queue_coarse_metrics and queue_consumer_count (scraped by components/prometheus).
EXTERNAL_METRICS = frozenset(
    {
        "up",
        "rabbitmq_detailed_queue_messages_ready",
        "rabbitmq_detailed_queue_messages_unacked",
        "rabbitmq_detailed_queue_messages",
        "rabbitmq_detailed_queue_consumers",
    }
)
PROMQL_FUNCTIONS_AND_KEYWORDS = frozenset(
    "sum min max avg count count_values stddev stdvar topk bottomk quantile group by without on "
    "ignoring group_left group_right and or unless bool offset rate irate increase delta idelta "
    "deriv histogram_quantile min_over_time max_over_time avg_over_time sum_over_time "
    "count_over_time last_over_time label_replace label_join abs ceil floor round clamp_min "
    "clamp_max vector scalar time year month day_of_month hour minute absent absent_over_time "
    "changes resets sort sort_desc humanize le inf nan".split()
)


def service_counter_nouns(service: str) -> set[tuple[str, str]]:
    """(kind, noun) of the metrics a service creates with ServiceMetrics.counter/gauge: calls
    with a literal noun, and calls through a helper of the service that passes its own
    parameter on as the noun (warning's ``_count(noun, ...)``)."""
    found: set[tuple[str, str]] = set()
    helpers: dict[str, tuple[str, int]] = {}
    trees = [ast.parse(p.read_text("utf-8")) for p in (ROOT / "services" / service).glob("wuying_*/**/*.py")]
    for tree in trees:
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            params = [a.arg for a in fn.args.args]
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                if isinstance(call.func, ast.Attribute) and call.func.attr in ("counter", "gauge") and call.args:
                    first = call.args[0]
                    if isinstance(first, ast.Name) and first.id in params:
                        # self is not passed at the call site: positions shift by one for methods.
                        index = params.index(first.id) - (1 if params and params[0] == "self" else 0)
                        helpers[fn.name] = (call.func.attr, index)
    for tree in trees:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if name in ("counter", "gauge"):
                kind, index = name, 0
            elif name in helpers:
                kind, index = helpers[name]
            else:
                continue
            if len(call.args) > index and isinstance(call.args[index], ast.Constant):
                if isinstance(call.args[index].value, str):
                    found.add((kind, call.args[index].value))
    return found


def exposed_metric_names(service: str) -> set[str]:
    """Every sample name the service's /metrics can show: the shared ServiceMetrics plus the
    service's own counters and gauges, registered the way the service registers them."""
    from wuying_common.metrics import ServiceMetrics

    metrics = ServiceMetrics(service)
    for kind, noun in service_counter_nouns(service):
        getattr(metrics, kind)(noun, "found in the service's code")
    names: set[str] = set()
    for family in metrics.registry.collect():
        if family.type == "counter":
            names |= {f"{family.name}_total", f"{family.name}_created"}
        elif family.type == "histogram":
            names |= {f"{family.name}_{s}" for s in ("bucket", "sum", "count", "created")}
        else:
            names.add(family.name)
    return names


@pytest.fixture(scope="session")
def known_metrics() -> dict[str, set[str]]:
    """Metric names by service, plus "external" for up and RabbitMQ's."""
    known = {service: exposed_metric_names(service) for service in SERVICES}
    known["external"] = set(EXTERNAL_METRICS)
    return known


def metric_selectors(expr: str) -> list[str]:
    """The metric names (or __name__ regular expressions) a PromQL expression selects."""
    selectors = [m.group(1) for m in re.finditer(r'__name__\s*=~\s*"([^"]+)"', expr)]
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values are no metric names
    stripped = re.sub(r"\{[^}]*\}", "{}", stripped)
    stripped = re.sub(r"\[[^\]]*\]", "[]", stripped)
    stripped = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", stripped)
    for token in re.finditer(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)", stripped):
        word = token.group(1)
        if word not in PROMQL_FUNCTIONS_AND_KEYWORDS and not word.startswith("__"):
            selectors.append(word)
    return selectors


def unknown_metrics(expr: str, known: dict[str, set[str]]) -> list[str]:
    """Selectors of ``expr`` that match no metric the platform exposes."""
    everything = set().union(*known.values())
    missing = []
    for selector in metric_selectors(expr):
        if not any(re.fullmatch(selector, name) for name in everything):
            missing.append(selector)
    return missing


@pytest.fixture(scope="session")
def rules_spec() -> dict:
    return yaml.safe_load(RULES.read_text("utf-8"))["spec"]


@pytest.fixture(scope="session")
def promtool() -> str:
    """promtool from Debian's prometheus package; CI must have it (Makefile installs it)."""
    path = shutil.which("promtool")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("promtool is missing on CI: apt-get install prometheus (make ops-tools)")
    pytest.skip("promtool not installed (apt-get install prometheus); CI is not set, so this is skipped")


@pytest.fixture(scope="session")
def unknown_in():
    """unknown_in(expr) -> the selectors of a PromQL expression that match no exposed metric
    (a fixture: with --import-mode=importlib test modules cannot import this conftest)."""
    known = {service: exposed_metric_names(service) for service in SERVICES}
    known["external"] = set(EXTERNAL_METRICS)
    return lambda expr: unknown_metrics(expr, known)
