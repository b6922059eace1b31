"""Events: the ones risk publishes (versioned ``data`` schemas, registered in this order) and the
parts of other services' events it reads (tolerant readers)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from .common import KINDS, LEVEL, SERVICE


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


class OfficialsImportedInSchema(ConsumedEventData):
    """archive's ``officials.imported`` v1: a registry import's changes of one county, each read
    as an ``official.changed`` (only what risk keeps)."""

    county = fields.String(required=True, validate=COUNTY_CODE)
    changes = fields.List(fields.Nested(OfficialChangedInSchema), required=True, validate=validate.Length(min=1))


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


class CreditFactorInSchema(ConsumedEventData):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name_zh = fields.String(load_default="")
    points = fields.Integer(required=True)
    count = fields.Integer(load_default=1)


class IntegrityCreditChangedInSchema(ConsumedEventData):
    """archive's ``archive.integrity_credit_changed`` v1 (廉政信用, 0–100, higher is better),
    factor by factor."""

    official_id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(required=True, validate=COUNTY_CODE)
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    factors = fields.List(fields.Nested(CreditFactorInSchema), load_default=list)
    level_zh = fields.String(load_default="", allow_none=True)
    rule_version = fields.String(load_default="", allow_none=True)
    computed_on = fields.String(load_default="", allow_none=True, metadata={"description": "YYYY-MM-DD…"})


class DispositionAddedInSchema(ConsumedEventData):
    """The part of inspection's ``inspection.disposition_added`` v1 risk reads (another rung of a
    finding's disposition ladder, seeds/000 E)."""

    finding_id = fields.String(required=True, validate=validate.Length(min=1))
    official_id = fields.String(load_default=None, allow_none=True)
    unit_id = fields.String(load_default="", allow_none=True)
    severity = fields.String(load_default=None, allow_none=True)
    disposition = fields.String(required=True, validate=validate.Length(min=1, max=64))
    disposition_zh = fields.String(load_default="")
    on = fields.String(load_default="", allow_none=True, metadata={"description": "YYYY-MM-DD"})


class CalendarYearLoadedInSchema(ConsumedEventData):
    """warning's ``calendar.year_loaded`` v1: a year's official holiday arrangement, loaded once
    for the province."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)
    source = fields.String(load_default="")


# One instance each, made once: ``Schema.load`` is reentrant, and building a schema per event
# was a measurable share of a burst's CPU.
PETITION_TRIAGED_IN = PetitionTriagedInSchema()
FINDING_RECORDED_IN = FindingRecordedInSchema()
OFFICIAL_CHANGED_IN = OfficialChangedInSchema()
OFFICIALS_IMPORTED_IN = OfficialsImportedInSchema()
WARNING_ISSUED_IN = WarningIssuedInSchema()
WARNING_ESCALATED_IN = WarningEscalatedInSchema()
WARNING_LIFTED_IN = WarningLiftedInSchema()
REMINDER_CLOSED_IN = ReminderClosedInSchema()
INTEGRITY_CREDIT_CHANGED_IN = IntegrityCreditChangedInSchema()
DISPOSITION_ADDED_IN = DispositionAddedInSchema()
CALENDAR_YEAR_LOADED_IN = CalendarYearLoadedInSchema()
