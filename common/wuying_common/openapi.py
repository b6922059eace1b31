"""OpenAPI 3 documents generated from the services' ``@route`` declarations and schemas."""

from __future__ import annotations

import inspect
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from .http import HTTP_ERRORS_ZH, RouteSpec

ERROR_DESCRIPTIONS_ZH = {401: "未认证", 403: "无权限", 409: "状态冲突", 429: "请求过于频繁", 503: "服务暂不可用"}
_PATH_PARAM = re.compile(r"<(?:[a-z_]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


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
    spec = APISpec(
        title=title,
        version=version,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": description},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorSchema)
    paths: dict[str, dict] = {}
    for operation_id, route in service_routes(service_cls):
        path = _PATH_PARAM.sub(r"{\1}", route.path)
        parameters = [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            for name in _PATH_PARAM.findall(route.path)
        ]
        if route.query is not None:
            parameters.append({"in": "query", "schema": route.query})
        responses: dict[str, dict] = {}
        ok: dict = {"description": "成功"}
        if route.response is not None:
            schema = route.response if not route.many else {"type": "array", "items": route.response}
            ok["content"] = {"application/json": {"schema": schema}}
        responses[str(route.status)] = ok
        errors = set(route.errors) if route.roles is not None else set(route.errors) - {401, 403}
        if route.body is not None:
            errors.add(413)
        for status in sorted(errors):
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
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body}}}
        if route.roles is not None:
            operation["security"] = [{"bearer": []}]
            if route.roles:
                operation["x-roles"] = list(route.roles)
        paths.setdefault(path, {})[route.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
