"""The drain of a burst of triaged reports through risk, warning and archive (issue 7 / issue 15 b).

Starts archive, risk and warning as real ``nameko run`` processes on a throw-away vhost of the
local RabbitMQ, each on its embedded store (or ``MONGODB_URI``), registers the demo province,
waits until risk knows every official, then publishes N ``petition.triaged`` events on
``intake.events`` exactly as intake's outbox relay would, and measures until every queue of the
vhost is empty, every outbox is published and no consumer counter moves any more.

    .venv/bin/python -m benchmarks.drain --reports 1000

Prints reports/s end to end and when risk finished its part. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from kombu import Connection, Exchange

from wuying_common.auth import issue_token
from wuying_common.clock import rfc3339
from wuying_tools.province_load import triaged_envelope

try:
    from wuying_tools.demo import generate
except ImportError:  # a tree from before the tooling moved out of the shared library
    from wuying_common.demo import generate  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = {"archive": "ArchiveService", "risk": "RiskService", "warning": "WarningService"}
MANAGEMENT = "http://127.0.0.1:15672/api"
AUTH = "Basic " + base64.b64encode(b"guest:guest").decode()
SEVERITIES = ("low", "medium", "high")


def management(method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(
        MANAGEMENT + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": AUTH, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metric_sum(port: int, name: str, **labels) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def consumed(port: int, service: str) -> float:
    return metric_sum(port, f"wuying_{service}_events_consumed_total")


def wait(what: str, check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def queue_depths(amqp_uri: str, names: list[str]) -> int:
    total = 0
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        for name in names:
            total += channel.queue_declare(queue=name, passive=True).message_count
    return total


def handler_queues(services: dict[str, str]) -> list[str]:
    """The queue nameko declares for every event handler of the services ``{name: class}``
    (``evt-<source>-<event>--<service>.<method>``)."""
    import importlib

    from nameko.events import EventHandler

    names = []
    for svc, cls_name in services.items():
        cls = getattr(importlib.import_module(f"wuying_{svc}.service"), cls_name)
        for attr in dir(cls):
            for entrypoint in getattr(getattr(cls, attr), "nameko_entrypoints", ()):
                if isinstance(entrypoint, EventHandler):
                    names.append(f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{cls.name}.{attr}")
    return names


def consumers_ready(amqp_uri: str, names: list[str]) -> bool:
    """Every queue declared and consumed: ``/health`` answers before nameko's queue consumer
    has declared them all, and an event published before its queue is bound is not routed to it
    (under load a service's first events were lost for itself that way)."""
    try:
        with Connection(amqp_uri) as conn:
            channel = conn.channel()
            return all(channel.queue_declare(queue=q, passive=True).consumer_count >= 1 for q in names)
    except Exception:  # a queue not declared yet closes the channel (NotFound)
        return False


def triaged(official, now: datetime, rng: random.Random) -> dict:
    """A ``petition.triaged`` v1 envelope as intake's relay publishes it (CloudEvents 1.0): the
    simulator's one builder, fed a report about ``official``."""
    at = rfc3339(now)
    report = {
        "event_id": uuid.uuid4().hex,
        "petition_id": uuid.uuid4().hex,
        "county": official.county,
        "official_id": official.id,
        "category": "work_style",
        "category_zh": "工作作风",
        "severity": rng.choice(SEVERITIES),
        "triaged_at": at,
    }
    return triaged_envelope(report)


def profilers(pids: dict[str, int], directory: str) -> list[subprocess.Popen]:
    """``py-spy record`` on each service process for the measured part (the burst), one
    collapsed-stack file per service in ``directory``; py-spy must be on ``PATH``."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            ["py-spy", "record", "--pid", str(pid), "--rate", "200", "--format", "raw", "--nonblocking"]
            + ["--output", str(Path(directory) / f"{svc}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for svc, pid in pids.items()
    ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot (Linux ``/proc/stat``)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]  # idle + iowait
    return float(sum(values) - idle), float(sum(values))


def run(reports: int, seed: int, profile: str | None = None, logs: str | None = None) -> dict:
    vhost = f"wuying-bench-{uuid.uuid4().hex[:8]}"
    quoted = urllib.parse.quote(vhost, safe="")
    management("PUT", f"/vhosts/{quoted}")
    management("PUT", f"/permissions/{quoted}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
    amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{quoted}"
    secret = secrets.token_urlsafe(32)
    ports = {svc: free_port() for svc in SERVICES}
    env = dict(os.environ, AMQP_URI=amqp_uri, WUYING_JWT_SECRET=secret, LOG_LEVEL="WARNING")
    for svc, port in ports.items():
        env[f"{svc.upper()}_HTTP_ADDRESS"] = f"127.0.0.1:{port}"
    procs: dict[str, subprocess.Popen] = {}
    if logs:
        Path(logs).mkdir(parents=True, exist_ok=True)
    try:
        for svc, cls in SERVICES.items():
            procs[svc] = subprocess.Popen(
                [str(BIN / "nameko"), "run", "--config", f"services/{svc}/config.yml", f"wuying_{svc}.service:{cls}"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(Path(logs) / f"{svc}.log", "wb") if logs else subprocess.DEVNULL,  # noqa: SIM115
            )

        def healthy(port: int) -> bool:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200
            except OSError:
                return False

        for svc, port in ports.items():
            wait(f"{svc} to be healthy", lambda port=port: healthy(port), 60)
        expected = handler_queues(SERVICES)
        wait("every event handler's queue to be consumed", lambda: consumers_ready(amqp_uri, expected), 120)

        province = generate(seed)
        token = issue_token(secret, "bench-operator", ["operator"], ["130000"])
        request = urllib.request.Request(
            f"http://127.0.0.1:{ports['archive']}/api/v1/registry",
            data=json.dumps({"units": province.units_json(), "officials": province.officials_json()}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=120).read()
        wait(
            "risk to receive the officials",
            lambda: consumed(ports["risk"], "risk") >= len(province.officials),
            180,
        )
        wait(
            "archive to record the registrations",
            lambda: consumed(ports["archive"], "archive") >= len(province.officials),
            300,
        )

        rng = random.Random(seed)
        now = datetime.now(UTC)
        envelopes = [triaged(rng.choice(province.officials), now, rng) for _ in range(reports)]
        queues = [q["name"] for q in management("GET", f"/queues/{quoted}")]
        before = {svc: consumed(port, svc) for svc, port in ports.items()}
        risk_before = metric_sum(
            ports["risk"], "wuying_risk_events_consumed_total", type="wuying.intake.petition.triaged.v1"
        )

        exchange = Exchange("intake.events", type="topic", durable=True)
        spies = profilers({svc: proc.pid for svc, proc in procs.items()}, profile) if profile else []
        cpu_before = {svc: cpu_seconds(proc.pid) for svc, proc in procs.items()}
        busy_before = machine_busy()
        started = time.monotonic()
        with Connection(amqp_uri) as conn:
            producer = conn.Producer(serializer="json")
            for envelope in envelopes:
                producer.publish(envelope, exchange=exchange, routing_key="petition.triaged", declare=[exchange])
        published = time.monotonic()

        risk_done = None
        last_change, last_counts, stable_since = published, None, None
        deadline = started + 1800
        while time.monotonic() < deadline:
            counts = tuple(consumed(port, svc) for svc, port in ports.items())
            now_m = time.monotonic()
            if risk_done is None:
                risk_seen = metric_sum(
                    ports["risk"], "wuying_risk_events_consumed_total", type="wuying.intake.petition.triaged.v1"
                )
                if risk_seen - risk_before >= reports:
                    risk_done = now_m
            if counts != last_counts:
                last_change, last_counts, stable_since = now_m, counts, None
            idle = (
                risk_done is not None
                and queue_depths(amqp_uri, queues) == 0
                and all(metric_sum(port, f"wuying_{svc}_outbox_pending_events") == 0 for svc, port in ports.items())
            )
            if idle:
                stable_since = stable_since or now_m
                if now_m - stable_since >= 1.5:
                    break
            else:
                stable_since = None
            time.sleep(0.2)
        else:
            raise SystemExit("the burst did not drain within 30 minutes")
        cpu = {svc: round(cpu_seconds(proc.pid) - cpu_before[svc], 2) for svc, proc in procs.items()}
        busy_after = machine_busy()
        for spy in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        for spy in spies:
            spy.wait(timeout=30)
        elapsed = last_change - started
        events = {svc: last_counts[i] - before[svc] for i, svc in enumerate(ports)}
        return {
            "reports": reports,
            "officials": len(province.officials),
            "publish_seconds": round(published - started, 2),
            "risk_seconds": round(risk_done - started, 2),
            "drain_seconds": round(elapsed, 2),
            "reports_per_second": round(reports / elapsed, 1),
            "risk_reports_per_second": round(reports / (risk_done - started), 1),
            "events_consumed": events,
            # CPU seconds each service spent from the first publish until it went idle, and how
            # busy the whole machine was meanwhile (every core, every process: the broker too)
            "cpu_seconds": cpu,
            "machine_busy": round((busy_after[0] - busy_before[0]) / max(1.0, busy_after[1] - busy_before[1]), 2),
            "store": "mongodb" if os.environ.get("MONGODB_URI") else "embedded",
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile", metavar="DIR", help="py-spy record each service during the burst (collapsed stacks in DIR)"
    )
    parser.add_argument("--logs", metavar="DIR", help="each service's log (warnings and errors) in DIR")
    args = parser.parse_args(argv)
    result = run(args.reports, args.seed, args.profile, args.logs)
    print(json.dumps(result, ensure_ascii=False))
    print(
        f"drain of {result['reports']} triaged reports through risk, warning and archive "
        f"({result['store']} store): {result['reports_per_second']} reports/s "
        f"({result['drain_seconds']} s; risk done after {result['risk_seconds']} s)"
    )


if __name__ == "__main__":
    main()
