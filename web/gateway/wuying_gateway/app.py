"""The gateway: one WSGI app per origin (console or portal).

- ``/api/<service>/v1/…`` goes to that service's ``/api/v1/…``. The console forwards the staff
  member's bearer token; the portal forwards only the public operations in ``routes.py`` and
  never a token, a cookie or the client's address (nothing may identify an anonymous reporter).
- ``/config.json`` tells the single-page app how to sign in (console) — development sign-in only
  when ``WUYING_DEV_SIGNIN=1``, OIDC authorization code + PKCE when an issuer is configured.
- ``/auth/dev-token`` issues a local token for a chosen role and county, only when enabled.
- Everything else is the built app (``dist/``), with ``index.html`` for client-side routes.

Errors use the services' shape, ``{"error": {"code", "message", "fields"}}``, Chinese message.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import hmac
import http.client
import json
import logging
import mimetypes
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from werkzeug.wrappers import Request, Response

from .routes import DEFAULT_PORTS, SERVICES, portal_allows, split_api_path

log = logging.getLogger("wuying.gateway")

# The services' roles (wuying_common.auth.ROLES); a test keeps the two equal. Copied, not
# imported, so that the gateway image carries no service code.
ROLES = frozenset(
    {
        "intake_clerk",
        "intake_supervisor",
        "risk_officer",
        "warning_officer",
        "commission_leader",
        "commission_secretary",
        "party_committee",
        "inspector",
        "archive_keeper",
        "auditor",
        "official",
        "operator",
        "agency_reader",
    }
)
COUNTY = re.compile(r"^\d{6}$")
DIVISION_CODE = re.compile(r"[0-9]{6}")  # GB/T 2260, ASCII digits only (as wuying_common.access)
DEV_TOKEN_TTL = 8 * 3600

# Request headers a service may see. Nothing else crosses: no Cookie, no X-Forwarded-For.
FORWARD_CONSOLE = ("Content-Type", "Accept", "Accept-Language", "Authorization")
FORWARD_PORTAL = ("Content-Type", "Accept", "Accept-Language")
# Response headers a browser may see from a service.
RETURN_HEADERS = ("Content-Type", "Content-Disposition", "Allow", "Retry-After")

# Intake limits public submissions and lookups per client. Behind this gateway every request comes
# from one address, so the portal passes a pseudonym instead: a keyed hash of the client's address
# under a key that lives only in memory and changes daily — enough to tell clients apart for an
# hour of rate limiting, useless for finding out later who submitted what. Intake reads it with
# INTAKE_CLIENT_ADDRESS_HEADER=X-Wuying-Client.
CLIENT_HEADER = "X-Wuying-Client"
CLIENT_KEY_LIFETIME = 24 * 3600

COMPRESSIBLE = (".js", ".css", ".html", ".svg", ".json", ".txt", ".map")
MAX_BODY = {"console": 2 * 1024 * 1024, "portal": 30 * 1024 * 1024}  # portal: attachments, base64


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    scope: str = "openid profile"

    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class GatewayConfig:
    app: str  # "console" or "portal"
    static_dir: Path | None
    upstreams: dict[str, str] = field(default_factory=dict)
    dev_signin: bool = False
    jwt_secret: str = ""
    oidc: OidcConfig | None = None
    divisions_file: Path | None = None  # the province's GB/T 2260 list, served as /divisions.json
    # Behind an ingress the client's address is in a header (e.g. X-Forwarded-For); else the socket's.
    client_address_header: str = ""
    upstream_timeout: float = 30.0

    @classmethod
    def from_env(cls, app: str, static_dir: str | None, env: dict | None = None) -> GatewayConfig:
        env = os.environ if env is None else env
        upstreams = {
            svc: env.get(f"WUYING_{svc.upper()}_URL", f"http://127.0.0.1:{port}") for svc, port in DEFAULT_PORTS.items()
        }
        oidc = None
        if env.get("WUYING_OIDC_ISSUER"):
            oidc = OidcConfig(
                issuer=env["WUYING_OIDC_ISSUER"].rstrip("/"),
                client_id=env.get("WUYING_OIDC_CLIENT_ID", "wuying-console"),
                scope=env.get("WUYING_OIDC_SCOPE", "openid profile"),
            )
        return cls(
            app=app,
            static_dir=Path(static_dir) if static_dir else None,
            upstreams=upstreams,
            dev_signin=app == "console" and env.get("WUYING_DEV_SIGNIN", "") == "1",
            jwt_secret=env.get("WUYING_JWT_SECRET", ""),
            oidc=oidc if app == "console" else None,
            divisions_file=Path(env["WUYING_DIVISIONS_FILE"]) if env.get("WUYING_DIVISIONS_FILE") else None,
            client_address_header=env.get("WUYING_CLIENT_ADDRESS_HEADER", ""),
        )


def division_names(path: Path) -> dict[str, str]:
    """{code: name} from a division file in any of the forms ``WUYING_DIVISIONS_FILE`` takes:
    the services' CSV ``code,name,parent`` or JSON list of ``{"code", "name", "parent"}``, or the
    console's ``{"divisions": {code: name}}``. A code that is not six ASCII digits is an error."""
    text = path.read_text("utf-8-sig")
    if path.suffix == ".json":
        body = json.loads(text)
        if isinstance(body, dict):
            pairs = [(code, name) for code, name in body["divisions"].items()]
        else:
            pairs = [(row["code"], row.get("name", "")) for row in body]
    else:
        pairs = [
            (row[0], row[1] if len(row) > 1 else "")
            for row in csv.reader(text.splitlines())
            if row and row[0] != "code"
        ]
    names = {}
    for code, name in pairs:
        code = str(code).strip()
        if not DIVISION_CODE.fullmatch(code):
            raise ValueError(f"not a six-digit GB/T 2260 code: {code!r}")
        names[code] = str(name)
    return names


def error(status: int, code: str, message: str, fields: dict | None = None) -> Response:
    body = json.dumps({"error": {"code": code, "message": message, "fields": fields or {}}}, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


class Gateway:
    def __init__(self, config: GatewayConfig):
        if config.app not in ("console", "portal"):
            raise ValueError(f"app must be console or portal, not {config.app!r}")
        if config.dev_signin and not config.jwt_secret:
            raise ValueError("WUYING_DEV_SIGNIN=1 needs WUYING_JWT_SECRET to sign development tokens")
        self.config = config
        self._gz_cache: dict[tuple[str, float], bytes] = {}
        self._gz_lock = threading.Lock()
        self._client_key = (0.0, b"")
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "wuying_gateway_api_requests",
            "API requests forwarded, by app, service and status",
            ("app", "service", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "wuying_gateway_upstream_latency_seconds",
            "Time the services took to answer, by app and service",
            ("app", "service"),
            registry=self.registry,
        )
        if config.dev_signin:
            log.warning("development sign-in is ENABLED: anyone reaching this origin can get a token")

    # -- WSGI --------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Exception:  # noqa: BLE001 - a gateway bug must still answer in the house shape
            log.exception("gateway error")
            response = error(500, "gateway_error", "网关内部错误")
        self.secure(request, response)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path in ("/healthz", "/health", "/health/live"):
            return Response(json.dumps({"status": "ok", "app": self.config.app}), mimetype="application/json")
        if path == "/metrics":
            # Prometheus scrapes the pod directly; through the ingress (which adds a forwarding
            # header) the public does not get to read the counters.
            if any(h in request.headers for h in ("X-Forwarded-For", "X-Real-IP", "Forwarded")):
                return error(404, "not_found", "请求的地址不存在")
            return Response(generate_latest(self.registry), content_type=CONTENT_TYPE_LATEST)
        if path == "/config.json":
            return self.client_config()
        if path == "/auth/dev-token":
            return self.dev_token(request)
        if path == "/divisions.json" and self.config.divisions_file:
            return self.divisions()
        if path.startswith("/api/"):
            return self.api(request)
        return self.static(request)

    # -- headers on everything ----------------------------------------------------------------
    def secure(self, request: Request, response: Response) -> None:
        connect = "'self'"
        if self.config.oidc:
            connect += " " + self.config.oidc.origin()
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:; font-src 'self' data:; connect-src {connect}; "
            "frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        # No cookies at all on the portal: anonymous reporters must leave nothing that links visits.
        if self.config.app == "portal":
            response.headers.pop("Set-Cookie", None)
        if request.path.startswith(("/api/", "/auth/", "/config.json")):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"

    # -- the province's divisions ---------------------------------------------------------------
    def divisions(self) -> Response:
        """``WUYING_DIVISIONS_FILE`` as the console reads it, ``{"divisions": {code: name}}``.

        The services read the same variable (``wuying_common.access.Divisions.load``): CSV
        ``code,name,parent`` or a JSON list ``[{"code", "name", "parent"}]`` (what the province
        simulator writes); the console's own ``{"divisions": {...}}`` is taken as it is."""
        try:
            names = division_names(self.config.divisions_file)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning(json.dumps({"msg": "divisions file unreadable", "error": f"{type(exc).__name__}: {exc}"}))
            return error(503, "divisions_unavailable", "行政区划列表暂不可用")
        return Response(json.dumps({"divisions": names}, ensure_ascii=False), mimetype="application/json")

    # -- sign-in ------------------------------------------------------------------------------
    def client_config(self) -> Response:
        body: dict = {"app": self.config.app}
        if self.config.app == "console":
            body["devSignIn"] = self.config.dev_signin
            body["oidc"] = (
                {
                    "issuer": self.config.oidc.issuer,
                    "clientId": self.config.oidc.client_id,
                    "scope": self.config.oidc.scope,
                    "redirectPath": "/auth/callback",
                }
                if self.config.oidc
                else None
            )
        return Response(json.dumps(body), mimetype="application/json")

    def dev_token(self, request: Request) -> Response:
        if not self.config.dev_signin:
            return error(404, "not_found", "请求的地址不存在")
        if request.method != "POST":
            return error(405, "method_not_allowed", "该地址不支持此请求方法")
        try:
            data = json.loads(request.get_data(cache=False, as_text=True) or "{}")
        except json.JSONDecodeError:
            return error(400, "invalid_json", "请求体不是合法的 JSON", {"_body": "不是合法的 JSON"})
        if not isinstance(data, dict):
            return error(400, "invalid_json", "请求体必须是 JSON 对象", {"_body": "必须是 JSON 对象"})
        role, county, name = data.get("role"), data.get("county"), str(data.get("name") or "")[:50]
        fields = {}
        if role not in ROLES:
            fields["role"] = "请选择有效的角色"
        if not isinstance(county, str) or not COUNTY.match(county):
            fields["county"] = "须为6位行政区划代码"
        if fields:
            return error(400, "validation_failed", "提交的内容有误", fields)
        now = int(time.time())
        subject = str(data.get("subject") or f"dev-{role}-{county}")[:64]
        claims = {
            "iss": "wuying",
            "sub": subject,
            "name": name,
            "roles": [role],
            "counties": [county],
            "iat": now,
            "exp": now + DEV_TOKEN_TTL,
        }
        token = jwt.encode(claims, self.config.jwt_secret, algorithm="HS256")
        log.info(json.dumps({"msg": "dev token issued", "role": role, "county": county}))
        return Response(
            json.dumps({"token": token, "expires_at": claims["exp"], "roles": [role], "counties": [county]}),
            status=201,
            mimetype="application/json",
        )

    # -- API ----------------------------------------------------------------------------------
    def api(self, request: Request) -> Response:
        split = split_api_path(request.path)
        if split is None:
            return error(404, "not_found", "请求的地址不存在")
        service, upstream_path = split
        portal = self.config.app == "portal"
        if portal and not portal_allows(request.method, request.path):
            # 404, not 403: the public origin does not even admit that staff endpoints exist.
            return error(404, "not_found", "请求的地址不存在")
        limit = MAX_BODY[self.config.app]
        if request.content_length and request.content_length > limit:
            return error(413, "payload_too_large", "提交的内容过大", {"_body": f"不得超过 {limit} 字节"})
        body = request.get_data(cache=False) if request.method not in ("GET", "HEAD") else None
        if body is not None and len(body) > limit:
            return error(413, "payload_too_large", "提交的内容过大", {"_body": f"不得超过 {limit} 字节"})
        allowed = FORWARD_PORTAL if portal else FORWARD_CONSOLE
        headers = {name: request.headers[name] for name in allowed if name in request.headers}
        if portal:
            headers[CLIENT_HEADER] = self.client_pseudonym(request)
        query = request.query_string.decode("latin-1")
        target = upstream_path + ("?" + query if query else "")
        base = urlsplit(self.config.upstreams[service])
        conn_cls = http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(base.hostname, base.port, timeout=self.config.upstream_timeout)
        started = time.perf_counter()
        try:
            conn.request(request.method, target, body=body, headers=headers)
            upstream = conn.getresponse()
            data = upstream.read()
        except (OSError, http.client.HTTPException) as exc:
            log.warning(json.dumps({"msg": "upstream unavailable", "service": service, "error": type(exc).__name__}))
            self.requests.labels(self.config.app, service, "502").inc()
            return error(502, "upstream_unavailable", "服务暂时不可用，请稍后再试", {"service": service})
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        self.latency.labels(self.config.app, service).observe(elapsed)
        self.requests.labels(self.config.app, service, str(upstream.status)).inc()
        response = Response(data, status=upstream.status)
        response.headers.clear()
        for name in RETURN_HEADERS:
            value = upstream.getheader(name)
            if value:
                response.headers[name] = value
        # Never the client's address or the query (a receipt code travels in bodies only anyway).
        log.info(
            json.dumps(
                {
                    "msg": "api",
                    "app": self.config.app,
                    "service": service,
                    "method": request.method,
                    "status": upstream.status,
                    "ms": round(elapsed * 1000, 1),
                }
            )
        )
        return response

    def client_pseudonym(self, request: Request) -> str:
        address = ""
        if self.config.client_address_header:
            address = request.headers.get(self.config.client_address_header, "").split(",")[0].strip()
        address = address or request.remote_addr or ""
        born, key = self._client_key
        if time.monotonic() - born > CLIENT_KEY_LIFETIME or not key:
            born, key = time.monotonic(), secrets.token_bytes(32)
            self._client_key = (born, key)
        return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:24]

    # -- the built app ------------------------------------------------------------------------
    def static(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return error(405, "method_not_allowed", "该地址不支持此请求方法")
        root = self.config.static_dir
        if root is None or not (root / "index.html").is_file():
            return error(503, "app_not_built", f"前端尚未构建（web/{self.config.app}: npm ci && npm run build）")
        root = root.resolve()
        wanted = (root / request.path.lstrip("/")).resolve()
        if root not in wanted.parents and wanted != root:
            return error(404, "not_found", "请求的地址不存在")
        is_asset = wanted.is_file()
        if not is_asset:
            if "." in request.path.rsplit("/", 1)[-1]:
                return error(404, "not_found", "请求的地址不存在")  # a missing file, not a client route
            wanted = root / "index.html"
        content = wanted.read_bytes()
        mime = mimetypes.guess_type(wanted.name)[0] or "application/octet-stream"
        if mime.startswith("text/") or mime in ("application/javascript", "application/json"):
            mime += "; charset=utf-8"
        response = Response(content, mimetype=None, content_type=mime)
        if is_asset and "/assets/" in request.path:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # content-hashed names
        else:
            response.headers["Cache-Control"] = "no-store" if self.config.app == "portal" else "no-cache"
        if wanted.suffix in COMPRESSIBLE and "gzip" in request.headers.get("Accept-Encoding", ""):
            response.set_data(self._gzipped(wanted, content))
            response.headers["Content-Encoding"] = "gzip"
            response.headers["Vary"] = "Accept-Encoding"
        return response

    def _gzipped(self, path: Path, content: bytes) -> bytes:
        key = (str(path), path.stat().st_mtime)
        with self._gz_lock:
            cached = self._gz_cache.get(key)
        if cached is None:
            cached = gzip.compress(content, compresslevel=9, mtime=0)
            with self._gz_lock:
                self._gz_cache[key] = cached
        return cached


def make_app(config: GatewayConfig) -> Gateway:
    return Gateway(config)


__all__ = ["Gateway", "GatewayConfig", "OidcConfig", "SERVICES", "make_app"]
