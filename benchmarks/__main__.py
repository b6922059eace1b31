"""``make bench``: throughput of the hot paths, on this machine, against the real local broker.

Numbers are printed, never asserted: speed targets live here, not in tests.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date

import eventlet

eventlet.monkey_patch()

from kombu import Connection, Exchange  # noqa: E402
from marshmallow import Schema, fields  # noqa: E402

from wuying_common.calendar import WorkingDayCalendar  # noqa: E402
from wuying_common.events import EventRegistry, build_event  # noqa: E402
from wuying_common.store import connect_store  # noqa: E402


def timed(label: str, n: int, fn) -> None:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    elapsed = time.perf_counter() - start
    print(f"{label:55s} {n:7d} ops  {n / elapsed:12,.0f} ops/s  {elapsed / n * 1e6:9.1f} µs/op")


class _Data(Schema):
    petition_id = fields.String(required=True)
    county = fields.String(required=True)


def main() -> None:
    cal = WorkingDayCalendar.official()
    timed(
        "calendar: add 10 working days (2026, loaded)",
        20000,
        lambda i: cal.add_working_days(date(2026, 1, 1 + i % 28), 10),
    )
    timed(
        "calendar: add 10 working days (2027, provisional)",
        20000,
        lambda i: cal.add_working_days(date(2027, 3, 1 + i % 28), 10),
    )

    event_type = EventRegistry().register("bench", "thing.done", 1, _Data, "bench")
    timed(
        "events: build + validate a CloudEvents envelope",
        20000,
        lambda i: build_event(
            event_type, {"petition_id": str(i), "county": "130402"}, subject=f"p/{i}", county="130402"
        ),
    )

    from wuying_archive.domain.file import FileSubject
    from wuying_archive.persistence import ALIAS, ArchiveStore, FileEntry

    connect_store(ALIAS, "wuying_archive_bench_" + uuid.uuid4().hex[:6], None)
    store = ArchiveStore(ALIAS, "embedded")
    store.ensure_indexes()
    envelope = build_event(event_type, {"petition_id": "x", "county": "130402"}, subject="p/x", county="130402")
    from datetime import datetime

    now = datetime.now(UTC)

    def append(i):
        store.append(
            FileSubject("official", f"o{i % 50}", "130402"),
            kind="thing.done",
            summary="基准",
            event=dict(envelope, id=str(uuid.uuid4())),
            now=now,
        )

    timed("archive: append a hash-chained entry (embedded store)", 3000, append)
    assert FileEntry.objects.count() == 3000

    exchange = Exchange("bench.events", type="topic", durable=True)
    with Connection("amqp://guest:guest@127.0.0.1:5672/") as conn:
        producer = conn.Producer(serializer="json")
        producer.publish({}, exchange=exchange, routing_key="warmup", declare=[exchange])
        timed(
            "broker: publish an envelope (kombu, real RabbitMQ)",
            5000,
            lambda i: producer.publish(envelope, exchange=exchange, routing_key="thing.done"),
        )
        exchange(conn.default_channel).delete()


# Each benchmark module of the platform, run after the micro-benchmarks above (in this order).
# ``province`` (issue 15) loads the simulated province and drains the same burst as with the demo.
SUITES = ("pipeline", "province", "archive_import", "archive_review", "risk_batch", "inspection_assignment", "web")


def run_suites(names: tuple[str, ...] = SUITES) -> None:
    import importlib

    for name in names:
        print(f"\n== {name} ==")
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    import os
    import sys

    main()
    run_suites()
    sys.stdout.flush()
    # Seen once: the interpreter did not exit after the last suite (a green thread of the
    # monkey-patched suites still waiting); the numbers are printed, so end the process here.
    os._exit(0)
