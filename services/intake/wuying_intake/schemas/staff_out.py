"""What staff see of a report (``ReportOutSchema``, no reporter identity by construction) and
the statistics."""

from __future__ import annotations

from types import MappingProxyType

from marshmallow import Schema, fields

from ..domain.catalog import (
    CATEGORY_SHORT_ZH,
    CHANNELS,
    OUTCOMES,
    STATUSES_ZH,
    TRANSFERS_ZH,
)
from ..domain.deadlines import (
    FEEDBACK,
    HANDLE,
    REPORT_KIND_RULES_ZH,
    REPORT_KINDS_ZH,
    SEND_UP,
    UNITS_ZH,
)
from ..domain.petition import (
    VERIFICATION_CONFIRMED,
    VERIFICATION_NOT_CONFIRMED,
    VERIFICATION_OPEN,
)
from ..domain.screening import ROUTES_ZH
from .common import DeadlineOutSchema, OutSchema, _receipt_due, _receipt_provisional
from .events import TriagedSubjectSchema


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


class AssignmentOutSchema(OutSchema):
    computed = MappingProxyType({"routing_zh": lambda a: ROUTES_ZH.get(a.routing) if a.routing else None})

    assignee = fields.String(allow_none=True, metadata={"description": "新的承办人；为空表示只改变了报送对象"})
    previous = fields.String(allow_none=True)
    routing = fields.String(allow_none=True)
    routing_zh = fields.String(allow_none=True)
    by = fields.String()
    at = fields.DateTime()
    reason = fields.String()


class DisposalOutSchema(Schema):
    kind = fields.String(metadata={"description": "false_accusation：恶意举报，移送追究举报人责任 (seeds/003)"})
    transferred_to = fields.String()
    at = fields.DateTime()
    by = fields.String()


class AckDeliveryOutSchema(Schema):
    """A delivered acknowledgement: never the contact or the text."""

    id = fields.String()
    method = fields.String(metadata={"description": "sms or letter"})
    gateway = fields.String()
    reference = fields.String(allow_none=True)
    at = fields.DateTime()
    by = fields.String()


class InternalNoteOutSchema(Schema):
    id = fields.String()
    by = fields.String()
    at = fields.DateTime()
    text = fields.String()


class DueItemOutSchema(OutSchema):
    """One line of a deadline worklist (``domain.worklists.DueItem``)."""

    computed = MappingProxyType(
        {
            "unit_zh": lambda i: UNITS_ZH[i.unit],
            "status_zh": lambda i: STATUSES_ZH[i.status],
            "routing_zh": lambda i: ROUTES_ZH.get(i.routing, i.routing),
        }
    )

    petition_id = fields.String()
    county = fields.String()
    report_kind = fields.String()
    status = fields.String()
    status_zh = fields.String()
    routing = fields.String()
    routing_zh = fields.String()
    assignee = fields.String(allow_none=True)
    key = fields.String(metadata={"description": "期限"})
    label_zh = fields.String()
    unit = fields.String()
    unit_zh = fields.String()
    due = fields.Date()
    provisional = fields.Boolean()
    overdue = fields.Boolean()
    working_days = fields.Integer(metadata={"description": "距到期（或已逾期）的工作日数"})


class LegalHoldOutSchema(Schema):
    action = fields.String(metadata={"description": "set or released"})
    reason = fields.String()
    by = fields.String()
    at = fields.DateTime()


class PurgeRecordOutSchema(Schema):
    """The audit record of a retention purge: no content, no identity."""

    petition_id = fields.String(attribute="id")
    county = fields.String()
    kind = fields.String()
    status = fields.String()
    retain_until = fields.Date()
    retention_version = fields.String(allow_none=True)
    identity_purged_at = fields.DateTime()
    content_purged_at = fields.DateTime()
    attachments_deleted = fields.Integer()
    completed_at = fields.DateTime()
    by = fields.String()


class DeadlineChangeOutSchema(Schema):
    key = fields.String()
    old_due = fields.Date()
    new_due = fields.Date()
    year = fields.Integer(metadata={"description": "载入节假日安排的年份"})
    at = fields.DateTime()


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
            "legal_hold": lambda p: bool(p.legal_hold),
            "purged_at": lambda p: p.purge.completed_at if p.purge else None,
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
    assignee = fields.String(allow_none=True, metadata={"description": "承办人"})
    assignments = fields.List(fields.Nested(AssignmentOutSchema), metadata={"description": "分办、改派记录"})
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
    disposal = fields.Nested(DisposalOutSchema, allow_none=True)
    deadline_changes = fields.List(
        fields.Nested(DeadlineChangeOutSchema),
        metadata={"description": "载入某年节假日安排后重新计算的期限（原日期、新日期、年份）"},
    )
    deadline_notices = fields.List(fields.String(), attribute="notices")
    attachments = fields.List(fields.Nested(AttachmentOutSchema))
    feedback_due = fields.Date(
        allow_none=True, metadata={"description": "实名检举控告：办结后15个工作日内向举报人反馈办理结果"}
    )
    feedback = fields.Nested(FeedbackOutSchema, allow_none=True)
    retain_until = fields.Date(
        allow_none=True, metadata={"description": "保存期限届满日（此后清除内容和举报人信息，依法保全的除外）"}
    )
    retention_version = fields.String(allow_none=True)
    legal_hold = fields.Boolean(metadata={"description": "依法保全：不清除"})
    legal_holds = fields.List(fields.Nested(LegalHoldOutSchema))
    purged_at = fields.DateTime(allow_none=True, metadata={"description": "已按保存期限清除的时间"})
    internal_notes = fields.List(
        fields.Nested(InternalNoteOutSchema), metadata={"description": "内部备注（仅工作人员可见，不向举报人显示）"}
    )
    acknowledgements = fields.List(
        fields.Nested(AckDeliveryOutSchema), metadata={"description": "向实名举报人送达的受理告知（不含联系方式）"}
    )
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


OVERDUE_DESCRIPTION = "首个未办结期限（未满足、未免除）已过期的件数（以今日计）"


class CountyStatisticsSchema(Schema):
    county = fields.String()
    total = fields.Integer()
    working_days_to_acceptance = fields.Nested(DurationSchema)
    working_days_to_closure = fields.Nested(DurationSchema)
    overdue = fields.Integer(metadata={"description": OVERDUE_DESCRIPTION})


class StatisticsSchema(Schema):
    county = fields.String()
    total = fields.Integer()
    channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    category = fields.Dict(keys=fields.String(), values=fields.Integer())
    status = fields.Dict(keys=fields.String(), values=fields.Integer())
    working_days_to_acceptance = fields.Nested(DurationSchema, metadata={"description": "收件至受理（研判）工作日"})
    working_days_to_closure = fields.Nested(DurationSchema, metadata={"description": "收件至办结工作日"})
    overdue = fields.Integer(metadata={"description": OVERDUE_DESCRIPTION})
    counties = fields.List(
        fields.Nested(CountyStatisticsSchema),
        metadata={"description": "范围内各县（市、区）的件数和用时（县级为其本身一项）"},
    )
