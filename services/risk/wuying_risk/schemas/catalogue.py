"""Power lists, risk points (identification, evaluation, review, ranking) and the public
library (no personal data)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE

from ..domain.cadence import STAGE_ZH
from ..domain.evaluation import LEVEL_ZH as EVALUATION_LEVEL_ZH
from ..domain.identification import RISK_KINDS, STEP_COLOUR, STEP_ZH
from .common import KINDS, SHORT, TEXT, Label

STEP = validate.OneOf(
    ["self_found", "colleague_helped", "leader_pointed", "collectively_decided", "organisation_approved"]
)


class PowerStepSchema(Schema):
    """One step of the workflow (工作流程图): its risk points and control measures."""

    name = fields.String(required=True, validate=SHORT)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    time_limit = fields.String(load_default="", validate=validate.Length(max=100))
    risk_points = fields.List(fields.String(validate=TEXT), load_default=list)
    control_measures = fields.List(fields.String(validate=TEXT), load_default=list)


class PowerSchema(Schema):
    """权力清单条目：名称、内容、行使主体、法律依据、程序、时限、流程各环节的风险点与防控措施 (000 A)."""

    id = fields.String(dump_only=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True, validate=SHORT)
    post = fields.String(required=True, validate=SHORT)
    name = fields.String(required=True, validate=SHORT)
    content = fields.String(required=True, validate=TEXT)
    holder = fields.String(required=True, validate=SHORT)
    legal_basis = fields.String(required=True, validate=TEXT)
    procedure = fields.String(required=True, validate=TEXT)
    time_limit = fields.String(required=True, validate=SHORT)
    risk_points = fields.List(fields.String(validate=TEXT), load_default=list)
    control_measures = fields.List(fields.String(validate=TEXT), load_default=list)
    steps = fields.List(fields.Nested(PowerStepSchema), load_default=list, validate=validate.Length(max=50))
    revision = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "draft, published"})
    status_zh = Label({"draft": "草稿", "published": "已公开"}, "status", dump_only=True)
    published_revision = fields.Integer(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class PowerRevisionSchema(Schema):
    revision = fields.Integer()
    change = fields.String(metadata={"description": "created, updated, published"})
    changed_by = fields.String()
    changed_at = fields.DateTime()
    snapshot = fields.Dict()


class PowerQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default=None)
    post = fields.String(load_default=None)


class RiskPointCreateSchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True, validate=SHORT)
    post = fields.String(required=True, validate=SHORT)
    power_id = fields.String(load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=KINDS)
    description = fields.String(required=True, validate=TEXT)
    content = fields.String(load_default="", validate=validate.Length(max=2000))
    leader_id = fields.String(
        load_default="", validate=validate.Length(max=100), metadata={"description": "who takes 领导点"}
    )
    colleagues = fields.List(
        fields.String(validate=SHORT),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "同事帮: else the system assigns the unit's serving officials"},
    )


class StepSchema(Schema):
    step = fields.String(required=True, validate=STEP)
    content = fields.String(load_default="", validate=validate.Length(max=2000))
    participants = fields.List(
        fields.String(validate=SHORT),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "集体定: who took part (at least the rule's quorum)"},
    )


class GradesSchema(Schema):
    probability = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    scope = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    severity = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    variation = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    distribution = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    duration = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    frequency = fields.Integer(required=True, validate=validate.Range(min=1, max=5))


class CapExceptionInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=4, max=1000))


class EvaluateSchema(Schema):
    grades = fields.Nested(GradesSchema, required=True)
    control_measures = fields.List(fields.String(validate=TEXT), load_default=list)
    cap_exception = fields.Nested(
        CapExceptionInSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "纪委领导记录的突破10%上限的理由 (000 A 原则上)"},
    )


class ContributionSchema(Schema):
    step = fields.String()
    step_zh = Label(STEP_ZH, "step")
    colour = Label(
        STEP_COLOUR,
        "step",
        known_only=True,
        allow_none=True,
        metadata={"description": "black 自己找, blue 同事帮, red 领导点"},
    )
    by = fields.String()
    content = fields.String()
    participants = fields.List(fields.String())
    at = fields.DateTime()


class CapExceptionSchema(Schema):
    reason = fields.String()
    by = fields.String()
    at = fields.DateTime()


class EvaluationSchema(Schema):
    grades = fields.Dict()
    index = fields.Integer()
    level = fields.String()
    level_zh = Label(EVALUATION_LEVEL_ZH, "level")
    lines = fields.List(fields.String())
    rule_version = fields.String()
    rules_commission = fields.String()
    acceptable = fields.Boolean(allow_none=True)
    evaluated_by = fields.String()
    evaluated_at = fields.DateTime()
    cap_exception = fields.Nested(CapExceptionSchema, allow_none=True)


class ReviewRecordSchema(Schema):
    reviewed_on = fields.String()
    by = fields.String()
    outcome = fields.String()
    note = fields.String()
    due_on = fields.String()
    late = fields.Boolean()


class EscalationSchema(Schema):
    stage = fields.String()
    stage_zh = Label(STAGE_ZH, "stage")
    due_on = fields.String()
    escalated_on = fields.String()


class RiskPointSchema(Schema):
    id = fields.String()
    county = fields.String()
    unit_id = fields.String()
    post = fields.String()
    power_id = fields.String(allow_none=True)
    kind = fields.String()
    kind_zh = Label(RISK_KINDS, "kind")
    description = fields.String()
    status = fields.String(metadata={"description": "identifying, decided, published"})
    next_step = fields.String(allow_none=True)
    holder_id = fields.String()
    leader_id = fields.String()
    assigned_colleagues = fields.List(fields.String())
    contributions = fields.List(fields.Nested(ContributionSchema))
    evaluation = fields.Nested(EvaluationSchema, allow_none=True)
    evaluations = fields.List(
        fields.Nested(EvaluationSchema), metadata={"description": "every evaluation, oldest first"}
    )
    control_measures = fields.List(fields.String())
    next_review_on = fields.String(allow_none=True)
    review_rule_version = fields.String(allow_none=True)
    review_stage = fields.String()
    review_stage_zh = Label(STAGE_ZH, "review_stage")
    reviews = fields.List(fields.Nested(ReviewRecordSchema))
    escalations = fields.List(fields.Nested(EscalationSchema))


class RiskPointQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default=None)


class RankingRowSchema(Schema):
    rank = fields.Integer()
    acceptable = fields.Boolean(metadata={"description": "at or below the acceptable baseline"})
    baseline = fields.Integer()
    point = fields.Nested(RiskPointSchema)


class ReviewSchema(Schema):
    outcome = fields.String(
        required=True, validate=validate.OneOf(["unchanged", "measures_updated", "level_to_reassess"])
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    control_measures = fields.List(fields.String(validate=TEXT), load_default=list)


# -- the public library (no personal data) -------------------------------------------------------
class PublicPowerSchema(Schema):
    id = fields.String()
    county = fields.String()
    unit_id = fields.String()
    post = fields.String()
    name = fields.String()
    content = fields.String()
    holder = fields.String(metadata={"description": "行使主体（部门或岗位，不是个人）"})
    legal_basis = fields.String()
    procedure = fields.String()
    time_limit = fields.String()
    risk_points = fields.List(fields.String())
    control_measures = fields.List(fields.String())
    steps = fields.List(fields.Dict())
    revision = fields.Integer()
    published_at = fields.DateTime()


class PublicRiskPointSchema(Schema):
    id = fields.String()
    county = fields.String()
    unit_id = fields.String()
    post = fields.String()
    power_id = fields.String(allow_none=True)
    kind = fields.String()
    kind_zh = Label(RISK_KINDS, "kind")
    description = fields.String()
    level = fields.String(allow_none=True)
    level_zh = Label(EVALUATION_LEVEL_ZH, "level", allow_none=True)
    control_measures = fields.List(fields.String())
    published_at = fields.DateTime()


class LibrarySchema(Schema):
    county = fields.String()
    powers = fields.List(fields.Nested(PublicPowerSchema))
    risk_points = fields.List(fields.Nested(PublicRiskPointSchema))
