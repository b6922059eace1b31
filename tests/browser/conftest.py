"""The web front ends in a real browser: Debian's chromium driven by Playwright for Python.

One session-wide stack: the five services as real processes on a throw-away vhost of the local
RabbitMQ (as tests/e2e does), the demo province loaded, and the two gateways as processes serving
the built console and portal. Chromium is the system one (``/usr/bin/chromium``); Playwright's
own browser download is never used. Screenshots go to ``tests/browser/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from wuying_testing.platform import BROKER_ADMIN as AUTH
from wuying_testing.platform import CLASSES, free_port
from wuying_testing.platform import MANAGEMENT as MGMT
from wuying_tools.demo import generate
from wuying_tools.scenario import Staff

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("WUYING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
]
COUNTY = "130402"  # 邯山区, as in the demo scenario


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up:\n" + log.read_text()[-3000:])
        time.sleep(0.3)


def load_registry(province, urls: dict, staff: Staff) -> None:
    """The demo province's units and officials: archive (which the pages read) must take them;
    inspection's copy only feeds the inspection page, so a failure there is reported, not fatal
    (the browser tests are about the front ends, not about every service's registry)."""
    operator = staff.header("operator")
    body = {"units": province.units_json(), "officials": province.officials_json()}
    requests.post(f"{urls['archive']}/api/v1/registry", json=body, headers=operator, timeout=60).raise_for_status()
    answer = requests.post(
        f"{urls['inspection']}/api/v1/units", json={"units": body["units"]}, headers=operator, timeout=60
    )
    if answer.status_code >= 300:
        print(f"inspection did not take the demo units: HTTP {answer.status_code} {answer.text[:200]}")


def ensure_built(app: str) -> Path:
    """The built app; built here when missing (make test builds it before; this keeps a lone
    `pytest tests/browser` working). Lock-file installs only: `npm ci`."""
    dist = WEB / app / "dist"
    if (dist / "index.html").exists():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(f"web/{app} is not built and npm is missing: install nodejs/npm, then `make web`")
    if not (WEB / app / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB / app, check=True)
    subprocess.run([npm, "run", "build"], cwd=WEB / app, check=True)
    return dist


class Processes:
    """The processes a fixture starts, each in a session of its own with its log file; stopped
    by their pid at teardown (SIGTERM, then SIGKILL)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: list[tuple[subprocess.Popen, object]] = []

    def spawn(self, name: str, args: list[str], env: dict, cwd: Path = ROOT) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - closed in stop_all
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((proc, log))
        return proc

    def stop_all(self) -> None:
        for proc, log in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            log.close()


def make_vhost(prefix: str) -> str:
    """A throw-away vhost of the local RabbitMQ for one fixture's services."""
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    requests.put(f"{MGMT}/vhosts/{vhost}", auth=AUTH, timeout=10).raise_for_status()
    requests.put(
        f"{MGMT}/permissions/{vhost}/guest",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        auth=AUTH,
        timeout=10,
    ).raise_for_status()
    return vhost


def service_process(svc: str, vhost: str, port: int, **settings: str) -> tuple[list[str], dict]:
    """The arguments and environment of one service as a process on ``vhost``."""
    env = dict(
        os.environ,
        AMQP_URI=f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
        WUYING_INTAKE_KEYS="br1:" + base64.b64encode(os.urandom(32)).decode(),
        EVENT_RETRY_DELAY="0.1",
        WUYING_INTAKE_ACK_KEY=base64.b64encode(os.urandom(32)).decode(),  # signs printable acknowledgements
        INTAKE_CLIENT_ADDRESS_HEADER="X-Wuying-Client",  # the portal's per-client pseudonym
        **{f"{svc.upper()}_HTTP_ADDRESS": f"127.0.0.1:{port}"},
        **settings,
    )
    nameko = str(Path(sys.executable).parent / "nameko")
    args = [nameko, "run", "--config", f"services/{svc}/config.yml", f"wuying_{svc}.service:{CLASSES[svc]}"]
    return args, env


def gateway_process(app: str, port: int, dist: Path) -> list[str]:
    return [sys.executable, "-m", "wuying_gateway", app, "--listen", f"127.0.0.1:{port}", "--static", str(dist)]


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does)")
    dists = {app: ensure_built(app) for app in ("console", "portal")}
    vhost = make_vhost("wuying-browser")
    secret = "browser-" + uuid.uuid4().hex
    logs = tmp_path_factory.mktemp("logs")
    processes = Processes(logs)
    urls: dict[str, str] = {}

    try:
        started = {}
        for svc in CLASSES:
            port = free_port()
            args, env = service_process(svc, vhost, port, WUYING_JWT_SECRET=secret)
            started[svc] = processes.spawn(svc, args, env)
            urls[svc] = f"http://127.0.0.1:{port}"
        for svc, proc in started.items():
            wait_http(f"{urls[svc]}/health", proc, logs / f"{svc}.log")

        # PYTHONPATH: the gateway runs from the source tree even before `make install` adds it.
        gateway_env = dict(os.environ, WUYING_JWT_SECRET=secret, WUYING_DEV_SIGNIN="1", PYTHONPATH=str(WEB / "gateway"))
        gateway_env.pop("WUYING_OIDC_ISSUER", None)
        gateway_env.update({f"WUYING_{svc.upper()}_URL": url for svc, url in urls.items()})
        for app in ("console", "portal"):
            port = free_port()
            env = dict(gateway_env)
            if app == "portal":
                env.pop("WUYING_DEV_SIGNIN")
            proc = processes.spawn(f"gateway-{app}", gateway_process(app, port, dists[app]), env)
            urls[app] = f"http://127.0.0.1:{port}"
            wait_http(f"{urls[app]}/healthz", proc, logs / f"gateway-{app}.log")

        province = generate(seed=2026, counties=14)
        staff = Staff(secret)
        load_registry(province, urls, staff)
        yield {"urls": urls, "staff": staff, "province": province, "secret": secret, "logs": logs, "dists": dists}
    finally:
        processes.stop_all()
        requests.delete(f"{MGMT}/vhosts/{vhost}", auth=AUTH, timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test (no shared storage); page errors fail the test."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot(request):
    """shot(page, "step") saves tests/browser/artifacts/<test>-<step>.png (full page)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(pg, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        pg.wait_for_load_state("networkidle")  # lazily loaded pages bring their CSS late
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(stack):
    """sign_in(page, "commission_leader", "130402"): the console's development sign-in, by keyboard."""

    def go(pg, role: str, county: str = COUNTY, name: str = ""):
        pg.goto(stack["urls"]["console"] + "/signin")
        pg.get_by_label("角色").select_option(role)
        pg.get_by_label("管辖地区").select_option(county)
        if name:
            pg.get_by_label("姓名（选填）").fill(name)
        pg.get_by_label("姓名（选填）").press("Enter")
        pg.wait_for_url("**/today")
        return pg

    return go


@pytest.fixture
def official(stack):
    """The demo scenario's subject: the first bureau chief (局长) of 邯山区."""
    return next(o for o in stack["province"].officials if o.post == "局长" and o.county == COUNTY)


@pytest.fixture
def staff_api(stack):
    """staff_api("POST", "warning", "/api/v1/warnings", role, json=...) straight to a service."""

    def call(method, service, path, role, **kwargs):
        headers = stack["staff"].header(role, subject=kwargs.pop("subject", None))
        return requests.request(method, stack["urls"][service] + path, headers=headers, timeout=15, **kwargs)

    return call


_proposals = iter(range(1000))


@pytest.fixture
def proposed_warning(staff_api, official):
    """A blue warning proposed by the warning centre for the demo official (waiting for a leader).
    Each one names another trigger: the warning service keeps one warning per matter."""
    listed = staff_api("GET", "warning", "/api/v1/triggers", "warning_officer").json()
    triggers = [t["code"] for t in items(listed) if t["level"] == 3]
    trigger = triggers[next(_proposals) % len(triggers)]
    response = staff_api(
        "POST",
        "warning",
        "/api/v1/warnings",
        "warning_officer",
        json={
            "county": official.county,
            "level": 3,
            "official_id": official.id,
            "unit_id": official.unit_id,
            "trigger": trigger,
            "reasons": ["群众反映其在工程招标中接受宴请，经研判属实。"],
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "proposed"
    return response.json()


def items(body) -> list:
    """A list answer's items, bare or in a page (``{"items", "next"}``)."""
    return body["items"] if isinstance(body, dict) else body


def accessible_name_missing(pg) -> list[str]:
    """Visible form controls without a label, aria-label or aria-labelledby."""
    return pg.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby') && !el.closest('label'))
            .map(el => el.outerHTML.slice(0, 160))"""
    )


# -- eventlet ---------------------------------------------------------------------------------
# tests/conftest.py monkey-patches the whole run with eventlet (nameko needs it), and Playwright's
# sync API, itself built on greenlets and asyncio, deadlocks under it. So inside a patched run
# this ring is one test that runs the browser tests in a child pytest that stops looking for
# conftests here (--confcutdir), i.e. without eventlet; run alone they are the tests themselves:
#   .venv/bin/pytest tests/browser --confcutdir=tests/browser
def _eventlet_patched() -> bool:
    try:
        from eventlet import patcher
    except ImportError:
        return False
    return patcher.is_monkey_patched("socket")


WRAPPER = "test_browser_ring_in_a_process_of_its_own"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    patched = _eventlet_patched()
    keep, drop = [], []
    for item in items:
        in_ring = here in Path(str(item.fspath)).resolve().parents
        is_wrapper = item.name == WRAPPER
        if in_ring and (is_wrapper != patched):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
