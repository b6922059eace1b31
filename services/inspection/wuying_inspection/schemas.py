"""Marshmallow schemas at the inspection service's edges: HTTP/RPC payloads and versioned
event data."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, registry

SERVICE = "inspection"

UNIT_KINDS = ("commission_organ", "dispatched_agency", "department", "township", "enterprise", "school", "other")


# -- events out ------------------------------------------------------------------------------
class ScheduledRoundV1Schema(Schema):
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    method = fields.String(required=True, validate=validate.OneOf(["special", "surprise", "cross", "unannounced"]))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class InspectionScheduledV1Schema(Schema):
    """巡察计划安排: one unit's inspection rounds for one year (000/E: at least two)."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    zone = fields.String(required=True, allow_none=True)
    rounds = fields.List(fields.Nested(ScheduledRoundV1Schema), required=True, validate=validate.Length(min=2))


INSPECTION_SCHEDULED = registry.register(
    SERVICE,
    "inspection.scheduled",
    1,
    InspectionScheduledV1Schema,
    "A unit's inspection plan for a year was scheduled (内部作风巡察计划安排).",
)


class InspectionFindingRecordedV1Schema(Schema):
    """巡察发现问题: a finding and its disposition by severity (000/E 结果运用). The finding's text
    stays in the inspection service."""

    finding_id = fields.String(required=True)
    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    official_id = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    round = fields.Integer(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(["early_sign", "general", "serious"]))
    severity_zh = fields.String(required=True)
    disposition = fields.String(required=True)
    disposition_zh = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


INSPECTION_FINDING_RECORDED = registry.register(
    SERVICE,
    "inspection.finding_recorded",
    1,
    InspectionFindingRecordedV1Schema,
    "An inspection finding was recorded with its disposition (巡察发现问题及处置).",
)


class FindingTallyV1Schema(Schema):
    early_sign = fields.Integer(required=True)
    general = fields.Integer(required=True)
    serious = fields.Integer(required=True)


class InspectionCompletedV1Schema(Schema):
    """巡察完成: one round of a unit's plan is finished; ``plan_completed`` when it was the last."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    round = fields.Integer(required=True)
    method = fields.String(required=True)
    completed_on = fields.Date(required=True)
    findings = fields.Nested(FindingTallyV1Schema, required=True)
    plan_completed = fields.Boolean(required=True)


INSPECTION_COMPLETED = registry.register(
    SERVICE,
    "inspection.completed",
    1,
    InspectionCompletedV1Schema,
    "A round of a unit's inspection was completed (巡察完成), with its findings per severity.",
)


# -- HTTP / RPC payloads -------------------------------------------------------------------
class UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    county = fields.String(required=True, validate=COUNTY_CODE)
    # Open vocabulary (the registry is shared with archive); 000/E's scope is commission_organ
    # and dispatched_agency.
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"example": UNIT_KINDS[0]})
    zone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))


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
    # The ≥2 rule is the domain's (000/E), so its 400 cites the rule; here only the type.
    rounds = fields.Integer(load_default=2, strict=True)
    methods = fields.List(
        fields.String(), load_default=None, metadata={"description": "special, surprise, cross, unannounced"}
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
    completed_on = fields.String(allow_none=True)


class FindingSchema(Schema):
    id = fields.String(data_key="finding_id")
    round = fields.Integer()
    severity = fields.String()
    disposition = fields.String()
    official_id = fields.String(allow_none=True)
    summary = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


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
    created_by = fields.String()
    created_at = fields.DateTime()


class PlanQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


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


class FindingRequestSchema(Schema):
    round = fields.Integer(required=True, strict=True)
    # Severity and disposition are checked by the domain, so the 400 cites 000/E.
    severity = fields.String(required=True, metadata={"description": "early_sign, general, serious"})
    disposition = fields.String(load_default=None, metadata={"description": "默认：按问题性质的首选处置方式"})
    official_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=2000))
