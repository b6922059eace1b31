"""Generated contracts match the checked-in ones, and they say what they promise: JSON Schemas
that validate the events the platform really emits, and an AsyncAPI 3.0 document the official
parser accepts, for our services and for other agencies."""

import importlib.util
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from marshmallow import Schema, fields, validate
from referencing import Registry, Resource

from wuying_common.events import FORBIDDEN_EVENT_FIELDS, EventType

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
RECORDED = Path(__file__).with_name("recorded-events.jsonl")
spec = importlib.util.spec_from_file_location("contracts_tool", ROOT / "scripts" / "contracts.py")
contracts_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(contracts_tool)
routing = contracts_tool._partner_routing()


@pytest.fixture(scope="module")
def rendered():
    return contracts_tool.render()


@pytest.fixture(scope="module")
def asyncapi(rendered):
    return yaml.safe_load(rendered["asyncapi.yaml"])


def published_validator(event_type: str) -> jsonschema.Draft7Validator:
    """A validator built only from the checked-in files, as an agency would build it."""
    envelope = json.loads((CONTRACTS / "events" / "cloudevent-envelope.json").read_text("utf-8"))
    data = json.loads((CONTRACTS / "events" / f"{event_type}.json").read_text("utf-8"))
    registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in (envelope, data)])
    whole = {"allOf": [{"$ref": envelope["$id"]}, {"properties": {"data": {"$ref": data["$id"]}}}]}
    return jsonschema.Draft7Validator(whole, registry=registry)


def recorded_events() -> list[dict]:
    return [json.loads(line) for line in RECORDED.read_text("utf-8").splitlines() if line.strip()]


def test_checked_in_contracts_match_the_code(rendered):
    problems = contracts_tool.check(CONTRACTS)
    assert problems == [], "run `make contracts` and commit:\n" + "\n".join(problems)


def test_every_event_schema_is_json_schema_with_no_openapi_nullable_no_dangling_ref_and_no_secret(rendered):
    event_files = {k: json.loads(v) for k, v in rendered.items() if k.startswith("events/")}
    assert len(event_files) >= 8
    for name, schema in event_files.items():
        jsonschema.Draft7Validator.check_schema(schema)
        assert contracts_tool.schema_problems(schema) == [], name
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


def test_recorded_real_events_validate_against_the_published_schemas():
    events = recorded_events()
    assert len({e["type"] for e in events}) >= 5, "re-record: python scripts/contracts.py record"
    failures = []
    for event in events:
        path = CONTRACTS / "events" / f"{event['type']}.json"
        assert path.exists(), f"{event['type']} is emitted but not in the contract"
        errors = [e.message for e in published_validator(event["type"]).iter_errors(event)]
        if errors:
            failures.append(f"{event['type']} {event['id']}: {errors[:3]}")
    assert failures == []


def test_a_null_where_the_schema_allows_none_is_valid_and_a_wrong_type_is_not():
    events = recorded_events()
    with_null = next(e for e in events if None in e["data"].values())
    validator = published_validator(with_null["type"])
    assert validator.is_valid(with_null)
    broken = json.loads(json.dumps(with_null))
    broken["data"][next(iter(k for k, v in broken["data"].items() if v is not None))] = {"unexpected": []}
    broken["county"] = "１３０４０２"
    assert not validator.is_valid(broken)


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


def test_asyncapi_3_describes_the_internal_vhost_and_the_partner_exchange_in_structured_mode(asyncapi):
    assert asyncapi["asyncapi"] == "3.0.0"
    assert asyncapi["defaultContentType"] == "application/cloudevents+json"
    assert asyncapi["servers"]["internal"]["pathname"] == "/wuying"
    assert asyncapi["servers"]["partners"]["pathname"] == "/wuying-partners"
    partner = {k: c for k, c in asyncapi["channels"].items() if k.startswith("partners.") and k != "partners.replay"}
    for channel in partner.values():
        amqp = channel["bindings"]["amqp"]
        assert amqp["exchange"]["name"] == routing.PARTNER_EXCHANGE
        assert amqp["exchange"]["vhost"] == routing.PARTNER_VHOST
        assert channel["address"].startswith("{county}.")
    addresses = {c["address"] for c in partner.values()}
    assert "{county}.intake.petition.received.v1" in addresses
    # A proposal is not a decision: it never reaches another agency.
    assert not any(".warning.proposed." in a for a in addresses)
    messages = asyncapi["components"]["messages"]
    assert messages["wuying.intake.petition.received.v1"]["contentType"] == "application/cloudevents+json"
    assert messages["internal.wuying.intake.petition.received.v1"]["contentType"] == "application/json"
    replay = asyncapi["channels"]["partners.replay"]
    assert replay["bindings"]["amqp"]["is"] == "queue"
    assert "x-stream-offset" in replay["description"]


def test_every_type_registered_in_several_versions_carries_a_retirement_date_on_all_but_the_newest():
    _, types = contracts_tool._load()
    by_name: dict = {}
    for t in types:
        by_name.setdefault((t.service, t.name), []).append(t)
    for group in by_name.values():
        for older in sorted(group, key=lambda t: t.version)[:-1]:
            assert contracts_tool.retires(older), f"{older.type} has a newer version but no retirement date"


@dataclass(frozen=True)
class RetiringType(EventType):
    """An EventType with the ``retires`` date the registry is to carry (common/events.py)."""

    retires: date | None = None


class ScheduledV1(Schema):
    plan_id = fields.String(required=True)
    rounds = fields.Integer(required=True)


class RoundV2(Schema):
    starts_on = fields.String(required=True)
    method = fields.String(required=True, validate=validate.OneOf(["special", "surprise"]))


class ScheduledV2(Schema):
    plan_id = fields.String(required=True)
    rounds = fields.List(fields.Nested(RoundV2), required=True)
    team_lead = fields.String(allow_none=True)


def test_two_versions_of_one_type_are_published_side_by_side_with_the_old_ones_retirement_date():
    v1 = RetiringType("inspection", "probe.scheduled", 1, ScheduledV1, "v1 (旧版)", retires=date(2027, 6, 30))
    v2 = RetiringType("inspection", "probe.scheduled", 2, ScheduledV2, "v2 (新版)")
    doc = contracts_tool.asyncapi_document([v1, v2])

    internal = doc["channels"]["internal.inspection.probe.scheduled"]
    assert set(internal["messages"]) == {v1.type, v2.type}  # one routing key, both versions
    assert "partners.inspection.probe.scheduled.v1" in doc["channels"]
    assert "partners.inspection.probe.scheduled.v2" in doc["channels"]
    old = doc["components"]["messages"][v1.type]
    assert old["x-retires"] == "2027-06-30" and old["payload"]["deprecated"] is True
    assert "x-retires" not in doc["components"]["messages"][v2.type]
    assert "Superseded by v2" in old["description"]

    schema_v1, schema_v2 = contracts_tool.event_schema(v1), contracts_tool.event_schema(v2)
    assert schema_v1["x-retires"] == "2027-06-30"
    assert schema_v2["properties"]["team_lead"]["type"] == ["string", "null"]
    assert schema_v2["properties"]["rounds"]["items"] == {"$ref": "#/$defs/RoundV2"}
    assert contracts_tool.schema_problems(schema_v2) == []
    jsonschema.Draft7Validator(schema_v2).validate(
        {"plan_id": "p", "rounds": [{"starts_on": "x", "method": "special"}], "team_lead": None}
    )


def test_the_official_asyncapi_parser_accepts_the_contract_and_rejects_a_dangling_ref(tmp_path):
    result = contracts_tool.asyncapi_parser_check(CONTRACTS / "asyncapi.yaml")
    if result is None:
        pytest.skip("node and npm are not installed: the AsyncAPI parser cannot run")
    code, output = result
    assert code == 0, output
    assert "AsyncAPI 3.0.0 accepted" in output

    # The check bites: the same document with a reference to a schema that does not exist.
    broken = tmp_path / "contracts"
    (broken / "events").mkdir(parents=True)
    for path in (CONTRACTS / "events").iterdir():
        (broken / "events" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    text = (CONTRACTS / "asyncapi.yaml").read_text("utf-8")
    (broken / "asyncapi.yaml").write_text(text.replace("events/cloudevent-envelope.json", "events/missing.json", 1))
    code, output = contracts_tool.asyncapi_parser_check(broken / "asyncapi.yaml")
    assert code != 0, output


def test_every_service_documents_health_metrics_and_its_api(rendered):
    for svc in contracts_tool.SERVICES:
        doc = json.loads(rendered[f"openapi/{svc}.json"])
        assert {"/health", "/metrics", "/openapi.json"} <= set(doc["paths"])
        assert any(p.startswith("/api/v1/") for p in doc["paths"]), svc
