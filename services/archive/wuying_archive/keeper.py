"""Keep the archive's signed checkpoints, as a party other than the archive.

    python -m wuying_archive.keeper --amqp amqp://keeper:…@broker/ --name audit-office checkpoints.jsonl

Binds its own durable queue (``checkpoint-keeper-<name>``) to ``archive.checkpoint_signed`` on the
``archive.events`` exchange and appends every checkpoint event to the file, one JSON line each,
flushed to disk before the message is acknowledged (a redelivery may append a line twice; the
verifier accepts an identical duplicate). Run it on a machine and under a broker user the archive
does not control — an audit office, a county's agency (which also receives the checkpoints
through the partners' republisher, routing key ``<county>.archive.archive.checkpoint_signed.v1``).
It imports nothing of the archive service.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kombu import Connection, Exchange, Queue

ROUTING_KEY = "archive.checkpoint_signed"


def keep(amqp: str, name: str, out: Path, limit: int | None = None, timeout: float | None = None) -> int:
    """Append checkpoint events to ``out`` until ``limit`` are kept (or forever); returns how many."""
    exchange = Exchange("archive.events", type="topic", durable=True)
    queue = Queue(f"checkpoint-keeper-{name}", exchange, routing_key=ROUTING_KEY, durable=True)
    kept = 0
    with Connection(amqp) as conn, out.open("a", encoding="utf-8") as handle:

        def on_message(body, message) -> None:
            nonlocal kept
            event = body if isinstance(body, dict) else json.loads(body)
            handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
            message.ack()
            kept += 1

        with conn.Consumer(queue, callbacks=[on_message], accept=["json"]):
            while limit is None or kept < limit:
                conn.drain_events(timeout=timeout)
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wuying_archive.keeper", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="checkpoints.jsonl (appended)")
    parser.add_argument("--amqp", default=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--name", required=True, help="who keeps them (names the durable queue)")
    args = parser.parse_args(argv)
    keep(args.amqp, args.name, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
