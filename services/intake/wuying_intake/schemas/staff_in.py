"""Staff payloads: entering a report, triage, closing, duplicates, sending up, verification,
extensions, feedback, and the query strings of the staff lists."""

from __future__ import annotations

from marshmallow import RAISE, ValidationError, fields, validate, validates, validates_schema

from wuying_common.events import COUNTY_CODE
from wuying_common.openapi_limits import NOT_NULL, absent, non_blank, present
from wuying_common.rules import UnprocessableInput

from ..domain.catalog import (
    CATEGORIES,
    CHANNELS,
    SEVERITIES,
    STAFF_CHANNELS,
)
from ..domain.deadlines import (
    FEEDBACK_METHODS,
)
from ..domain.duplicates import CONCLUSION_MIN, MIN_REVIEW_PARTICIPANTS
from ..domain.petition import (
    MAX_SUBJECTS,
    close_problem,
)
from ..domain.worklists import MAX_WITHIN, NOTE_MAX
from .common import Strict
from .events import OUTCOME_CODES, REPORT_KINDS, TriagedSubjectSchema
from .public import ReportedSubjectSchema, SubmitReportSchema

FORWARDED = {"forwarded": {"enum": [True]}, "forwarded_from": NOT_NULL, "forwarded_on": NOT_NULL}


class StaffReportSchema(SubmitReportSchema):
    subjects = fields.List(
        fields.Nested(ReportedSubjectSchema), required=True, validate=validate.Length(min=1, max=MAX_SUBJECTS)
    )
    channel = fields.String(required=True, validate=validate.OneOf(sorted(STAFF_CHANNELS)))
    received_on = fields.Date(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(REPORT_KINDS, error="只能是 discipline_report（检举控告）或 petition（信访）"),
        metadata={"description": "discipline_report 检举控告（工作日计时） | petition 信访（自然日计时）"},
    )
    forwarded = fields.Boolean(
        load_default=False,
        truthy={True},
        falsy={False},
        metadata={"description": "转来件：由其他机关转来（检举控告须在5个工作日内受理或转送）"},
    )
    forwarded_from = fields.String(
        load_default=None, validate=validate.Length(min=2, max=100), metadata={"description": "转来机关"}
    )
    forwarded_on = fields.Date(load_default=None, metadata={"description": "转出机关的转办日期"})

    OPENAPI_EXTRA = {
        "allOf": [
            SubmitReportSchema.OPENAPI_EXTRA,
            {  # a forwarded report names where from and when; another names neither
                "anyOf": [
                    {**present("forwarded", "forwarded_from", "forwarded_on"), "properties": FORWARDED},
                    {"properties": {"forwarded": {"enum": [False]}}, **absent("forwarded_from", "forwarded_on")},
                ]
            },
        ]
    }

    @validates_schema
    def forwarded_needs_its_origin(self, data, **kwargs):
        if data.get("forwarded"):
            for key, message in (("forwarded_from", "转来件须填写转来机关"), ("forwarded_on", "转来件须填写转来日期")):
                if not data.get(key):
                    raise ValidationError(message, key)
            if data.get("received_on") and data["forwarded_on"] > data["received_on"]:  # 422, not a schema rule
                raise UnprocessableInput("forwarded_on", "转来日期不能晚于收件日期", "forwarded_after_received")
        else:
            for key in ("forwarded_from", "forwarded_on"):
                if data.get(key):
                    raise ValidationError("只有转来件（forwarded: true）填写此项", key)


class TriageSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES))
    severity = fields.String(required=True, validate=validate.OneOf(list(SEVERITIES)))
    subjects = fields.List(
        fields.Nested(TriagedSubjectSchema(unknown=RAISE)),
        load_default=list,
        validate=validate.Length(max=MAX_SUBJECTS),
    )
    note = fields.String(
        required=True,
        validate=validate.Length(min=2, max=2000, error="研判须写明理由（{min}–{max} 字）"),
        metadata={"description": "研判理由（必填）：每一种研判结论都须写明理由"},
    )

    @validates("note")
    def has_a_reason(self, value, **kwargs):
        if len(value.strip()) < 2:
            raise ValidationError("研判须写明理由")

    OPENAPI_EXTRA = {
        "anyOf": [
            {"properties": {"outcome": {"not": {"enum": ["integrity_information"]}}}},
            {"required": ["subjects"], "properties": {"subjects": {"minItems": 1}}},
        ]
    }

    @validates_schema
    def subjects_for_integrity_information(self, data, **kwargs):
        if data.get("outcome") == "integrity_information" and not data.get("subjects"):
            raise ValidationError("研判为廉情信息时必须确认至少一个被反映对象（编号和地区）", "subjects")


class CollectiveReviewSchema(Strict):
    meeting_date = fields.Date(required=True)
    participants = fields.List(
        fields.String(validate=validate.Length(min=1, max=50)),
        required=True,
        validate=validate.Length(min=MIN_REVIEW_PARTICIPANTS, max=50, error="集体研判须至少 {min} 人参加"),
    )
    conclusion = fields.String(
        required=True, validate=validate.Length(min=4, max=2000), metadata={"pattern": non_blank(CONCLUSION_MIN)}
    )  # duplicates.check_collective_review; distinct participants and a past date: 422


class CloseSchema(Strict):
    answer = fields.String(
        required=True, validate=validate.Length(max=5000), metadata={"pattern": non_blank(2)}
    )  # close_problem
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    collective_review = fields.Nested(
        CollectiveReviewSchema,
        load_default=None,
        metadata={"description": "集体研判记录：研判为无实质内容、重复举报的件必填（至少3人，seeds/001 黑龙江）"},
    )

    @validates("answer")
    def answered(self, value, **kwargs):
        problem = close_problem(value)
        if problem:
            raise ValidationError(problem)


class ExtendSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    days = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=30),
        metadata={"description": "延长的自然日数，不超过30日；不填为30日"},
    )


class SendUpSchema(Strict):
    organ = fields.String(
        required=True,
        validate=validate.Length(min=2, max=100),
        metadata={"description": "接收机关，如：某某市纪委监委"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class VerificationSchema(Strict):
    confirmed = fields.Boolean(required=True, truthy={True}, falsy={False})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    clarification = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "认定恶意举报时对被反映人的澄清正名"},
    )

    OPENAPI_EXTRA = {
        "anyOf": [
            {"properties": {"confirmed": {"enum": [False]}}},
            {"required": ["clarification"], "properties": {"clarification": {"pattern": non_blank(4)}}},
        ]
    }

    @validates_schema
    def clarified_when_confirmed(self, data, **kwargs):
        if data.get("confirmed") and len((data.get("clarification") or "").strip()) < 4:
            raise ValidationError("认定为恶意举报的，须填写对被反映人的澄清说明", "clarification")


class FeedbackSchema(Strict):
    method = fields.String(required=True, validate=validate.OneOf(list(FEEDBACK_METHODS)))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class MergeSchema(Strict):
    into = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "此前收到的举报件编号"}
    )
    confirmed_by = fields.String(
        required=True, validate=validate.Length(min=1, max=100), metadata={"description": "确认重复的人员或研判会"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    collective_review = fields.Nested(
        CollectiveReviewSchema,
        required=True,
        metadata={"description": "集体研判记录（至少3人）：重复举报合并了结前须经集体研判（seeds/001 黑龙江）"},
    )


class CloseRepeatedSchema(Strict):
    collective_review = fields.Nested(CollectiveReviewSchema, required=True)
    answer = fields.String(
        load_default="", validate=validate.Length(max=5000), metadata={"description": "答复；不填时使用标准答复"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ReportQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)
    status = fields.String(
        load_default=None, validate=validate.OneOf(["received", "triaged", "closed", "sent_up", "merged"])
    )
    channel = fields.String(load_default=None, validate=validate.OneOf(list(CHANNELS)))
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    # Paged by ``cursor`` (``paging``); ``offset=0`` is still accepted for callers that sent it.
    offset = fields.Integer(
        load_default=0, validate=validate.Equal(0), metadata={"description": "已停用：请用 cursor 翻页（仅接受 0）"}
    )


class StatisticsQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)
    since = fields.Date(load_default=None, data_key="from")
    until = fields.Date(load_default=None, data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class AssignSchema(Strict):
    assignee = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "承办人（工作人员编号）"}
    )
    reason = fields.String(
        required=True, validate=validate.Length(min=2, max=1000), metadata={"description": "分办或改派的理由"}
    )


class AcknowledgeSchema(Strict):
    method = fields.String(
        required=True,
        validate=validate.OneOf(["sms", "letter"]),
        metadata={"description": "sms 短信（送至举报人手机） | letter 信函（送至举报人地址）"},
    )


class WorklistQuerySchema(Strict):
    county = fields.String(
        required=True, validate=COUNTY_CODE, metadata={"description": "县、市或省的区划代码（须在令牌授权范围内）"}
    )
    within = fields.Integer(
        load_default=3,
        validate=validate.Range(min=0, max=MAX_WITHIN),
        metadata={"description": "N 个工作日内到期（含已逾期）"},
    )
    assignee = fields.String(
        load_default=None, validate=validate.Length(min=1, max=64), metadata={"description": "承办人"}
    )


class NoteInSchema(Strict):
    text = fields.String(
        required=True,
        validate=validate.Length(min=2, max=NOTE_MAX),
        metadata={"description": "内部备注（仅工作人员可见）"},
    )


class LegalHoldSchema(Strict):
    reason = fields.String(
        required=True, validate=validate.Length(min=2, max=1000), metadata={"description": "设置或解除依法保全的理由"}
    )


class PurgeQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)
