"""Payloads of one unit's plan (000/E): the unit registry, plans and their rounds, zone pairing
for cross inspection (001 贵州) and the specialist pool (004 闵行)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE

from ..domain.plans import MAX_ROUNDS_PER_YEAR, METHODS_ZH, MIN_ROUNDS_PER_YEAR
from .findings import FindingSchema, PlanEvaluationSchema

UNIT_KINDS = ("commission_organ", "dispatched_agency", "department", "township", "enterprise", "school", "other")


class UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    county = fields.String(required=True, validate=COUNTY_CODE)
    # Open vocabulary (the registry is shared with archive); 000/E's scope is commission_organ
    # and dispatched_agency.
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"example": UNIT_KINDS[0]})
    zone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    focus = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        load_default=list,
        metadata={"description": "巡察该单位需要的专业（安排巡察组时优先匹配）"},
    )
    specialist_fields = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        load_default=list,
        metadata={"description": "需从机动组员库各抽调一名的专业（004 闵行 三不固定）"},
    )


class RegisterUnitsSchema(Schema):
    units = fields.List(fields.Nested(UnitSchema), required=True, validate=validate.Length(min=1, max=5000))


class RegisterUnitsResultSchema(Schema):
    units = fields.Integer()


class WindowSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PlanRequestSchema(Schema):
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    # The ≥2 rule is the domain's (000/E), so its 400 cites the rule; the OpenAPI states it.
    rounds = fields.Integer(
        load_default=2, strict=True, metadata={"minimum": MIN_ROUNDS_PER_YEAR, "maximum": MAX_ROUNDS_PER_YEAR}
    )
    methods = fields.List(
        fields.String(metadata={"enum": list(METHODS_ZH)}),
        load_default=None,
        metadata={"description": "special, surprise, cross, unannounced；个数与 rounds 相同（否则 422）"},
    )
    windows = fields.List(
        fields.Nested(WindowSchema), load_default=None, metadata={"description": "默认：上半年、下半年各一次"}
    )


class RoundSpecialistSchema(Schema):
    id = fields.String()
    name = fields.String()
    expertise = fields.String()


class RoundSchema(Schema):
    round = fields.Integer()
    method = fields.String()
    method_zh = fields.String()
    starts_on = fields.String()
    ends_on = fields.String()
    inspecting_zone = fields.String(allow_none=True, metadata={"description": "交叉检查：派出巡察组的协作区"})
    specialists = fields.List(fields.Nested(RoundSpecialistSchema))
    members = fields.List(fields.String(), metadata={"description": "巡察组成员（人员库编号）"})
    leader = fields.String(allow_none=True)
    completed_on = fields.String(allow_none=True)
    reminded_on = fields.String(allow_none=True)
    campaign_id = fields.String(allow_none=True, metadata={"description": "安排这一次巡察的巡察安排"})


class PlanSchema(Schema):
    id = fields.String(data_key="plan_id")
    unit_id = fields.String()
    unit_name = fields.String()
    unit_kind = fields.String()
    county = fields.String()
    zone = fields.String(allow_none=True)
    year = fields.Integer()
    status = fields.String()
    rounds = fields.List(fields.Nested(RoundSchema))
    findings = fields.List(fields.Nested(FindingSchema))
    evaluation = fields.Nested(PlanEvaluationSchema, allow_none=True)
    campaign_id = fields.String(allow_none=True)
    rounds_expected = fields.Integer(
        metadata={"description": "当年应有的巡察次数（按次安排时，尚未安排的各次也计在内）"}
    )
    plan_version = fields.Integer()
    created_by = fields.String()
    created_at = fields.DateTime()


class PlanQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class CrossAssignmentRequestSchema(Schema):
    region = fields.String(
        required=True, validate=COUNTY_CODE, metadata={"description": "省、市或县的行政区划代码；其下各协作区交叉检查"}
    )
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))


class ZonePairSchema(Schema):
    inspected_zone = fields.String()
    inspecting_zone = fields.String()
    repeats_last_year = fields.Boolean(metadata={"description": "只有两个协作区时只能互换，无法轮换"})
    reciprocal = fields.Boolean(metadata={"description": "两个协作区互相检查"})


class CrossAssignmentSchema(Schema):
    region = fields.String()
    year = fields.Integer()
    pairs = fields.List(fields.Nested(ZonePairSchema))
    created_by = fields.String()
    created_at = fields.DateTime()


class SpecialistSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    expertise = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)), required=True, validate=validate.Length(min=1)
    )
    unit_id = fields.String(load_default=None, allow_none=True)


class RegisterSpecialistsSchema(Schema):
    specialists = fields.List(fields.Nested(SpecialistSchema), required=True, validate=validate.Length(min=1, max=2000))


class RegisterSpecialistsResultSchema(Schema):
    specialists = fields.Integer()


class JoinSpecialistsSchema(Schema):
    expertise = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata={"description": "需要的专业领域，每个领域抽取一名机动组员"},
    )
