"""The reference for the platform's drain (issue 15 item 2 a): a bare 4-service nameko chain.

Four real ``nameko run`` processes (``benchmarks/bare_chain_services.py``: plain nameko, one
``@event_handler`` → ``EventDispatcher`` hop each; intake-like → risk-like → warning-like →
archive-like) on a throw-away vhost of the local RabbitMQ (same broker, same machine as
``benchmarks/drain.py``). N envelopes the size of a ``petition.triaged`` are published at once on
``bench_source.events``; the chain has drained when the benchmark has received the N
``file.recorded`` events of the archive-like service and every queue of the vhost is empty.

    .venv/bin/python -m benchmarks.bare_chain --reports 1000

Prints reports/s end to end. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import UTC, datetime
from pathlib import Path

from kombu import Connection, Exchange, Queue

from benchmarks.drain import cpu_seconds, management, queue_depths, wait

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODULE = "benchmarks.bare_chain_services"
#: service class → the queue nameko declares for its one handler (evt-<source>-<type>--<service>.<method>)
CHAIN = {
    "BareIntake": "evt-bench_source-petition.submitted--bare_intake.on_submitted",
    "BareRisk": "evt-bare_intake-petition.triaged--bare_risk.on_triaged",
    "BareWarning": "evt-bare_risk-risk.proposed--bare_warning.on_proposed",
    "BareArchive": "evt-bare_warning-warning.issued--bare_archive.on_issued",
}


def envelope(i: int, now: datetime) -> dict:
    """A payload shaped and sized like a ``petition.triaged`` envelope (no project code)."""
    petition_id = uuid.uuid4().hex
    return {
        "specversion": "1.0",
        "id": uuid.uuid4().hex,
        "source": "/bench/intake",
        "type": "bench.petition.submitted.v1",
        "time": now.isoformat().replace("+00:00", "Z"),
        "subject": f"petition/{petition_id}",
        "datacontenttype": "application/json",
        "county": "130402",
        "data": {
            "petition_id": petition_id,
            "outcome": "integrity_information",
            "category": "work_style",
            "category_zh": "工作作风",
            "severity": ("low", "medium", "high")[i % 3],
            "subjects": [{"kind": "official", "id": f"130402-O{i % 665:05d}", "county": "130402"}],
            "triaged_at": now.isoformat().replace("+00:00", "Z"),
        },
    }


def consumers_ready(amqp_uri: str) -> bool:
    try:
        with Connection(amqp_uri) as conn:
            channel = conn.channel()
            return all(channel.queue_declare(queue=q, passive=True).consumer_count >= 1 for q in CHAIN.values())
    except Exception:  # a queue not declared yet closes the channel (NotFound), or no broker yet
        return False


def run(reports: int) -> dict:
    vhost = f"wuying-bare-{uuid.uuid4().hex[:8]}"
    quoted = urllib.parse.quote(vhost, safe="")
    management("PUT", f"/vhosts/{quoted}")
    management("PUT", f"/permissions/{quoted}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
    amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{quoted}"
    procs: dict[str, subprocess.Popen] = {}
    try:
        for cls in CHAIN:
            procs[cls] = subprocess.Popen(
                [str(BIN / "nameko"), "run", "--broker", amqp_uri, f"{MODULE}:{cls}"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        wait("the bare chain's consumers", lambda: consumers_ready(amqp_uri), 60)

        now = datetime.now(UTC)
        payloads = [envelope(i, now) for i in range(reports)]
        source = Exchange("bench_source.events", type="topic", durable=True)
        recorded = Exchange("bare_archive.events", type="topic", durable=True)
        done = Queue(
            f"bench-done-{uuid.uuid4().hex[:6]}", exchange=recorded, routing_key="file.recorded", exclusive=True
        )
        seen: list[float] = []
        with Connection(amqp_uri) as conn:
            with conn.Consumer(queues=[done], accept=["json"], callbacks=[lambda b, m: on_done(seen, m)]):
                producer = conn.Producer(serializer="json")
                cpu_before = {cls: cpu_seconds(proc.pid) for cls, proc in procs.items()}
                started = time.monotonic()
                for payload in payloads:
                    producer.publish(payload, exchange=source, routing_key="petition.submitted", declare=[source])
                published = time.monotonic()
                deadline = started + 600
                while len(seen) < reports and time.monotonic() < deadline:
                    try:
                        conn.drain_events(timeout=1)
                    except TimeoutError:
                        pass
        cpu = {cls: round(cpu_seconds(proc.pid) - cpu_before[cls], 2) for cls, proc in procs.items()}
        if len(seen) < reports:
            raise SystemExit(f"the bare chain recorded {len(seen)} of {reports} in 10 minutes")
        finished = seen[-1]
        leftover = queue_depths(amqp_uri, list(CHAIN.values()))
        elapsed = finished - started
        return {
            "reports": reports,
            "publish_seconds": round(published - started, 2),
            "drain_seconds": round(elapsed, 2),
            "reports_per_second": round(reports / elapsed, 1),
            "left_in_queues": leftover,
            # CPU seconds of each service process from the first publish to the last file.recorded
            "cpu_seconds": cpu,
        }
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        management("DELETE", f"/vhosts/{quoted}")


def on_done(seen: list[float], message) -> None:
    seen.append(time.monotonic())
    message.ack()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args(argv)
    result = run(args.reports)
    print(json.dumps(result, ensure_ascii=False))
    print(
        f"bare 4-service nameko chain, {result['reports']} events: {result['reports_per_second']} reports/s "
        f"({result['drain_seconds']} s)"
    )


if __name__ == "__main__":
    main()
