"""Versioned rule data per commission, the rules in force, and the recompute they trigger."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE

from ..domain.rulebook import RULE_KINDS
from .common import Label

# -- versioned rule data -----------------------------------------------------------------------
RULE_KIND = validate.OneOf(sorted(RULE_KINDS))
VERSION = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", error="版本号只能含字母、数字、点、下划线和连字符")


class RuleVersionCreateSchema(Schema):
    commission = fields.String(required=True, validate=COUNTY_CODE)
    version = fields.String(required=True, validate=VERSION)
    body = fields.Dict(required=True, metadata={"description": "the rule data (see GET .../in-force for its shape)"})
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class RuleVersionCorrectSchema(Schema):
    body = fields.Dict(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class RuleVersionSchema(Schema):
    kind = fields.String()
    kind_zh = Label(RULE_KINDS, "kind")
    commission = fields.String()
    version = fields.String(attribute="rule_version")
    body = fields.Dict()
    frozen = fields.Boolean(metadata={"description": "used: can no longer change"})
    note = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    frozen_at = fields.DateTime(allow_none=True)


class RuleCommissionQuerySchema(Schema):
    commission = fields.String(required=True, validate=validate.Regexp(r"^(\d{6}|default)$"))


class RulesInForceSchema(Schema):
    kind = fields.String()
    commission = fields.String(metadata={"description": "the commission whose rules apply, or default"})
    version = fields.String()
    body = fields.Dict()


class RecomputeSchema(Schema):
    county_prefix = fields.String(
        load_default="",
        validate=validate.Regexp(r"^(\d{2}|\d{4}|\d{6})?$"),
        metadata={"description": "province (2 digits), city (4) or county (6); empty: all"},
    )


class RecomputeReportSchema(Schema):
    scope = fields.String()
    scanned = fields.Integer()
    changed = fields.Integer()
    written = fields.Integer()
    seconds = fields.Float()
