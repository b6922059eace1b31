"""OpenAPI 3 documents generated from the services' ``@route`` declarations and schemas."""

from __future__ import annotations

import inspect
import re

from apispec import APISpec
from marshmallow import Schema, fields

from . import access
from .http import HTTP_ERRORS_ZH, RouteSpec
from .json_body import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS
from .openapi_limits import LimitsPlugin, path_schema
from .paging import page_schema

ERROR_DESCRIPTIONS_ZH = {
    401: "未认证",
    403: "无权限",
    409: "状态冲突",
    422: "内容不符合字段之间的规则（如结束日期早于开始日期）",
    429: "请求过于频繁",
    503: "服务暂不可用",
}
# Answers that are not JSON, by route (operation id): their media types are documented too.
OTHER_CONTENT: dict[str, dict[str, dict]] = {
    "statistics": {"text/csv": {"schema": {"type": "string"}}},
    "quarterly_report": {"text/html": {"schema": {"type": "string"}}},
    "metrics_endpoint": {"text/plain": {"schema": {"type": "string"}}},
    "download_acknowledgement": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    "print_acknowledgement": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    "download_attachment": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
# Rate-limited public routes (intake's limiter) and routes that answer 503 by design.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def statuses(service: str, operation_id: str, route: RouteSpec) -> set[int]:
    """Every status a route can answer, derived from how the HTTP layer and the matrix treat it."""
    rule = access.rule_for(service, operation_id) if service else None
    found = set(route.errors)
    has_input = route.body is not None or route.query is not None or "<" in route.path
    if has_input:
        found.add(400)
    else:
        found.discard(400)
    if rule is None or not rule.public:
        found |= {401, 403}  # 403 also for a route not in the matrix (default deny)
    else:
        found -= {401, 403}
    if "<" not in route.path and 404 in found and route.method == "GET" and not has_input:
        found.discard(404)
    if route.body is not None:
        found |= {411, 413, 415}
    if route.method in WRITE_METHODS and (rule is None or not rule.public):
        found.add(409)  # a broken rule about the state of things
    found.add(503)  # a dependency (store, broker, another service) reconnecting
    return found


_PATH_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")
_PATH_CONVERTER = re.compile(r"<(?:([a-z_]+):)?([a-zA-Z_][a-zA-Z0-9_]*)>")


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "稳定的英文错误码"})
    message = fields.String(required=True, metadata={"description": "中文错误说明"})
    fields = fields.Dict(required=True, metadata={"description": "出错的字段及原因"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def service_routes(service_cls) -> list[tuple[str, RouteSpec]]:
    routes = []
    for name, member in inspect.getmembers(service_cls):
        for spec in getattr(member, "wuying_routes", ()):
            routes.append((name, spec))
    return sorted(routes, key=lambda r: (r[1].path, r[1].method))


def build_openapi(service_cls, *, title: str, version: str = "1.0.0", description: str = "") -> dict:
    service = getattr(service_cls, "name", "")
    spec = APISpec(
        title=title,
        version=version,
        openapi_version="3.0.3",
        plugins=[LimitsPlugin()],
        info={"description": description},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    paths: dict[str, dict] = {}
    for operation_id, route in service_routes(service_cls):
        path = _PATH_PARAM.sub(r"{\1}", route.path)
        parameters = [
            {
                "in": "path",
                "name": name,
                "required": True,
                "schema": path_schema(converter, name),
            }
            for converter, name in _PATH_CONVERTER.findall(route.path)
        ]
        if route.query is not None:
            parameters.append({"in": "query", "schema": route.query})
        responses: dict[str, dict] = {}
        ok: dict = {"description": "成功"}
        if route.response is not None:
            schema = route.response if not route.many else page_schema(route.response)
            ok["content"] = {"application/json": {"schema": schema}}
        for media, content in OTHER_CONTENT.get(operation_id, {}).items():
            ok.setdefault("content", {})[media] = content
        for status in (route.status, *route.also):
            responses[str(status)] = (
                ok if status < 400 else dict(ok, description=ERROR_DESCRIPTIONS_ZH.get(status, "错误"))
            )
        for status in sorted(statuses(service, operation_id, route) - set(route.also)):
            responses[str(status)] = {
                "description": HTTP_ERRORS_ZH.get(status, ("", ERROR_DESCRIPTIONS_ZH.get(status, "错误")))[1],
                "content": {"application/json": {"schema": "Error"}},
            }
        operation = {
            "operationId": operation_id,
            "summary": route.summary,
            "tags": list(route.tags),
            "parameters": parameters,
            "responses": responses,
        }
        if route.description:
            operation["description"] = route.description
        if route.body is not None:
            operation["requestBody"] = {
                "required": True,
                "description": f"不超过 {route.max_body} 字节；JSON 嵌套不超过 {MAX_JSON_DEPTH} 层，数字不超过 {MAX_NUMBER_DIGITS} 位",
                "content": {media: {"schema": route.body} for media in route.consumes},
            }
            operation["x-max-body-bytes"] = route.max_body
        rule = access.rule_for(service, operation_id) if service else None
        if rule is None or not rule.public:
            operation["security"] = [{"bearer": []}]
            grants = dict(rule.grants) if rule is not None else {}
            operation["x-roles"] = sorted(grants)
            operation["x-scopes"] = grants
        if rule is not None and rule.personal:
            operation["x-cache"] = "no-store"
        paths.setdefault(path, {})[route.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
