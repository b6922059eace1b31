"""Marshmallow schemas at the risk service's edges: events in and out, HTTP payloads.

The Out schemas dump the aggregates themselves (``Profile``, ``RiskPoint``, ``PowerItem``);
the Chinese labels are computed here from the codes the aggregates keep.
"""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from .domain.cadence import STAGE_ZH
from .domain.evaluation import LEVEL_ZH as EVALUATION_LEVEL_ZH
from .domain.identification import RISK_KINDS, STEP_COLOUR, STEP_ZH
from .domain.monitoring import BUYER_KINDS, CATEGORIES, DOMAINS, METHODS, RULES_ZH
from .domain.rulebook import RULE_KINDS
from .domain.scoring import ASSESSMENT_RATINGS, FACTOR_ZH, LEVEL_ZH

SERVICE = "risk"
LEVEL = validate.OneOf(["low", "medium", "high"])


# -- events out ------------------------------------------------------------------------------
class ProfileFactorV1Schema(Schema):
    """One factor of a profile: its points today and how many signals make them."""

    factor = fields.String(required=True)
    factor_zh = fields.String(required=True)
    points = fields.Integer(required=True)
    signals = fields.Integer(required=True)


class ProfileChangedV1Schema(Schema):
    """廉政风险画像变化: one signal changed an official's dynamic risk score."""

    official_id = fields.String(required=True)
    unit_id = fields.String(required=True, metadata={"description": "empty when the official is not registered yet"})
    county = fields.String(required=True, validate=COUNTY_CODE)
    score_before = fields.Integer(required=True)
    score_after = fields.Integer(required=True)
    level = fields.String(required=True, validate=LEVEL)
    level_zh = fields.String(required=True)
    factor = fields.String(required=True, metadata={"description": "integrity_report, inspection_finding, ..."})
    points = fields.Integer(required=True)
    cause_event_id = fields.String(
        required=True, metadata={"description": "empty for a recompute (rule change, decay)"}
    )
    rule_version = fields.String(required=True)
    # Added in issue 13, optional in v1 (tolerant readers ignore them): the change explained,
    # and the profile factor by factor — never the history of signals.
    explanation = fields.String(metadata={"description": "中文：本次变化的说明（信号、权重、衰减）"})
    factors = fields.List(
        fields.Nested(ProfileFactorV1Schema),
        metadata={"description": "画像逐因素汇总（每个因素一行，不含历史明细）"},
    )


class WarningProposedV1Schema(Schema):
    """拟作出廉政风险预警: a profile reached a warning threshold; a leader decides."""

    proposal_id = fields.String(required=True)
    official_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=validate.OneOf([1, 2, 3]))
    colour = fields.String(required=True, validate=validate.OneOf(["blue", "yellow", "red"]))
    risk_point = fields.String(required=True, metadata={"description": "中文：风险点"})
    trigger = fields.String(required=True, metadata={"description": "what raised it, e.g. risk_score_threshold"})
    reasons = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "中文理由：达到的阈值、引起本次建议的信号、逐因素汇总"},
    )
    score = fields.Integer(required=True)
    rule_version = fields.String(required=True)
    cause_event_ids = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "the signals weighing most now (at most 10) and the one that caused it"},
    )


PROFILE_CHANGED = registry.register(
    SERVICE,
    "risk.profile_changed",
    1,
    ProfileChangedV1Schema,
    "An official's dynamic risk profile changed (廉政风险画像变化).",
)
WARNING_PROPOSED = registry.register(
    SERVICE,
    "warning.proposed",
    1,
    WarningProposedV1Schema,
    "A profile reached a warning threshold (拟作出廉政风险预警).",
)


# -- events in (tolerant readers: only the fields risk uses) ---------------------------------
class TriagedSubjectSchema(ConsumedEventData):
    kind = fields.String(required=True)
    id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(load_default=None, allow_none=True, validate=COUNTY_CODE)


class PetitionTriagedInSchema(ConsumedEventData):
    petition_id = fields.String(load_default="")
    outcome = fields.String(required=True)
    category = fields.String(load_default="")
    category_zh = fields.String(load_default="")
    severity = fields.String(load_default=None, allow_none=True)
    subjects = fields.List(fields.Nested(TriagedSubjectSchema), load_default=list)


class FindingRecordedInSchema(ConsumedEventData):
    """The part of inspection's ``inspection.finding_recorded`` v1 risk reads."""

    finding_id = fields.String(load_default="")
    official_id = fields.String(load_default=None, allow_none=True)
    unit_id = fields.String(load_default="", allow_none=True)
    severity = fields.String(required=True, validate=validate.OneOf(["early_sign", "general", "serious"]))
    severity_zh = fields.String(load_default="")


class OfficialChangedInSchema(ConsumedEventData):
    official_id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default="")
    post = fields.String(load_default="")
    status = fields.String(load_default="serving")


class _WarningRefIn(ConsumedEventData):
    warning_id = fields.String(required=True, validate=validate.Length(min=1))
    official_id = fields.String(required=True, validate=validate.Length(min=1))
    unit_id = fields.String(load_default="")
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=validate.OneOf([1, 2, 3]))


class WarningIssuedInSchema(_WarningRefIn):
    """The part of warning's ``warning.issued`` v1 risk reads (a past warning)."""

    issued_on = fields.Date(load_default=None, allow_none=True)
    escalated_from = fields.String(load_default=None, allow_none=True)


class WarningEscalatedInSchema(_WarningRefIn):
    """warning's deprecated ``warning.escalated`` v1 (level is the new one)."""

    issued_on = fields.Date(load_default=None, allow_none=True)


class WarningLiftedInSchema(_WarningRefIn):
    lifted_on = fields.Date(load_default=None, allow_none=True)


class ReminderClosedInSchema(ConsumedEventData):
    """archive's ``archive.reminder_closed`` (a supervision reminder on one of the twelve risk
    warning conditions, seeds/004, closed with its result)."""

    reminder_id = fields.String(load_default="")
    official_id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default="", allow_none=True)
    condition_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    condition_name_zh = fields.String(load_default="")
    condition_zh = fields.String(load_default="")  # the name in the brief; archive v1 says condition_name_zh
    result = fields.String(required=True, validate=validate.OneOf(["confirmed", "cleared", "needs_handling"]))
    closed_on = fields.String(load_default="", allow_none=True, metadata={"description": "YYYY-MM-DD…"})


# One instance each, made once: ``Schema.load`` is reentrant, and building a schema per event
# was a measurable share of a burst's CPU.
PETITION_TRIAGED_IN = PetitionTriagedInSchema()
FINDING_RECORDED_IN = FindingRecordedInSchema()
OFFICIAL_CHANGED_IN = OfficialChangedInSchema()
WARNING_ISSUED_IN = WarningIssuedInSchema()
WARNING_ESCALATED_IN = WarningEscalatedInSchema()
WARNING_LIFTED_IN = WarningLiftedInSchema()
REMINDER_CLOSED_IN = ReminderClosedInSchema()


# -- HTTP / RPC ------------------------------------------------------------------------------
class Label(fields.String):
    """The Chinese label of the code the dumped object keeps in ``source`` (dump only).

    A ``String`` to the outside, so the published API types it as a string; unknown codes
    show as themselves, or as null with ``known_only=True``. (marshmallow refuses two fields
    with the same ``attribute``, hence ``source``.)
    """

    def __init__(self, labels: Mapping[str, str], source: str, *, known_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.labels = labels
        self.source = source
        self.known_only = known_only

    def get_value(self, obj, attr, accessor=None, default=missing):
        return super().get_value(obj, self.source, accessor=accessor, default=default)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return self.labels.get(value, None if self.known_only else value)


class SignalSchema(Schema):
    key = fields.String(metadata={"description": "the signal's key in the signals collection"})
    factor = fields.String()
    factor_zh = Label(FACTOR_ZH, "factor")
    points = fields.Integer(metadata={"description": "points today (weighted, decayed)"})
    event_id = fields.String(metadata={"description": "id of the event (or monitoring hit) that caused the signal"})
    category = fields.String()
    category_zh = fields.String()
    severity = fields.String()
    state = fields.String(metadata={"description": "'', lifted, superseded"})
    occurred_at = fields.DateTime()
    explanation = fields.String(metadata={"description": "中文说明"})


class SignalRecordSchema(Schema):
    key = fields.String(attribute="id")
    subject_kind = fields.String()
    subject_id = fields.String()
    county = fields.String()
    unit_id = fields.String()
    factor = fields.String()
    factor_zh = Label(FACTOR_ZH, "factor")
    severity = fields.String()
    category = fields.String()
    category_zh = fields.String()
    occurred_at = fields.DateTime()
    source = fields.String()
    source_event_id = fields.String()
    evidence = fields.List(fields.String())
    note = fields.String()
    recorded_at = fields.DateTime()


class FactorSchema(Schema):
    factor = fields.String()
    factor_zh = fields.String()
    points = fields.Integer()
    signals = fields.Integer()
    lines = fields.List(fields.String())


class ProposalSchema(Schema):
    proposal_id = fields.String()
    level = fields.Integer()
    colour = fields.String()
    score = fields.Integer()
    proposed_at = fields.DateTime()


class ProfileSchema(Schema):
    official_id = fields.String(attribute="id")
    unit_id = fields.String()
    county = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = Label(LEVEL_ZH, "level")
    rule_version = fields.String()
    factors = fields.List(fields.Nested(FactorSchema), metadata={"description": "逐因素解释"})
    signals = fields.List(fields.Nested(SignalSchema))
    proposed_levels = fields.List(fields.Integer())
    proposals = fields.List(fields.Nested(ProposalSchema))
    scored_on = fields.String(metadata={"description": "the Beijing date the points were computed for"})
    updated_at = fields.DateTime()


class UnitProfileSchema(Schema):
    unit_id = fields.String(attribute="id")
    county = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = Label(LEVEL_ZH, "level")
    rule_version = fields.String()
    factors = fields.List(fields.Nested(FactorSchema), metadata={"description": "逐因素解释"})
    signals = fields.List(fields.Nested(SignalSchema))
    scored_on = fields.String()
    updated_at = fields.DateTime()


class ProfileSummarySchema(Schema):
    official_id = fields.String(attribute="id")
    unit_id = fields.String()
    county = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = Label(LEVEL_ZH, "level")
    proposed_levels = fields.List(fields.Integer())


class ProfileQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


# -- power lists, risk points, evaluations -------------------------------------------------
TEXT = validate.Length(min=1, max=2000)
SHORT = validate.Length(min=1, max=100)
KINDS = validate.OneOf(["ideological_moral", "institutional", "post_duty"])
STEP = validate.OneOf(
    ["self_found", "colleague_helped", "leader_pointed", "collectively_decided", "organisation_approved"]
)


class RiskAssessedV1Schema(Schema):
    """廉政风险评估: a risk point was rated (index and level) in its department."""

    risk_point_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    post = fields.String(required=True)
    kind = fields.String(required=True, validate=KINDS)
    index = fields.Integer(required=True)
    level = fields.String(required=True, validate=LEVEL)
    level_zh = fields.String(required=True)
    status = fields.String(required=True)
    rule_version = fields.String(required=True)
    # Added in issue 13, optional in v1.
    acceptable = fields.Boolean(
        metadata={"description": "index at or below the acceptable baseline (可接受的风险基准)"}
    )
    evaluation_count = fields.Integer(metadata={"description": "how many evaluations the point has had (history)"})
    cap_exception = fields.Boolean(
        metadata={"description": "rated high beyond the 10% cap under a commission leader's recorded exception"}
    )


RISK_ASSESSED = registry.register(
    SERVICE, "risk.assessed", 1, RiskAssessedV1Schema, "A risk point was evaluated (廉政风险评估)."
)


class ReviewOverdueV1Schema(Schema):
    """风险点复核逾期: a risk point's periodic review was missed and escalated (篇8 第二十二条)."""

    risk_point_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    post = fields.String(required=True)
    level = fields.String(required=True, validate=LEVEL)
    due_on = fields.Date(required=True)
    working_days_late = fields.Integer(required=True)
    provisional = fields.Boolean(required=True, metadata={"description": "a year not loaded in the calendar"})
    stage = fields.String(required=True, validate=validate.OneOf(["department_head", "commission"]))
    stage_zh = fields.String(required=True)
    escalated_to_zh = fields.String(required=True)
    rule_version = fields.String(required=True)


REVIEW_OVERDUE = registry.register(
    SERVICE,
    "risk.review_overdue",
    1,
    ReviewOverdueV1Schema,
    "A risk point's review is overdue and escalated to the department head or the commission (风险点复核逾期).",
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


class CountyQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)


class DeletedSchema(Schema):
    deleted = fields.String()


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


# -- signals imported over HTTP: assessments and integrity credit ------------------------------
class AssessmentRecordSchema(Schema):
    record_id = fields.String(required=True, validate=SHORT)
    official_id = fields.String(required=True, validate=SHORT)
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(required=True, validate=validate.OneOf(["assessment", "integrity_credit"]))
    period = fields.String(required=True, validate=SHORT, metadata={"description": "e.g. 2026 年度"})
    rating = fields.String(load_default=None, validate=validate.OneOf(sorted(ASSESSMENT_RATINGS)))
    credit = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100))
    assessed_on = fields.Date(required=True)

    @validates_schema
    def _one_result(self, data, **kwargs):
        if data["kind"] == "assessment" and not data.get("rating"):
            raise ValidationError("考核结果须给出等次", "rating")
        if data["kind"] == "integrity_credit" and data.get("credit") is None:
            raise ValidationError("廉政信用度须给出分值", "credit")


class AssessmentImportSchema(Schema):
    records = fields.List(
        fields.Nested(AssessmentRecordSchema), required=True, validate=validate.Length(min=1, max=5000)
    )


class ImportReportSchema(Schema):
    received = fields.Integer()
    applied = fields.Integer()
    duplicates = fields.Integer()
    no_signal = fields.Integer(metadata={"description": "results that weigh nothing under the rules"})


class SignalQuerySchema(Schema):
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=500))


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
        if data["end"] < data["start"]:
            raise ValidationError("结束日期不能早于开始日期", "end")


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
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


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
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


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
