"""JSON HTTP entrypoint: validation, authentication and error bodies in one place.

``@route`` wraps nameko's ``http`` entrypoint. Before a worker starts it checks the bearer
token and loads the body/query with the route's marshmallow schema; the method receives the
loaded data as ``request.payload`` and the caller as ``request.principal``. Every error, 404
and 405 included, answers ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from eventlet.event import Event
from marshmallow import Schema, ValidationError
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from .auth import authenticate
from .errors import PayloadTooLarge, ValidationFailed, WuyingError, rule_error
from .rules import RuleBroken

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 256 * 1024
JSON_MIME = "application/json; charset=utf-8"

HTTP_ERRORS_ZH = {
    400: ("bad_request", "请求格式错误"),
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    413: ("payload_too_large", "提交的内容过大"),
}


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
    roles: tuple[str, ...] | None = ()  # None: public; (): any staff; else any of these roles
    tags: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    description: str = ""
    errors: tuple[int, ...] = field(default=(400, 401, 403, 404))


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


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
            headers = dict(exc.get_headers()) if exc.code == 405 else None
            allow = headers.get("Allow") if headers else None
            response = json_response(
                {"error": {"code": code, "message": message, "fields": {}}},
                status=exc.code,
                headers={"Allow": allow} if allow else None,
            )
        return response(environ, start_response)


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)


class JsonHttp(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(self, method, url, spec: RouteSpec, **kwargs):
        self.spec = spec
        super().__init__(method, url, **kwargs)

    def setup(self):
        super().setup()
        self.jwt_secret = self.container.config.get("JWT_SECRET") or ""
        if self.spec.roles is not None and not self.jwt_secret:
            raise RuntimeError(
                "JWT_SECRET is not configured (set WUYING_JWT_SECRET); refusing to serve staff endpoints"
            )

    def _load(self, request):
        spec = self.spec
        if spec.roles is not None:
            request.principal = authenticate(request.headers.get("Authorization"), self.jwt_secret, spec.roles)
        else:
            request.principal = None
        request.payload = None
        if spec.query is not None:
            try:
                request.payload = _instance(spec.query).load(request.args.to_dict())
            except ValidationError as exc:
                raise ValidationFailed(fields=marshmallow_fields(exc.messages)) from None
        if spec.body is not None:
            if request.content_length is not None and request.content_length > spec.max_body:
                raise PayloadTooLarge(fields={"_body": f"不得超过 {spec.max_body} 字节"})
            raw = request.get_data(cache=True)
            if len(raw) > spec.max_body:
                raise PayloadTooLarge(fields={"_body": f"不得超过 {spec.max_body} 字节"})
            try:
                data = json.loads(raw.decode("utf-8") or "null")
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ValidationFailed(
                    "请求体不是合法的 JSON", fields={"_body": "不是合法的 JSON"}, code="invalid_json"
                ) from None
            if not isinstance(data, dict):
                raise ValidationFailed(
                    "请求体必须是 JSON 对象", fields={"_body": "必须是 JSON 对象"}, code="invalid_json"
                )
            try:
                request.payload = _instance(spec.body).load(data)
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
            return self.response_from_result(result)
        except Exception as exc:  # noqa: BLE001 - every error becomes a JSON body
            return self.response_from_exception(exc)

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status = self.spec.status
        if isinstance(result, tuple):
            status, result = result
        if self.spec.response is not None and result is not None:
            result = _instance(self.spec.response).dump(result, many=self.spec.many)
        return json_response(result, status=status)

    def response_from_exception(self, exc):
        if isinstance(exc, WuyingError):
            return error_response(exc)
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
    roles: tuple[str, ...] | None = (),
    public: bool = False,
    tags: tuple[str, ...] = (),
    max_body: int = DEFAULT_MAX_BODY,
    description: str = "",
    errors: tuple[int, ...] = (400, 401, 403, 404),
):
    """Declare an HTTP entrypoint with its schemas; the OpenAPI document is built from these."""
    spec = RouteSpec(
        method=method.upper(),
        path=path,
        summary=summary,
        body=body,
        query=query,
        response=response,
        many=many,
        status=status,
        roles=None if public else roles,
        tags=tags,
        max_body=max_body,
        description=description,
        errors=errors,
    )

    def decorator(fn):
        fn = JsonHttp.decorator(spec.method, path, spec=spec)(fn)
        fn.__dict__.setdefault("wuying_routes", []).append(spec)
        return fn

    return decorator
