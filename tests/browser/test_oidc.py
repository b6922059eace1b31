"""Sign-in against a real OpenID Connect provider: panva's oidc-provider (OpenID-certified), run
from tests/browser/oidc/ with its locked packages. The console (configured with the provider as
issuer and its client id, no development sign-in) redirects there, the person signs in and
consents, the console trades the code with its PKCE verifier, and intake — configured with the
provider's JWKS URL, issuer and audience, the way the province runs it — accepts the RS256
access token: the worklist loads with data. A token of the same provider for another audience is
refused with 401."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests
from playwright.sync_api import expect

from .conftest import (
    AUTH,
    COUNTY,
    MGMT,
    WEB,
    Processes,
    free_port,
    gateway_process,
    make_vhost,
    service_process,
    wait_http,
)

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "wuying-console"
AUDIENCE = "urn:wuying:services"
OTHER_AUDIENCE = "urn:example:another-agency"
SCOPE = "openid profile wuying"  # "wuying": the services' resource scope
ACCOUNT = {"login": "li.shouli", "password": "Oidc-test-1", "name": "李受理", "roles": ["intake_clerk"]}


def ensure_provider_installed() -> None:
    """`make test` installs the provider from its lock file; this keeps a lone pytest working."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: install nodejs/npm, then `make test`")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PROVIDER_DIR, check=True)


def wait_ready(proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while "ready http" not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the OIDC provider did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)


@pytest.fixture(scope="module")
def oidc(stack, tmp_path_factory):
    """The provider, an intake that trusts only it, and a console gateway that signs in with it."""
    ensure_provider_installed()
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: install nodejs (make test uses it for the front ends too)")
    logs = tmp_path_factory.mktemp("oidc-logs")
    processes = Processes(logs)
    vhost = make_vhost("wuying-oidc")
    provider_port, intake_port, console_port = free_port(), free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    console = f"http://127.0.0.1:{console_port}"
    try:
        accounts = {
            ACCOUNT["login"]: {
                "password": ACCOUNT["password"],
                "name": ACCOUNT["name"],
                "roles": ACCOUNT["roles"],
                "counties": [COUNTY],
            }
        }
        provider = processes.spawn(
            "provider",
            [node, "provider.mjs"],
            dict(
                os.environ,
                OIDC_PORT=str(provider_port),
                OIDC_CLIENT_ID=CLIENT_ID,
                OIDC_REDIRECT_URI=f"{console}/auth/callback",
                OIDC_AUDIENCES=f"{AUDIENCE},{OTHER_AUDIENCE}",
                OIDC_ACCOUNTS=json.dumps(accounts),
            ),
            cwd=PROVIDER_DIR,
        )
        wait_ready(provider, logs / "provider.log")

        # Intake as the province runs it: RS256 from the provider's JWKS only, no development secret.
        args, env = service_process(
            "intake",
            vhost,
            intake_port,
            WUYING_JWT_JWKS_URL=f"{issuer}/jwks",
            WUYING_JWT_ISSUER=issuer,
            WUYING_JWT_AUDIENCE=AUDIENCE,
        )
        env.pop("WUYING_JWT_SECRET", None)
        intake = processes.spawn("intake", args, env)
        intake_url = f"http://127.0.0.1:{intake_port}"
        wait_http(f"{intake_url}/health", intake, logs / "intake.log")

        gateway_env = {k: v for k, v in os.environ.items() if k not in ("WUYING_DEV_SIGNIN", "WUYING_JWT_SECRET")}
        gateway_env.update(
            PYTHONPATH=str(WEB / "gateway"),
            WUYING_OIDC_ISSUER=issuer,
            WUYING_OIDC_CLIENT_ID=CLIENT_ID,
            WUYING_OIDC_SCOPE=SCOPE,
            WUYING_INTAKE_URL=intake_url,
            **{f"WUYING_{s.upper()}_URL": stack["urls"][s] for s in ("risk", "warning", "inspection", "archive")},
        )
        gateway = processes.spawn(
            "gateway", gateway_process("console", console_port, stack["dists"]["console"]), gateway_env
        )
        wait_http(f"{console}/healthz", gateway, logs / "gateway.log")
        yield {"issuer": issuer, "console": console, "intake": intake_url, "logs": logs}
    finally:
        processes.stop_all()
        requests.delete(f"{MGMT}/vhosts/{vhost}", auth=AUTH, timeout=10)


def code_flow(oidc, resource: str) -> dict:
    """The same authorization code + PKCE flow outside the browser, for another resource."""
    session, issuer = requests.Session(), oidc["issuer"]
    redirect_uri = oidc["console"] + "/auth/callback"
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()

    def follow(response):
        while response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(redirect_uri):
                return location
            response = session.get(location, allow_redirects=False, timeout=10)
        assert response.status_code == 200, response.text[:500]
        return response

    authorize = dict(
        response_type="code",
        client_id=CLIENT_ID,
        redirect_uri=redirect_uri,
        scope=SCOPE,
        state=secrets.token_urlsafe(8),
        code_challenge=challenge,
        code_challenge_method="S256",
        resource=resource,
    )
    login = follow(session.get(f"{issuer}/auth", params=authorize, allow_redirects=False, timeout=10))
    uid = urlsplit(login.url).path.rsplit("/", 1)[-1]
    form = {"login": ACCOUNT["login"], "password": ACCOUNT["password"]}
    consent = follow(session.post(f"{issuer}/interaction/{uid}/login", data=form, allow_redirects=False, timeout=10))
    uid = urlsplit(consent.url).path.rsplit("/", 1)[-1]
    back = follow(session.post(f"{issuer}/interaction/{uid}/confirm", allow_redirects=False, timeout=10))
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = requests.post(
        f"{issuer}/token",
        data=dict(
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            client_id=CLIENT_ID,
            code_verifier=verifier,
            resource=resource,
        ),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return token.json()


def test_the_console_signs_in_with_a_real_oidc_provider_and_intake_accepts_only_its_audience(
    stack, oidc, page, shot, official
):
    # A report in this intake's county, so that the clerk's worklist has data.
    response = requests.post(
        f"{oidc['intake']}/api/v1/reports",
        json={
            "category": "work_style",
            "county": COUNTY,
            "content": f"反映{official.name}在工程招标中接受宴请，违规收受礼品礼金。",
            "subjects": [{"kind": "official", "id": official.id, "name": official.name}],
            "anonymous": True,
        },
        timeout=15,
    )
    assert response.status_code == 201, response.text
    petition_id = response.json()["petition_id"]
    to_provider: list = []  # the browser's requests to the provider
    page.on("request", lambda r: to_provider.append(r) if r.url.startswith(oidc["issuer"]) else None)

    page.goto(oidc["console"] + "/signin")
    expect(page.get_by_text("开发环境登录")).to_have_count(0)  # only the province's sign-in
    shot(page, "1-console-signin")
    page.get_by_role("button", name="使用统一身份认证登录").click()
    page.wait_for_url(oidc["issuer"] + "/interaction/**")
    expect(page.get_by_role("heading", name="全省统一身份认证平台")).to_be_visible()
    page.get_by_label("用户名").fill(ACCOUNT["login"])
    page.get_by_label("密码").fill(ACCOUNT["password"])
    shot(page, "2-provider-signin")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("请求使用您的")).to_be_visible()
    shot(page, "3-provider-consent")
    page.get_by_role("button", name="同意并继续").click()
    page.wait_for_url(oidc["console"] + "/**")
    page.wait_for_function("() => location.pathname === '/today' || !!document.querySelector('[role=alert]')")
    assert urlsplit(page.url).path == "/today", page.get_by_role("alert").inner_text()
    expect(page.get_by_test_id("who")).to_contain_text(ACCOUNT["name"])
    expect(page.get_by_test_id("worklist-reports-new")).to_contain_text(petition_id)
    shot(page, "4-console-worklist")

    # Authorization code with PKCE: S256 challenge out, the verifier (and no secret) at the token endpoint.
    authorize = next(r for r in to_provider if urlsplit(r.url).path == "/auth")
    assert parse_qs(urlsplit(authorize.url).query)["code_challenge_method"] == ["S256"]
    exchange = next(r for r in to_provider if urlsplit(r.url).path == "/token" and r.method == "POST")
    form = parse_qs(exchange.post_data)
    assert form["grant_type"] == ["authorization_code"] and len(form["code_verifier"][0]) >= 43
    assert "client_secret" not in form

    # The console holds the provider's RS256 access token for the services' audience.
    token = page.evaluate("() => sessionStorage.getItem('wuying.console.token')")
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    signing_key = jwt.PyJWKClient(f"{oidc['issuer']}/jwks").get_signing_key_from_jwt(token)
    claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=AUDIENCE, issuer=oidc["issuer"])
    assert (claims["sub"], claims["roles"], claims["counties"]) == (ACCOUNT["login"], ACCOUNT["roles"], [COUNTY])

    reports = f"{oidc['intake']}/api/v1/reports?county={COUNTY}"
    assert requests.get(reports, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200

    # The same provider, the same person, another audience: refused.
    other = code_flow(oidc, OTHER_AUDIENCE)["access_token"]
    other_claims = jwt.decode(other, signing_key.key, algorithms=["RS256"], audience=OTHER_AUDIENCE)
    assert (other_claims["sub"], other_claims["roles"]) == (ACCOUNT["login"], ACCOUNT["roles"])
    refused = requests.get(reports, headers={"Authorization": f"Bearer {other}"}, timeout=10)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["code"] == "token_invalid"
    # A development token is refused too: this intake trusts the provider's keys only.
    dev = stack["staff"].header("intake_clerk")
    assert requests.get(reports, headers=dev, timeout=10).status_code == 401

    # In the console, the other audience's token is refused and the person is sent to sign in again.
    page.evaluate("(t) => sessionStorage.setItem('wuying.console.token', t)", other)
    page.goto(oidc["console"] + "/reports")
    page.wait_for_url("**/signin")
    expect(page.get_by_role("button", name="使用统一身份认证登录")).to_be_visible()
    shot(page, "5-other-audience-refused")
