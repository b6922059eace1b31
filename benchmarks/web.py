"""The web front ends: first-load JavaScript of the console and the province dashboard with 100
counties, in Debian's chromium (printed, never asserted; targets ≤ 1 MB and ≤ 2 s).

    .venv/bin/python -m benchmarks.web

Runs without eventlet (Playwright's sync API does not mix with it) and without the services: a
stub per service answers the read endpoints the pages use (lists for the worklists; warning's and
intake's statistics, inspection's coverage and the quarterly report for the dashboard) with a
synthetic province of 100 counties, behind the real gateway, so the numbers measure the front
end, the gateway and the browser.

    .venv/bin/python -m benchmarks.web --province [DIR] [--scale S]

The same measures against the real services (issue 14 item 7): the five services of
``pipeline.Platform`` with the simulated province (seed 7, 100 counties) loaded and drained as
``benchmarks.province`` does (``province.loaded``; ``DIR`` a generated province, else one is
generated at ``--scale``, default 1.0), the gateway's upstreams pointed at them, signed in as a
province-level role (130000).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "web" / "gateway"))

from wuying_gateway.__main__ import QuietHandler  # noqa: E402
from wuying_gateway.app import Gateway, GatewayConfig, division_names  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGET_JS_BYTES = 1024 * 1024
TARGET_DASHBOARD_SECONDS = 2.0
#: Draws of the province dashboard measured (the median is printed; the machine is shared).
DASHBOARD_RUNS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def province(counties: int = 100) -> dict[str, str]:
    """130000 with 10 cities of 10 counties: codes 13CC01…13CC10."""
    divisions = {"130000": "模拟省"}
    for c in range(counties // 10):
        city = f"13{c + 1:02d}00"
        divisions[city] = f"模拟市{c + 1}"
        for k in range(10):
            divisions[f"13{c + 1:02d}{k + 1:02d}"] = f"模拟县{c + 1}-{k + 1}"
    return divisions


def parent_of(code: str) -> str:
    """A division's parent by the GB/T 2260 structure ("" for the province)."""
    if code.endswith("0000"):
        return ""
    return code[:2] + "0000" if code.endswith("00") else code[:4] + "00"


def stub_services(service: str, seed: int = 2026, counties: int = 100):
    """One service's read endpoints (``service``: its paths are the same under every service,
    ``/api/v1/statistics`` is intake's and warning's) over a synthetic province: a few
    warnings, reports and plans per county, the same whichever way they are asked. A city or
    province code in ``county`` rolls up the way the services do (issue 9 item 5): warnings,
    reports and the quarterly report merge every county under it (lists newest first, then cut
    to ``limit``; reports paged by ``offset``), intake's and warning's statistics answer the
    whole scope and each county under ``counties`` (the dashboard's counts: live warnings by
    level, overdue reports and warnings, working days to closure), plans match the county
    exactly (no roll-up), and coverage counts by county and city for a region (``units=false``:
    no attention list)."""
    divisions = province(counties)
    today = (datetime.now(UTC) + timedelta(hours=8)).date().isoformat()  # deadlines are Beijing dates

    def under(code: str) -> list[str]:
        if code.endswith("0000"):
            prefix = code[:2]
        elif code.endswith("00"):
            prefix = code[:4]
        else:
            return [code]
        return sorted(c for c in divisions if not c.endswith("00") and c.startswith(prefix))

    def rng_for(county: str, what: str) -> random.Random:
        return random.Random(f"{seed}:{county}:{what}")

    @functools.cache
    def warnings(county):
        rng = rng_for(county, "warnings")
        return [
            {
                "id": f"{county}-W{i}",
                "county": county,
                "official_id": f"{county}-O{i:05d}",
                "unit_id": f"{county}-U01",
                "level": rng.choice((1, 2, 3, 3, 3)),
                "colour": "",
                "status": rng.choice(("proposed", "issued", "answered", "rectifying", "lifted")),
                "answer_due": "2026-11-01",
                "fix_due": "2026-12-01",
                "trigger": "t",
                "trigger_zh": rng.choice(("财务账目管理混乱", "重大决策未进行风险评估", "廉政风险画像分值达到阈值")),
                "proposed_at": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00",
            }
            for i in range(rng.randint(0, 12))
        ]

    @functools.cache
    def reports(county):
        rng = rng_for(county, "reports")
        return [
            {
                "petition_id": f"XF{county}-{i}",
                "county": county,
                "status": "received",
                "received_at": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00",
                "deadlines": [
                    {"key": "acknowledge", "due": rng.choice(("2026-10-01", "2027-01-01")), "label_zh": "受理告知"}
                ],
            }
            for i in range(rng.randint(0, 20))
        ]

    @functools.cache
    def closures(county):
        """Working days from receipt to closure of the county's closed reports."""
        rng = rng_for(county, "closures")
        return [rng.randint(5, 40) for _ in range(rng.randint(0, 10))]

    @functools.cache
    def plans(county):
        rng = rng_for(county, "plans")
        return [
            {
                "plan_id": f"{county}-U{u}:2026",
                "county": county,
                "unit_id": f"{county}-U{u}",
                "year": 2026,
                "rounds": [
                    {"round": 1, "completed_on": "2026-05-01" if rng.random() < 0.8 else None},
                    {"round": 2, "completed_on": "2026-09-01" if rng.random() < 0.3 else None},
                ],
            }
            for u in range(rng.randint(0, 10))
        ]

    @functools.cache
    def quarterly(county):
        rng = rng_for(county, "quarterly")
        return [
            (rng.choice(("red", "yellow", "blue", "blue")), rng.choice(("a", "b", "c")))
            for _ in range(rng.randint(0, 6))
        ]

    def warning_tally(county):
        """A county's row of warning ``statistics``: live = not lifted/revoked/rejected/
        superseded; overdue = issued past its answer date or rectifying past its fix date."""
        live = [w for w in warnings(county) if w["status"] not in ("lifted", "revoked", "rejected", "superseded")]
        return {
            "county": county,
            "live": len(live),
            "by_level": {str(lv): sum(1 for w in live if w["level"] == lv) for lv in (1, 2, 3)},
            "overdue": sum(
                1
                for w in live
                if (w["status"] == "issued" and w["answer_due"] < today)
                or (w["status"] == "rectifying" and w["fix_due"] < today)
            ),
        }

    trigger_labels = {"a": "财务账目管理混乱", "b": "重大决策未进行风险评估", "c": "廉政风险画像分值达到阈值"}

    def limit_of(request: Request, default: int, most: int) -> int:
        limit = int(request.args.get("limit", default))
        if not 1 <= limit <= most:
            raise ValueError(f"limit must be 1..{most}")
        return limit

    def answer(request: Request):
        path, code = request.path, request.args.get("county", "")
        counties = under(code)
        try:
            if path.endswith("/warnings"):
                limit = limit_of(request, 100, 1000)
                status, level = request.args.get("status"), request.args.get("level")
                found = [
                    w
                    for c in counties
                    for w in warnings(c)
                    if (not status or w["status"] == status) and (not level or w["level"] == int(level))
                ]
                found.sort(key=lambda w: w["id"])
                found.sort(key=lambda w: w["proposed_at"], reverse=True)
                body = found[:limit]
            elif path.endswith("/reports"):
                limit, offset = limit_of(request, 100, 500), int(request.args.get("offset", 0))
                found = [r for c in counties for r in reports(c)[: offset + limit]]
                found.sort(key=lambda r: r["petition_id"])
                found.sort(key=lambda r: r["received_at"], reverse=True)
                body = found[offset : offset + limit]
            elif path.endswith("/worklist"):  # warning's: bounded sections, most urgent first
                limit = limit_of(request, 50, 200)
                every = [w for c in counties for w in warnings(c)]

                def section(statuses, order):
                    found = sorted((w for w in every if w["status"] in statuses), key=lambda w: (w[order], w["id"]))
                    items = [dict(w, warning_id=w["id"]) for w in found[:limit]]
                    return {"items": items, "truncated": len(found) > limit}

                body = {
                    "counties": counties,
                    "limit": limit,
                    "awaiting_approval": section(("proposed",), "proposed_at"),
                    "awaiting_answer": section(("issued",), "answer_due"),
                    "awaiting_rectification": section(("rectifying",), "fix_due"),
                    "awaiting_revisit": section(("rectified",), "proposed_at"),
                    "awaiting_lifting": section(("revisited",), "proposed_at"),
                    "reports_pending_verification": {"items": [], "truncated": False},
                    "organisational_handling": {"items": [], "truncated": False},
                }
            elif path.endswith("/statistics") and service == "warning":
                rows = [warning_tally(c) for c in counties]
                body = {
                    "county": code,
                    "as_of": today,
                    "live": sum(r["live"] for r in rows),
                    "by_level": {lv: sum(r["by_level"][lv] for r in rows) for lv in ("1", "2", "3")},
                    "overdue": sum(r["overdue"] for r in rows),
                    "counties": rows,
                }
            elif path.endswith("/statistics"):

                def durations(days):
                    return {"average": round(sum(days) / len(days), 1) if days else None, "count": len(days)}

                def overdue(county):
                    return sum(1 for r in reports(county) if r["deadlines"][0]["due"] < today)

                body = {
                    "county": code,
                    "total": sum(len(reports(c)) for c in counties),
                    "overdue": sum(overdue(c) for c in counties),
                    "working_days_to_closure": durations([d for c in counties for d in closures(c)]),
                    "counties": [
                        {
                            "county": c,
                            "total": len(reports(c)),
                            "overdue": overdue(c),
                            "working_days_to_closure": durations(closures(c)),
                        }
                        for c in counties
                    ],
                }
            elif path.endswith("/plans"):
                # Exact county match: a city or province code finds no plans.
                limit = limit_of(request, 200, 1000)
                body = plans(code)[:limit] if code in divisions and not code.endswith("00") else []
            elif path.endswith("/quarterly"):
                rows = [row for c in counties for row in quarterly(c)]
                by_trigger: dict[str, int] = {}
                for _, trigger in rows:
                    by_trigger[trigger] = by_trigger.get(trigger, 0) + 1
                body = {
                    "county": code,
                    "total": len(rows),
                    "by_level": {lv: sum(1 for level, _ in rows if level == lv) for lv in ("red", "yellow", "blue")},
                    "by_trigger": [
                        {"code": t, "label": trigger_labels[t], "count": n}
                        for t, n in sorted(by_trigger.items(), key=lambda kv: (-kv[1], kv[0]))
                    ],
                }
            elif path.endswith("/coverage"):
                region = request.args.get("region", "")

                def tally(code, units):
                    done = sum(1 for p in units if all(r.get("completed_on") for r in p["rounds"]))
                    return {
                        "code": code,
                        "units": len(units),
                        "done": done,
                        "planned": len(units) - done,
                        "overdue": 0,
                        "missed": 0,
                        "unplanned": 0,
                        "coverage": round(done / len(units), 4) if units else 0.0,
                    }

                by_county = {c: plans(c) for c in under(region)}
                by_city: dict[str, list] = {}
                for c, found in by_county.items():
                    by_city.setdefault(c[:4] + "00", []).extend(found)
                body = {
                    "region": region,
                    "year": int(request.args.get("year", 2026)),
                    "total": tally(region, [p for found in by_county.values() for p in found]),
                    "cities": [tally(c, by_city[c]) for c in sorted(by_city)],
                    "counties": [tally(c, by_county[c]) for c in sorted(by_county)],
                    "units": [],  # the attention list; the dashboard asks units=false
                }
            else:
                body = []
        except ValueError as exc:
            error = {"error": {"code": "validation_failed", "message": str(exc)}}
            return Response(json.dumps(error), status=400, mimetype="application/json")
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")

    return Request.application(answer)


def serve(app, port: int):
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def compressed_size(url: str) -> int:
    response = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    return len(response.raw.read(decode_content=False))


@contextlib.contextmanager
def stub_upstreams():
    """The stub's province, a stub per service: yields (upstream URLs, the divisions file as the
    services read it, JWT secret)."""
    stubs = {svc: (serve(stub_services(svc), port), port) for svc, port in ((s, free_port()) for s in SERVICES)}
    try:
        with tempfile.TemporaryDirectory(prefix="wuying-web-stub-") as tmp:
            divisions_file = Path(tmp) / "divisions.json"
            rows = [{"code": c, "name": n, "parent": parent_of(c)} for c, n in province(100).items()]
            divisions_file.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
            urls = {svc: f"http://127.0.0.1:{port}" for svc, (_, port) in stubs.items()}
            yield urls, divisions_file, "bench-" + str(random.random())
    finally:
        for stub, _ in stubs.values():
            stub.shutdown()


@contextlib.contextmanager
def province_upstreams(directory: Path | None, scale: float):
    """The real services holding the simulated province (``benchmarks.province.loaded``):
    yields (upstream URLs, the province's ``divisions.json``, the services' JWT secret). The
    gateway serves the same file the services read (``WUYING_DIVISIONS_FILE``)."""
    from benchmarks import province as bench_province
    from wuying_tools import simulator

    with tempfile.TemporaryDirectory(prefix="wuying-web-province-") as tmp:
        directory = directory or Path(tmp)
        if not (directory / "manifest.json").exists():
            manifest = simulator.generate(7, directory, scale=scale, progress=lambda s: print(f"  {s}"))
            print(f"  province generated in {manifest['seconds']} s (scale {scale})", flush=True)
        with bench_province.loaded(directory) as (platform, _):
            urls = {svc: f"http://127.0.0.1:{port}" for svc, port in platform.ports.items()}
            print(f"  load average {bench_province.load_average()}", flush=True)
            yield urls, directory / "divisions.json", platform.secret
            print(f"  load average {bench_province.load_average()}", flush=True)


SERVICES = ("intake", "risk", "warning", "inspection", "archive")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--province",
        nargs="?",
        const=True,
        default=None,
        metavar="DIR",
        help="against the real services holding the simulated province (DIR: a generated one)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="the simulated province's scale (with --province)")
    args = parser.parse_args(argv)
    if args.province is None:
        upstreams = stub_upstreams()
    else:
        upstreams = province_upstreams(None if args.province is True else Path(args.province), args.scale)
    with upstreams as (urls, divisions_file, secret):
        measure(urls, divisions_file, secret, "real services, simulated province" if args.province else "stub")


def answered(durations: dict[str, list[float]], request) -> None:
    """Note an API request's time to its response's end under its path (query left off)."""
    if "/api/" in request.url:
        path = request.url.split("?")[0].split("/api/", 1)[1]
        durations.setdefault(path, []).append(request.timing["responseEnd"])


def measure(urls: dict[str, str], divisions_file: Path, secret: str, label: str) -> None:
    """Console first load and the province dashboard behind the real gateway, its upstreams at
    ``urls``, serving ``divisions_file`` (``WUYING_DIVISIONS_FILE``) as /divisions.json, signing
    tokens with ``secret``."""
    from playwright.sync_api import sync_playwright

    dist = ROOT / "web" / "console" / "dist"
    if not (dist / "index.html").exists():
        sys.exit("web/console is not built: cd web/console && npm ci && npm run build")
    divisions = division_names(divisions_file)
    gateway_port = free_port()
    env = {f"WUYING_{s.upper()}_URL": urls[s] for s in SERVICES}
    env.update(WUYING_DEV_SIGNIN="1", WUYING_JWT_SECRET=secret, WUYING_DIVISIONS_FILE=str(divisions_file))
    gateway = serve(Gateway(GatewayConfig.from_env("console", str(dist), env)), gateway_port)
    base = f"http://127.0.0.1:{gateway_port}"
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            scripts: list[str] = []
            page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)

            # First load: the sign-in page, then the worklists after signing in.
            page.goto(base + "/signin")
            page.get_by_label("角色").select_option("commission_leader")
            page.get_by_label("管辖地区").select_option("130000")
            page.get_by_role("button", name="登录").click()
            page.wait_for_url("**/today")
            page.wait_for_load_state("networkidle")
            first = sorted(set(scripts))
            first_bytes = sum(compressed_size(u) for u in first)
            print(
                f"{'web: console first load (sign-in + worklists), gzip JS':55s} {first_bytes / 1024:9.1f} KiB "
                f"in {len(first)} files  (target ≤ {TARGET_JS_BYTES // 1024} KiB)"
            )

            times, requests_made, today_times = [], [], []
            for _ in range(DASHBOARD_RUNS):
                api_calls: list[str] = []
                page.on("request", lambda r, calls=api_calls: calls.append(r.url) if "/api/" in r.url else None)
                today_paths: dict[str, list[float]] = {}  # the last run's, printed
                on_today = functools.partial(answered, today_paths)
                page.on("requestfinished", on_today)
                started = time.perf_counter()  # 今日工作: the worklists of a province's leader
                page.goto(base + "/today")
                page.get_by_test_id("worklist-warnings-approve").wait_for(timeout=60000)
                page.wait_for_load_state("networkidle")
                today_times.append(time.perf_counter() - started)
                page.remove_listener("requestfinished", on_today)
                durations: dict[str, list[float]] = {}  # API path -> ms to the response's end
                page.on("requestfinished", lambda r, d=durations: answered(d, r))
                started = time.perf_counter()
                before_click = len(api_calls)  # the worklists' own reads are not the dashboard's
                page.get_by_role("link", name="统计分析").click()
                page.locator('[data-rendered="true"]').nth(5).wait_for(timeout=60000)
                page.wait_for_function(
                    "() => document.querySelectorAll('[data-rendered=\"true\"]').length === 6"
                    " && !document.querySelector('.el-loading-mask')",
                    timeout=60000,
                )
                times.append(time.perf_counter() - started)
                requests_made.append((len(api_calls) - before_click, len(api_calls)))
            dashboard_js = sorted(set(scripts) - set(first))
            dashboard_bytes = sum(compressed_size(u) for u in dashboard_js)
            print(
                f"{'web: dashboard chunk (ECharts), loaded on demand, gzip JS':55s} {dashboard_bytes / 1024:9.1f} KiB "
                f"in {len(dashboard_js)} files"
            )
            counties = sum(1 for c in divisions if not c.endswith("00"))
            print(
                f"{'web: province dashboard, ' + str(counties) + ' counties, click to 6 charts':55s} "
                f"median {statistics.median(times):6.2f} s  (runs {', '.join(f'{t:.2f}' for t in times)}; "
                f"{requests_made[-1][0]} API requests to draw, {requests_made[-1][1]} with /today; "
                f"target ≤ {TARGET_DASHBOARD_SECONDS} s; {label})"
            )
            print(
                f"{'web: 今日工作 (/today), commission_leader of the province':55s} "
                f"median {statistics.median(today_times):6.2f} s  (runs {', '.join(f'{t:.2f}' for t in today_times)}; "
                f"{requests_made[-1][1] - requests_made[-1][0]} API requests; {label})"
            )
            for path, ms in sorted(today_paths.items(), key=lambda kv: -sum(kv[1])):
                print(f"  {path:45s} {len(ms):4d}  {statistics.median(ms):8.0f} / {max(ms):8.0f}")
            print("web: the last draw's API requests by path: count, median / max ms")
            for path, ms in sorted(durations.items(), key=lambda kv: -sum(kv[1])):
                print(f"  {path:45s} {len(ms):4d}  {statistics.median(ms):8.0f} / {max(ms):8.0f}")
            shot = Path(tempfile.gettempdir()) / "wuying-bench-dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"web: screenshot {shot}; page errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors))
            browser.close()
    finally:
        gateway.shutdown()


if __name__ == "__main__":
    main()
