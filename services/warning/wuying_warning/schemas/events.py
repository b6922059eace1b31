"""Versioned event data the warning service publishes: ``warning.*`` (issued, responded, lifted,
overdue, superseded, appealed, transferred, extended; escalated, deprecated),
``organisational_handling.*`` and ``calendar.year_loaded`` (篇5 六, 七)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, registry

from ..domain import organisational
from .common import COLOUR, LEVEL, SERVICE


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
