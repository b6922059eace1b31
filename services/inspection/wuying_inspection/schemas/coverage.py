"""Payloads of coverage: planned / done / missed / overdue per region, and upcoming rounds."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE

from ..domain.coverage import STATUSES_ZH
from ..domain.plans import METHODS_ZH
from .labels import Label


class CoverageQuerySchema(Schema):
    region = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    units = fields.Boolean(
        load_default=True,
        metadata={"description": "列出需关注的单位（逾期、未完成、未计划）；false 时 units 为空，仅统计"},
    )


class TallySchema(Schema):
    code = fields.String()
    units = fields.Integer()
    done = fields.Function(lambda t: t.counts["done"])
    planned = fields.Function(lambda t: t.counts["planned"])
    overdue = fields.Function(lambda t: t.counts["overdue"])
    missed = fields.Function(lambda t: t.counts["missed"])
    unplanned = fields.Function(lambda t: t.counts["unplanned"])
    coverage = fields.Float()


class AttentionSchema(Schema):
    unit_id = fields.Function(lambda u: u[0])
    county = fields.Function(lambda u: u[1])
    status = fields.Function(lambda u: u[2])
    status_zh = fields.Function(lambda u: STATUSES_ZH[u[2]])


class CoverageSchema(Schema):
    region = fields.String()
    year = fields.Integer()
    total = fields.Nested(TallySchema, metadata={"description": "全区域一览"})
    cities = fields.List(fields.Nested(TallySchema))
    counties = fields.List(fields.Nested(TallySchema))
    units = fields.List(fields.Nested(AttentionSchema), metadata={"description": "逾期、未完成、未计划的单位"})


class UpcomingQuerySchema(Schema):
    region = fields.String(required=True, validate=COUNTY_CODE)
    within = fields.Integer(
        load_default=None, validate=validate.Range(min=0, max=60), metadata={"description": "工作日"}
    )


class UpcomingSchema(Schema):
    plan_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    county = fields.String()
    round = fields.Integer()
    method = fields.String()
    method_zh = Label(METHODS_ZH, "method")
    starts_on = fields.String()
    ends_on = fields.String()
    leader = fields.String(allow_none=True)
    team = fields.List(fields.String())
    reminded_on = fields.String(allow_none=True)
