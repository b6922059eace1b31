"""Generate the published contracts from the code, or check the checked-in copies.

    python scripts/contracts.py write contracts   # regenerate
    python scripts/contracts.py check contracts   # exit 1 and list what drifted

Outputs: ``events/<type>.json`` (JSON Schema of each event's ``data``, from its marshmallow
schema), ``events/cloudevent-envelope.json``, ``asyncapi.yaml`` (every exchange, routing key
and message) and ``openapi/<service>.json`` (each service's HTTP API).
"""

from __future__ import annotations

import difflib
import importlib
import json
import sys
from pathlib import Path

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

SERVICES = {
    "intake": "IntakeService",
    "risk": "RiskService",
    "warning": "WarningService",
    "inspection": "InspectionService",
    "archive": "ArchiveService",
}


def _load():
    from wuying_common.events import registry

    classes = {}
    for svc, cls in SERVICES.items():
        importlib.import_module(f"wuying_{svc}.schemas")
        classes[svc] = getattr(importlib.import_module(f"wuying_{svc}.service"), cls)
    # Only the services' own schemas: tests register probe types of their own.
    types = [t for t in registry.all() if t.schema.__module__.startswith("wuying_")]
    return classes, types


def json_schema(schema_cls) -> dict:
    spec = APISpec("x", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    converter = spec.plugins[0].converter
    return converter.schema2jsonschema(schema_cls())


def envelope_schema() -> dict:
    from wuying_common.events import CloudEventSchema

    schema = json_schema(CloudEventSchema)
    schema.update({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Wuying CloudEvents 1.0 envelope"})
    return schema


def render() -> dict[str, str]:
    from wuying_common.service import openapi_document

    classes, types = _load()
    files: dict[str, str] = {}
    for t in types:
        schema = json_schema(t.schema)
        schema.update(
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "$id": t.dataschema,
                "title": t.type,
                "description": t.description,
            }
        )
        files[f"events/{t.type}.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    files["events/cloudevent-envelope.json"] = (
        json.dumps(envelope_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    channels = {}
    for t in types:
        channels[f"{t.exchange}/{t.name}"] = {
            "description": t.description,
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": t.exchange,
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": "/",
                    },
                    "bindingVersion": "0.2.0",
                }
            },
            "subscribe": {
                "operationId": f"on_{t.service}_{t.name.replace('.', '_')}_v{t.version}",
                "message": {
                    "name": t.type,
                    "contentType": "application/json",
                    "summary": t.description,
                    "payload": {
                        "allOf": [
                            {"$ref": "events/cloudevent-envelope.json"},
                            {
                                "type": "object",
                                "properties": {
                                    "type": {"const": t.type},
                                    "data": {"$ref": f"events/{t.type}.json"},
                                },
                            },
                        ]
                    },
                },
            },
        }
    asyncapi = {
        "asyncapi": "2.6.0",
        "info": {
            "title": "无影灯 Wuying events",
            "version": "1.0.0",
            "description": (
                "CloudEvents 1.0 (JSON structured mode) on topic exchanges <service>.events; routing key = "
                "short event name. Other agencies bind their own queues with read-only credentials. "
                "Events never carry a reporter's identity. Delivery is at-least-once: deduplicate on `id`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {"province": {"url": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
    }
    files["asyncapi.yaml"] = yaml.safe_dump(asyncapi, allow_unicode=True, sort_keys=True)
    for svc, cls in classes.items():
        files[f"openapi/{svc}.json"] = (
            json.dumps(openapi_document(cls), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )
    return files


def write(root: Path) -> None:
    for rel, text in render().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    print(f"contracts written to {root}")


def check(root: Path) -> list[str]:
    problems = []
    rendered = render()
    for rel, text in rendered.items():
        path = root / rel
        if not path.exists():
            problems.append(f"missing: {rel}")
        elif path.read_text("utf-8") != text:
            diff = difflib.unified_diff(
                path.read_text("utf-8").splitlines(), text.splitlines(), rel, "generated", lineterm=""
            )
            problems.append("\n".join(list(diff)[:20]))
    for path in root.rglob("*"):
        if path.is_file() and str(path.relative_to(root)) not in rendered and path.name != "README.md":
            problems.append(f"stale (no longer generated): {path.relative_to(root)}")
    return problems


if __name__ == "__main__":
    action, root = sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "contracts")
    if action == "write":
        write(root)
    else:
        found = check(root)
        print("\n".join(found) or "contracts match the code")
        sys.exit(1 if found else 0)
