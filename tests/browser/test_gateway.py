"""The gateway on its own (no browser, no services): what each origin lets through."""

import json
from pathlib import Path

import jwt
import pytest
from werkzeug.test import Client
from wuying_gateway.app import ROLES, Gateway, GatewayConfig
from wuying_gateway.routes import PORTAL_OPERATIONS, portal_allows

ROOT = Path(__file__).resolve().parents[2]
SECRET = "gateway-test-secret-0123456789abcdef"


def client(app: str, **env) -> Client:
    static = ROOT / "web" / app / "dist"
    return Client(Gateway(GatewayConfig.from_env(app, str(static), env)))


def test_the_portal_forwards_exactly_the_public_operations_of_the_services_openapi():
    public = set()
    for spec in sorted((ROOT / "contracts" / "openapi").glob("*.json")):
        service = spec.stem
        for path, ops in json.loads(spec.read_text("utf-8"))["paths"].items():
            for method, op in ops.items():
                if path.startswith("/api/v1/") and not op.get("security"):
                    public.add((method.upper(), path.replace("/api/v1/", f"/api/{service}/v1/", 1)))
    # A new public operation (say, the public library) must be added to routes.py on purpose.
    assert set(PORTAL_OPERATIONS) == public


def test_the_gateway_knows_the_same_roles_as_the_services():
    from wuying_common.auth import ROLES as SERVICE_ROLES

    assert ROLES == SERVICE_ROLES


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/intake/v1/reports"),
        ("POST", "/api/warning/v1/warnings/x/approve"),
        ("GET", "/api/archive/v1/officials/x/file"),
        ("GET", "/api/intake/v1/receipts/lookup"),
        ("POST", "/api/unknown/v1/reports"),
    ],
)
def test_the_portal_answers_404_for_anything_but_the_public_operations(method, path):
    response = client("portal").open(path, method=method, headers={"Authorization": "Bearer stolen"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.headers["Cache-Control"] == "no-store"
    assert not portal_allows(method, path)


def test_the_portal_sets_no_cookie_and_no_store_and_a_strict_content_security_policy():
    response = client("portal").get("/follow-up")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_portal_never_offers_a_development_token():
    response = client("portal", WUYING_DEV_SIGNIN="1", WUYING_JWT_SECRET=SECRET).post(
        "/auth/dev-token", json={"role": "party_committee", "county": "130000"}
    )
    assert response.status_code == 404


def test_the_console_issues_no_development_token_unless_enabled():
    response = client("console", WUYING_JWT_SECRET=SECRET).post(
        "/auth/dev-token", json={"role": "intake_clerk", "county": "130402"}
    )
    assert response.status_code == 404
    assert client("console").get("/config.json").json == {"app": "console", "devSignIn": False, "oidc": None}


def test_an_enabled_development_sign_in_issues_a_token_the_services_accept_for_that_role_and_county():
    from wuying_common.auth import verify_token

    console = client("console", WUYING_DEV_SIGNIN="1", WUYING_JWT_SECRET=SECRET)
    response = console.post("/auth/dev-token", json={"role": "commission_leader", "county": "130402", "name": "王分管"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    principal = verify_token(SECRET, response.json["token"])
    assert principal.roles == frozenset({"commission_leader"})
    assert principal.counties == ("130402",)
    bad = console.post("/auth/dev-token", json={"role": "emperor", "county": "13"})
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) == {"role", "county"}


def test_a_development_sign_in_without_a_secret_refuses_to_start():
    with pytest.raises(ValueError, match="WUYING_JWT_SECRET"):
        Gateway(GatewayConfig.from_env("console", None, {"WUYING_DEV_SIGNIN": "1"}))


def test_with_an_issuer_configured_the_console_is_told_to_use_oidc_and_may_reach_the_issuer():
    console = client(
        "console", WUYING_OIDC_ISSUER="https://idp.example.gov.cn/realms/hebei", WUYING_OIDC_CLIENT_ID="wuying"
    )
    config = console.get("/config.json").json
    assert config["oidc"] == {
        "issuer": "https://idp.example.gov.cn/realms/hebei",
        "clientId": "wuying",
        "scope": "openid profile",
        "redirectPath": "/auth/callback",
    }
    assert "connect-src 'self' https://idp.example.gov.cn" in console.get("/").headers["Content-Security-Policy"]


@pytest.mark.parametrize("form", ["simulator list", "services csv", "console object"])
def test_the_divisions_file_the_services_read_is_served_to_the_console_by_code_and_name(tmp_path, form):
    """One WUYING_DIVISIONS_FILE for services and gateway: the province simulator's JSON list
    (tools/wuying_tools/simulator.divisions), the services' CSV and the console's own object all
    reach the console as {"divisions": {code: name}}, the names the services load."""
    from wuying_common.access import Divisions
    from wuying_tools import simulator

    rows = simulator.divisions(simulator.plan(7))
    if form == "simulator list":
        path = tmp_path / "divisions.json"
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=0), "utf-8")
    elif form == "services csv":
        path = tmp_path / "divisions.csv"
        lines = ["code,name,parent"] + [f"{r['code']},{r['name']},{r['parent']}" for r in rows]
        path.write_text("\n".join(lines) + "\n", "utf-8")
    else:
        path = tmp_path / "divisions.json"
        path.write_text(json.dumps({"divisions": {r["code"]: r["name"] for r in rows}}, ensure_ascii=False), "utf-8")
    response = client("console", WUYING_DIVISIONS_FILE=str(path)).get("/divisions.json")
    assert response.status_code == 200
    names = response.json["divisions"]
    assert len(names) == len(rows) and sum(1 for c in names if not c.endswith("00")) == 100
    if form != "console object":
        assert names == dict(Divisions.load(path).names)
    assert names["130000"] == rows[0]["name"] and names[rows[-1]["code"]] == rows[-1]["name"]


def test_an_unreadable_divisions_file_is_a_503_in_the_house_shape_not_a_500(tmp_path):
    path = tmp_path / "divisions.json"
    path.write_text(json.dumps([{"code": "13040", "name": "short"}]), "utf-8")
    response = client("console", WUYING_DIVISIONS_FILE=str(path)).get("/divisions.json")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "divisions_unavailable"


def test_an_unreachable_service_is_a_502_in_the_house_shape():
    console = client("console", WUYING_INTAKE_URL="http://127.0.0.1:9")
    response = console.get("/api/intake/v1/reports?county=130402")
    assert response.status_code == 502
    assert response.json["error"]["code"] == "upstream_unavailable"


def test_hashed_assets_are_cached_and_compressed_and_client_routes_get_the_app():
    console = client("console")
    index = console.get("/reports/XF1")
    assert index.status_code == 200 and b'<div id="app">' in index.data
    asset = next((ROOT / "web" / "console" / "dist" / "assets").glob("index-*.js")).name
    response = console.get(f"/assets/{asset}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert console.get("/assets/missing.js").status_code == 404
    assert console.get("/../../etc/passwd").status_code in (200, 404)  # never a file outside dist
    assert b"root:" not in console.get("/../../etc/passwd").data


def test_the_console_forwards_the_bearer_token_and_the_portal_does_not(stack):
    import requests

    token = jwt.encode(
        {"iss": "wuying", "sub": "x", "roles": ["intake_clerk"], "counties": ["130402"], "exp": 4102444800},
        stack["secret"],
    )
    headers = {"Authorization": f"Bearer {token}"}
    console = requests.get(
        stack["urls"]["console"] + "/api/intake/v1/reports?county=130402", headers=headers, timeout=10
    )
    assert console.status_code == 200
    portal = requests.post(
        stack["urls"]["portal"] + "/api/intake/v1/receipts/lookup",
        json={"receipt_code": "X"},
        headers=headers,
        timeout=10,
    )
    assert portal.status_code == 404 and portal.json()["error"]["code"] == "receipt_not_found"
    assert "set-cookie" not in portal.headers
