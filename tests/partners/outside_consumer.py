"""An agency's consumer, written as another agency would write it: pika, jsonschema and the
published contract (contracts/events/*.json), nothing of the platform's code.

    python outside_consumer.py live   --uri URI --agency demo --counties 130402,130403 [--expect N]
    python outside_consumer.py replay --uri URI --agency demo --since 2026-11-30T04:00:00Z
    python outside_consumer.py probe  --uri URI --agency demo --county 130404

``live`` binds its own queue ``agency.<id>.live-<random>`` with one key per county, prints
``ready``, then receives and validates every event; ``replay`` reads the agency's stream from a
point in time (``x-stream-offset``); ``probe`` shows what the broker refuses (another county's
key, publishing). Each prints one JSON line: what it received, and every contract violation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pika
from pika.exceptions import ChannelClosedByBroker

EXCHANGE = "wuying.partners.v1"
CONTENT_TYPE = "application/cloudevents+json"
DEFAULT_CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "events"


class Contract:
    """Validators from the published files: the envelope, and each type's ``data``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.envelope = self._validator("cloudevent-envelope.json")
        self._data: dict[str, jsonschema.Draft7Validator] = {}

    def _validator(self, name: str) -> jsonschema.Draft7Validator:
        schema = json.loads((self.folder / name).read_text("utf-8"))
        jsonschema.Draft7Validator.check_schema(schema)
        return jsonschema.Draft7Validator(schema)

    def violations(self, event: dict, routing_key: str, properties, counties: set[str]) -> list[str]:
        found = [f"envelope: {e.message}" for e in self.envelope.iter_errors(event)]
        type_ = event.get("type", "")
        if type_ not in self._data:
            if not (self.folder / f"{type_}.json").exists():
                return [*found, f"type {type_!r} is not in the published contract"]
            self._data[type_] = self._validator(f"{type_}.json")
        found += [f"data: {e.message}" for e in self._data[type_].iter_errors(event.get("data"))]
        expected_key = f"{event.get('county')}.{type_.removeprefix('wuying.')}"
        if routing_key != expected_key:
            found.append(f"routing key {routing_key} != {expected_key}")
        if event.get("county") not in counties:
            found.append(f"county {event.get('county')} is not ours")
        if properties.content_type != CONTENT_TYPE:
            found.append(f"content type {properties.content_type}")
        return found


def connect(uri: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(uri))


def receive(
    channel, queue: str, contract: Contract, counties: set[str], *, arguments=None, expect=0, idle=3.0, limit=60.0
):
    """Consume until ``expect`` events arrived (or nothing came for ``idle`` seconds)."""
    events, problems, keys = [], [], set()
    channel.basic_qos(prefetch_count=100)  # streams require a prefetch
    deadline = time.monotonic() + limit
    for method, properties, body in channel.consume(queue, arguments=arguments or {}, inactivity_timeout=idle):
        if method is None:
            if not expect or len(events) >= expect or time.monotonic() > deadline:
                break
            continue
        event = json.loads(body)
        problems += [
            f"{event.get('id')}: {p}" for p in contract.violations(event, method.routing_key, properties, counties)
        ]
        events.append(event)
        keys.add(method.routing_key)
        channel.basic_ack(method.delivery_tag)
        if expect and len(events) >= expect or time.monotonic() > deadline:
            break
    channel.cancel()
    return events, problems, keys


def live(args, contract: Contract) -> dict:
    counties = set(args.counties.split(","))
    connection = connect(args.uri)
    channel = connection.channel()
    queue = f"agency.{args.agency}.live-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, exclusive=True, auto_delete=True)
    for county in sorted(counties):
        channel.queue_bind(queue, EXCHANGE, routing_key=f"{county}.#")
    print("ready", flush=True)
    events, problems, keys = receive(
        channel, queue, contract, counties, expect=args.expect, idle=args.idle, limit=args.seconds
    )
    connection.close()
    return {
        "mode": "live",
        "queue": queue,
        "received": [e["id"] for e in events],
        "types": sorted({e["type"] for e in events}),
        "routing_keys": sorted(keys),
        "violations": problems,
    }


def replay(args, contract: Contract) -> dict:
    """Read the agency's stream again from ``--since``. pika sends a datetime as an AMQP
    timestamp, which is what x-stream-offset needs (an int would be read as an offset).
    The broker starts at the chunk holding that moment: drop what is older by ``time``."""
    since = datetime.fromisoformat(args.since.replace("Z", "+00:00")).astimezone(UTC)
    counties = set(args.counties.split(","))
    connection = connect(args.uri)
    channel = connection.channel()
    events, problems, _ = receive(
        channel,
        f"replay.{args.agency}",
        contract,
        counties,
        arguments={"x-stream-offset": since},
        idle=args.idle,
        limit=args.seconds,
    )
    connection.close()
    kept = [e for e in events if datetime.fromisoformat(e["time"].replace("Z", "+00:00")) >= since]
    return {
        "mode": "replay",
        "since": since.isoformat(),
        "delivered": len(events),
        "received": [e["id"] for e in kept],
        "types": sorted({e["type"] for e in kept}),
        "violations": problems,
    }


def probe(args, contract: Contract) -> dict:
    """What a curious agency may try: another county's key, everything, publishing."""
    outcomes = {}
    attempts = {
        f"bind {args.county}.#": lambda ch, q: ch.queue_bind(q, EXCHANGE, routing_key=f"{args.county}.#"),
        "bind #": lambda ch, q: ch.queue_bind(q, EXCHANGE, routing_key="#"),
        "bind *.intake.#": lambda ch, q: ch.queue_bind(q, EXCHANGE, routing_key="*.intake.#"),
        "publish": lambda ch, q: (ch.confirm_delivery(), ch.basic_publish(EXCHANGE, f"{args.county}.x.y.z.v1", b"{}")),
        "declare another agency's queue": lambda ch, q: ch.queue_declare("agency.other.q"),
        f"delete replay.{args.agency}": lambda ch, q: ch.queue_delete(f"replay.{args.agency}"),
    }
    for name, attempt in attempts.items():
        connection = connect(args.uri)
        channel = connection.channel()
        queue = f"agency.{args.agency}.probe-{uuid.uuid4().hex[:8]}"
        channel.queue_declare(queue, exclusive=True, auto_delete=True)
        try:
            attempt(channel, queue)
            outcomes[name] = "allowed"
        except ChannelClosedByBroker as exc:
            outcomes[name] = f"refused {exc.reply_code}"
        finally:
            if connection.is_open:
                connection.close()
    return {"mode": "probe", "outcomes": outcomes}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["live", "replay", "probe"])
    parser.add_argument("--uri", required=True, help="amqp://agency-<id>:<password>@host:5672/wuying-partners")
    parser.add_argument("--agency", required=True)
    parser.add_argument("--counties", default="130402,130403")
    parser.add_argument("--county", default="130404", help="probe: a county that is not ours")
    parser.add_argument("--contracts", type=Path, default=DEFAULT_CONTRACTS)
    parser.add_argument("--since", help="replay: RFC 3339 time")
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--idle", type=float, default=3.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    contract = Contract(args.contracts)
    result = {"live": live, "replay": replay, "probe": probe}[args.mode](args, contract)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    sys.exit(1 if result.get("violations") else 0)


if __name__ == "__main__":
    main()
