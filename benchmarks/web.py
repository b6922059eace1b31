"""The web front ends: first-load JavaScript of the console and the province dashboard with 100
counties, in Debian's chromium (printed, never asserted; targets ≤ 1 MB and ≤ 2 s).

    .venv/bin/python -m benchmarks.web

Runs without eventlet (Playwright's sync API does not mix with it) and without the services: a
stub answers the five services' list endpoints with a synthetic province of 100 counties, behind
the real gateway, so the numbers measure the front end, the gateway and the browser.
"""

from __future__ import annotations

import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "web" / "gateway"))

from wuying_gateway.__main__ import QuietHandler  # noqa: E402
from wuying_gateway.app import Gateway, GatewayConfig  # noqa: E402

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


def stub_services(seed: int = 2026):
    """The five services' list endpoints, answering a few warnings, reports and plans per county."""
    rng = random.Random(seed)

    def warnings(county):
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
                "proposed_at": "2026-10-01T00:00:00",
            }
            for i in range(rng.randint(0, 12))
        ]

    def reports(county):
        return [
            {
                "petition_id": f"XF{county}-{i}",
                "county": county,
                "status": "received",
                "deadlines": [
                    {"key": "acknowledge", "due": rng.choice(("2026-10-01", "2027-01-01")), "label_zh": "受理告知"}
                ],
            }
            for i in range(rng.randint(0, 20))
        ]

    def answer(request: Request):
        path, county = request.path, request.args.get("county", "")
        if path.endswith("/warnings"):
            body = warnings(county)
        elif path.endswith("/reports"):
            body = reports(county)
        elif path.endswith("/statistics"):
            body = {"county": county, "working_days_to_closure": {"average": rng.uniform(5, 40), "count": 10}}
        elif path.endswith("/plans"):
            body = [
                {"plan_id": f"{county}-U{u}:2026", "rounds": [{"round": 1, "completed_on": "2026-05-01"}, {"round": 2}]}
                for u in range(rng.randint(0, 10))
            ]
        elif path.endswith("/quarterly"):
            body = {
                "total": 5,
                "by_level": {"red": 1, "yellow": 1, "blue": 3},
                "by_trigger": [{"code": "a", "label": "财务账目管理混乱", "count": 3}],
            }
        else:
            body = []
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")

    return Request.application(answer)


def serve(app, port: int):
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def compressed_size(url: str) -> int:
    response = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    return len(response.raw.read(decode_content=False))


def main() -> None:
    from playwright.sync_api import sync_playwright

    dist = ROOT / "web" / "console" / "dist"
    if not (dist / "index.html").exists():
        sys.exit("web/console is not built: cd web/console && npm ci && npm run build")
    divisions_file = Path(tempfile.mkdtemp()) / "divisions.json"
    divisions_file.write_text(json.dumps({"divisions": province(100)}, ensure_ascii=False), "utf-8")
    stub_port, gateway_port = free_port(), free_port()
    stub = serve(stub_services(), stub_port)
    env = {
        f"WUYING_{s.upper()}_URL": f"http://127.0.0.1:{stub_port}"
        for s in ("intake", "risk", "warning", "inspection", "archive")
    }
    env.update(
        WUYING_DEV_SIGNIN="1",
        WUYING_JWT_SECRET="bench-" + str(random.random()),
        WUYING_DIVISIONS_FILE=str(divisions_file),
    )
    gateway = serve(Gateway(GatewayConfig.from_env("console", str(dist), env)), gateway_port)
    base = f"http://127.0.0.1:{gateway_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            page = context.new_page()
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

            times, requests_made = [], []
            for _ in range(3):
                api_calls: list[str] = []
                page.on("request", lambda r, calls=api_calls: calls.append(r.url) if "/api/" in r.url else None)
                page.goto(base + "/today")
                page.wait_for_load_state("networkidle")
                started = time.perf_counter()
                page.get_by_role("link", name="统计分析").click()
                page.locator('[data-rendered="true"]').nth(5).wait_for(timeout=60000)
                page.wait_for_function(
                    "() => document.querySelectorAll('[data-rendered=\"true\"]').length === 6"
                    " && !document.querySelector('.el-loading-mask')",
                    timeout=60000,
                )
                times.append(time.perf_counter() - started)
                requests_made.append(len(api_calls))
            dashboard_js = sorted(set(scripts) - set(first))
            dashboard_bytes = sum(compressed_size(u) for u in dashboard_js)
            print(
                f"{'web: dashboard chunk (ECharts), loaded on demand, gzip JS':55s} {dashboard_bytes / 1024:9.1f} KiB "
                f"in {len(dashboard_js)} files"
            )
            counties = sum(1 for c in province(100) if not c.endswith("00"))
            print(
                f"{'web: province dashboard, ' + str(counties) + ' counties, click to 6 charts':55s} "
                f"median {statistics.median(times):6.2f} s  (runs {', '.join(f'{t:.2f}' for t in times)}; "
                f"{requests_made[-1]} API requests; target ≤ {TARGET_DASHBOARD_SECONDS} s)"
            )
            page.screenshot(path=str(Path(tempfile.gettempdir()) / "wuying-bench-dashboard.png"), full_page=True)
            browser.close()
    finally:
        gateway.shutdown()
        stub.shutdown()


if __name__ == "__main__":
    main()
