"""Chinese default validation messages for every marshmallow schema in the platform.

Staff and the public read these in the ``fields`` of a 4xx body. Field classes and validators
keep their defaults on class attributes; setting them once here, before any schema is built,
is how marshmallow documents overriding them. Imported by ``wuying_common.http``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "必填字段，不能缺少", "null": "不能为空值", "validator_failed": "取值无效"},
    fields.String: {"invalid": "必须是文本", "invalid_utf8": "不是合法的 UTF-8 文本"},
    fields.Integer: {"invalid": "必须是整数"},
    fields.Number: {"invalid": "必须是数字", "too_large": "数值过大"},
    fields.Float: {"special": "不允许 NaN 或无穷大"},
    fields.Boolean: {"invalid": "必须是 true 或 false"},
    fields.Date: {"invalid": "必须是日期，格式 YYYY-MM-DD", "format": "无法格式化为日期"},
    fields.DateTime: {
        "invalid": "必须是时间，格式 RFC 3339",
        "invalid_awareness": "时区信息不符合要求",
        "format": "无法格式化为时间",
    },
    fields.List: {"invalid": "必须是列表"},
    fields.Dict: {"invalid": "必须是对象"},
    fields.Mapping: {"invalid": "必须是对象"},
    fields.Nested: {"type": "必须是对象"},
    fields.UUID: {"invalid_uuid": "必须是 UUID"},
    fields.Email: {"invalid": "不是有效的电子邮件地址"},
    fields.Tuple: {"invalid": "必须是数组"},
}


def install() -> None:
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {"type": "必须是 JSON 对象", "unknown": "不允许的字段"}
    validate.Length.message_min = "长度不能少于 {min}"
    validate.Length.message_max = "长度不能超过 {max}"
    validate.Length.message_all = "长度必须在 {min} 到 {max} 之间"
    validate.Length.message_equal = "长度必须为 {equal}"
    validate.OneOf.default_message = "必须是以下取值之一：{choices}"
    # Range formats these twice: first the operator, then the bound.
    validate.Range.message_gte, validate.Range.message_gt = "大于或等于", "大于"
    validate.Range.message_lte, validate.Range.message_lt = "小于或等于", "小于"
    validate.Range.message_min = "必须{min_op} {{min}}"
    validate.Range.message_max = "必须{max_op} {{max}}"
    validate.Range.message_all = "必须{min_op} {{min}} 且{max_op} {{max}}"
    validate.Regexp.default_message = "格式不正确"
    validate.Equal.default_message = "必须等于 {other}"
    validate.NoneOf.default_message = "不允许的取值"
    validate.ContainsOnly.default_message = "包含不允许的取值"


UTC_CONTEXT = "wuying_utc_offsets"


def _utc_offset(serialize):
    """Timestamps are stored as naive UTC (``clock.naive_utc``); every HTTP answer carries the
    offset so that it is RFC 3339 ``date-time`` as the OpenAPI documents declare. Only where
    the dumping schema's context asks for it (the HTTP layer does): event data and RPC answers
    keep their form, since consumers compare them with naive values."""

    def wrapped(self, value, attr, obj, **kwargs):
        context = getattr(self.root, "context", None) or {}
        if isinstance(value, datetime) and value.tzinfo is None and context.get(UTC_CONTEXT):
            value = value.replace(tzinfo=UTC)
        return serialize(self, value, attr, obj, **kwargs)

    wrapped.wuying_utc = True  # type: ignore[attr-defined]
    return wrapped


def install_utc_datetimes() -> None:
    for cls in (fields.DateTime,):
        if not getattr(cls._serialize, "wuying_utc", False):
            cls._serialize = _utc_offset(cls._serialize)  # type: ignore[method-assign]


install()
install_utc_datetimes()
