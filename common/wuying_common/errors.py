"""Errors shown to people and to other services.

Every error has a stable English ``code`` and a Chinese ``message`` for the staff who read it;
``fields`` names the offending input fields. The HTTP layer turns them into
``{"error": {"code", "message", "fields"}}``; nameko's exception registry lets RPC callers
receive the same types instead of a bare ``RemoteError``.
"""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance

from .rules import RuleBroken


class WuyingError(Exception):
    status = 500
    code = "internal_error"
    message = "系统内部错误，请稍后重试"

    def __init__(self, message: str | None = None, fields: dict | None = None, code: str | None = None):
        self.message = message or self.message
        self.fields = fields or {}
        if code:
            self.code = code
        # nameko rebuilds a registered exception from its args: keep all three so an RPC
        # caller gets the fields and code too.
        super().__init__(self.message, self.fields, self.code)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


@deserialize_to_instance
class ValidationFailed(WuyingError):
    status = 400
    code = "validation_failed"
    message = "提交的数据有误，请检查标出的字段"


@deserialize_to_instance
class Unauthorized(WuyingError):
    status = 401
    code = "unauthorized"
    message = "未登录或令牌无效"


@deserialize_to_instance
class Forbidden(WuyingError):
    status = 403
    code = "forbidden"
    message = "无权访问该资源"


@deserialize_to_instance
class NotFound(WuyingError):
    status = 404
    code = "not_found"
    message = "请求的资源不存在"


@deserialize_to_instance
class Conflict(WuyingError):
    status = 409
    code = "conflict"
    message = "当前状态不允许该操作"


@deserialize_to_instance
class PayloadTooLarge(WuyingError):
    status = 413
    code = "payload_too_large"
    message = "提交的内容过大"


@deserialize_to_instance
class LengthRequired(WuyingError):
    status = 411
    code = "length_required"
    message = "请求体须声明 Content-Length 或使用分块传输"


@deserialize_to_instance
class UnsupportedMediaType(WuyingError):
    status = 415
    code = "unsupported_media_type"
    message = "不支持的内容类型，请使用 application/json"


@deserialize_to_instance
class TooManyRequests(WuyingError):
    status = 429
    code = "too_many_requests"
    message = "请求过于频繁，请稍后再试"


@deserialize_to_instance
class ServiceUnavailable(WuyingError):
    status = 503
    code = "service_unavailable"
    message = "服务暂不可用，请稍后重试"


def rule_error(exc: RuleBroken) -> WuyingError:
    """The one mapping of a broken domain rule to what people and callers see: 400 for a rule
    about the input, 409 for one about the state of things; the field names the input."""
    cls = ValidationFailed if exc.invalid else Conflict
    error = cls(exc.summary or exc.message, fields={exc.field: exc.message} if exc.field else {}, code=exc.code)
    if exc.status:
        error.status = exc.status
    return error
