"""``GET /api/v1/coverage`` at province scope (issue 14 item 7): printed, never asserted.

One inspection service (``nameko run``, embedded store, a throw-away vhost) started with the
simulated province's divisions (seed 7, 100 counties); the province's units (50,000 at full
size, 29,000 of the campaign kinds) registered through the bulk path the province loader uses
(``POST /api/v1/units`` in batches of 5,000), ``--plans`` of them with a plan for the year
(``POST /api/v1/plans``, spread over the counties); then the route timed for the province, a
city and a county, with the attention list (the default) and without (``units=false``).

    .venv/bin/python -m benchmarks.inspection_coverage [--scale 1.0] [--plans 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from benchmarks.drain import BIN, ROOT, free_port, management, wait
from wuying_common.auth import issue_token
from wuying_tools import simulator

YEAR = 2026


def call(port: int, token: str, method: str, path: str, body=None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    p = simulator.plan(7, scale=args.scale)
    units = list(simulator.units(p))
    vhost = f"wuying-cov-{uuid.uuid4().hex[:8]}"
    quoted = urllib.parse.quote(vhost, safe="")
    secret, port = "bench-" + uuid.uuid4().hex, free_port()
    with tempfile.TemporaryDirectory(prefix="wuying-coverage-") as tmp:
        divisions = Path(tmp) / "divisions.json"
        divisions.write_text(json.dumps(simulator.divisions(p), ensure_ascii=False), "utf-8")
        management("PUT", f"/vhosts/{quoted}")
        management("PUT", f"/permissions/{quoted}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
        env = dict(
            os.environ,
            AMQP_URI=f"amqp://guest:guest@127.0.0.1:5672/{quoted}",
            WUYING_JWT_SECRET=secret,
            WUYING_DIVISIONS_FILE=str(divisions),
            LOG_LEVEL="WARNING",
            INSPECTION_HTTP_ADDRESS=f"127.0.0.1:{port}",
        )
        proc = subprocess.Popen(
            [
                str(BIN / "nameko"),
                "run",
                "--config",
                "services/inspection/config.yml",
                "wuying_inspection.service:InspectionService",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            run(port, secret, p, units, args)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            management("DELETE", f"/vhosts/{quoted}")


def healthy(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200
    except OSError:
        return False


def run(port: int, secret: str, p, units: list[dict], args) -> None:
    province = p.province[0]
    operator = issue_token(secret, "bench-operator", ["operator"], [province])
    inspector = issue_token(secret, "bench-inspector", ["inspector"], [province])
    leader = issue_token(secret, "bench-leader", ["commission_leader"], [province])
    wait("inspection to be healthy", lambda: healthy(port), 90)
    t0 = time.perf_counter()
    for i in range(0, len(units), 5000):
        status, body = call(port, operator, "POST", "/api/v1/units", {"units": units[i : i + 5000]})
        assert status == 200, body[:300]
    print(f"  {len(units):,} units registered in {time.perf_counter() - t0:.1f} s", flush=True)
    # the plans: every n-th unit of the province (the units are listed county by county)
    step = max(1, len(units) // args.plans) if args.plans else 0
    chosen = units[::step][: args.plans] if step else []
    t0 = time.perf_counter()
    scheduled = sum(
        call(port, inspector, "POST", "/api/v1/plans", {"unit_id": u["id"], "year": YEAR})[0] == 201 for u in chosen
    )
    print(f"  {scheduled:,} plans scheduled in {time.perf_counter() - t0:.1f} s", flush=True)
    county = p.counties[0]
    for region, label in ((province, "province"), (county.city_code, "city"), (county.code, "county")):
        for query in ("", "&units=false"):
            path = f"/api/v1/coverage?region={region}&year={YEAR}{query}"
            times, size, status = [], 0, 0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                status, body = call(port, leader, "GET", path)
                times.append(time.perf_counter() - t0)
                size = len(body)
            print(
                f"  coverage {label:8s} {region} {query or '(default)':13s} HTTP {status} "
                f"median {statistics.median(times) * 1000:8.1f} ms  min {min(times) * 1000:8.1f} ms "
                f"({args.runs} runs, {size:,} bytes)",
                flush=True,
            )


if __name__ == "__main__":
    main()
