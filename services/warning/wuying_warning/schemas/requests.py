"""HTTP payloads of the warning service: proposing, approving, answering, revisiting, lifting
a warning; appeals, transfers, extensions, findings on new reports, interviews, organisational
handling (篇5 六, 七); the queries of lists, worklists, reports and the calendar."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wuying_common.events import COUNTY_CODE

from ..domain import organisational
from ..domain.levels import LEVELS, TRIGGERS, trigger_label
from .common import ID, LEVEL, STATUSES


# -- HTTP payloads ---------------------------------------------------------------------------
class ProposeSchema(Schema):
    official_id = fields.String(required=True, validate=ID)
    unit_id = fields.String(required=True, validate=ID)
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    reasons = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)),
        required=True,
        validate=validate.Length(min=1, max=20, error="至少填写一条预警理由"),
    )
    trigger = fields.String(
        required=True, metadata={"description": "预警情形代码，见 GET /api/v1/triggers；须属于所选等级"}
    )
    risk_point = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    issued_on = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "已书面发出的预警：实际发出日期，不得晚于今天"}
    )

    OPENAPI_EXTRA = {  # trigger_belongs_to_level: each level takes its own triggers (篇5 四)
        "anyOf": [
            {"properties": {"level": {"enum": [number]}, "trigger": {"enum": sorted(triggers)}}}
            for number, triggers in TRIGGERS.items()
        ]
    }

    @validates_schema(skip_on_field_errors=False)
    def trigger_belongs_to_level(self, data, **kwargs):
        # Runs even when other fields failed, so one answer names every wrong field.
        number, trigger = data.get("level"), data.get("trigger")
        if number in LEVELS and trigger is not None and trigger_label(number, trigger) is None:
            raise ValidationError(f"不是{LEVELS[number].colour_zh}预警的预警情形", field_name="trigger")


class ApproveSchema(Schema):
    issued_on = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "书面通知的实际发出日期；缺省为今天（北京时间）"}
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    reasons = fields.List(
        fields.String(validate=validate.Length(min=1, max=2000)),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "决定理由；升级预警（escalated_from）必填 (篇5 七(一) 可转)"},
    )


class ResponseSchema(Schema):
    content = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20000),
        metadata={"description": "书面说明、答复及整改措施，或整改情况报告"},
    )


class RevisitSchema(Schema):
    revisited_on = fields.Date(load_default=None, allow_none=True)
    methods = fields.List(
        fields.String(validate=validate.OneOf(["hearing_report", "document_review", "symposium", "interview"])),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "篇5 六4: 听取汇报、查阅资料、召开座谈会"},
    )
    opinion = fields.String(required=True, validate=validate.Length(min=1, max=2000))


REASONS = fields.List(
    fields.String(validate=validate.Length(min=1, max=2000)),
    required=True,
    validate=validate.Length(min=1, max=20, error="至少填写一条理由"),
)


class AppealSchema(Schema):
    reasons = REASONS


class AppealDecisionSchema(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(["upheld", "revoked"], error="须为 upheld（维持预警）或 revoked（撤销预警）"),
    )
    reasons = REASONS
    decided_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "缺省为今天（北京时间）"})


class TransferSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000, error="须说明移送理由"))


class ExtensionSchema(Schema):
    reasons = REASONS
    until = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "延长后的整改期限；缺省为原期限后一个月"}
    )


class RejectSchema(Schema):
    reasons = REASONS


class FindingSchema(Schema):
    substantiated = fields.Boolean(
        required=True, metadata={"description": "经调查问题是否属实 (篇5 七(一))；属实的提出升级预警建议"}
    )
    reasons = REASONS


class InterviewSchema(Schema):
    interviewers = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        metadata={"description": "谈话人员（人员登记库编号）"},
    )
    lead = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "主谈人的人员编号；其职级由档案服务的人员登记库核对，不再手填"},
    )
    plan = fields.String(required=True, validate=validate.Length(min=1, max=5000, error="须附谈话方案（谈话提纲）"))
    notice_slip_no = fields.String(required=True, validate=validate.Length(min=1, max=64, error="须填写约谈通知单编号"))
    scheduled_on = fields.Date(required=True)
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class InterviewRecordSchema(Schema):
    held_on = fields.Date(required=True)
    attendees = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        metadata={"description": "实际参加约谈的谈话人员（两人以上，含主谈人）"},
    )
    official_attended = fields.Boolean(load_default=True)
    summary = fields.String(required=True, validate=validate.Length(min=1, max=5000, error="须填写谈话情况摘要"))
    follow_up = fields.String(
        required=True, validate=validate.Length(min=1, max=2000, error="须填写后续要求（如限期书面说明）")
    )


class OutcomeSchema(Schema):
    measure = fields.String(
        required=True,
        validate=validate.OneOf(list(organisational.MEASURES)),
        metadata={"description": "、".join(f"{k}（{v}）" for k, v in organisational.MEASURES.items())},
    )
    reasons = REASONS
    decided_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "缺省为今天（北京时间）"})


class TaskQuerySchema(Schema):
    county = fields.String(load_default=None, validate=COUNTY_CODE)
    status = fields.String(load_default="open", validate=validate.OneOf(list(organisational.STATUSES)))


class WorklistQuerySchema(Schema):
    county = fields.String(
        load_default=None, validate=COUNTY_CODE, metadata={"description": "缺省为令牌授权的全部地区"}
    )
    limit = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=200), metadata={"description": "每一类最多条数"}
    )


class InboxMessageSchema(Schema):
    id = fields.String()
    warning_id = fields.String(allow_none=True)
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    delivered_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class EligibilityQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class QuarterlyQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    quarter = fields.Integer(required=True, validate=validate.Range(min=1, max=4, error="季度须为 1–4"))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "html"]))


class StatisticsQuerySchema(Schema):
    county = fields.String(
        required=True, validate=COUNTY_CODE, metadata={"description": "县、市或省的行政区划代码；市、省汇总其所辖各县"}
    )


class LiftSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


def _iso_date() -> fields.String:
    """A date kept as its ISO text (the arrangement reads it with ``date.fromisoformat``)."""
    return fields.String(validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), metadata={"format": "date"})


class CalendarYearSchema(Schema):
    # The year equals the path's, the dates lie in it, a date is a holiday or a make-up working
    # day, not both, and a make-up working day is a weekend: rules between values, 422.
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    source = fields.String(load_default="", validate=validate.Length(max=200))
    holidays = fields.List(_iso_date(), load_default=list)
    workdays = fields.List(_iso_date(), load_default=list)


class WarningQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    level = fields.Integer(load_default=None, validate=LEVEL)
