"""HTTP and RPC answers of the warning service, Chinese labels computed here (never in
handlers): warnings, the quarterly report (篇5 三(二)), eligibility (篇5 七(二)), the calendar and
working days, organisational-handling tasks, the staff worklist, the trigger catalogue."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain import lifecycle, organisational
from ..domain.escalation import FINDING_ZH, REASON_ZH
from ..domain.levels import LEVELS, TRIGGERS


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
        lambda w: REASON_ZH.get((w.escalation or {}).get("reason", "")),
        allow_none=True,  # null when the warning was not escalated
        metadata={"type": "string"},
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


def _by_level() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": '按预警等级："1" 红色、"2" 黄色、"3" 蓝色'},
    )


class CountyStatisticsSchema(Schema):
    county = fields.String()
    live = fields.Integer(metadata={"description": "未结束的预警（含待审批、申诉中）"})
    by_level = _by_level()
    overdue = fields.Integer(metadata={"description": "说明（答复）或整改已逾期的预警"})


class StatisticsSchema(Schema):
    """预警统计 (issue 14 item 7): a county's, city's or province's live warnings by level and
    the overdue answers and rectifications, with every county of the scope (zeros included)."""

    county = fields.String()
    as_of = fields.String(metadata={"format": "date", "description": "统计日期（北京时间）"})
    live = fields.Integer(metadata={"description": "未结束的预警（含待审批、申诉中）"})
    by_level = _by_level()
    overdue = fields.Integer(metadata={"description": "说明（答复）或整改已逾期的预警"})
    counties = fields.List(fields.Nested(CountyStatisticsSchema), metadata={"description": "所辖各县，按代码排序"})


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
    answer_due_provisional = fields.Boolean(allow_none=True, metadata={"description": "期限按暂定日历计算"})
    fix_due = fields.String(allow_none=True)
    fix_due_provisional = fields.Boolean(allow_none=True)
    escalated_from = fields.String(allow_none=True)
    trigger = fields.String(allow_none=True)
    trigger_zh = fields.String(allow_none=True, metadata={"description": "预警情形"})


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
