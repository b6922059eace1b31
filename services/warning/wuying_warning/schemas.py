"""Marshmallow schemas at the warning service's edges: HTTP payloads and versioned event data."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from .domain import lifecycle, organisational
from .domain.escalation import FINDING_ZH, REASON_ZH
from .domain.levels import LEVELS, TRIGGERS, trigger_label

SERVICE = "warning"
LEVEL = validate.OneOf([3, 2, 1], error="预警等级必须是 3（蓝色）、2（黄色）或 1（红色）")
COLOUR = validate.OneOf(["blue", "yellow", "red"])
ID = validate.Length(min=1, max=64)
STATUSES = sorted(lifecycle.STATUSES)


# -- events out ------------------------------------------------------------------------------
class WarningIssuedV1Schema(Schema):
    """预警已发出: approved by the competent authority, notice issued, deadlines running."""

    warning_id = fields.String(required=True)
    proposal_id = fields.String(required=True, allow_none=True)
    official_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    colour = fields.String(required=True, validate=COLOUR)
    notice_kind = fields.String(required=True, validate=validate.OneOf(["notice", "inquiry", "order"]))
    issued_on = fields.Date(required=True)
    answer_due = fields.Date(required=True)
    answer_due_provisional = fields.Boolean(required=True)
    fix_due = fields.Date(required=True, allow_none=True)
    rule_version = fields.String(required=True)
    approved_by = fields.String(required=True)
    # Added in issue 8, optional in v1 (tolerant readers ignore them).
    fix_due_provisional = fields.Boolean(
        metadata={"description": "整改期限涉及尚未加载节假日安排的年份，日期可能变化（民法典 第二百零三条顺延）"}
    )
    escalated_from = fields.String(
        allow_none=True, metadata={"description": "升级预警：被本预警取代的较低等级预警 (篇5 七(一))"}
    )


WARNING_ISSUED = registry.register(
    SERVICE, "warning.issued", 1, WarningIssuedV1Schema, "A warning was approved and issued (预警发出)."
)


class _WarningRefV1(Schema):
    warning_id = fields.String(required=True)
    official_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    colour = fields.String(required=True, validate=COLOUR)


class WarningRespondedV1Schema(_WarningRefV1):
    """被预警人作出说明、答复或报告整改情况 (篇5 六1–六3). The text stays in the service."""

    kind = fields.String(required=True, validate=validate.OneOf(["explanation", "measures", "rectification_report"]))
    responded_on = fields.Date(required=True)
    due_on = fields.Date(required=True, allow_none=True)
    on_time = fields.Boolean(required=True)
    status = fields.String(required=True)


class WarningLiftedV1Schema(_WarningRefV1):
    """预警解除 after the revisit (篇5 六4: 《预警工作回访登记表》, 报领导批准后解除预警)."""

    lifted_on = fields.Date(required=True)
    lifted_by = fields.String(required=True)
    revisited_on = fields.Date(required=True)


class WarningOverdueV1Schema(_WarningRefV1):
    """逾期未答复或未整改到位 (篇5 六, 七(一))."""

    due_kind = fields.String(required=True, validate=validate.OneOf(["answer", "fix"]))
    due_on = fields.Date(required=True)
    detected_on = fields.Date(required=True)
    organisational_handling = fields.Boolean(
        required=True,
        metadata={"description": "红色预警逾期未整改：已转组织处理事项（organisational_handling.opened）(篇5 七(一))"},
    )


class WarningEscalatedV1Schema(_WarningRefV1):
    """预警升级 (篇5 七(一), 篇8 第十八条(二)1①/(三)1①); level and colour are the new ones.

    Deprecated since issue 8 and no longer published: a warning never changes its level; an
    escalation is a new warning (``warning.issued`` with ``escalated_from``) and the lower one is
    closed by ``warning.superseded``."""

    previous_level = fields.Integer(required=True, validate=LEVEL)
    previous_colour = fields.String(required=True, validate=COLOUR)
    reason = fields.String(
        required=True,
        validate=validate.OneOf(["answer_overdue", "fix_overdue", "verified_new_report"]),
        metadata={"description": "verified_new_report: 预警后群众仍有反映，经调查属实 (篇5 七(一))"},
    )
    notice_kind = fields.String(required=True, validate=validate.OneOf(["notice", "inquiry", "order"]))
    issued_on = fields.Date(required=True)
    answer_due = fields.Date(required=True)
    answer_due_provisional = fields.Boolean(required=True)
    fix_due = fields.Date(required=True, allow_none=True)
    rule_version = fields.String(required=True)


WARNING_RESPONDED = registry.register(
    SERVICE, "warning.responded", 1, WarningRespondedV1Schema, "The warned official answered (被预警人答复)."
)
WARNING_LIFTED = registry.register(
    SERVICE, "warning.lifted", 1, WarningLiftedV1Schema, "A warning was lifted (预警解除)."
)
WARNING_OVERDUE = registry.register(
    SERVICE, "warning.overdue", 1, WarningOverdueV1Schema, "An answer or fix deadline passed (预警逾期)."
)
WARNING_ESCALATED = registry.register(
    SERVICE,
    "warning.escalated",
    1,
    WarningEscalatedV1Schema,
    "Deprecated, no longer published (issue 8): see warning.superseded and warning.issued.escalated_from.",
)


class WarningSupersededV1Schema(_WarningRefV1):
    """较低等级预警被更高等级预警取代 (篇5 七(一) 可转…; 一事一例 篇5 七(四)): closed, linked to the
    higher warning. Level and colour are the lower warning's own (never changed)."""

    superseded_by = fields.String(required=True)
    superseded_on = fields.Date(required=True)
    by_level = fields.Integer(required=True, validate=LEVEL)
    by_colour = fields.String(required=True, validate=COLOUR)
    reason = fields.String(
        required=True,
        validate=validate.OneOf(["answer_overdue", "fix_overdue", "verified_new_report", "higher_level_proposal"]),
    )
    previous_status = fields.String(required=True)


WARNING_SUPERSEDED = registry.register(
    SERVICE,
    "warning.superseded",
    1,
    WarningSupersededV1Schema,
    "A warning was closed because a higher-level warning for the same matter was issued (预警被取代).",
)


class OrganisationalHandlingOpenedV1Schema(Schema):
    """红色预警逾期未整改，转组织处理 (篇5 七(一); 篇8 第十八条(三)): a task with an owner and a due date."""

    task_id = fields.String(required=True)
    warning_id = fields.String(required=True)
    official_id = fields.String(required=True)
    unit_id = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    owner = fields.String(required=True)
    opened_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    due_provisional = fields.Boolean(required=True)
    rule_version = fields.String(required=True)
    due_kind = fields.String(required=True, validate=validate.OneOf(["fix"]))
    days_overdue = fields.Integer(required=True)


class OrganisationalHandlingClosedV1Schema(Schema):
    """组织处理结果已记录 (篇5 七(一)): which measure, decided when and by whom; reasons stay here."""

    task_id = fields.String(required=True)
    warning_id = fields.String(required=True)
    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    measure = fields.String(required=True, validate=validate.OneOf(list(organisational.MEASURES)))
    decided_on = fields.Date(required=True)
    decided_by = fields.String(required=True)
    closed_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)


ORGANISATIONAL_HANDLING_OPENED = registry.register(
    SERVICE,
    "organisational_handling.opened",
    1,
    OrganisationalHandlingOpenedV1Schema,
    "An ignored red warning became an organisational-handling task (转组织处理).",
)
ORGANISATIONAL_HANDLING_CLOSED = registry.register(
    SERVICE,
    "organisational_handling.closed",
    1,
    OrganisationalHandlingClosedV1Schema,
    "The outcome of an organisational-handling task was recorded (组织处理结果).",
)


class CalendarYearLoadedV1Schema(Schema):
    """A year's official holiday arrangement (国务院办公厅 每年公布) loaded once for the province:
    every service stores it by ``year`` and counts its deadlines on it (DESIGN.md §4)."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    holidays = fields.List(fields.Date(), required=True, metadata={"description": "法定节假日（放假日）"})
    workdays = fields.List(fields.Date(), required=True, metadata={"description": "调休上班的周末"})
    source = fields.String(required=True, metadata={"description": "文件依据，如 国办发明电〔…〕…号"})


CALENDAR_YEAR_LOADED = registry.register(
    SERVICE,
    "calendar.year_loaded",
    1,
    CalendarYearLoadedV1Schema,
    "An operator loaded a year's official holiday arrangement (法定节假日安排).",
)


class WarningAppealedV1Schema(_WarningRefV1):
    """申诉 (篇5 七(三)): ``stage`` lodged (the clock stops) or decided (upheld: the warning
    stands and its deadlines move on by the paused working days; revoked: it ends). The
    official's and the organ's reasons stay in the service."""

    stage = fields.String(required=True, validate=validate.OneOf(["lodged", "decided"]))
    appealed_on = fields.Date(required=True)
    outcome = fields.String(required=True, allow_none=True, validate=validate.OneOf(["upheld", "revoked"]))
    decided_on = fields.Date(required=True, allow_none=True)
    decided_by = fields.String(required=True, allow_none=True)
    paused_working_days = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True)
    answer_due = fields.Date(required=True, allow_none=True)
    fix_due = fields.Date(required=True, allow_none=True)


class WarningTransferredV1Schema(_WarningRefV1):
    """已构成违纪的，不属于预警范畴，按办案程序处理 (篇5 三(一)3; 七(三) 案件线索及时移送)."""

    to = fields.String(required=True, validate=validate.OneOf(["case_clue"]))
    previous_status = fields.String(required=True)
    transferred_on = fields.Date(required=True)
    transferred_by = fields.String(required=True)


class WarningExtendedV1Schema(_WarningRefV1):
    """延期整改 (篇5 六3): once, at most one month, approved by the Party committee."""

    previous_fix_due = fields.Date(required=True)
    fix_due = fields.Date(required=True)
    approved_by = fields.String(required=True)
    extensions = fields.Integer(required=True)


WARNING_APPEALED = registry.register(
    SERVICE, "warning.appealed", 1, WarningAppealedV1Schema, "An appeal was lodged or decided (预警申诉)."
)
WARNING_TRANSFERRED = registry.register(
    SERVICE,
    "warning.transferred",
    1,
    WarningTransferredV1Schema,
    "A warning matter was transferred as a case clue (转案件线索).",
)
WARNING_EXTENDED = registry.register(
    SERVICE, "warning.extended", 1, WarningExtendedV1Schema, "A red warning's fix date was extended (延期整改)."
)


# -- events in (tolerant readers: never registered, the producer owns the contract) -----------
class WarningProposedReader(ConsumedEventData):
    """The part of risk's ``warning.proposed`` v1 this service reads (docs/event-flow.md)."""

    proposal_id = fields.String(load_default=None, allow_none=True)
    official_id = fields.String(required=True, validate=ID)
    # Risk may not know the official's unit yet (its registry is eventually consistent);
    # the proposal is still valid and the warning officer can complete it.
    unit_id = fields.String(load_default="", validate=validate.Length(max=64))
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    risk_point = fields.String(load_default=None, allow_none=True)
    trigger = fields.String(load_default=None, allow_none=True)
    reasons = fields.List(fields.String(), load_default=list)
    score = fields.Float(load_default=None, allow_none=True)
    rule_version = fields.String(load_default=None, allow_none=True)
    cause_event_ids = fields.List(fields.String(), load_default=list)


class _TriagedSubjectReader(ConsumedEventData):
    kind = fields.String(required=True)
    id = fields.String(required=True)
    county = fields.String(load_default=None, allow_none=True)


class PetitionTriagedReader(ConsumedEventData):
    """The part of intake's ``petition.triaged`` v1 this service reads."""

    petition_id = fields.String(required=True)
    outcome = fields.String(required=True)
    subjects = fields.List(fields.Nested(_TriagedSubjectReader), load_default=list)


class PetitionClarifiedReader(ConsumedEventData):
    """The part of intake's ``petition.clarified`` v1 this service reads (seed 003 澄清正名)."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    official_ids = fields.List(fields.String(validate=ID), required=True)
    clarified_at = fields.String(load_default=None, allow_none=True)
    summary_zh = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))


class CalendarYearLoadedReader(ConsumedEventData):
    """``calendar.year_loaded`` v1, read back like any consumer would (warning publishes it)."""

    year = fields.Integer(required=True)
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)
    source = fields.String(load_default="")


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
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


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


class LiftSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class CalendarYearSchema(Schema):
    year = fields.Integer(required=True)
    source = fields.String(load_default="", validate=validate.Length(max=200))
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)


class WarningQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    level = fields.Integer(load_default=None, validate=LEVEL)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


# -- HTTP and RPC answers: Chinese labels are computed here, never in handlers ----------------
def _level_attr(name):
    return lambda w: getattr(LEVELS[w.level], name) if w.level in LEVELS else None


def colour_label(colour: str) -> str:
    """ "蓝色（警示提醒）" for "blue": how the printed report names a level."""
    for lvl in LEVELS.values():
        if lvl.colour == colour:
            return f"{lvl.colour_zh}（{lvl.action_zh}）"
    return colour


def status_label(status: str) -> str:
    return lifecycle.STATUS_ZH.get(status, status)


class WarningSchema(Schema):
    id = fields.String()
    proposal_id = fields.String(allow_none=True)
    official_id = fields.String()
    unit_id = fields.String()
    county = fields.String()
    level = fields.Integer()
    colour = fields.String()
    colour_zh = fields.Function(_level_attr("colour_zh"))
    action_zh = fields.Function(_level_attr("action_zh"))
    trigger = fields.String(allow_none=True)
    trigger_zh = fields.String(allow_none=True)
    reasons = fields.List(fields.String())
    risk_point = fields.String(allow_none=True)
    status = fields.String()
    proposer = fields.String()
    proposed_at = fields.DateTime()
    proposal_rule_version = fields.String(allow_none=True)
    approved_by = fields.String(allow_none=True)
    issued_on = fields.String(allow_none=True)
    notice_kind = fields.String(allow_none=True)
    notice_zh = fields.String(allow_none=True)
    answer_due = fields.String(allow_none=True)
    answer_due_provisional = fields.Boolean(allow_none=True)
    fix_due = fields.String(allow_none=True)
    fix_due_provisional = fields.Boolean(allow_none=True)
    rule_version = fields.String(allow_none=True)
    matter = fields.String(allow_none=True)
    escalated_from = fields.String(allow_none=True)
    escalation = fields.Dict(allow_none=True)
    escalation_reason_zh = fields.Function(
        lambda w: REASON_ZH.get((w.escalation or {}).get("reason", "")), metadata={"type": "string"}
    )
    decision = fields.Dict(allow_none=True)
    superseded_by = fields.String(allow_none=True)
    superseded_on = fields.String(allow_none=True)
    escalation_ids = fields.List(fields.String())
    pending_reports = fields.List(fields.Nested(lambda: PendingReportSchema()))
    status_zh = fields.Function(lambda w: status_label(w.status), metadata={"type": "string"})
    lifted_on = fields.String(allow_none=True)
    paused_on = fields.String(allow_none=True)
    appeals = fields.List(fields.Dict())
    extensions = fields.Integer()
    extension_records = fields.List(fields.Dict())
    transfer = fields.Dict(allow_none=True)
    interviews = fields.List(fields.Dict())
    notices = fields.List(fields.Dict())
    attached_proposals = fields.List(fields.Dict())
    suppressed_proposals = fields.List(fields.Dict())
    history = fields.List(fields.Dict())
    version = fields.Integer()


class PendingReportSchema(Schema):
    """A new report attached to an open warning, pending verification (篇5 七(一))."""

    petition_id = fields.String()
    reported_on = fields.String()
    attached_at = fields.String()
    status = fields.String()
    status_zh = fields.Function(lambda r: FINDING_ZH.get(r.get("status"), "待核实"), metadata={"type": "string"})
    finding = fields.Dict(allow_none=True)
    escalation_id = fields.String(allow_none=True)


class WarningItemSchema(Schema):
    """A warning as one line of a report."""

    warning_id = fields.String(attribute="id")
    official_id = fields.String()
    unit_id = fields.String()
    level = fields.Integer()
    colour = fields.String()
    colour_zh = fields.Function(lambda w: colour_label(w.colour), metadata={"type": "string"})
    status = fields.String()
    status_zh = fields.Function(lambda w: status_label(w.status), metadata={"type": "string"})


class TriggerCountSchema(Schema):
    code = fields.String()
    label = fields.String()
    count = fields.Integer()


class PeriodSchema(Schema):
    start = fields.Date(data_key="from", attribute="first")
    end = fields.Date(data_key="to", attribute="last")


class AnswerTimesSchema(Schema):
    answered = fields.Integer(attribute="count")
    average = fields.Float(allow_none=True)
    median = fields.Float(allow_none=True)


class QuarterlyReportSchema(Schema):
    """廉政风险信息预警专报 (篇5 三(二)); ``format=html`` prints the same content."""

    title = fields.Constant("廉政风险信息预警专报", metadata={"type": "string"})
    county = fields.String()
    year = fields.Integer()
    quarter = fields.Integer()
    period = fields.Nested(PeriodSchema)
    total = fields.Integer()
    by_level = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_trigger = fields.List(fields.Nested(TriggerCountSchema))
    overdue = fields.List(fields.Nested(WarningItemSchema))
    escalated = fields.List(fields.Nested(WarningItemSchema))
    lifted = fields.List(fields.Nested(WarningItemSchema))
    answer_working_days = fields.Nested(AnswerTimesSchema, attribute="answer_times")


class EligibilitySchema(Schema):
    """篇5 七(二): may the unit be rated an advanced unit this year?"""

    unit_id = fields.String()
    year = fields.Integer()
    eligible = fields.Boolean()
    red_warnings = fields.Integer()
    warning_ids = fields.List(fields.String())
    threshold = fields.Integer()
    rule = fields.String()


class CalendarYearLoadedSchema(Schema):
    year = fields.Integer()
    source = fields.String()
    holidays = fields.List(fields.String())
    workdays = fields.List(fields.String())
    loaded_years = fields.List(fields.Integer())


class WorkingDaysQuerySchema(Schema):
    start = fields.Date(required=True)
    days = fields.Integer(required=True, validate=validate.Range(min=0, max=3660))


class WorkingDaysResultSchema(Schema):
    start = fields.Date()
    days = fields.Integer()
    date = fields.Date()
    provisional = fields.Boolean(metadata={"description": "涉及尚未加载节假日安排的年份，日期可能变化"})
    loaded_years = fields.List(fields.Integer())


class TaskSchema(Schema):
    """组织处理事项 (篇5 七(一))."""

    id = fields.String()
    warning_id = fields.String()
    official_id = fields.String()
    unit_id = fields.String(allow_none=True)
    county = fields.String()
    status = fields.String()
    status_zh = fields.Function(lambda t: organisational.STATUS_ZH.get(t.status, t.status), metadata={"type": "string"})
    owner = fields.String()
    owner_zh = fields.String()
    recorder_role = fields.String()
    rule_version = fields.String()
    opened_on = fields.String()
    due_on = fields.String()
    due_provisional = fields.Boolean()
    evidence = fields.Dict()
    outcome = fields.Dict(allow_none=True)
    measure_zh = fields.Function(
        lambda t: organisational.MEASURES.get((t.outcome or {}).get("measure", "")), metadata={"type": "string"}
    )
    closed_on = fields.String(allow_none=True)
    history = fields.List(fields.Dict())
    version = fields.Integer()


class WorkItemSchema(Schema):
    """A warning as one line of a staff worklist: what is awaited and by when."""

    warning_id = fields.String(attribute="id")
    official_id = fields.String()
    unit_id = fields.String()
    county = fields.String()
    level = fields.Integer()
    colour = fields.String()
    colour_zh = fields.Function(lambda w: colour_label(w.colour), metadata={"type": "string"})
    status = fields.String()
    status_zh = fields.Function(lambda w: status_label(w.status), metadata={"type": "string"})
    proposed_at = fields.DateTime()
    issued_on = fields.String(allow_none=True)
    answer_due = fields.String(allow_none=True)
    fix_due = fields.String(allow_none=True)
    escalated_from = fields.String(allow_none=True)


class WorklistSectionSchema(Schema):
    items = fields.List(fields.Nested(WorkItemSchema))
    truncated = fields.Boolean(metadata={"description": "还有更多事项：缩小地区范围或提高 limit"})


class TaskSectionSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    truncated = fields.Boolean()


class WorklistSchema(Schema):
    """预警工作待办 (issue 8 item 10): what waits for staff, most urgent first, bounded."""

    counties = fields.List(fields.String())
    limit = fields.Integer()
    awaiting_approval = fields.Nested(WorklistSectionSchema, metadata={"description": "待审批（含升级建议）"})
    awaiting_answer = fields.Nested(WorklistSectionSchema, metadata={"description": "待答复（按答复期限）"})
    awaiting_rectification = fields.Nested(WorklistSectionSchema, metadata={"description": "整改中（按整改期限）"})
    awaiting_revisit = fields.Nested(WorklistSectionSchema, metadata={"description": "待回访"})
    awaiting_lifting = fields.Nested(WorklistSectionSchema, metadata={"description": "已回访待解除"})
    reports_pending_verification = fields.Nested(
        WorklistSectionSchema, metadata={"description": "有待核实的新反映 (篇5 七(一))"}
    )
    organisational_handling = fields.Nested(TaskSectionSchema, metadata={"description": "待组织处理"})


class TriggerSchema(Schema):
    level = fields.Integer()
    colour = fields.String()
    code = fields.String()
    label = fields.String()


def trigger_catalogue() -> list[dict]:
    return [
        {"level": n, "colour": LEVELS[n].colour, "code": code, "label": label}
        for n, triggers in TRIGGERS.items()
        for code, label in triggers.items()
    ]
