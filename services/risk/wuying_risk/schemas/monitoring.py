"""Business-data monitoring: record and tie imports, scans, records and anomaly hits
(seeds/003 宝安)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate, validates_schema

from wuying_common.events import COUNTY_CODE
from wuying_common.rules import UnprocessableInput

from ..domain.monitoring import BUYER_KINDS, CATEGORIES, DOMAINS, METHODS, RULES_ZH
from .common import SHORT, Label


# -- business-data monitoring -----------------------------------------------------------------
class RecordImportQuerySchema(Schema):
    format = fields.String(load_default="jsonl", validate=validate.OneOf(["csv", "jsonl"]))


class RowErrorSchema(Schema):
    line = fields.Integer()
    field = fields.String()
    message = fields.String()


class RecordImportResultSchema(Schema):
    received = fields.Integer()
    imported = fields.Integer()
    failed = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "by line and field (first 1000)"})
    errors_truncated = fields.Boolean()
    seconds = fields.Float()


class TieSchema(Schema):
    supplier_id = fields.String(required=True, validate=SHORT)
    official_id = fields.String(required=True, validate=SHORT)
    relation = fields.String(
        required=True, validate=validate.OneOf(["self", "spouse", "child", "child_spouse", "relative"])
    )
    source = fields.String(load_default="import", validate=validate.Length(max=100))


class TieImportSchema(Schema):
    ties = fields.List(fields.Nested(TieSchema), required=True, validate=validate.Length(min=1, max=10000))


class CountSchema(Schema):
    count = fields.Integer()


class ScanSchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _window(self, data, **kwargs):
        # A rule between fields JSON Schema cannot state: 422 (rules.UnprocessableInput).
        if data["end"] < data["start"]:
            raise UnprocessableInput("end", "结束日期不能早于开始日期", "window_reversed")


class ScanReportSchema(Schema):
    county = fields.String()
    rule_version = fields.String()
    records = fields.Integer()
    anomalies = fields.Integer()
    new_hits = fields.Integer()
    by_rule = fields.Dict(keys=fields.String(), values=fields.Integer())
    profiles_changed = fields.Integer()
    seconds = fields.Float()


class RecordQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default=None)
    supplier_id = fields.String(load_default=None)


class BusinessRecordSchema(Schema):
    record_id = fields.String()
    county = fields.String()
    domain = fields.String()
    domain_zh = Label(DOMAINS, "domain")
    category = fields.String()
    category_zh = Label(CATEGORIES, "category")
    buyer_unit_id = fields.String()
    buyer_kind = fields.String()
    buyer_kind_zh = Label(BUYER_KINDS, "buyer_kind")
    responsible_official_id = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    subject = fields.String()
    amount = fields.Float()
    method = fields.String()
    method_zh = Label(METHODS, "method")
    announced_on = fields.String()
    awarded_on = fields.String()
    contracted_on = fields.String()


class HitQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default=None)


class HitSchema(Schema):
    id = fields.String()
    rule = fields.String()
    rule_zh = Label(RULES_ZH, "rule")
    rule_version = fields.String()
    county = fields.String()
    unit_id = fields.String()
    official_id = fields.String()
    supplier_id = fields.String()
    grade = fields.String()
    summary = fields.String()
    evidence = fields.List(fields.String())
    evidence_rows = fields.List(fields.Dict())
    found_at = fields.DateTime()
