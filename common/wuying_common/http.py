"""JSON HTTP entrypoint: validation, authorisation and error bodies in one place.

``@route`` wraps nameko's ``http`` entrypoint. Before a worker starts it looks the route up in
the authorisation matrix (``access.py``; not there: 403), checks the bearer token, the roles and
the scope the matrix grants, and loads the body/query with the route's marshmallow schema; the
method receives the loaded data as ``request.payload`` and the caller as ``request.principal``.

Bodies are read defensively, before any parsing: only the declared content types (415), a
length or chunked transfer (411), the route's size limit (413), strict UTF-8, bounded nesting
and number sizes and no lone surrogates (400): a hostile body never reaches a 500. Division
codes anywhere in the input must be loaded GB/T 2260 codes. Every error, 404 and 405 included,
answers ``{"error": {"code", "message", "fields"}}`` and every 4xx/5xx is counted in
``wuying_<service>_http_responses_total{route,status}``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from urllib.parse import quote

from eventlet.event import Event
from marshmallow import Schema, ValidationError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from . import access
from .auth import TokenVerifier, authenticate
from .errors import (
    Forbidden,
    LengthRequired,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    WuyingError,
    rule_error,
)
from .json_body import check_divisions, json_types, parse_json, schema_instance
from .messages_zh import UTC_CONTEXT
from .metrics import service_metrics
from .paging import Page, bind_cursor, check_cursor, cursor_scope, paged_query
from .rules import RuleBroken

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 256 * 1024
JSON_MIME = "application/json; charset=utf-8"
JSON_TYPES = ("application/json",)
HTTP_ERRORS_ZH = {
    400: ("bad_request", "请求格式错误"),
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    411: ("length_required", "请求体须声明长度"),
    413: ("payload_too_large", "提交的内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
}

#: ``@route(errors=SEMANTIC_ERRORS)``: a route that can raise ``rules.UnprocessableInput`` (a rule
#: between fields JSON Schema cannot state) documents its 422 with the usual errors.
SEMANTIC_ERRORS = (400, 401, 403, 404, 422)


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    summary: str
    body: type[Schema] | Schema | None = None
    query: type[Schema] | Schema | None = None
    response: type[Schema] | Schema | None = None
    many: bool = False
    status: int = 200
    # Other success statuses with the same body (a create that finds the thing already there: 200).
    also: tuple[int, ...] = ()
    roles: tuple[str, ...] | None = ()  # None: public; (): any staff; else any of these roles
    tags: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    description: str = ""
    errors: tuple[int, ...] = field(default=(400, 401, 403, 404))
    consumes: tuple[str, ...] = JSON_TYPES
    # The scope of the service's admission check (``Admission``; intake's rate limit), run
    # before the token, the query or the body is read: a refused request costs no parsing.
    admit: str | None = None


class Admission:
    """A dependency provider that can refuse a request before anything of it is read (a
    ``WuyingError``, e.g. 429 with a ``headers`` attribute for ``Retry-After``)."""

    def admit(self, scope: str, request) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


def _json_default(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC).isoformat()  # stored as naive UTC: say so
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def content_disposition(filename: str) -> str:
    """``attachment`` with the name as ASCII and as RFC 5987 UTF-8: an id or a file name with
    other characters (Chinese, control characters) in a header would drop the connection."""
    ascii_name = _UNSAFE_FILENAME.sub("_", filename) or "download"
    return f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename, safe='')}"


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=_json_default)
    return Response(body, status=status, mimetype="application/json", headers=headers)


def error_response(exc: WuyingError, headers: dict | None = None) -> Response:
    return json_response(exc.to_dict(), status=exc.status, headers=headers)


def marshmallow_fields(messages) -> dict:
    """Flatten marshmallow's nested messages into {"a.b": "message"} for people to read."""
    flat: dict[str, str] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            flat[prefix or "_schema"] = "；".join(value)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                walk(f"{prefix}.{i}", sub)
        else:
            flat[prefix or "_schema"] = str(value)

    walk("", messages)
    return flat


def count_response(container, route_label: str, status: int) -> None:
    """Every 4xx/5xx, by route template (bounded cardinality) and status."""
    if status < 400 or container is None:
        return
    service_metrics(container).counter(
        "http_responses", "HTTP responses with an error status, by route and status", ("route", "status")
    ).labels(route_label, str(status)).inc()


def allowed_methods(adapter, methods) -> list[str]:
    """``Allow`` of a 405: the methods of the route the path names. Where a fixed path
    (``/profiles/recompute``) and a template (``/profiles/<official_id>``) both match, the fixed
    one is the route meant; werkzeug would list the template's methods too."""
    arguments: dict[str, int] = {}
    for method in methods or ():
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        arguments[method] = len(rule.arguments)
    fewest = min(arguments.values(), default=0)
    return sorted(m for m, n in arguments.items() if n == fewest)


class JsonWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            code, message = HTTP_ERRORS_ZH.get(exc.code, ("http_error", exc.name))
            allow = ", ".join(allowed_methods(adapter, exc.valid_methods)) if exc.code == 405 else None
            response = json_response(
                {"error": {"code": code, "message": message, "fields": {}}},
                status=exc.code,
                headers={"Allow": allow} if allow else None,
            )
            count_response(getattr(self.server, "container", None), "unmatched", exc.code or 500)
        return response(environ, start_response)


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)


class JsonHttp(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(self, method, url, spec: RouteSpec, **kwargs):
        self.spec = spec
        self._schemas: dict[str, Schema] = {}
        super().__init__(method, url, **kwargs)

    def _schema(self, role: str) -> Schema:
        """The route's ``query``, ``body`` or ``response`` schema, made once for this entrypoint
        and used by every request: a marshmallow schema (its fields deep-copied, each nested
        schema made again) costs more to build than to load or dump a small body, and holds no
        state of a request (its context only says timestamps carry their offset)."""
        schema = self._schemas.get(role)
        if schema is None:
            schema = self._schemas[role] = schema_instance(getattr(self.spec, role))
        return schema

    def setup(self):
        super().setup()
        self.verifier = TokenVerifier.from_config(self.container.config)
        # A list's cursors are bound to it: a cursor of another list or ordering is a 400.
        self.cursor_scope = cursor_scope(self.container.service_name, self.spec.method, self.spec.path)
        self.rule = access.rule_for(self.container.service_name, self.method_name)
        if self.rule is None:
            log.error("route %s %s is not in the authorisation matrix: it answers 403", self.spec.method, self.url)
        elif not self.rule.public and not self.verifier.configured:
            raise RuntimeError(
                "neither JWT_JWKS_URL/JWT_JWKS_FILE nor JWT_SECRET is configured (set WUYING_JWT_SECRET for "
                "development); refusing to serve staff endpoints"
            )
        self.admission = None
        if self.spec.admit is not None:
            self.admission = next((d for d in self.container.dependencies if isinstance(d, Admission)), None)
            if self.admission is None:
                raise RuntimeError(f"route {self.url} admits by {self.spec.admit!r} but the service has no Admission")

    def _authorise(self, request):
        """The matrix's check for this route: roles, the token's breadth, own records."""
        rule = self.rule
        if rule is None:
            raise Forbidden("该接口未在授权矩阵中声明", code="route_not_in_matrix")
        if rule.public:
            return None
        principal = authenticate(request.headers.get("Authorization"), self.verifier)
        request.principal = principal  # known from here on, for an audited denial
        scope = rule.scope_for(principal.roles)
        if scope is None:
            raise Forbidden("当前角色无权执行该操作", code="role_forbidden", fields={"roles": sorted(rule.grants)})
        if scope != access.OWN:
            wider = [
                c
                for c in principal.counties
                if access.SCOPES.index(access.division_level(c)) > access.SCOPES.index(scope)
            ]
            if wider:
                raise Forbidden(
                    "令牌的地区范围超出该操作的授权范围",
                    code="scope_forbidden",
                    fields={"counties": f"至多为{scope}级"},
                )
        elif rule.own_param and request.path_values.get(rule.own_param) != principal.subject:
            raise Forbidden("只能查看本人的记录", code="not_own_record", fields={rule.own_param: "不是本人"})
        return replace(principal, scope=scope)

    def _read_body(self, request) -> bytes:
        spec = self.spec
        if not request.headers.get("Content-Type"):
            raise UnsupportedMediaType("请求体须声明 Content-Type", code="content_type_missing")
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if request.mimetype not in spec.consumes or charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(fields={"Content-Type": f"须为 {', '.join(spec.consumes)}"})
        too_large = PayloadTooLarge(fields={"_body": f"不得超过 {spec.max_body} 字节"})
        if request.headers.get("Content-Length") is not None:
            if request.content_length is None:
                raise ValidationFailed(fields={"Content-Length": "无效"}, code="bad_content_length")
            if request.content_length > spec.max_body:
                raise too_large
            return request.get_data(cache=True)
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # werkzeug reads nothing without a length; the WSGI server decodes the chunks.
            stream, chunks, size = request.environ["wsgi.input"], [], 0
            while True:
                chunk = stream.read(min(64 * 1024, spec.max_body + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > spec.max_body:
                    raise too_large
            return b"".join(chunks)
        raise LengthRequired()

    def _load(self, request):
        spec = self.spec
        request.principal = None
        request.denial = None
        request.payload = None
        if self.admission is not None:
            self.admission.admit(self.spec.admit, request)  # before a byte of the body is read
        try:
            request.principal = self._authorise(request)
        except (Unauthorized, Forbidden) as exc:
            if self.rule is None or not self.rule.audited:
                raise
            # The service audits the denial itself (``denial(request)``), then refuses.
            request.denial = exc
            return
        check_divisions(request.path_values)
        if spec.query is not None:
            try:
                request.payload = self._schema("query").load(request.args.to_dict())
            except ValidationError as exc:
                raise ValidationFailed(fields=marshmallow_fields(exc.messages)) from None
            check_divisions(request.payload)
            if spec.many:
                check_cursor(request.payload.get("cursor"), self.cursor_scope)
        if spec.body is not None:
            data = parse_json(self._read_body(request))
            if not isinstance(data, dict):
                raise ValidationFailed(
                    "请求体必须是 JSON 对象", fields={"_body": "必须是 JSON 对象"}, code="invalid_json"
                )
            check_divisions(data)
            try:
                request.payload = json_types(self._schema("body")).load(data)
            except ValidationError as exc:
                raise ValidationFailed(fields=marshmallow_fields(exc.messages)) from None

    def handle_request(self, request):
        request.shallow = False
        try:
            self._load(request)
            context_data = self.server.context_data_from_headers(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(
                self, args, kwargs, context_data=context_data, handle_result=partial(self.handle_result, event)
            )
            result = event.wait()
            if request.denial is not None:
                # Fail closed: a service that forgot to refuse still refuses.
                log.error("%s did not refuse a denied request", self.method_name)
                raise request.denial
            response = self.response_from_result(result)
        except Exception as exc:  # noqa: BLE001 - every error becomes a JSON body
            response = self.response_from_exception(exc)
        if self.rule is not None and self.rule.personal:
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        count_response(self.container, self.spec.path, response.status_code)
        return response

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status = self.spec.status
        if isinstance(result, tuple):
            status, result = result
        if self.spec.response is not None and result is not None:
            schema = self._schema("response")
            schema.context[UTC_CONTEXT] = True  # timestamps with their offset (messages_zh)
            if self.spec.many:
                # A list route answers a page (``paging``): ``{"items", "next"}``.
                page = result if isinstance(result, Page) else Page(list(result))
                result = {
                    "items": schema.dump(page.items, many=True),
                    "next": bind_cursor(page.next, self.cursor_scope),
                }
            else:
                result = schema.dump(result, many=False)
        return json_response(result, status=status)

    def response_from_exception(self, exc):
        if isinstance(exc, WuyingError):
            return error_response(exc, getattr(exc, "headers", None))
        if isinstance(exc, RuleBroken):
            return error_response(rule_error(exc))
        if isinstance(exc, ValidationError):
            return error_response(ValidationFailed(fields=marshmallow_fields(exc.messages)))
        if isinstance(exc, HTTPException) and exc.code and exc.code < 500:
            code, message = HTTP_ERRORS_ZH.get(exc.code, ("http_error", exc.name))
            return json_response({"error": {"code": code, "message": message, "fields": {}}}, status=exc.code)
        # The traceback is in the worker's log already; the body says nothing about internals.
        log.error("unhandled error in %s: %s", self.method_name, type(exc).__name__)
        return error_response(WuyingError())


def route(
    method: str,
    path: str,
    *,
    summary: str,
    body=None,
    query=None,
    response=None,
    many: bool = False,
    status: int = 200,
    also: tuple[int, ...] = (),
    roles: tuple[str, ...] | None = (),
    public: bool = False,
    tags: tuple[str, ...] = (),
    max_body: int = DEFAULT_MAX_BODY,
    description: str = "",
    errors: tuple[int, ...] = (400, 401, 403, 404),
    consumes: tuple[str, ...] = JSON_TYPES,
    admit: str | None = None,
):
    """Declare an HTTP entrypoint with its schemas; the OpenAPI document is built from these."""
    spec = RouteSpec(
        method=method.upper(),
        path=path,
        summary=summary,
        body=body,
        # Every list is cursor-paged: ``limit`` and ``cursor`` join its query (``paging``).
        query=paged_query(query) if many else query,
        response=response,
        many=many,
        status=status,
        also=also,
        roles=None if public else roles,
        tags=tags,
        max_body=max_body,
        description=description,
        errors=errors,
        consumes=consumes,
        admit=admit,
    )

    def decorator(fn):
        fn = JsonHttp.decorator(spec.method, path, spec=spec)(fn)
        fn.__dict__.setdefault("wuying_routes", []).append(spec)
        return fn

    return decorator


def denial(request) -> WuyingError | None:
    """The refusal the HTTP layer deferred to an audited route: the method audits it, then
    raises it (``raise denial``)."""
    return getattr(request, "denial", None)
