"""A commission's historical reports, imported in bulk from its previous system (历史信访件导入):
already accepted (triaged) or closed, with their reporter sealed or absent, no events."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wuying_common.openapi_limits import NOT_NULL, absent, non_blank

from ..domain.catalog import CHANNELS
from ..domain.petition import MAX_SUBJECTS, close_problem
from .common import Strict
from .events import REPORT_KINDS
from .public import ReportedSubjectSchema, SubmitReportSchema
from .staff_in import TriageSchema

MAX_IMPORTED_REPORTS = 1000
IMPORTED_STATUSES = ("triaged", "closed")
PETITION_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{5,63}$"
STAFF_ID = validate.Length(min=1, max=64)


class HistoricalTriageSchema(TriageSchema):
    """The triage as the previous system recorded it (its outcome, severity, subjects and reason,
    as ``POST …/triage`` takes them), and when and by whom."""

    triaged_at = fields.AwareDateTime(required=True, metadata={"description": "受理（研判）时间，须不早于收件日期"})
    triaged_by = fields.String(load_default=None, validate=STAFF_ID, metadata={"description": "原系统的研判人"})


class HistoricalClosureSchema(Strict):
    answer = fields.String(
        required=True, validate=validate.Length(min=1, max=5000), metadata={"pattern": non_blank(2)}
    )  # close_problem
    closed_at = fields.AwareDateTime(required=True, metadata={"description": "办结时间，须不早于受理时间"})
    closed_by = fields.String(load_default=None, validate=STAFF_ID)

    @validates_schema
    def non_blank_answer(self, data, **kwargs):
        problem = close_problem(data.get("answer", ""))
        if problem:
            raise ValidationError(problem, "answer")


class HistoricalReportSchema(SubmitReportSchema):
    """One report from the previous system, as intake would hold it had it been received here."""

    class Meta(Strict.Meta):
        exclude = ("attachments",)

    petition_id = fields.String(
        required=True,
        validate=validate.Regexp(PETITION_ID, error="编号为 6–64 位字母、数字、- 或 _"),
        metadata={"description": "原系统的件号（重复导入时已有的件跳过）"},
    )
    channel = fields.String(required=True, validate=validate.OneOf(sorted(CHANNELS)))
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    subjects = fields.List(
        fields.Nested(ReportedSubjectSchema), required=True, validate=validate.Length(min=1, max=MAX_SUBJECTS)
    )
    received_on = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(IMPORTED_STATUSES))
    triage = fields.Nested(HistoricalTriageSchema, required=True)
    closure = fields.Nested(HistoricalClosureSchema, load_default=None)
    acknowledged_on = fields.Date(
        load_default=None, metadata={"description": "实名举报：原系统送达受理告知之日（答复受理期限）"}
    )
    fed_back_on = fields.Date(
        load_default=None, metadata={"description": "实名检举控告：原系统反馈办理结果之日（答复反馈期限）"}
    )

    OPENAPI_EXTRA = {
        "allOf": [
            SubmitReportSchema.OPENAPI_EXTRA,
            {  # a closed report carries its closure, an accepted one none
                "anyOf": [
                    {"properties": {"status": {"enum": ["closed"]}, "closure": NOT_NULL}, "required": ["closure"]},
                    {"properties": {"status": {"enum": ["triaged"]}}, **absent("closure")},
                ]
            },
            {  # an anonymous report had no acknowledgement and no feedback
                "anyOf": [
                    {"properties": {"anonymous": {"enum": [False]}}},
                    absent("acknowledged_on", "fed_back_on"),
                ]
            },
        ]
    }

    @validates_schema
    def closure_matches_status(self, data, **kwargs):
        if "status" not in data:
            return
        if data["status"] == "closed" and not data.get("closure"):
            raise ValidationError("已办结的件须填写办结答复和时间", "closure")
        if data["status"] != "closed" and data.get("closure"):
            raise ValidationError("只有已办结的件填写办结信息", "closure")
        if data.get("anonymous") and (data.get("acknowledged_on") or data.get("fed_back_on")):
            raise ValidationError("匿名举报没有受理告知和结果反馈", "acknowledged_on")


class ImportReportsSchema(Strict):
    reports = fields.List(
        fields.Nested(HistoricalReportSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_IMPORTED_REPORTS),
        metadata={"description": f"一批历史信访件（至多 {MAX_IMPORTED_REPORTS} 件）"},
    )


class ImportReportsResultSchema(Schema):
    received = fields.Integer(metadata={"description": "本批件数"})
    imported = fields.Integer(metadata={"description": "新导入件数"})
    skipped = fields.List(fields.String(), metadata={"description": "已在库中而跳过的件号"})
