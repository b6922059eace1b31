"""Marshmallow schemas at the warning service's edges: HTTP payloads and versioned event data."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from .domain import lifecycle
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
        required=True, metadata={"description": "红色预警仍不整改：转组织处理 (篇5 七(一))"}
    )


class WarningEscalatedV1Schema(_WarningRefV1):
    """预警升级 (篇5 七(一), 篇8 第十八条(二)1①/(三)1①); level and colour are the new ones."""

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
    SERVICE, "warning.escalated", 1, WarningEscalatedV1Schema, "A warning moved up one level (预警升级)."
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


class InterviewSchema(Schema):
    interviewers = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True)
    lead = fields.String(required=True, validate=validate.Length(min=1, max=64))
    lead_rank = fields.String(
        required=True,
        metadata={"description": "party_committee_member, commission_principal, commission_leader_in_charge"},
    )
    plan = fields.String(required=True, validate=validate.Length(min=1, max=5000, error="须附谈话方案（谈话提纲）"))
    notice_slip_no = fields.String(required=True, validate=validate.Length(min=1, max=64, error="须填写约谈通知单编号"))
    scheduled_on = fields.Date(required=True)
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class InboxMessageSchema(Schema):
    id = fields.String()
    warning_id = fields.String()
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
    rule_version = fields.String(allow_none=True)
    escalations = fields.Integer()
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
    version = fields.Integer()


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
