"""Versioned event data of the inspection service: the events it publishes (``inspection.*``:
scheduled v1/v2, finding recorded, completed, disposition added/closed, evaluation recorded; 000/E
结果运用), the part of archive's ``official.changed`` it reads and warning's
``calendar.year_loaded`` (the province's calendar)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from ..domain.ruledata import SCHEDULED_V1_RETIRES_ON

SERVICE = "inspection"


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
    "A unit's inspection plan for a year was scheduled (内部作风巡察计划安排). Deprecated: it carries the "
    f"dates of surprise and unannounced rounds; published beside v2 until {SCHEDULED_V1_RETIRES_ON}, then retired.",
    retires=SCHEDULED_V1_RETIRES_ON,
)


class ScheduledRoundV2Schema(Schema):
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    method = fields.String(required=True, validate=validate.OneOf(["special", "surprise", "cross", "unannounced"]))
    starts_on = fields.Date(required=True, allow_none=True, metadata={"description": "突击检查、暗访开始前为 null"})
    ends_on = fields.Date(required=True, allow_none=True)
    dates_withheld = fields.Boolean(required=True, metadata={"description": "日期保密（突击检查、暗访开始前）"})


class InspectionScheduledV2Schema(Schema):
    """巡察计划安排 v2: as v1, but the dates of surprise and unannounced rounds (突击检查、暗访) that
    have not started are withheld — the inspected unit and other agencies read this event."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    zone = fields.String(required=True, allow_none=True)
    plan_version = fields.Integer(required=True)
    campaign_id = fields.String(required=True, allow_none=True)
    rounds = fields.List(fields.Nested(ScheduledRoundV2Schema), required=True, validate=validate.Length(min=2))


INSPECTION_SCHEDULED_V2 = registry.register(
    SERVICE,
    "inspection.scheduled",
    2,
    InspectionScheduledV2Schema,
    "A unit's inspection plan for a year was scheduled or rescheduled (内部作风巡察计划安排); the dates of "
    "surprise and unannounced rounds not yet started are withheld.",
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


class DispositionEventV1Schema(Schema):
    """巡察发现问题的处置: one disposition of a finding added or closed (000/E 结果运用)."""

    finding_id = fields.String(required=True)
    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    official_id = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(["early_sign", "general", "serious"]))
    disposition = fields.String(required=True)
    disposition_zh = fields.String(required=True)
    outcome = fields.String(required=True, allow_none=True)
    outcome_zh = fields.String(required=True, allow_none=True)
    finding_closed = fields.Boolean(required=True)
    on = fields.Date(required=True)


INSPECTION_DISPOSITION_ADDED = registry.register(
    SERVICE,
    "inspection.disposition_added",
    1,
    DispositionEventV1Schema,
    "Another disposition was taken on an inspection finding (巡察发现问题追加处置).",
)
INSPECTION_DISPOSITION_CLOSED = registry.register(
    SERVICE,
    "inspection.disposition_closed",
    1,
    DispositionEventV1Schema,
    "A disposition of an inspection finding was closed with its outcome (处置办结：谈话、函询、核实、立案、移送司法).",
)


class InspectionEvaluationRecordedV1Schema(Schema):
    """年度评优评先依据: the year's inspection result of a unit (000/E 结果运用)."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    standing = fields.String(
        required=True, validate=validate.OneOf(["clear", "with_findings", "pending", "not_recommended"])
    )
    standing_zh = fields.String(required=True)
    eligible_for_excellence = fields.Boolean(required=True)
    findings = fields.Nested(FindingTallyV1Schema, required=True)
    open_dispositions = fields.Integer(required=True)
    rounds_completed = fields.Integer(required=True)
    rounds_planned = fields.Integer(required=True)


INSPECTION_EVALUATION_RECORDED = registry.register(
    SERVICE,
    "inspection.evaluation_recorded",
    1,
    InspectionEvaluationRecordedV1Schema,
    "A unit's inspection result for the year was recorded for its annual evaluation (评优评先).",
)


# -- events in ---------------------------------------------------------------------------------
class OfficialChangedInSchema(ConsumedEventData):
    """The part of archive's ``official.changed`` v1 the inspector pool reads."""

    official_id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    status = fields.String(load_default="serving")


class OfficialsImportedInSchema(ConsumedEventData):
    """archive's ``officials.imported`` v1: a registry import's changes, each an ``official.changed``."""

    changes = fields.List(fields.Nested(OfficialChangedInSchema), required=True, validate=validate.Length(min=1))


OFFICIAL_CHANGED_IN = OfficialChangedInSchema()
OFFICIALS_IMPORTED_IN = OfficialsImportedInSchema()


class CalendarYearLoadedIn(ConsumedEventData):
    """``warning.events`` ``calendar.year_loaded`` v1, read tolerantly: a year's official holiday
    arrangement, loaded once for the province (issue 8 item 3)."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)
    source = fields.String(load_default="")


CALENDAR_YEAR_LOADED_IN = CalendarYearLoadedIn()
