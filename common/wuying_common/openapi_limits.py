"""What the HTTP layer enforces, stated in the OpenAPI schemas (issue 9 item 8).

The marshmallow plugin of ``openapi.py`` converts every request and response schema through
``LimitsConverter``, which adds what apispec leaves out although the server refuses it:

- ``additionalProperties: false`` for a schema that raises on unknown fields (marshmallow's
  default ``RAISE``): ``http.py`` answers 400 "不允许的字段" for them;
- ``enum`` of the loaded GB/T 2260 codes for every string named like a division code
  (``json_body.DIVISION_KEYS``: ``county``, ``counties``, ``region``), in bodies, queries and paths, the
  same rule as ``json_body.check_divisions`` (``access.divisions()``: ``WUYING_DIVISIONS_FILE`` or the
  demo province);
- a nullable nested object is ``anyOf: [its schema, null]``: apispec's second branch,
  ``{"type": "object", "nullable": true}``, would admit any object at all;
- what a schema class declares in ``OPENAPI_EXTRA``: the rules between its fields that
  ``@validates_schema`` enforces (``anyOf``/``oneOf`` of the allowed combinations), so a
  schema-valid request is one the service accepts.
"""

from __future__ import annotations

import marshmallow
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import fields

from . import access
from .json_body import DIVISION_KEYS


def division_enum(converter, field: fields.Field, ret: dict, **kwargs) -> dict:
    """A string field named like a division code takes only the loaded codes."""
    if not isinstance(field, fields.String) or field.name not in DIVISION_KEYS or ret.get("type") != "string":
        return {}
    return {"enum": sorted(access.divisions().names)}


def path_schema(converter: str, name: str) -> dict:
    """A path parameter: werkzeug's ``int`` converter, a division code, or a non-empty string."""
    if converter == "int":
        return {"type": "integer", "minimum": 0}
    if name in DIVISION_KEYS:
        return {"type": "string", "enum": sorted(access.divisions().names)}
    return {"type": "string", "minLength": 1}


NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}


def non_blank(minimum: int = 1) -> str:
    """A JSON Schema ``pattern`` (a search, not a full match) for "at least ``minimum``
    characters once surrounding blanks are stripped", the rule ``len(text.strip()) >= minimum``
    of the validators: a run of ``minimum`` characters that starts and ends with a non-blank."""
    return r"\S" if minimum <= 1 else rf"\S[\s\S]{{{minimum - 2},}}\S"


NOT_NULL = {"not": {"enum": [None]}}


def present(*names: str) -> dict:
    """Every one of ``names`` is sent and is not null (a branch of ``anyOf``/``oneOf``)."""
    return {"required": list(names), "properties": {name: NOT_NULL for name in names}}


def absent(*names: str) -> dict:
    """None of ``names`` is sent with a value (left out or null: what ``data.get(name)`` reads as
    missing)."""
    return {"not": {"anyOf": [present(name) for name in names]}}


def nullable_nested(converter, field: fields.Field, ret: dict, **kwargs) -> dict:
    """``anyOf: [{"$ref": ...}, null]`` instead of ``[{"$ref": ...}, any object]``."""
    branches = ret.get("anyOf")
    if not isinstance(field, fields.Nested) or not branches:
        return {}
    return {"anyOf": [NULL_ONLY if b == {"type": "object", "nullable": True} else b for b in branches]}


class LimitsConverter(OpenAPIConverter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_attribute_function(division_enum)
        self.add_attribute_function(nullable_nested)

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        unknown = getattr(schema, "unknown", None) or getattr(getattr(schema, "Meta", None), "unknown", None)
        if unknown == marshmallow.RAISE and "additionalProperties" not in jsonschema:
            jsonschema["additionalProperties"] = False
        jsonschema.update(getattr(schema, "OPENAPI_EXTRA", {}))
        return jsonschema


class LimitsPlugin(MarshmallowPlugin):
    Converter = LimitsConverter
