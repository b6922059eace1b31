"""JSON request bodies before and after parsing: bounds checked on the raw text (depth, number
size, string validity), division codes that exist in the loaded list, and marshmallow schemas made
to take real JSON types only (issue 9 item 7). ``http.JsonHttp`` applies them to every body.
"""

from __future__ import annotations

import json
import math
import re

from marshmallow import Schema, fields

from . import access
from .errors import ValidationFailed

# Bounds checked on the raw text before ``json.loads`` sees it: real payloads nest a few levels
# and carry no number longer than an id; CPython's parser recurses per level and ``int`` refuses
# more than 4,300 digits, both of which used to surface as 500s.
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 40
# Input keys that carry GB/T 2260 division codes, wherever they are nested.
DIVISION_KEYS = frozenset({"county", "counties", "region"})

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_NUMBER_DIGITS + 1},}}")


def schema_instance(schema):
    return schema() if isinstance(schema, type) else schema


def json_types(schema: Schema, _seen: set[int] | None = None) -> Schema:
    """A JSON body carries JSON types, as its OpenAPI schema says: an integer field takes no
    ``"5"`` or ``5.5`` (marshmallow would coerce them) and a boolean no ``0``, ``1`` or ``"yes"``."""
    seen = _seen if _seen is not None else set()
    if id(schema) in seen:
        return schema
    seen.add(id(schema))
    for field_ in schema.fields.values():
        _json_field(field_, seen)
    return schema


class _JsonBool(frozenset):
    """``{True}`` or ``{False}`` that holds a JSON boolean only: ``0 in {False}`` is true in
    Python (``0 == False``), so a plain set let ``0`` and ``1`` through as booleans."""

    def __contains__(self, value) -> bool:
        return type(value) is bool and frozenset.__contains__(self, value)


def _json_field(field_, seen: set[int]) -> None:
    if isinstance(field_, fields.Boolean):
        field_.truthy, field_.falsy = _JsonBool({True}), _JsonBool({False})  # type: ignore[assignment]
    elif isinstance(field_, fields.Integer):
        field_.strict = True
    elif isinstance(field_, fields.Nested) and isinstance(field_.schema, Schema):
        json_types(field_.schema, seen)
    elif isinstance(field_, fields.List):
        _json_field(field_.inner, seen)
    elif isinstance(field_, fields.Tuple):
        for inner in field_.tuple_fields:
            _json_field(inner, seen)
    elif isinstance(field_, fields.Mapping) and field_.value_field is not None:
        _json_field(field_.value_field, seen)


def _bad_json(code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"_body": message}, code=code)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _bad_json("number_too_large", "数值超出范围")
    return value


def _reject_constant(name: str):
    raise _bad_json("invalid_json", "请求体不是合法的 JSON")


def _check_strings(value, depth: int = 0) -> None:
    """No lone surrogates (``"\\ud800"`` parses, but no UTF-8 text can hold it)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _bad_json("invalid_string", "包含无效的 Unicode 字符（孤立代理项）") from None
    elif isinstance(value, dict):
        for key, sub in value.items():
            _check_strings(key, depth + 1)
            _check_strings(sub, depth + 1)
    elif isinstance(value, list):
        for sub in value:
            _check_strings(sub, depth + 1)


def parse_json(raw: bytes):
    """Parse a request body within bounds; every refusal is a 400, never a 500."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_json("invalid_utf8", "请求体不是合法的 UTF-8 文本") from None
    skeleton = _JSON_STRING.sub('""', text)
    depth = 0
    for match in _BRACKETS.finditer(skeleton):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise _bad_json("json_too_deep", f"嵌套层数不得超过 {MAX_JSON_DEPTH}")
    if _LONG_NUMBER.search(skeleton):
        raise _bad_json("number_too_large", f"数字不得超过 {MAX_NUMBER_DIGITS} 位")
    try:
        data = json.loads(text or "null", parse_float=_finite_float, parse_constant=_reject_constant)
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise _bad_json("invalid_json", "请求体不是合法的 JSON") from None
    _check_strings(data)
    return data


def check_divisions(value, path: str = "") -> None:
    """Every division code in the input is an ASCII six-digit code of the loaded list."""
    known = access.divisions()

    def bad(where: str):
        raise ValidationFailed(fields={where: "必须是已载入的六位行政区划代码 (GB/T 2260)"}, code="unknown_division")

    def walk(item, where: str, is_code: bool):
        if isinstance(item, dict):
            for key, sub in item.items():
                walk(sub, f"{where}.{key}" if where else str(key), key in DIVISION_KEYS)
        elif isinstance(item, list | tuple):
            for i, sub in enumerate(item):
                walk(sub, f"{where}.{i}", is_code)
        elif is_code and item is not None and item not in known:
            bad(where)

    walk(value, path, False)
