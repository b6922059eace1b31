"""Marshmallow schemas at the risk service's edges: events in and out, HTTP payloads.

The Out schemas dump the aggregates themselves (``Profile``, ``RiskPoint``, ``PowerItem``);
the Chinese labels are computed here from the codes the aggregates keep.
"""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, fields, missing, validate

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from .domain.evaluation import LEVEL_ZH as EVALUATION_LEVEL_ZH
from .domain.identification import RISK_KINDS, STEP_COLOUR, STEP_ZH
from .domain.scoring import LEVEL_ZH

SERVICE = "risk"
LEVEL = validate.OneOf(["low", "medium", "high"])


# -- events out ------------------------------------------------------------------------------
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
    cause_event_id = fields.String(required=True)
    rule_version = fields.String(required=True)


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
    reasons = fields.List(fields.String(), required=True, metadata={"description": "中文理由，逐条"})
    score = fields.Integer(required=True)
    rule_version = fields.String(required=True)
    cause_event_ids = fields.List(fields.String(), required=True)


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
    severity = fields.String(required=True, validate=validate.OneOf(["early_sign", "general", "serious"]))
    severity_zh = fields.String(load_default="")


class OfficialChangedInSchema(ConsumedEventData):
    official_id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default="")
    post = fields.String(load_default="")
    status = fields.String(load_default="serving")


# One instance each, made once: ``Schema.load`` is reentrant, and building a schema per event
# was a measurable share of a burst's CPU.
PETITION_TRIAGED_IN = PetitionTriagedInSchema()
FINDING_RECORDED_IN = FindingRecordedInSchema()
OFFICIAL_CHANGED_IN = OfficialChangedInSchema()


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
    factor = fields.String()
    points = fields.Integer()
    event_id = fields.String(metadata={"description": "id of the event that caused the signal"})
    category = fields.String()
    category_zh = fields.String()
    severity = fields.String()
    occurred_at = fields.DateTime()
    explanation = fields.String(metadata={"description": "中文说明"})


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


RISK_ASSESSED = registry.register(
    SERVICE, "risk.assessed", 1, RiskAssessedV1Schema, "A risk point was evaluated (廉政风险评估)."
)


class PowerSchema(Schema):
    """权力清单条目：名称、内容、行使主体、法律依据、程序、时限、风险点、防控措施 (000 A)."""

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
    version = fields.Integer(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


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


class StepSchema(Schema):
    step = fields.String(required=True, validate=STEP)
    content = fields.String(load_default="", validate=validate.Length(max=2000))


class GradesSchema(Schema):
    probability = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    scope = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    severity = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    variation = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    distribution = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    duration = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    frequency = fields.Integer(required=True, validate=validate.Range(min=1, max=5))


class EvaluateSchema(Schema):
    grades = fields.Nested(GradesSchema, required=True)
    control_measures = fields.List(fields.String(validate=TEXT), load_default=list)


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
    at = fields.DateTime()


class EvaluationSchema(Schema):
    grades = fields.Dict()
    index = fields.Integer()
    level = fields.String()
    level_zh = Label(EVALUATION_LEVEL_ZH, "level")
    lines = fields.List(fields.String())
    rule_version = fields.String()
    evaluated_at = fields.DateTime()


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
    contributions = fields.List(fields.Nested(ContributionSchema))
    evaluation = fields.Nested(EvaluationSchema, allow_none=True)
    control_measures = fields.List(fields.String())


class RiskPointQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(load_default=None)


class DeletedSchema(Schema):
    deleted = fields.String()
