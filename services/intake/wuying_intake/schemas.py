"""Marshmallow schemas at intake's edges: HTTP payloads and versioned event data.

Payload schemas reject unknown fields (``unknown = RAISE``): a reporter's typo must not be
silently dropped, and nothing unexpected reaches the store.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from datetime import UTC, date
from types import MappingProxyType
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate, validates, validates_schema

from wuying_common.clock import rfc3339
from wuying_common.events import COUNTY_CODE, registry

from .domain.attachments import ALLOWED_TYPES, MAX_ATTACHMENTS
from .domain.catalog import (
    CATEGORIES,
    CATEGORY_SHORT_ZH,
    CHANNELS,
    OUTCOMES,
    REPORTER_STATUSES_ZH,
    SEVERITIES,
    STAFF_CHANNELS,
    STATUSES_ZH,
    SUBJECT_KINDS,
    TRANSFERS_ZH,
)
from .domain.deadlines import (
    FEEDBACK,
    FEEDBACK_METHODS,
    HANDLE,
    REPORT_KIND_RULES_ZH,
    REPORT_KINDS_ZH,
    RULES_BY_KEY,
    SEND_UP,
    UNITS_ZH,
)
from .domain.duplicates import CLOSE_OUTCOMES_ZH, MIN_REVIEW_PARTICIPANTS
from .domain.identity import REQUEST_STATUSES_ZH
from .domain.petition import (
    MAX_SUBJECTS,
    RECEIVED,
    VERIFICATION_CONFIRMED,
    VERIFICATION_NOT_CONFIRMED,
    VERIFICATION_OPEN,
    close_problem,
    content_problem,
    id_number_ok,
    phone_ok,
    reporter_problem,
    subject_problem,
)
from .domain.screening import ROUTES_ZH

SERVICE = "intake"
OUTCOME_CODES = list(OUTCOMES)


# -- events out ------------------------------------------------------------------------------
class PetitionReceivedV1Schema(Schema):
    """收到信访举报或廉情信息. Never the reporter, never the content."""

    petition_id = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    county = fields.String(required=True, validate=COUNTY_CODE)
    received_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})
    anonymous = fields.Boolean(required=True)
    subject_count = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SUBJECTS))


class TriagedSubjectSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(SUBJECT_KINDS)))
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    county = fields.String(required=True, validate=COUNTY_CODE)


class PetitionTriagedV1Schema(Schema):
    """研判完成. Risk reads integrity_information; a case clue is transferred, not warned."""

    petition_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    category_zh = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(list(SEVERITIES)))
    subjects = fields.List(fields.Nested(TriagedSubjectSchema), required=True)
    triaged_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


class PetitionClosedV1Schema(Schema):
    """办结: every item closes with an answer (件件有着落，事事有回音). ``outcome`` is the triage
    outcome, or ``merged`` (合并办理) / ``repeated_no_new_facts`` (重复举报经集体研判了结)."""

    petition_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES + list(CLOSE_OUTCOMES_ZH)))
    closed_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})
    answered = fields.Boolean(required=True)


class ClueTransferredV1Schema(Schema):
    """问题线索移送案件办理: conduct that already amounts to a violation is not a warning matter
    (seeds/002 篇5 三(一)3). Never the reporter, never the content."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    subjects = fields.List(fields.Nested(TriagedSubjectSchema), required=True)
    transferred_to = fields.String(required=True, validate=validate.OneOf(["case_handling"]))
    transferred_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


DEADLINE_KINDS = list(RULES_BY_KEY)
REPORT_KINDS = list(REPORT_KINDS_ZH)
UNITS = list(UNITS_ZH)


class _DeadlineEventSchema(Schema):
    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(
        required=True, validate=validate.OneOf(DEADLINE_KINDS), metadata={"description": "the deadline's key"}
    )
    report_kind = fields.String(
        validate=validate.OneOf(REPORT_KINDS),
        metadata={"description": "discipline_report (检举控告) or petition (信访)"},
    )
    label_zh = fields.String(metadata={"description": "期限名称"})
    unit = fields.String(
        validate=validate.OneOf(UNITS), metadata={"description": "the unit the deadline is counted in"}
    )
    due = fields.String(required=True, metadata={"description": "ISO date (Beijing)"})


class PetitionDeadlineApproachingV1Schema(_DeadlineEventSchema):
    """期限临近提醒: N days before a deadline, N in the deadline's unit (rule data per deadline)."""

    working_days_left = fields.Integer(required=True, validate=validate.Range(min=0))
    days_left = fields.Integer(validate=validate.Range(min=0), metadata={"description": "in the deadline's unit"})


class PetitionOverdueV1Schema(_DeadlineEventSchema):
    """逾期未办: a deadline passed without an answer; sent once per deadline."""

    working_days_overdue = fields.Integer(required=True, validate=validate.Range(min=1))
    days_overdue = fields.Integer(validate=validate.Range(min=1), metadata={"description": "in the deadline's unit"})
    detected_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


class PetitionSentUpV1Schema(Schema):
    """转送上级: the report belongs to the level above and was sent there (seeds/000 H)."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    organ = fields.String(required=True)
    due = fields.String(required=True, metadata={"description": "ISO date: 5 working days after receipt"})
    on_time = fields.Boolean(required=True)
    sent_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


PETITION_RECEIVED = registry.register(
    SERVICE,
    "petition.received",
    1,
    PetitionReceivedV1Schema,
    "A report or piece of integrity information was received (收到信访举报).",
)
PETITION_TRIAGED = registry.register(
    SERVICE, "petition.triaged", 1, PetitionTriagedV1Schema, "A report was triaged (研判完成)."
)
PETITION_CLOSED = registry.register(
    SERVICE, "petition.closed", 1, PetitionClosedV1Schema, "A report was closed with an answer (办结)."
)

CLUE_TRANSFERRED = registry.register(
    SERVICE,
    "clue.transferred",
    1,
    ClueTransferredV1Schema,
    "A case clue was transferred to case handling (问题线索移送).",
)
PETITION_DEADLINE_APPROACHING = registry.register(
    SERVICE,
    "petition.deadline_approaching",
    1,
    PetitionDeadlineApproachingV1Schema,
    "A report's deadline is near and it is unanswered (期限临近提醒).",
)
PETITION_OVERDUE = registry.register(
    SERVICE, "petition.overdue", 1, PetitionOverdueV1Schema, "A report's deadline passed unanswered (逾期未办)."
)
PETITION_SENT_UP = registry.register(
    SERVICE, "petition.sent_up", 1, PetitionSentUpV1Schema, "A report was sent to the level above (转送上级)."
)


# -- HTTP payloads in ------------------------------------------------------------------------
class Strict(Schema):
    class Meta:
        unknown = RAISE


class ReportedSubjectSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(list(SUBJECT_KINDS)))
    id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=50))
    unit_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    commission_staff = fields.Boolean(
        load_default=False, metadata={"description": "被反映人是纪检监察干部（报纪委监委局领导）"}
    )
    commission_leader = fields.Boolean(
        load_default=False, metadata={"description": "被反映人是纪委监委领导（报纪委主要领导）"}
    )

    @validates_schema
    def identifiable(self, data, **kwargs):
        problem = subject_problem(data)
        if problem:
            raise ValidationError(problem, "name")


class ReporterSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Length(max=20))
    id_number = fields.String(load_default=None, validate=validate.Length(max=18))
    address = fields.String(load_default=None, validate=validate.Length(max=200))

    @validates("phone")
    def valid_phone(self, value, **kwargs):
        if not phone_ok(value):
            raise ValidationError("联系电话格式不正确")

    @validates("id_number")
    def valid_id_number(self, value, **kwargs):
        if value is not None and not id_number_ok(value):
            raise ValidationError("身份证号码格式不正确")


class Base64Bytes(fields.Field):
    """Base64 text in the JSON body, bytes once loaded."""

    default_error_messages = {"invalid": "附件内容须为 base64 编码"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (ValueError, binascii.Error):
            raise self.make_error("invalid") from None


class AttachmentInSchema(Strict):
    file_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_type = fields.String(
        required=True,
        validate=validate.OneOf(list(ALLOWED_TYPES), error="附件类型只能是：{choices}"),
    )
    size = fields.Integer(load_default=None, validate=validate.Range(min=1), metadata={"description": "字节数"})
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-fA-F]{64}$", error="须为64位十六进制"))
    content = Base64Bytes(required=True, metadata={"description": "base64 编码的文件内容"})


class SubmitReportSchema(Strict):
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    county = fields.String(required=True, validate=COUNTY_CODE)
    content = fields.String(required=True)
    subjects = fields.List(
        fields.Nested(ReportedSubjectSchema), required=True, validate=validate.Length(min=1, max=MAX_SUBJECTS)
    )
    anonymous = fields.Boolean(required=True, truthy={True}, falsy={False})
    reporter = fields.Nested(ReporterSchema, load_default=None)
    attachments = fields.List(
        fields.Nested(AttachmentInSchema), load_default=list, validate=validate.Length(max=MAX_ATTACHMENTS)
    )

    @validates("content")
    def valid_content(self, value, **kwargs):
        problem = content_problem(value)
        if problem:
            raise ValidationError(problem)

    @validates_schema
    def reporter_matches_anonymity(self, data, **kwargs):
        if "anonymous" not in data:
            return
        problem = reporter_problem(data["anonymous"], data.get("reporter"))
        if problem:
            raise ValidationError(problem, "reporter")


class StaffReportSchema(SubmitReportSchema):
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

    @validates_schema
    def forwarded_needs_its_origin(self, data, **kwargs):
        if data.get("forwarded"):
            for key, message in (("forwarded_from", "转来件须填写转来机关"), ("forwarded_on", "转来件须填写转来日期")):
                if not data.get(key):
                    raise ValidationError(message, key)
            if data.get("received_on") and data["forwarded_on"] > data["received_on"]:
                raise ValidationError("转来日期不能晚于收件日期", "forwarded_on")
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
    note = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def subjects_for_integrity_information(self, data, **kwargs):
        if data.get("outcome") == "integrity_information" and not data.get("subjects"):
            raise ValidationError("研判为廉情信息时必须确认至少一个被反映对象（编号和地区）", "subjects")


class CloseSchema(Strict):
    answer = fields.String(required=True, validate=validate.Length(max=5000))
    note = fields.String(load_default="", validate=validate.Length(max=2000))

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


class IdentityRequestInSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class DecisionInSchema(Strict):
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class AuditQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)
    since = fields.Date(load_default=None, data_key="from")
    until = fields.Date(load_default=None, data_key="to")
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


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

    @validates_schema
    def clarified_when_confirmed(self, data, **kwargs):
        if data.get("confirmed") and len((data.get("clarification") or "").strip()) < 4:
            raise ValidationError("认定为恶意举报的，须填写对被反映人的澄清说明", "clarification")


class ReceiptLookupSchema(Strict):
    receipt_code = fields.String(required=True, validate=validate.Length(min=1, max=40))


class AdditionInSchema(Strict):
    receipt_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    content = fields.String(required=True, metadata={"description": "补充的情况，10–5000 字"})

    @validates("content")
    def valid_content(self, value, **kwargs):
        problem = content_problem(value)
        if problem:
            raise ValidationError(problem)


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


class CollectiveReviewSchema(Strict):
    meeting_date = fields.Date(required=True)
    participants = fields.List(
        fields.String(validate=validate.Length(min=1, max=50)),
        required=True,
        validate=validate.Length(min=MIN_REVIEW_PARTICIPANTS, max=50, error="集体研判须至少 {min} 人参加"),
    )
    conclusion = fields.String(required=True, validate=validate.Length(min=4, max=2000))


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
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class StatisticsQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)
    since = fields.Date(load_default=None, data_key="from")
    until = fields.Date(load_default=None, data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


# -- HTTP payloads out -----------------------------------------------------------------------
# Out schemas dump the aggregates themselves (a ``Petition``, an ``IdentityRequest``, ...).
# Values that are not stored as such (Chinese labels, dates taken from the deadline list) are
# declared like any other field, so the OpenAPI shows their type, and computed in ``computed``.
class OutSchema(Schema):
    """Fields named in ``computed`` are computed from the object dumped; the rest are read."""

    computed: ClassVar[Mapping[str, Callable[[Any], Any]]] = MappingProxyType({})

    def get_attribute(self, obj, attr, default):
        compute = self.computed.get(attr)
        if compute is not None:
            return compute(obj)
        return super().get_attribute(obj, attr, default)


def _receipt_due(p) -> date | None:
    receipt = p.receipt_deadline
    return receipt.due if receipt else None


def _receipt_provisional(p) -> bool:
    receipt = p.receipt_deadline
    return bool(receipt and receipt.provisional)


def _extendable(d) -> bool:
    extension = RULES_BY_KEY[d.key].extension
    return extension is not None and (d.extensions or 0) < extension.times


class DeadlineOutSchema(OutSchema):
    """One deadline under the rule of the report's kind, with its unit."""

    computed = MappingProxyType(
        {
            "unit_zh": lambda d: UNITS_ZH[d.unit],
            "provisional": lambda d: bool(d.provisional),
            "watched": lambda d: bool(d.watched),
            "waived": lambda d: bool(d.waived),
            "reminded": lambda d: bool(d.reminded),
            "overdue_notified": lambda d: bool(d.overdue_notified),
            "extendable": _extendable,
            "extensions": lambda d: d.extensions or 0,
        }
    )

    key = fields.String(
        metadata={"description": "acknowledge, accept_forwarded, send_up, feedback (检举控告); register, handle (信访)"}
    )
    label_zh = fields.String()
    amount = fields.Integer()
    unit = fields.String(metadata={"description": "working_days or calendar_days"})
    unit_zh = fields.String(metadata={"description": "工作日 或 自然日"})
    counts_from = fields.String(metadata={"description": "received, forwarded_received, accepted or closed"})
    start = fields.Date()
    due = fields.Date()
    provisional = fields.Boolean(metadata={"description": "该年节假日安排未载入，日期可能变动"})
    watched = fields.Boolean(metadata={"description": "期限时钟提醒并标记逾期"})
    met_on = fields.Date(allow_none=True)
    met_by = fields.String(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    waived = fields.Boolean(metadata={"description": "不再需要（如已在本级受理的件的转送期限）"})
    reminded = fields.Boolean()
    overdue_notified = fields.Boolean()
    extendable = fields.Boolean()
    extensions = fields.Integer()
    extension_reason = fields.String(allow_none=True)
    original_due = fields.Date(allow_none=True)


class SubmitResultSchema(OutSchema):
    """Dumps a received report with the receipt code shown this once (``handlers.Submitted``)."""

    computed = MappingProxyType(
        {
            "status_zh": lambda r: STATUSES_ZH[r.status],
            "receipt_code": lambda r: r.receipt_code or missing,  # anonymous reports only
            "kind_zh": lambda r: REPORT_KINDS_ZH[r.kind],
            "acknowledge_due": _receipt_due,
            "acknowledge_due_provisional": _receipt_provisional,
        }
    )

    petition_id = fields.String(attribute="id")
    status = fields.String()
    status_zh = fields.String()
    receipt_code = fields.String(
        metadata={"description": "匿名举报的查询码，只显示这一次，请妥善保存"},
    )
    kind = fields.String(metadata={"description": "discipline_report 检举控告 | petition 信访"})
    kind_zh = fields.String()
    acknowledge_due = fields.Date(metadata={"description": "受理告知期限（检举控告）或登记受理期限（信访）"})
    acknowledge_due_provisional = fields.Boolean()
    deadlines = fields.List(fields.Nested(DeadlineOutSchema))


class SubjectOutSchema(OutSchema):
    computed = MappingProxyType({"registered": lambda s: bool(s.registered)})

    kind = fields.String()
    id = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    commission_staff = fields.Boolean()
    commission_leader = fields.Boolean()
    registered = fields.Boolean(metadata={"description": "已与登记库（档案服务）核对"})


class DuplicateCandidateSchema(Schema):
    petition_id = fields.String()
    similarity = fields.Float()


def _handle(p):
    return p.deadline(HANDLE)


class TriageOutSchema(OutSchema):
    """Dumps a petition's triage, with the handling deadline the triage started (信访)."""

    computed = MappingProxyType(
        {
            "outcome_zh": lambda p: OUTCOMES[p.triage.outcome],
            "transferred_to_zh": lambda p: TRANSFERS_ZH.get(p.triage.transferred_to)
            if p.triage.transferred_to
            else None,
            "handle_due": lambda p: _handle(p).due if _handle(p) else None,
            "extended": lambda p: bool(_handle(p) and _handle(p).extensions),
            "extension_reason": lambda p: _handle(p).extension_reason if _handle(p) else None,
        }
    )

    def get_attribute(self, obj, attr, default):
        return super().get_attribute(obj if attr in self.computed else obj.triage, attr, default)

    outcome = fields.String()
    outcome_zh = fields.String()
    severity = fields.String()
    subjects = fields.List(fields.Nested(TriagedSubjectSchema))
    note = fields.String()
    transferred_to = fields.String(allow_none=True)
    transferred_to_zh = fields.String(allow_none=True)
    triaged_at = fields.DateTime()
    triaged_by = fields.String()
    handle_due = fields.Date(
        allow_none=True, metadata={"description": "信访办理期限（受理后60日，可延长一次不超过30日）；检举控告为空"}
    )
    extended = fields.Boolean()
    extension_reason = fields.String(allow_none=True)


class ClosureOutSchema(OutSchema):
    computed = MappingProxyType({"kind": lambda c: c.kind or "answered"})

    kind = fields.String(metadata={"description": "answered, merged or repeated_no_new_facts"})
    answer = fields.String()
    note = fields.String()
    closed_at = fields.DateTime()
    closed_by = fields.String()


class SendUpOutSchema(Schema):
    organ = fields.String()
    reason = fields.String()
    due = fields.Date()
    on_time = fields.Boolean()
    sent_at = fields.DateTime()
    sent_by = fields.String()


VERIFICATION_ZH = MappingProxyType(
    {
        VERIFICATION_OPEN: "核实中",
        VERIFICATION_CONFIRMED: "经核实属恶意举报，已为被反映人澄清正名",
        VERIFICATION_NOT_CONFIRMED: "经核实不属恶意举报",
    }
)


class VerificationOutSchema(OutSchema):
    computed = MappingProxyType({"status_zh": lambda v: VERIFICATION_ZH[v.status]})

    status = fields.String(metadata={"description": "open, confirmed or not_confirmed"})
    status_zh = fields.String()
    opened_at = fields.DateTime()
    concluded_at = fields.DateTime(allow_none=True)
    concluded_by = fields.String(allow_none=True)
    note = fields.String()


class ClarificationOutSchema(Schema):
    text = fields.String()
    by = fields.String()
    at = fields.DateTime()


class AttachmentOutSchema(Schema):
    n = fields.Integer(metadata={"description": "序号，下载地址 /api/v1/reports/<id>/attachments/<n>"})
    file_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class AdditionOutSchema(Schema):
    text = fields.String()
    at = fields.DateTime()


class FeedbackOutSchema(Schema):
    method = fields.String()
    note = fields.String()
    at = fields.DateTime()
    by = fields.String()
    on_time = fields.Boolean()


class CollectiveReviewOutSchema(Schema):
    meeting_date = fields.Date()
    participants = fields.List(fields.String())
    conclusion = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class ReportOutSchema(OutSchema):
    """What staff see (dumps a ``Petition``, or ``handlers.StaffReport`` with the reports merged
    into it). The reporter's identity is not in here, by construction: only declared fields
    are dumped, and none reads ``reporter`` or ``receipt`` beyond whether a reporter is on file."""

    computed = MappingProxyType(
        {
            "channel_zh": lambda p: CHANNELS[p.channel],
            "category_zh": lambda p: CATEGORY_SHORT_ZH[p.category],
            "reporter_on_file": lambda p: p.reporter is not None,
            "routing_zh": lambda p: ROUTES_ZH[p.routing],
            "status_zh": lambda p: STATUSES_ZH[p.status],
            "kind_zh": lambda p: REPORT_KINDS_ZH[p.kind],
            "rules_zh": lambda p: REPORT_KIND_RULES_ZH[p.kind],
            "forwarded": lambda p: bool(p.forwarded),
            "acknowledge_due": _receipt_due,
            "acknowledge_due_provisional": _receipt_provisional,
            "triage": lambda p: p if p.triage else None,  # TriageOutSchema reads the petition
            "about_commission_staff": lambda p: any(s.commission_staff or s.commission_leader for s in p.subjects),
            "send_up_due": lambda p: p.due(SEND_UP),
            "feedback_due": lambda p: p.due(FEEDBACK),
            "merged_reports": lambda p: list(getattr(p, "merged_reports", None) or []),
        }
    )

    petition_id = fields.String(attribute="id")
    channel = fields.String()
    channel_zh = fields.String()
    category = fields.String()
    category_zh = fields.String()
    county = fields.String()
    content = fields.String()
    subjects = fields.List(fields.Nested(SubjectOutSchema))
    anonymous = fields.Boolean()
    reporter_on_file = fields.Boolean(metadata={"description": "实名举报人信息已加密存档（不在此返回）"})
    routing = fields.String(metadata={"description": "principal_leader, commission_leaders or standard"})
    routing_zh = fields.String()
    duplicate_candidates = fields.List(
        fields.Nested(DuplicateCandidateSchema), metadata={"description": "疑似重复举报（须经集体研判）"}
    )
    status = fields.String()
    status_zh = fields.String()
    received_on = fields.Date()
    received_at = fields.DateTime()
    kind = fields.String(metadata={"description": "discipline_report 检举控告 | petition 信访"})
    kind_zh = fields.String()
    rules_zh = fields.String(metadata={"description": "适用的规定"})
    rules_version = fields.String(allow_none=True)
    forwarded = fields.Boolean(metadata={"description": "转来件"})
    forwarded_from = fields.String(allow_none=True)
    forwarded_on = fields.Date(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineOutSchema))
    acknowledge_due = fields.Date(
        allow_none=True, metadata={"description": "受理告知期限（检举控告）或登记受理期限（信访），来自 deadlines"}
    )
    acknowledge_due_provisional = fields.Boolean()
    triage = fields.Nested(TriageOutSchema, allow_none=True)
    closure = fields.Nested(ClosureOutSchema, allow_none=True)
    about_commission_staff = fields.Boolean(metadata={"description": "反映纪检监察干部（内部监督）"})
    send_up_due = fields.Date(
        allow_none=True, metadata={"description": "属上级管辖的，须在此日前转送（收件后5个工作日）"}
    )
    sent_up = fields.Nested(SendUpOutSchema, allow_none=True)
    verification = fields.Nested(VerificationOutSchema, allow_none=True)
    clarification = fields.Nested(ClarificationOutSchema, allow_none=True)
    deadline_notices = fields.List(fields.String(), attribute="notices")
    attachments = fields.List(fields.Nested(AttachmentOutSchema))
    feedback_due = fields.Date(
        allow_none=True, metadata={"description": "实名检举控告：办结后15个工作日内向举报人反馈办理结果"}
    )
    feedback = fields.Nested(FeedbackOutSchema, allow_none=True)
    merged_into = fields.String(allow_none=True, metadata={"description": "已并入的此前举报件"})
    merged_by = fields.String(allow_none=True)
    merged_reports = fields.List(fields.String(), metadata={"description": "并入本件的后来举报件"})
    collective_review = fields.Nested(CollectiveReviewOutSchema, allow_none=True)
    additions = fields.List(
        fields.Nested(AdditionOutSchema), metadata={"description": "举报人凭查询码补充的材料（文本、时间）"}
    )


class DurationSchema(Schema):
    count = fields.Integer()
    average = fields.Float(allow_none=True)
    median = fields.Float(allow_none=True)


class StatisticsSchema(Schema):
    county = fields.String()
    total = fields.Integer()
    channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    category = fields.Dict(keys=fields.String(), values=fields.Integer())
    status = fields.Dict(keys=fields.String(), values=fields.Integer())
    working_days_to_acceptance = fields.Nested(DurationSchema, metadata={"description": "收件至受理（研判）工作日"})
    working_days_to_closure = fields.Nested(DurationSchema, metadata={"description": "收件至办结工作日"})


class IdentityRequestOutSchema(OutSchema):
    """Dumps an ``IdentityRequest`` (its audit trail is read through ``GET /api/v1/audit``)."""

    computed = MappingProxyType(
        {
            "status_zh": lambda r: REQUEST_STATUSES_ZH[r.status],
            "decision_note": lambda r: r.decision_note or "",
        }
    )

    request_id = fields.String(attribute="id")
    petition_id = fields.String()
    county = fields.String()
    reason = fields.String()
    status = fields.String(metadata={"description": "pending, approved or refused"})
    status_zh = fields.String()
    requested_by = fields.String()
    requested_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()


class IdentityOutSchema(Schema):
    """The reporter's details: returned only to the approved requester, never logged."""

    request_id = fields.String()
    petition_id = fields.String()
    reporter = fields.Dict(keys=fields.String(), values=fields.String())


class AuditOutSchema(Schema):
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String(metadata={"description": "requested, approved, refused or accessed"})
    outcome = fields.String(metadata={"description": "allowed or denied"})
    code = fields.String(allow_none=True)
    petition_id = fields.String()
    request_id = fields.String(allow_none=True)
    county = fields.String()


class ReplyOutSchema(Schema):
    text = fields.String()
    at = fields.DateTime()


class ReceiptStatusSchema(OutSchema):
    """What an anonymous reporter may see of a ``Petition``: status and replies, never the
    triage outcome."""

    computed = MappingProxyType(
        {
            "status_zh": lambda p: REPORTER_STATUSES_ZH[p.status],
            "category_zh": lambda p: CATEGORY_SHORT_ZH[p.category],
            "acknowledge_due": _receipt_due,
            "additions": lambda p: len(p.additions),
        }
    )

    status = fields.String()
    status_zh = fields.String()
    category_zh = fields.String()
    received_on = fields.Date()
    acknowledge_due = fields.Date(allow_none=True)
    replies = fields.List(fields.Nested(ReplyOutSchema))
    additions = fields.Integer(metadata={"description": "已补充材料的次数"})


# -- RPC out (other services): status and deadlines; never the reporter, never the content ----------
def _closed_at(p) -> str | None:
    return rfc3339(p.closure.closed_at.replace(tzinfo=UTC)) if p.closure else None


class StatusDeadlineSchema(OutSchema):
    computed = MappingProxyType(
        {
            "provisional": lambda d: bool(d.provisional),
            "waived": lambda d: bool(d.waived),
            "overdue_notified": lambda d: bool(d.overdue_notified),
        }
    )

    key = fields.String()
    label_zh = fields.String()
    unit = fields.String()
    due = fields.Date()
    provisional = fields.Boolean()
    met_on = fields.Date(allow_none=True)
    waived = fields.Boolean()
    overdue_notified = fields.Boolean()


class ReportStatusSchema(OutSchema):
    """``intake.report_status``: a ``Petition``'s status and deadlines for another service."""

    computed = MappingProxyType(
        {
            "acknowledge_due": _receipt_due,
            "acknowledge_due_provisional": _receipt_provisional,
            "send_up_due": lambda p: p.due(SEND_UP) if p.status == RECEIVED else None,
            "handle_due": lambda p: p.due(HANDLE),
            "extended": lambda p: bool(_handle(p) and _handle(p).extensions),
            "closed_at": _closed_at,
            "feedback_due": lambda p: p.due(FEEDBACK),
            "fed_back": lambda p: p.feedback is not None,
            "overdue_notices": lambda p: [n for n in p.notices if n.startswith("overdue:")],
        }
    )

    petition_id = fields.String(attribute="id")
    county = fields.String()
    category = fields.String()
    kind = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    received_on = fields.Date(allow_none=True)
    acknowledge_due = fields.Date(allow_none=True)
    acknowledge_due_provisional = fields.Boolean()
    send_up_due = fields.Date(allow_none=True)
    handle_due = fields.Date(allow_none=True)
    extended = fields.Boolean()
    closed_at = fields.String(allow_none=True, metadata={"description": "RFC 3339 UTC"})
    feedback_due = fields.Date(allow_none=True)
    fed_back = fields.Boolean()
    rules_version = fields.String(allow_none=True)
    deadlines = fields.List(fields.Nested(StatusDeadlineSchema))
    merged_into = fields.String(allow_none=True)
    overdue_notices = fields.List(fields.String())


class ReportAboutSchema(OutSchema):
    """``intake.reports_about``: one report naming an official. No identity, no content."""

    computed = MappingProxyType({"closed_at": _closed_at})

    petition_id = fields.String(attribute="id")
    county = fields.String()
    category = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    received_on = fields.Date(allow_none=True)
    closed_at = fields.String(allow_none=True, metadata={"description": "RFC 3339 UTC"})
