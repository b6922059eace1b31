"""Generate the published contracts from the code, or check the checked-in copies.

    python scripts/contracts.py write contracts   # regenerate
    python scripts/contracts.py check contracts   # exit 1 and list what drifted
    python scripts/contracts.py parse contracts   # the official AsyncAPI parser (node) on asyncapi.yaml
    python scripts/contracts.py record            # record real events for tests/contracts (needs the broker)

Outputs: ``events/<type>.json`` (JSON Schema draft-07 of each event's ``data``, from its
marshmallow schema, nested schemas in ``$defs``), ``events/cloudevent-envelope.json``,
``asyncapi.yaml`` (AsyncAPI 3.0: the internal exchanges and the partner exchange, every version
of every type, retirement dates) and ``openapi/<service>.json`` (each service's HTTP API).
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


JSON_SCHEMA = "http://json-schema.org/draft-07/schema#"
INTERNAL_VHOST = "wuying"
INTERNAL_SERVERS = ["internal", "local"]
PARTNER_SERVERS = ["partners", "local-partners"]


def json_schema(schema_cls) -> dict:
    """JSON Schema (draft-07) of a marshmallow schema, valid for what the schema dumps.

    apispec in OpenAPI 3.1 mode writes JSON Schema proper: ``type: [..., "null"]`` where a field
    allows None (not OpenAPI 3.0's ``nullable``, which a JSON Schema validator ignores). Nested
    schemas land in ``$defs`` of the same file, so every ``$ref`` resolves inside it.
    """
    spec = APISpec("x", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    converter = spec.plugins[0].converter
    root = _local_refs(converter.schema2jsonschema(schema_cls()))
    defs = spec.to_dict().get("components", {}).get("schemas", {})
    if defs:
        root["$defs"] = {name: _local_refs(sub) for name, sub in sorted(defs.items())}
    problems = schema_problems(root)
    if problems:
        raise ValueError(f"{schema_cls.__name__}: " + "; ".join(problems))
    return root


def _local_refs(node):
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" and isinstance(v, str) else _local_refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_local_refs(v) for v in node]
    return node


def schema_problems(schema: dict) -> list[str]:
    """OpenAPI-isms and dangling references, which JSON Schema validators silently ignore or
    reject (issue 9: 19 of 41 real events failed on ``nullable``)."""
    problems = []

    def walk(node, path):
        if isinstance(node, dict):
            if "nullable" in node:
                problems.append(f"{path}: OpenAPI 'nullable' (use type: [..., 'null'])")
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                target = schema
                for part in ref[2:].split("/") if ref != "#" else []:
                    target = target.get(part) if isinstance(target, dict) else None
                if target is None:
                    problems.append(f"{path}: dangling $ref {ref}")
            for key, sub in node.items():
                walk(sub, f"{path}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}/{i}")

    walk(schema, "")
    return problems


def envelope_schema() -> dict:
    from wuying_common.events import SCHEMA_BASE, CloudEventSchema

    schema = json_schema(CloudEventSchema)
    schema.update(
        {
            "$schema": JSON_SCHEMA,
            "$id": f"{SCHEMA_BASE}/cloudevent-envelope.json",
            "title": "Wuying CloudEvents 1.0 envelope (JSON structured mode)",
        }
    )
    return schema


def retires(t) -> str | None:
    """The date an old version stops being published (``EventType.retires``), ISO 8601."""
    value = getattr(t, "retires", None)
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else None)


def event_schema(t) -> dict:
    schema = json_schema(t.schema)
    schema.update({"$schema": JSON_SCHEMA, "$id": t.dataschema, "title": t.type, "description": t.description})
    if retires(t):
        schema.update({"deprecated": True, "x-retires": retires(t)})
    return schema


def _partner_routing():
    try:
        from wuying_partners import routing
    except ImportError:  # before `make install` knows services/partners
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services" / "partners"))
        from wuying_partners import routing
    return routing


def asyncapi_document(types) -> dict:
    """AsyncAPI 3.0: the internal exchanges and the partner exchange, one document.

    Every version of a type is its own message; versions of one type share the internal channel
    (same routing key) and have a channel each on the partner exchange (the key ends in v<N>).
    A version with a retirement date says so (``x-retires``, ``deprecated``) until it is gone.
    """
    routing = _partner_routing()
    versions: dict[tuple[str, str], list] = {}
    for t in types:
        versions.setdefault((t.service, t.name), []).append(t)

    messages, channels, operations = {}, {}, {}

    def message(t, content_type: str) -> dict:
        note = f" 将于 {retires(t)} 停止发布 (retires {retires(t)})." if retires(t) else ""
        newer = [o.version for o in versions[(t.service, t.name)] if o.version > t.version]
        if newer:
            note += f" Superseded by v{max(newer)}."
        body = {
            "name": t.type,
            "title": t.type,
            "summary": t.description,
            "description": (t.description + note).strip(),
            "contentType": content_type,
            "payload": {
                "allOf": [
                    {"$ref": "events/cloudevent-envelope.json"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": t.type},
                            "dataschema": {"const": t.dataschema},
                            "data": {"$ref": f"events/{t.type}.json"},
                        },
                    },
                ]
            },
            "correlationId": {"description": "CloudEvents id; deduplicate on it", "location": "$message.payload#/id"},
        }
        if retires(t):
            body["x-retires"] = retires(t)
            body["payload"]["deprecated"] = True
        return body

    for (service, name), group in sorted(versions.items()):
        group.sort(key=lambda t: t.version)
        channel_id = f"internal.{service}.{name}"
        channels[channel_id] = {
            "address": name,
            "title": f"{service}.events / {name}",
            "description": group[-1].description,
            "servers": [{"$ref": f"#/servers/{s}"} for s in INTERNAL_SERVERS],
            "messages": {},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": f"{service}.events",
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": INTERNAL_VHOST,
                    },
                    "bindingVersion": "0.3.0",
                }
            },
        }
        for t in group:
            messages[f"internal.{t.type}"] = message(t, "application/json")
            channels[channel_id]["messages"][t.type] = {"$ref": f"#/components/messages/internal.{t.type}"}
        operations[f"consume.{channel_id}"] = {
            "action": "receive",
            "title": f"Consume {name} inside the platform",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{t.type}"} for t in group],
            "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
        }

    partner_types = [t for t in types if routing.is_published(t.type)]
    for t in sorted(partner_types, key=lambda t: t.type):
        channel_id = f"partners.{t.service}.{t.name}.v{t.version}"
        messages[t.type] = message(t, routing.CONTENT_TYPE)
        channels[channel_id] = {
            "address": routing.partner_address(t.service, t.name, t.version),
            "title": f"{routing.PARTNER_EXCHANGE} / <county>.{t.service}.{t.name}.v{t.version}",
            "description": t.description,
            "servers": [{"$ref": f"#/servers/{s}"} for s in PARTNER_SERVERS],
            "parameters": {"county": {"$ref": "#/components/parameters/county"}},
            "messages": {t.type: {"$ref": f"#/components/messages/{t.type}"}},
            "bindings": {"amqp": _partner_exchange_binding(routing)},
        }
        operations[f"receive.{channel_id}"] = {
            "action": "receive",
            "title": f"An agency receives {t.type} for its counties",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{t.type}"}],
            "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
        }
    channels["partners.replay"] = {
        "address": "replay.{agency}",
        "title": "An agency's replay stream",
        "description": (
            "A RabbitMQ stream per agency, bound to its counties' keys on "
            f"{routing.PARTNER_EXCHANGE}. Consume with basic.qos (a prefetch is required) and the "
            "argument x-stream-offset: a timestamp (AMQP type 'T') replays from that point in time, "
            "'first' from the oldest kept, 'next' only new events. Retention is the broker policy "
            "wuying-replay-retention (default 30 days, 2 GiB per stream). Replay starts at a chunk "
            "boundary: events slightly older than the timestamp may come first; filter on `time`."
        ),
        "servers": [{"$ref": f"#/servers/{s}"} for s in PARTNER_SERVERS],
        "parameters": {"agency": {"$ref": "#/components/parameters/agency"}},
        "messages": {
            t.type: {"$ref": f"#/components/messages/{t.type}"} for t in sorted(partner_types, key=lambda t: t.type)
        },
        "bindings": {
            "amqp": {
                "is": "queue",
                "queue": {
                    "name": "replay.{agency}",
                    "durable": True,
                    "exclusive": False,
                    "autoDelete": False,
                    "vhost": routing.PARTNER_VHOST,
                },
                "bindingVersion": "0.3.0",
            }
        },
    }
    operations["replay.partners"] = {
        "action": "receive",
        "title": "An agency replays its events from a point in time",
        "channel": {"$ref": "#/channels/partners.replay"},
        "messages": [
            {"$ref": f"#/channels/partners.replay/messages/{t.type}"}
            for t in sorted(partner_types, key=lambda t: t.type)
        ],
        "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
    }
    withheld = sorted({t.type for t in types} - {t.type for t in partner_types})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "无影灯 Wuying events",
            "version": "2.0.0",
            "description": (
                "CloudEvents 1.0 in JSON structured mode. Inside the platform: topic exchanges "
                "`<service>.events` on vhost `wuying`, routing key = short event name, content type "
                "application/json. For other agencies: vhost `wuying-partners`, exchange "
                f"`{routing.PARTNER_EXCHANGE}`, routing key `<county>.<service>.<event>.v<N>`, content "
                f"type `{routing.CONTENT_TYPE}`; each agency has a read-only account whose topic "
                "permission lets it bind only its counties' keys, queues named `agency.<id>.*`, and a "
                "replay stream `replay.<id>` (see docs/partners.md). Events never carry a reporter's "
                "identity. Delivery is at-least-once: deduplicate on `id`. A breaking change makes a "
                "new version, published side by side with the old one until the old one's retirement "
                "date (`x-retires`). Kept inside the commission, never on the partner exchange: "
                + ", ".join(withheld)
                + "."
            ),
            "contact": {"name": "无影灯平台运维 (Wuying operations)"},
            "license": {"name": "Internal use by the commissions and their partner agencies"},
        },
        "defaultContentType": routing.CONTENT_TYPE,
        "servers": {
            "internal": {
                "host": "wuying-rabbitmq.wuying.svc:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "pathname": "/wuying",
                "description": "The province cluster's broker, vhost `wuying`; one user per service.",
                "security": [{"$ref": "#/components/securitySchemes/serviceUser"}],
            },
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "pathname": "/",
                "description": "`make up` on one machine: the default vhost `/`.",
                "security": [{"$ref": "#/components/securitySchemes/serviceUser"}],
            },
            "partners": {
                "host": "{host}:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "pathname": f"/{routing.PARTNER_VHOST}",
                "description": "The province broker as the commission publishes it to agencies.",
                "variables": {
                    "host": {"default": "wuying-rabbitmq.wuying.svc", "description": "given with the account"}
                },
                "security": [{"$ref": "#/components/securitySchemes/agencyUser"}],
            },
            "local-partners": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "pathname": f"/{routing.PARTNER_VHOST}",
                "description": "`make up`: the partner vhost with the demo agency `agency-demo`.",
                "security": [{"$ref": "#/components/securitySchemes/agencyUser"}],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "parameters": {
                "county": {
                    "description": "GB/T 2260 six-digit county code; an agency may bind only its own counties.",
                    "examples": ["130402"],
                },
                "agency": {"description": "The agency's id, as in its user name agency-<id>.", "examples": ["demo"]},
            },
            "securitySchemes": {
                "serviceUser": {"type": "userPassword", "description": "One broker user per service, least privilege."},
                "agencyUser": {
                    "type": "userPassword",
                    "description": "One read-only user per agency (agency-<id>), limited to its counties.",
                },
            },
        },
    }


def _partner_exchange_binding(routing) -> dict:
    return {
        "is": "routingKey",
        "exchange": {
            "name": routing.PARTNER_EXCHANGE,
            "type": "topic",
            "durable": True,
            "autoDelete": False,
            "vhost": routing.PARTNER_VHOST,
        },
        "bindingVersion": "0.3.0",
    }


def render_events(types) -> dict[str, str]:
    files = {f"events/{t.type}.json": _dump(event_schema(t)) for t in types}
    files["events/cloudevent-envelope.json"] = _dump(envelope_schema())
    files["asyncapi.yaml"] = yaml.safe_dump(asyncapi_document(types), allow_unicode=True, sort_keys=True, width=100)
    return files


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render() -> dict[str, str]:
    from wuying_common.service import openapi_document

    classes, types = _load()
    files = render_events(types)
    for svc, cls in classes.items():
        files[f"openapi/{svc}.json"] = _dump(openapi_document(cls))
    return files


def asyncapi_parser_check(path: Path) -> tuple[int, str] | None:
    """Run the official AsyncAPI parser (contracts/tooling) on ``path``; None without node.

    Installs the locked parser on first use (``npm ci``), as `make test` must on a fresh machine.
    """
    import shutil
    import subprocess

    tooling = Path(__file__).resolve().parents[1] / "contracts" / "tooling"
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None
    if not (tooling / "node_modules" / "@asyncapi" / "parser").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=tooling, check=True, capture_output=True
        )
    done = subprocess.run(
        [node, "check-asyncapi.mjs", str(path.resolve())], cwd=tooling, capture_output=True, text=True, timeout=300
    )
    return done.returncode, done.stdout + done.stderr


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
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] == "tooling":  # the parser check's node project, not generated
            continue
        if path.is_file() and str(rel) not in rendered and path.name != "README.md":
            problems.append(f"stale (no longer generated): {path.relative_to(root)}")
    return problems


RECORDED = Path(__file__).resolve().parents[1] / "tests" / "contracts" / "recorded-events.jsonl"


def record(out: Path = RECORDED, per_shape: int = 2) -> None:
    """Record the events the platform really emits, for the contract test.

    Starts the five services (and the partners republisher) as real processes on a throw-away
    vhost pair made by ``scripts/partners.py``, each service under its OWN least-privilege
    broker user (so this run also proves those permissions suffice), loads the demo province,
    plays the demo scenario, and keeps every event seen on the internal exchanges: up to
    ``per_shape`` per type and set of null fields, so optional and null values are recorded.
    Needs the local broker (``make broker``).
    """
    import base64
    import os
    import socket
    import subprocess
    import time
    import uuid

    from kombu import Connection, Exchange, Queue

    from wuying_tools.demo import generate
    from wuying_tools.scenario import Staff, load_province, run

    root = Path(__file__).resolve().parents[1]
    bin_dir = Path(sys.executable).parent
    tag = "rec" + uuid.uuid4().hex[:6] + "-"
    creds = Path(f"/tmp/{tag}partners.env")
    base = [str(sys.executable), str(root / "scripts" / "partners.py"), "--internal-vhost", tag + "int"]
    base += ["--partner-vhost", tag + "partners", "--user-prefix", tag, "--credentials", str(creds)]
    subprocess.run([*base, "setup", "--demo"], check=True, capture_output=True)
    env_file = dict(line.split("=", 1) for line in creds.read_text().splitlines() if "=" in line)
    admin_uri = f"amqp://guest:guest@127.0.0.1:5672/{tag}int"
    procs, urls, secret = [], {}, "rec-" + uuid.uuid4().hex
    seen: dict[tuple, list] = {}
    try:
        with Connection(admin_uri) as conn:
            channel = conn.channel()
            capture = Queue(f"{tag}capture", channel=channel, durable=False, auto_delete=False)
            capture.declare()
            for svc in SERVICES:
                capture.bind_to(Exchange(f"{svc}.events", type="topic", channel=channel), routing_key="#")
            for svc, cls in [*SERVICES.items(), ("partners", "PartnersService")]:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", 0))
                    port = sock.getsockname()[1]
                env = dict(
                    os.environ,
                    AMQP_URI=env_file[f"{svc.upper()}_AMQP_URI"],
                    PARTNER_AMQP_URI=env_file.get("PARTNERS_PARTNER_AMQP_URI", ""),
                    WUYING_JWT_SECRET=secret,
                    WUYING_INTAKE_KEYS="rec1:" + base64.b64encode(os.urandom(32)).decode(),
                    **{f"{svc.upper()}_HTTP_ADDRESS": f"127.0.0.1:{port}"},
                )
                log = open(f"/tmp/{tag}{svc}.log", "w")  # noqa: SIM115 - closed with the process
                args = [str(bin_dir / "nameko"), "run", "--config", f"services/{svc}/config.yml"]
                procs.append(
                    subprocess.Popen([*args, f"wuying_{svc}.service:{cls}"], cwd=root, env=env, stdout=log, stderr=log)
                )
                urls[svc] = f"http://127.0.0.1:{port}"
            import requests

            for svc, url in urls.items():
                for _ in range(240):
                    try:
                        if requests.get(f"{url}/health", timeout=2).status_code == 200:
                            break
                    except requests.ConnectionError:
                        pass
                    time.sleep(0.25)
                else:
                    raise SystemExit(f"{svc} did not start: see /tmp/{tag}{svc}.log")
            service_urls = {k: v for k, v in urls.items() if k != "partners"}
            staff = Staff(secret)
            province = generate(seed=2026, counties=14)
            load_province(province, service_urls, staff)
            run(province, service_urls, staff, say=lambda _: None)
            quiet_since = time.monotonic()
            while time.monotonic() - quiet_since < 5:
                message = capture.get(no_ack=True)
                if message is None:
                    time.sleep(0.2)
                    continue
                quiet_since = time.monotonic()
                body = json.loads(message.body)
                nulls = tuple(sorted(k for k, v in (body.get("data") or {}).items() if v is None))
                bucket = seen.setdefault((body.get("type"), nulls), [])
                if len(bucket) < per_shape:
                    bucket.append(body)
            capture.delete()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        subprocess.run([*base, "teardown"], capture_output=True)
        creds.unlink(missing_ok=True)
    events = [e for key in sorted(seen, key=str) for e in seen[key]]
    out.write_text("".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events), "utf-8")
    print(f"{len(events)} real events of {len({e['type'] for e in events})} types recorded in {out}")


if __name__ == "__main__":
    action, root = sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "contracts")
    if action == "write":
        write(root)
    elif action == "record":
        record(Path(sys.argv[2]) if len(sys.argv) > 2 else RECORDED)
    elif action == "parse":
        result = asyncapi_parser_check(root / "asyncapi.yaml")
        print(result[1] if result else "node/npm not installed: AsyncAPI parser check skipped")
        sys.exit(result[0] if result else 0)
    else:
        found = check(root)
        print("\n".join(found) or "contracts match the code")
        sys.exit(1 if found else 0)
