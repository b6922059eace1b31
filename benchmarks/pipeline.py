"""The pipeline against its reference (issue 15 item 2 b, c, d), printed, never asserted.

(b) the bare 4-service nameko chain (``benchmarks/bare_chain.py``) and the platform's drain of
    1,000 triaged reports (``benchmarks/drain.py``, seed 2026), one after the other in this
    process: both rates and their ratio (goal ≥ 0.8).
(c) sustained intake: archive, risk, warning, inspection and intake as real ``nameko run``
    processes on a throw-away vhost (as ``benchmarks/drain.py`` starts them), anonymous portal
    reports ``POST /api/v1/reports`` at a target rate (``--intake-rate``, 200/s) for a bounded
    time (``--intake-seconds``, 120 s), each about an official of the demo province by name in
    that official's county (a province's reports, not one body 24,000 times); the achieved rate,
    intake's ``wuying_intake_events_published_total`` for ``petition.received`` against the
    reports accepted (a probe queue bound to ``petition.received`` counts what reached the
    broker), and the depth of every queue of the vhost over time (passive ``queue_declare``).
    Then every accepted report is triaged by a clerk (``case_clue``, the only way a portal report
    goes on to archive) and archive's ``events_consumed_total{type=petition.triaged}`` must
    reach the number triaged: nothing lost from the portal to the archive.
(d) report → archive latency: ``petition.triaged`` envelopes published at 100/s for 20 s with the
    publish time as the envelope's ``time``; for a sample of 200, archive's file entry
    ``recorded_at`` (read from the auditor's export, ``GET /api/v1/audit/export``, the HTTP
    answer that carries it) minus that time: p50 / p99.

    .venv/bin/python -m benchmarks.pipeline [--skip-drain]
    .venv/bin/python -m benchmarks.pipeline --only intake --intake-seconds 120 [--intake-rate 200] [--only drain|intake|latency ...]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime

from kombu import Connection, Exchange, Queue

from benchmarks import bare_chain, drain
from benchmarks.drain import (
    BIN,
    ROOT,
    consumed,
    consumers_ready,
    cpu_seconds,
    free_port,
    machine_busy,
    management,
    metric_sum,
    triaged,
    wait,
)
from wuying_common.auth import issue_token
from wuying_common.clock import rfc3339

SERVICES = {
    "archive": "ArchiveService",
    "risk": "RiskService",
    "warning": "WarningService",
    "inspection": "InspectionService",
    "intake": "IntakeService",
}
#: tests/interface/test_intake_interface.py's ANONYMOUS body: what the public portal posts
ANONYMOUS = {
    "category": "work_style",
    "county": "130402",
    "content": "某局局长长期在工作日中午饮酒，并多次公车私用接送家人。",
    "subjects": [{"kind": "official", "name": "王某", "unit_name": "某某局"}],
    "anonymous": True,
}
RECEIVED = "wuying.intake.petition.received.v1"
TRIAGED = "wuying.intake.petition.triaged.v1"


# -- (b) ------------------------------------------------------------------------------------------
def drain_against_bare_chain(reports: int = 1000, seed: int = 2026) -> dict:
    bare = bare_chain.run(reports)
    print(f"  bare chain: {bare['reports_per_second']} reports/s ({bare['drain_seconds']} s)", flush=True)
    platform = drain.run(reports, seed)
    print(f"  platform drain: {platform['reports_per_second']} reports/s ({platform['drain_seconds']} s)", flush=True)
    return {
        "reports": reports,
        "bare_chain": bare,
        "platform": platform,
        "ratio": round(platform["reports_per_second"] / bare["reports_per_second"], 3),
        # The same comparison in CPU: the bare chain's processes' CPU seconds over the platform's,
        # for 1,000 reports each (the broker's CPU in neither). Steadier than the wall-clock ratio
        # on a shared machine, where the two runs see different neighbours.
        "cpu_ratio": round(sum(bare["cpu_seconds"].values()) / max(0.01, sum(platform["cpu_seconds"].values())), 3),
    }


# -- the five services ----------------------------------------------------------------------------
class Platform:
    """The five services as real processes on a vhost of their own, stopped by pid, vhost deleted."""

    def __init__(self) -> None:
        self.vhost = f"wuying-pipe-{uuid.uuid4().hex[:8]}"
        self.quoted = urllib.parse.quote(self.vhost, safe="")
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{self.quoted}"
        self.secret = secrets.token_urlsafe(32)
        self.ports = {svc: free_port() for svc in SERVICES}
        self.procs: dict[str, subprocess.Popen] = {}

    def __enter__(self) -> Platform:
        management("PUT", f"/vhosts/{self.quoted}")
        management("PUT", f"/permissions/{self.quoted}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
        env = dict(
            os.environ,
            AMQP_URI=self.amqp_uri,
            WUYING_JWT_SECRET=self.secret,
            LOG_LEVEL="WARNING",
            WUYING_INTAKE_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode(),
            # receipt codes as HMAC-SHA256 (as deployed); without it intake falls back to scrypt
            WUYING_INTAKE_RECEIPT_KEYS="r1:" + base64.b64encode(os.urandom(32)).decode(),
            # one client sends everything here: the per-client limit (10/3600) would refuse it
            INTAKE_RATE_LIMIT_REPORTS="1000000/1",
        )
        for svc, port in self.ports.items():
            env[f"{svc.upper()}_HTTP_ADDRESS"] = f"127.0.0.1:{port}"
        try:
            for svc, cls in SERVICES.items():
                self.procs[svc] = subprocess.Popen(
                    [
                        str(BIN / "nameko"),
                        "run",
                        "--config",
                        f"services/{svc}/config.yml",
                        f"wuying_{svc}.service:{cls}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            for svc, port in self.ports.items():
                wait(f"{svc} to be healthy", lambda port=port: healthy(port), 90)
            expected = drain.handler_queues(SERVICES)
            wait("every event handler's queue to be consumed", lambda: consumers_ready(self.amqp_uri, expected), 180)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        management("DELETE", f"/vhosts/{self.quoted}")

    def queues(self) -> list[str]:
        return [q["name"] for q in management("GET", f"/queues/{self.quoted}")]

    def register_demo(self, seed: int):
        """The demo province in archive's registry, known to risk and archive (as drain.py does)."""
        province = drain.generate(seed)
        token = issue_token(self.secret, "bench-operator", ["operator"], ["130000"])
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.ports['archive']}/api/v1/registry",
            data=json.dumps({"units": province.units_json(), "officials": province.officials_json()}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=120).read()
        n = len(province.officials)
        wait("risk to receive the officials", lambda: consumed(self.ports["risk"], "risk") >= n, 180)
        wait("archive to record the registrations", lambda: consumed(self.ports["archive"], "archive") >= n, 300)
        return province


def healthy(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200
    except OSError:
        return False


def depths(amqp_uri: str, names: list[str]) -> dict[str, int]:
    found = {}
    with Connection(amqp_uri) as conn:
        for name in names:
            try:
                found[name] = conn.channel().queue_declare(queue=name, passive=True).message_count
            except Exception:  # a queue gone (auto-delete) closes its channel: skip it
                pass
    return found


class Sampler(threading.Thread):
    """The depth of every queue of the vhost (but the probe) once a second, until stopped."""

    def __init__(self, platform: Platform, probe: str, started: float) -> None:
        super().__init__(daemon=True)
        self.platform, self.probe, self.started = platform, probe, started
        self.samples: list[tuple[float, int, int]] = []  # (seconds, platform queues' depth, probe depth)
        self.stopping = threading.Event()

    def run(self) -> None:
        names = self.platform.queues()
        while not self.stopping.is_set():
            found = depths(self.platform.amqp_uri, names)
            probe = found.pop(self.probe, 0)
            self.samples.append((time.monotonic() - self.started, sum(found.values()), probe))
            self.stopping.wait(1.0)


# -- (c) ------------------------------------------------------------------------------------------
#: what a portal reporter writes about an official (the name and unit filled in per report)
CONTENTS = (
    "{name}长期在工作日中午饮酒，并多次公车私用接送家人。",
    "{name}在项目招标中指定施工单位，涉嫌围标串标，请组织核查。",
    "{name}违规收受管理服务对象礼金，逢年过节由下属代收。",
    "{name}以虚列会议费方式套取资金，用于单位聚餐和发放补贴。",
)


class Poster:
    """POSTs on one keep-alive connection; a failed request reopens it."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def post(self, path: str, body: bytes, headers: dict) -> tuple[str, bytes]:
        try:
            self.conn.request("POST", path, body=body, headers=headers)
            response = self.conn.getresponse()
            return str(response.status), response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            return type(error).__name__, b""


def portal_bodies(province, count: int, seed: int) -> list[bytes]:
    """Anonymous portal reports about the province's officials, by name, in their counties."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        official = rng.choice(province.officials)
        report = dict(
            ANONYMOUS,
            county=official.county,
            content=rng.choice(CONTENTS).format(name=official.name),
            subjects=[{"kind": "official", "name": official.name, "unit_name": official.unit_id}],
        )
        bodies.append(json.dumps(report, ensure_ascii=False).encode())
    return bodies


def sustained_intake(
    platform: Platform, province=None, rate: float = 200, seconds: float = 120, workers: int = 40, seed: int = 2026
) -> dict:
    port = platform.ports["intake"]
    probe_name = f"bench-received-{uuid.uuid4().hex[:6]}"
    intake_events = Exchange("intake.events", type="topic", durable=True)
    with Connection(platform.amqp_uri) as conn:
        Queue(probe_name, exchange=intake_events, routing_key="petition.received", durable=True)(
            conn.default_channel
        ).declare()
    published_before = metric_sum(port, "wuying_intake_events_published_total", type=RECEIVED)
    bodies = portal_bodies(province or drain.generate(seed), 997, seed)
    total = int(rate * seconds)
    counter = itertools.count()
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    accepted_ids: list[str] = []
    lock = threading.Lock()
    intake_pid = platform.procs["intake"].pid
    cpu_before, busy_before, client_before = cpu_seconds(intake_pid), machine_busy(), time.process_time()
    started = time.monotonic()
    hard_stop = started + seconds + 15
    sampler = Sampler(platform, probe_name, started)
    sampler.start()

    def worker() -> None:
        poster = Poster(port, 30)
        while True:
            i = next(counter)
            if i >= total:
                break
            due = started + i / rate
            now = time.monotonic()
            if now > hard_stop:
                break
            if due > now:
                time.sleep(due - now)
            t0 = time.monotonic()
            status, raw = poster.post("/api/v1/reports", bodies[i % len(bodies)], {"Content-Type": "application/json"})
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(time.monotonic() - t0)
                if status == "201":
                    accepted_ids.append(json.loads(raw)["petition_id"])
        poster.conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, hard_stop + 30 - time.monotonic()))
    sent_seconds = time.monotonic() - started
    accepted = statuses.get("201", 0)
    sent = sum(statuses.values())
    # Where the time went while sending: intake's own CPU (per accepted report, and the share of
    # one core 200/s would need), this load generator's, and how busy the whole machine was.
    intake_cpu, client_cpu = cpu_seconds(intake_pid) - cpu_before, time.process_time() - client_before
    busy_after = machine_busy()
    busy = (busy_after[0] - busy_before[0]) / max(1.0, busy_after[1] - busy_before[1])

    def published() -> float:
        return metric_sum(port, "wuying_intake_events_published_total", type=RECEIVED) - published_before

    deadline = time.monotonic() + 300
    while published() < accepted and time.monotonic() < deadline:
        time.sleep(0.5)
    all_published = time.monotonic() - started
    quiet_deadline = time.monotonic() + 60
    while time.monotonic() < quiet_deadline and (not sampler.samples or sampler.samples[-1][1] > 0):
        time.sleep(1)
    sampler.stopping.set()
    sampler.join(timeout=10)
    probe_count = depths(platform.amqp_uri, [probe_name]).get(probe_name, 0)
    during = [depth for t, depth, _ in sampler.samples if t <= sent_seconds]
    probe_during = [p for t, _, p in sampler.samples if t <= sent_seconds]
    half = len(during) // 2
    latencies.sort()
    return {
        "target_per_second": rate,
        "seconds": seconds,
        "sent": sent,
        "statuses": statuses,
        "send_seconds": round(sent_seconds, 2),
        "achieved_per_second": round(sent / sent_seconds, 1),
        "accepted_per_second": round(accepted / sent_seconds, 1),
        "http_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
        "http_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1) if latencies else None,
        "intake_cpu_seconds": round(intake_cpu, 2),
        "intake_cpu_ms_per_report": round(intake_cpu / accepted * 1000, 2) if accepted else None,
        "client_cpu_seconds": round(client_cpu, 2),
        "machine_busy": round(busy, 3),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "received_published": int(published()),
        "received_on_broker": probe_count,
        "all_published_after_seconds": round(all_published, 2),
        "max_queue_depth": max(during, default=0),
        "max_queue_depth_after": max((d for _, d, _ in sampler.samples), default=0),
        "depth_first_half_max": max(during[:half], default=0),
        "depth_second_half_max": max(during[half:], default=0),
        "probe_series": probe_during[::5],  # petition.received on the broker, every 5 s
        "depth_series": during[::5],
        "to_archive": triage_to_archive(platform, accepted_ids),
    }


def triage_to_archive(platform: Platform, petition_ids: list[str], workers: int = 20) -> dict:
    """A clerk triages every accepted report (``case_clue``: no registry check, the report goes
    on to case handling); archive must consume one ``petition.triaged`` for each."""
    intake, archive = platform.ports["intake"], platform.ports["archive"]
    before = metric_sum(archive, "wuying_archive_events_consumed_total", type=TRIAGED)
    tokens: dict[str, str] = {}
    queue = list(petition_ids)
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    body = json.dumps(
        {"outcome": "case_clue", "severity": "medium", "subjects": [], "note": "基准测试：移送审查调查"},
        ensure_ascii=False,
    ).encode()
    started = time.monotonic()

    def worker() -> None:
        poster = Poster(intake, 60)
        while True:
            with lock:
                if not queue:
                    break
                petition_id = queue.pop()
            county = petition_id[2:8]
            with lock:
                token = tokens.get(county) or tokens.setdefault(
                    county, issue_token(platform.secret, "bench-clerk", ["intake_clerk"], [county])
                )
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            status, _ = poster.post(f"/api/v1/reports/{petition_id}/triage", body, headers)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        poster.conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    triage_seconds = time.monotonic() - started
    triaged = statuses.get("200", 0)

    def reached() -> float:
        return metric_sum(archive, "wuying_archive_events_consumed_total", type=TRIAGED) - before

    deadline = time.monotonic() + 900
    while reached() < triaged and time.monotonic() < deadline:
        time.sleep(1)
    return {
        "triaged": triaged,
        "statuses": statuses,
        "triage_per_second": round(triaged / triage_seconds, 1) if triage_seconds else None,
        "reached_archive": int(reached()),
        "all_in_archive_after_seconds": round(time.monotonic() - started, 2),
    }


# -- (d) ------------------------------------------------------------------------------------------
def latency_to_archive(platform: Platform, province, rate: float = 100, seconds: float = 20, sample: int = 200):
    archive = platform.ports["archive"]
    before = metric_sum(archive, "wuying_archive_events_consumed_total", type=TRIAGED)
    rng = random.Random(2026)
    exchange = Exchange("intake.events", type="topic", durable=True)
    total = int(rate * seconds)
    sent: list[tuple[str, str, datetime]] = []  # (event id, county, publish time)
    with Connection(platform.amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        started = time.monotonic()
        for i in range(total):
            due = started + i / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            moment = datetime.now(UTC)
            envelope = triaged(rng.choice(province.officials), moment, rng)
            envelope["time"] = rfc3339(moment)
            producer.publish(envelope, exchange=exchange, routing_key="petition.triaged", declare=[exchange])
            sent.append((envelope["id"], envelope["county"], moment))
        publish_seconds = time.monotonic() - started

    def recorded() -> float:
        return metric_sum(archive, "wuying_archive_events_consumed_total", type=TRIAGED) - before

    deadline = time.monotonic() + 900
    while recorded() < total and time.monotonic() < deadline:
        time.sleep(1)
    archive_done = time.monotonic() - started

    picked = sent[:: max(1, total // sample)][:sample]
    counties = sorted({county for _, county, _ in picked})
    token = issue_token(platform.secret, "bench-auditor", ["auditor"], counties)
    recorded_at: dict[str, datetime] = {}
    for county in counties:
        after = ""
        while True:
            query = urllib.parse.urlencode(
                {"county": county, "purpose": "基准测试延迟", "limit": 50000, "after": after}
            )
            request = urllib.request.Request(
                f"http://127.0.0.1:{archive}/api/v1/audit/export?{query}",
                headers={"Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                lines = response.read().decode().splitlines()
                after = response.headers.get("X-Next-After") or ""
            for line in lines:
                entry = json.loads(line)
                if entry.get("source_event_type") == TRIAGED and entry.get("recorded_at"):
                    recorded_at[entry["source_event_id"]] = datetime.fromisoformat(entry["recorded_at"]).replace(
                        tzinfo=UTC
                    )
            if not after:
                break
    ms = sorted(
        (recorded_at[event_id] - moment).total_seconds() * 1000
        for event_id, _, moment in picked
        if event_id in recorded_at
    )

    def pct(p: float) -> float | None:
        return round(ms[min(len(ms) - 1, int(round(p * (len(ms) - 1))))], 1) if ms else None

    return {
        "rate_per_second": rate,
        "seconds": seconds,
        "published": total,
        "publish_seconds": round(publish_seconds, 2),
        "archive_consumed": int(recorded()),
        "archive_done_after_seconds": round(archive_done, 2),
        "sample": len(picked),
        "found": len(ms),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(ms[-1], 1) if ms else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-drain", action="store_true", help="only (c) and (d)")
    parser.add_argument(
        "--only",
        choices=("drain", "intake", "latency"),
        action="append",
        help="run only this part (b, c or d); may be repeated",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reports", type=int, default=1000, help="(b) the backlog of triaged reports drained")
    parser.add_argument("--intake-rate", type=float, default=200, help="(c) portal reports a second")
    parser.add_argument("--intake-seconds", type=float, default=120, help="(c) how long the load lasts")
    args = parser.parse_args(argv)
    parts = set(args.only or ("drain", "intake", "latency"))
    if args.skip_drain:
        parts.discard("drain")
    results: dict = {}
    if "drain" in parts:
        print(f"(b) drain of {args.reports:,} triaged reports against the bare chain", flush=True)
        results["drain"] = b = drain_against_bare_chain(args.reports, args.seed)
        print(
            f"platform {b['platform']['reports_per_second']} reports/s, bare chain "
            f"{b['bare_chain']['reports_per_second']} reports/s: ratio {b['ratio']} (goal ≥ 0.8); CPU seconds "
            f"bare {sum(b['bare_chain']['cpu_seconds'].values()):.2f}, platform "
            f"{sum(b['platform']['cpu_seconds'].values()):.2f}: CPU ratio {b['cpu_ratio']}",
            flush=True,
        )
    if parts & {"intake", "latency"}:
        with Platform() as platform:
            province = platform.register_demo(args.seed)
            if "intake" in parts:
                print(
                    f"(c) sustained intake, {args.intake_rate:g} reports/s over HTTP for {args.intake_seconds:g} s",
                    flush=True,
                )
                results["intake"] = c = sustained_intake(
                    platform, province, args.intake_rate, args.intake_seconds, seed=args.seed
                )
                flat = c["depth_second_half_max"] <= max(50, c["depth_first_half_max"])
                c["depth_flat"] = flat
                print(
                    f"sent {c['sent']} in {c['send_seconds']} s: {c['achieved_per_second']}/s (statuses "
                    f"{c['statuses']}; HTTP p50 {c['http_p50_ms']} ms, p99 {c['http_p99_ms']} ms); "
                    f"petition.received published {c['received_published']}, on the broker "
                    f"{c['received_on_broker']}, all after {c['all_published_after_seconds']} s; max queue depth "
                    f"{c['max_queue_depth']} ({'flat' if flat else 'growing'}; series {c['depth_series']}; "
                    f"relay probe {c['probe_series']}); intake CPU {c['intake_cpu_seconds']} s "
                    f"({c['intake_cpu_ms_per_report']} ms a report), this client's {c['client_cpu_seconds']} s, "
                    f"machine busy {c['machine_busy']:.0%}, load {c['load_average']}",
                    flush=True,
                )
                a = c["to_archive"]
                print(
                    f"triaged {a['triaged']} of {c['statuses'].get('201', 0)} accepted ({a['triage_per_second']}/s, "
                    f"statuses {a['statuses']}); archive consumed {a['reached_archive']} petition.triaged, all after "
                    f"{a['all_in_archive_after_seconds']} s",
                    flush=True,
                )
            if "latency" in parts:
                print("(d) report → archive latency at 100 triaged reports/s for 20 s", flush=True)
                results["latency"] = d = latency_to_archive(platform, province)
                print(
                    f"archive recorded {d['archive_consumed']}/{d['published']} after "
                    f"{d['archive_done_after_seconds']} s; sample {d['found']}/{d['sample']}: p50 {d['p50_ms']} ms, "
                    f"p99 {d['p99_ms']} ms (goal p99 ≤ 30 ms)",
                    flush=True,
                )
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
