"""Generated contracts match the checked-in ones, and they say what they promise."""

import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest

from wuying_common.events import FORBIDDEN_EVENT_FIELDS

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("contracts_tool", ROOT / "scripts" / "contracts.py")
contracts_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(contracts_tool)


@pytest.fixture(scope="module")
def rendered():
    return contracts_tool.render()


def test_checked_in_contracts_match_the_code(rendered):
    problems = contracts_tool.check(ROOT / "contracts")
    assert problems == [], "run `make contracts` and commit:\n" + "\n".join(problems)


def test_every_event_schema_is_valid_json_schema_and_names_no_secret(rendered):
    event_files = {k: json.loads(v) for k, v in rendered.items() if k.startswith("events/wuying.")}
    assert len(event_files) >= 8
    for name, schema in event_files.items():
        jsonschema.Draft7Validator.check_schema(schema)

        assert not secret_properties(schema), name


def secret_properties(node, path=""):
    """Every property name anywhere in a JSON Schema that would carry a secret."""
    found = []
    if isinstance(node, dict):
        found += [f"{path}{key}" for key in node.get("properties", {}) if key in FORBIDDEN_EVENT_FIELDS]
        for key, sub in node.items():
            found += secret_properties(sub, f"{path}{key}.")
    elif isinstance(node, list):
        for sub in node:
            found += secret_properties(sub, path)
    return found


def test_the_main_flow_events_are_all_published(rendered):
    types = {k[len("events/") : -len(".json")] for k in rendered if k.startswith("events/wuying.")}
    for expected in [
        "wuying.intake.petition.received.v1",
        "wuying.intake.petition.triaged.v1",
        "wuying.risk.risk.profile_changed.v1",
        "wuying.risk.warning.proposed.v1",
        "wuying.warning.warning.issued.v1",
        "wuying.inspection.inspection.scheduled.v1",
        "wuying.archive.official.changed.v1",
    ]:
        assert expected in types


def test_every_service_documents_health_metrics_and_its_api(rendered):
    for svc in contracts_tool.SERVICES:
        doc = json.loads(rendered[f"openapi/{svc}.json"])
        assert {"/health", "/metrics", "/openapi.json"} <= set(doc["paths"])
        assert any(p.startswith("/api/v1/") for p in doc["paths"]), svc
