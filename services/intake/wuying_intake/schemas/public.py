"""The public portal's payloads and answers: submitting a report, the receipt shown once, and
an anonymous reporter's follow-up with the receipt code (seeds/003: reports must be safe to
make; nothing about the reporter is shown back)."""

from __future__ import annotations

import base64
import binascii
import re
from types import MappingProxyType

from marshmallow import Schema, ValidationError, fields, missing, validate, validates, validates_schema

from wuying_common.events import COUNTY_CODE
from wuying_common.openapi_limits import NOT_NULL, absent, non_blank, present
from wuying_common.rules import UnprocessableInput

from ..domain.attachments import ALLOWED_TYPES, MAX_ATTACHMENTS
from ..domain.catalog import (
    CATEGORIES,
    CATEGORY_SHORT_ZH,
    REPORTER_STATUSES_ZH,
    STATUSES_ZH,
    SUBJECT_KINDS,
)
from ..domain.deadlines import (
    REPORT_KINDS_ZH,
)
from ..domain.petition import (
    CONTENT_MIN,
    ID_NUMBER_PATTERN,
    MAX_SUBJECTS,
    PHONE_PATTERN,
    content_problem,
    id_number_ok,
    phone_ok,
    reporter_problem,
    subject_problem,
)
from .common import DeadlineOutSchema, OutSchema, Strict, _receipt_due, _receipt_provisional


class PublicSubjectSchema(Strict):
    """Whom a public report is about. The portal never sets ``commission_staff`` or
    ``commission_leader``: staff set them from archive's registry (issue 8 item 4); sent here
    they are refused (400 naming the field), like any unknown field."""

    kind = fields.String(required=True, validate=validate.OneOf(list(SUBJECT_KINDS)))
    id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=50))
    unit_name = fields.String(load_default=None, validate=validate.Length(min=1, max=100))

    OPENAPI_EXTRA = {"anyOf": [present("id"), present("name")]}  # subject_problem

    @validates_schema
    def identifiable(self, data, **kwargs):
        problem = subject_problem(data)
        if problem:
            raise ValidationError(problem, "name")


class ReportedSubjectSchema(PublicSubjectSchema):
    """Whom a staff entry is about: staff may mark what the registry shows (a registered subject
    gets the registry's flags in any case)."""

    commission_staff = fields.Boolean(
        load_default=False,
        metadata={"description": "被反映人是纪检监察干部（报纪委监委局领导）；由工作人员依人员登记库填写"},
    )
    commission_leader = fields.Boolean(
        load_default=False,
        metadata={"description": "被反映人是纪委监委领导（报纪委主要负责人）；由工作人员依人员登记库填写"},
    )


class ReporterSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Length(max=20), metadata={"pattern": PHONE_PATTERN})
    id_number = fields.String(
        load_default=None,
        validate=validate.Length(max=18),
        metadata={"pattern": ID_NUMBER_PATTERN, "description": "18 位公民身份号码；校验码不符时 422"},
    )
    address = fields.String(load_default=None, validate=validate.Length(max=200))

    @validates("phone")
    def valid_phone(self, value, **kwargs):
        if not phone_ok(value):
            raise ValidationError("联系电话格式不正确")

    @validates("id_number")
    def valid_id_number(self, value, **kwargs):
        if value is not None and not re.match(ID_NUMBER_PATTERN, value):
            raise ValidationError("身份证号码格式不正确")
        if value is not None and not id_number_ok(value):
            # Well-formed, but its GB 11643 check digit is wrong: no schema states it (422).
            raise UnprocessableInput("reporter.id_number", "身份证号码校验码不正确", "id_number_check_digit")


#: What ``b64decode(validate=True)`` takes and decodes to at least one byte; ``(?![\s\S])`` is the
#: end of the text in both Python and ECMA regexes (``$`` also matches before a final newline).
BASE64_NON_EMPTY = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)(?![\s\S])"


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
    content = Base64Bytes(
        required=True,
        metadata={"description": "base64 编码的文件内容（非空）", "type": "string", "pattern": BASE64_NON_EMPTY},
    )


class SubmitReportSchema(Strict):
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    county = fields.String(required=True, validate=COUNTY_CODE)
    content = fields.String(required=True, metadata={"pattern": non_blank(CONTENT_MIN)})  # content_problem
    subjects = fields.List(
        fields.Nested(PublicSubjectSchema), required=True, validate=validate.Length(min=1, max=MAX_SUBJECTS)
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

    OPENAPI_EXTRA = {  # reporter_problem: a named report carries its reporter, an anonymous one none
        "anyOf": [
            {"properties": {"anonymous": {"enum": [True]}}, **absent("reporter")},
            {"properties": {"anonymous": {"enum": [False]}, "reporter": NOT_NULL}, "required": ["reporter"]},
        ]
    }

    @validates_schema
    def reporter_matches_anonymity(self, data, **kwargs):
        if "anonymous" not in data:
            return
        problem = reporter_problem(data["anonymous"], data.get("reporter"))
        if problem:
            raise ValidationError(problem, "reporter")


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


class SubmitResultSchema(OutSchema):
    """Dumps a received report with the receipt code shown this once (``handlers.Submitted``)."""

    computed = MappingProxyType(
        {
            "status_zh": lambda r: STATUSES_ZH[r.status],
            "receipt_code": lambda r: r.receipt_code or missing,  # anonymous reports only
            "kind_zh": lambda r: REPORT_KINDS_ZH[r.kind],
            "acknowledge_due": _receipt_due,
            "acknowledge_due_provisional": _receipt_provisional,
            "verification_code": lambda r: r.verification_code or missing,
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
    verification_code = fields.String(
        metadata={
            "description": "受理回执核验码：凭编号和核验码下载可打印的受理回执（POST /api/v1/acknowledgements），他人可核验其真伪"
        }
    )


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


class AcknowledgementRequestSchema(Strict):
    """Who asks for the printable acknowledgement: an anonymous reporter with the receipt code, a
    named one with the report number and the verification code they were given."""

    receipt_code = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    petition_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    verification_code = fields.String(load_default=None, validate=validate.Length(min=1, max=40))

    OPENAPI_EXTRA = {
        "oneOf": [
            {**present("receipt_code"), **absent("petition_id", "verification_code")},
            {**present("petition_id", "verification_code"), **absent("receipt_code")},
        ]
    }

    @validates_schema
    def one_way_in(self, data, **kwargs):
        if data.get("receipt_code"):
            if data.get("petition_id") or data.get("verification_code"):
                raise ValidationError("查询码与编号、核验码只填一种", "receipt_code")
            return
        for key in ("petition_id", "verification_code"):
            if not data.get(key):
                raise ValidationError("须填写查询码，或者编号和核验码", key)


class VerifyCodeSchema(Strict):
    petition_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    date = fields.Date(required=True, metadata={"description": "回执上的收件日期"})
    verification_code = fields.String(required=True, validate=validate.Length(min=1, max=40))


class VerifyResultSchema(Schema):
    genuine = fields.Boolean(metadata={"description": "核验码与编号、日期相符（不返回任何举报内容）"})
