"""Marshmallow schemas at the inspection service's edges: HTTP/RPC payloads and versioned
event data."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from .domain.coverage import STATUSES_ZH
from .domain.findings import DISPOSITIONS_ZH, SEVERITIES_ZH, STANDINGS_ZH
from .domain.plans import METHODS_ZH
from .domain.pool import AGE_BANDS_ZH, GENDERS_ZH, LEVELS_ZH
from .domain.ruledata import HARD_RULES, SCHEDULED_V1_RETIRES_ON

SERVICE = "inspection"

UNIT_KINDS = ("commission_organ", "dispatched_agency", "department", "township", "enterprise", "school", "other")


# -- events out ------------------------------------------------------------------------------
class ScheduledRoundV1Schema(Schema):
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    method = fields.String(required=True, validate=validate.OneOf(["special", "surprise", "cross", "unannounced"]))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class InspectionScheduledV1Schema(Schema):
    """巡察计划安排: one unit's inspection rounds for one year (000/E: at least two)."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    zone = fields.String(required=True, allow_none=True)
    rounds = fields.List(fields.Nested(ScheduledRoundV1Schema), required=True, validate=validate.Length(min=2))


INSPECTION_SCHEDULED = registry.register(
    SERVICE,
    "inspection.scheduled",
    1,
    InspectionScheduledV1Schema,
    "A unit's inspection plan for a year was scheduled (内部作风巡察计划安排). Deprecated: it carries the "
    f"dates of surprise and unannounced rounds; published beside v2 until {SCHEDULED_V1_RETIRES_ON}, then retired.",
    retires=SCHEDULED_V1_RETIRES_ON,
)


class ScheduledRoundV2Schema(Schema):
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    method = fields.String(required=True, validate=validate.OneOf(["special", "surprise", "cross", "unannounced"]))
    starts_on = fields.Date(required=True, allow_none=True, metadata={"description": "突击检查、暗访开始前为 null"})
    ends_on = fields.Date(required=True, allow_none=True)
    dates_withheld = fields.Boolean(required=True, metadata={"description": "日期保密（突击检查、暗访开始前）"})


class InspectionScheduledV2Schema(Schema):
    """巡察计划安排 v2: as v1, but the dates of surprise and unannounced rounds (突击检查、暗访) that
    have not started are withheld — the inspected unit and other agencies read this event."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    zone = fields.String(required=True, allow_none=True)
    plan_version = fields.Integer(required=True)
    campaign_id = fields.String(required=True, allow_none=True)
    rounds = fields.List(fields.Nested(ScheduledRoundV2Schema), required=True, validate=validate.Length(min=2))


INSPECTION_SCHEDULED_V2 = registry.register(
    SERVICE,
    "inspection.scheduled",
    2,
    InspectionScheduledV2Schema,
    "A unit's inspection plan for a year was scheduled or rescheduled (内部作风巡察计划安排); the dates of "
    "surprise and unannounced rounds not yet started are withheld.",
)


class InspectionFindingRecordedV1Schema(Schema):
    """巡察发现问题: a finding and its disposition by severity (000/E 结果运用). The finding's text
    stays in the inspection service."""

    finding_id = fields.String(required=True)
    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    official_id = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    round = fields.Integer(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(["early_sign", "general", "serious"]))
    severity_zh = fields.String(required=True)
    disposition = fields.String(required=True)
    disposition_zh = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


INSPECTION_FINDING_RECORDED = registry.register(
    SERVICE,
    "inspection.finding_recorded",
    1,
    InspectionFindingRecordedV1Schema,
    "An inspection finding was recorded with its disposition (巡察发现问题及处置).",
)


class FindingTallyV1Schema(Schema):
    early_sign = fields.Integer(required=True)
    general = fields.Integer(required=True)
    serious = fields.Integer(required=True)


class InspectionCompletedV1Schema(Schema):
    """巡察完成: one round of a unit's plan is finished; ``plan_completed`` when it was the last."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    round = fields.Integer(required=True)
    method = fields.String(required=True)
    completed_on = fields.Date(required=True)
    findings = fields.Nested(FindingTallyV1Schema, required=True)
    plan_completed = fields.Boolean(required=True)


INSPECTION_COMPLETED = registry.register(
    SERVICE,
    "inspection.completed",
    1,
    InspectionCompletedV1Schema,
    "A round of a unit's inspection was completed (巡察完成), with its findings per severity.",
)


class DispositionEventV1Schema(Schema):
    """巡察发现问题的处置: one disposition of a finding added or closed (000/E 结果运用)."""

    finding_id = fields.String(required=True)
    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    official_id = fields.String(required=True, allow_none=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(["early_sign", "general", "serious"]))
    disposition = fields.String(required=True)
    disposition_zh = fields.String(required=True)
    outcome = fields.String(required=True, allow_none=True)
    outcome_zh = fields.String(required=True, allow_none=True)
    finding_closed = fields.Boolean(required=True)
    on = fields.Date(required=True)


INSPECTION_DISPOSITION_ADDED = registry.register(
    SERVICE,
    "inspection.disposition_added",
    1,
    DispositionEventV1Schema,
    "Another disposition was taken on an inspection finding (巡察发现问题追加处置).",
)
INSPECTION_DISPOSITION_CLOSED = registry.register(
    SERVICE,
    "inspection.disposition_closed",
    1,
    DispositionEventV1Schema,
    "A disposition of an inspection finding was closed with its outcome (处置办结：谈话、函询、核实、立案、移送司法).",
)


class InspectionEvaluationRecordedV1Schema(Schema):
    """年度评优评先依据: the year's inspection result of a unit (000/E 结果运用)."""

    plan_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True)
    standing = fields.String(
        required=True, validate=validate.OneOf(["clear", "with_findings", "pending", "not_recommended"])
    )
    standing_zh = fields.String(required=True)
    eligible_for_excellence = fields.Boolean(required=True)
    findings = fields.Nested(FindingTallyV1Schema, required=True)
    open_dispositions = fields.Integer(required=True)
    rounds_completed = fields.Integer(required=True)
    rounds_planned = fields.Integer(required=True)


INSPECTION_EVALUATION_RECORDED = registry.register(
    SERVICE,
    "inspection.evaluation_recorded",
    1,
    InspectionEvaluationRecordedV1Schema,
    "A unit's inspection result for the year was recorded for its annual evaluation (评优评先).",
)


# -- events in ---------------------------------------------------------------------------------
class OfficialChangedInSchema(ConsumedEventData):
    """The part of archive's ``official.changed`` v1 the inspector pool reads."""

    official_id = fields.String(required=True, validate=validate.Length(min=1))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    status = fields.String(load_default="serving")


OFFICIAL_CHANGED_IN = OfficialChangedInSchema()


# -- HTTP / RPC payloads -------------------------------------------------------------------
class UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    county = fields.String(required=True, validate=COUNTY_CODE)
    # Open vocabulary (the registry is shared with archive); 000/E's scope is commission_organ
    # and dispatched_agency.
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"example": UNIT_KINDS[0]})
    zone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    focus = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        load_default=list,
        metadata={"description": "巡察该单位需要的专业（安排巡察组时优先匹配）"},
    )
    specialist_fields = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        load_default=list,
        metadata={"description": "需从机动组员库各抽调一名的专业（004 闵行 三不固定）"},
    )


class RegisterUnitsSchema(Schema):
    units = fields.List(fields.Nested(UnitSchema), required=True, validate=validate.Length(min=1, max=5000))


class RegisterUnitsResultSchema(Schema):
    units = fields.Integer()


class WindowSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PlanRequestSchema(Schema):
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    # The ≥2 rule is the domain's (000/E), so its 400 cites the rule; here only the type.
    rounds = fields.Integer(load_default=2, strict=True)
    methods = fields.List(
        fields.String(), load_default=None, metadata={"description": "special, surprise, cross, unannounced"}
    )
    windows = fields.List(
        fields.Nested(WindowSchema), load_default=None, metadata={"description": "默认：上半年、下半年各一次"}
    )


class RoundSpecialistSchema(Schema):
    id = fields.String()
    name = fields.String()
    expertise = fields.String()


class RoundSchema(Schema):
    round = fields.Integer()
    method = fields.String()
    method_zh = fields.String()
    starts_on = fields.String()
    ends_on = fields.String()
    inspecting_zone = fields.String(allow_none=True, metadata={"description": "交叉检查：派出巡察组的协作区"})
    specialists = fields.List(fields.Nested(RoundSpecialistSchema))
    members = fields.List(fields.String(), metadata={"description": "巡察组成员（人员库编号）"})
    leader = fields.String(allow_none=True)
    completed_on = fields.String(allow_none=True)
    reminded_on = fields.String(allow_none=True)


class Label(fields.String):
    """The Chinese label of a code the object keeps in ``source`` (dump only)."""

    def __init__(self, labels, source: str, **kwargs) -> None:
        super().__init__(dump_only=True, **kwargs)
        self.labels = labels
        self.source = source

    def get_value(self, obj, attr, accessor=None, default=None):
        code = super().get_value(obj, self.source, accessor=accessor)
        return self.labels.get(code, code) if isinstance(code, str) else None


class DispositionSchema(Schema):
    kind = fields.String()
    kind_zh = Label(DISPOSITIONS_ZH, "kind")
    outcome = fields.String(allow_none=True)
    opened_by = fields.String()
    opened_at = fields.DateTime()
    closed_by = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class FindingSchema(Schema):
    id = fields.String(data_key="finding_id")
    round = fields.Integer()
    severity = fields.String()
    severity_zh = Label(SEVERITIES_ZH, "severity")
    disposition = fields.String()
    dispositions = fields.List(fields.Nested(DispositionSchema))
    closed = fields.Boolean(dump_only=True)
    official_id = fields.String(allow_none=True)
    summary = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class PlanEvaluationSchema(Schema):
    standing = fields.String()
    standing_zh = Label(STANDINGS_ZH, "standing")
    findings = fields.Dict()
    open_dispositions = fields.Integer()
    rounds_completed = fields.Integer()
    rounds_planned = fields.Integer()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class PlanSchema(Schema):
    id = fields.String(data_key="plan_id")
    unit_id = fields.String()
    unit_name = fields.String()
    unit_kind = fields.String()
    county = fields.String()
    zone = fields.String(allow_none=True)
    year = fields.Integer()
    status = fields.String()
    rounds = fields.List(fields.Nested(RoundSchema))
    findings = fields.List(fields.Nested(FindingSchema))
    evaluation = fields.Nested(PlanEvaluationSchema, allow_none=True)
    campaign_id = fields.String(allow_none=True)
    plan_version = fields.Integer()
    created_by = fields.String()
    created_at = fields.DateTime()


class PlanQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class CrossAssignmentRequestSchema(Schema):
    region = fields.String(
        required=True, validate=COUNTY_CODE, metadata={"description": "省、市或县的行政区划代码；其下各协作区交叉检查"}
    )
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))


class ZonePairSchema(Schema):
    inspected_zone = fields.String()
    inspecting_zone = fields.String()
    repeats_last_year = fields.Boolean(metadata={"description": "只有两个协作区时只能互换，无法轮换"})
    reciprocal = fields.Boolean(metadata={"description": "两个协作区互相检查"})


class CrossAssignmentSchema(Schema):
    region = fields.String()
    year = fields.Integer()
    pairs = fields.List(fields.Nested(ZonePairSchema))
    created_by = fields.String()
    created_at = fields.DateTime()


class SpecialistSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    expertise = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)), required=True, validate=validate.Length(min=1)
    )
    unit_id = fields.String(load_default=None, allow_none=True)


class RegisterSpecialistsSchema(Schema):
    specialists = fields.List(fields.Nested(SpecialistSchema), required=True, validate=validate.Length(min=1, max=2000))


class RegisterSpecialistsResultSchema(Schema):
    specialists = fields.Integer()


class JoinSpecialistsSchema(Schema):
    expertise = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        validate=validate.Length(min=1, max=10),
        metadata={"description": "需要的专业领域，每个领域抽取一名机动组员"},
    )


class FindingRequestSchema(Schema):
    round = fields.Integer(required=True, strict=True)
    # Severity and disposition are checked by the domain, so the 400 cites 000/E.
    severity = fields.String(required=True, metadata={"description": "early_sign, general, serious"})
    disposition = fields.String(load_default=None, metadata={"description": "默认：按问题性质的首选处置方式"})
    official_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=2000))


CAMPAIGN_STATUSES_ZH = {
    "draft": "草案（待求解）",
    "solving": "求解中",
    "solved": "已求解（待确认发布）",
    "infeasible": "无解（见阻碍规则）",
    "unknown": "限时内未求出",
    "committed": "已确认发布",
}


# -- the inspector pool ----------------------------------------------------------------------
class UnavailablePeriodSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class RelativeSchema(Schema):
    relation = fields.String(
        required=True,
        validate=validate.OneOf(["spouse", "child", "child_in_law", "parent", "sibling", "in_law", "other"]),
    )
    unit_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    official_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "亲属本人是公职人员时其编号：其任职变动随档案事件更新"},
    )


class InspectorSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "公职人员编号"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    zone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    level = fields.String(required=True, metadata={"description": "province, city, county"})
    unit_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    former_unit_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list)
    relatives = fields.List(fields.Nested(RelativeSchema), load_default=None, allow_none=True)
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list)
    gender = fields.String(load_default=None, allow_none=True, metadata={"description": "female, male"})
    age_band = fields.String(
        load_default=None, allow_none=True, metadata={"description": "under_35, 35_44, 45_54, 55_plus"}
    )
    unavailable = fields.List(fields.Nested(UnavailablePeriodSchema), load_default=list)
    leader = fields.Boolean(load_default=False, metadata={"description": "具备组长资格"})
    mobile = fields.Boolean(load_default=False, metadata={"description": "机动组员（004 闵行 三不固定）"})
    active = fields.Boolean(load_default=True)


class RegisterInspectorsSchema(Schema):
    inspectors = fields.List(fields.Nested(InspectorSchema), required=True, validate=validate.Length(min=1, max=5000))


class RegisterInspectorsResultSchema(Schema):
    inspectors = fields.Integer()


class InspectorOutSchema(Schema):
    id = fields.String(data_key="inspector_id")
    name = fields.String()
    county = fields.String()
    zone = fields.String(allow_none=True)
    level = fields.String()
    level_zh = Label(LEVELS_ZH, "level")
    unit_id = fields.String(allow_none=True)
    former_unit_ids = fields.List(fields.String())
    relatives = fields.List(fields.Nested(RelativeSchema))
    skills = fields.List(fields.String())
    gender = fields.String(allow_none=True)
    gender_zh = Label(GENDERS_ZH, "gender")
    age_band = fields.String(allow_none=True)
    age_band_zh = Label(AGE_BANDS_ZH, "age_band")
    unavailable = fields.List(fields.Nested(UnavailablePeriodSchema))
    leader = fields.Boolean()
    mobile = fields.Boolean()
    active = fields.Boolean()


# -- campaigns -------------------------------------------------------------------------------
class CampaignRulesSchema(Schema):
    surprise_share = fields.Float(validate=validate.Range(min=0, max=1))
    unannounced_share = fields.Float(validate=validate.Range(min=0, max=1))
    min_cross_rounds = fields.Integer(validate=validate.Range(min=0, max=12))
    visit_working_days = fields.Integer(validate=validate.Range(min=1, max=60))
    reminder_working_days = fields.Integer(validate=validate.Range(min=0, max=60))


class WeightsSchema(Schema):
    skill_match = fields.Integer(validate=validate.Range(min=0, max=1000))
    same_unit_last_year = fields.Integer(validate=validate.Range(min=0, max=1000))
    same_mates_last_year = fields.Integer(validate=validate.Range(min=0, max=1000))
    load_over_target = fields.Integer(validate=validate.Range(min=0, max=1000))
    gender_mix = fields.Integer(validate=validate.Range(min=0, max=1000))
    age_mix = fields.Integer(validate=validate.Range(min=0, max=1000))
    moved = fields.Integer(validate=validate.Range(min=0, max=1000))


class AssignmentRulesSchema(Schema):
    team_min = fields.Integer(validate=validate.Range(min=1, max=30))
    team_max = fields.Integer(validate=validate.Range(min=1, max=30))
    weights = fields.Nested(WeightsSchema)
    candidates_per_slot = fields.Integer(validate=validate.Range(min=5, max=500))
    max_time_seconds = fields.Float(validate=validate.Range(min=1, max=600))


class CampaignRequestSchema(Schema):
    region = fields.String(required=True, validate=COUNTY_CODE, metadata={"description": "省、市或县的行政区划代码"})
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    rounds = fields.Integer(load_default=None, strict=True, metadata={"description": "每个单位的巡察次数（≥2）"})
    windows = fields.List(
        fields.Nested(WindowSchema), load_default=None, metadata={"description": "各次巡察的时段，默认按年均分"}
    )
    kinds = fields.List(fields.String(), load_default=None, metadata={"description": "纳入的单位类别"})
    campaign_rules = fields.Nested(CampaignRulesSchema, load_default=None)
    assignment_rules = fields.Nested(AssignmentRulesSchema, load_default=None)


class CampaignVisitSchema(Schema):
    unit_id = fields.String()
    unit_name = fields.String(allow_none=True)
    county = fields.String()
    zone = fields.String(allow_none=True)
    round = fields.Integer()
    method = fields.String()
    method_zh = Label(METHODS_ZH, "method")
    starts_on = fields.String()
    ends_on = fields.String()
    members = fields.List(fields.String())
    leader = fields.String(allow_none=True)
    specialists = fields.List(fields.List(fields.String()), metadata={"description": "[[专业, 人员编号], ...]"})
    specialist_fields = fields.List(fields.String())
    fixed = fields.Boolean()


class CampaignMoveSchema(Schema):
    unit_id = fields.String()
    round = fields.Integer()
    what = fields.String()
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)


class CampaignVersionSchema(Schema):
    plan_version = fields.Integer()
    cause = fields.String()
    status = fields.String()
    at = fields.DateTime()
    by = fields.String()
    objective = fields.Float(allow_none=True)
    bound = fields.Float(allow_none=True)
    wall_seconds = fields.Float(allow_none=True)
    moved = fields.List(fields.Nested(CampaignMoveSchema))


class OverrideOutSchema(Schema):
    unit_id = fields.String()
    round = fields.Integer()
    members = fields.List(fields.String())
    leader = fields.String(allow_none=True)
    reason = fields.String()
    by = fields.String()
    at = fields.DateTime()


class BlockerSchema(Schema):
    rule = fields.String()
    rule_zh = fields.Method("_zh")
    source = fields.Method("_source")
    units = fields.List(fields.String())
    periods = fields.List(fields.List(fields.String()))

    def _zh(self, obj):
        return HARD_RULES[obj.rule].zh

    def _source(self, obj):
        return HARD_RULES[obj.rule].source


class CampaignSchema(Schema):
    id = fields.String(data_key="campaign_id")
    region = fields.String()
    year = fields.Integer()
    status = fields.String()
    status_zh = Label(CAMPAIGN_STATUSES_ZH, "status")
    rules = fields.Dict()
    rules_version = fields.String()
    windows = fields.List(fields.List(fields.String()))
    plan_version = fields.Integer()
    committed_version = fields.Integer(allow_none=True)
    objective = fields.Float(allow_none=True)
    bound = fields.Float(allow_none=True)
    blocking = fields.List(fields.Nested(BlockerSchema), metadata={"description": "无解时：哪些规则、哪些单位造成无解"})
    kept_plans = fields.List(fields.String())
    visits = fields.List(fields.Nested(CampaignVisitSchema))
    versions = fields.List(fields.Nested(CampaignVersionSchema))
    overrides = fields.List(fields.Nested(OverrideOutSchema))
    created_by = fields.String()
    created_at = fields.DateTime()


class CampaignProgressSchema(Schema):
    campaign_id = fields.String()
    status = fields.String()
    plan_version = fields.Integer()
    progress = fields.Dict(allow_none=True, metadata={"description": "求解进度：已完成的巡察数、目标值、界"})


class OverrideRequestSchema(Schema):
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    round = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=12))
    members = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), required=True, validate=validate.Length(min=1, max=30)
    )
    leader = fields.String(required=True, validate=validate.Length(min=1, max=64))
    reason = fields.String(
        required=True, validate=validate.Length(min=2, max=500), metadata={"description": "调整理由（记入日志）"}
    )


class AssignmentQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class MyAssignmentSchema(Schema):
    plan_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    county = fields.String()
    year = fields.Integer()
    round = fields.Integer()
    method = fields.String()
    method_zh = Label(METHODS_ZH, "method")
    starts_on = fields.String()
    ends_on = fields.String()
    role = fields.String(metadata={"description": "leader, member, specialist"})
    specialist_field = fields.String(allow_none=True)
    team = fields.List(fields.String())
    leader = fields.String(allow_none=True)


# -- coverage --------------------------------------------------------------------------------
class CoverageQuerySchema(Schema):
    region = fields.String(required=True, validate=COUNTY_CODE)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class TallySchema(Schema):
    code = fields.String()
    units = fields.Integer()
    done = fields.Function(lambda t: t.counts["done"])
    planned = fields.Function(lambda t: t.counts["planned"])
    overdue = fields.Function(lambda t: t.counts["overdue"])
    missed = fields.Function(lambda t: t.counts["missed"])
    unplanned = fields.Function(lambda t: t.counts["unplanned"])
    coverage = fields.Float()


class AttentionSchema(Schema):
    unit_id = fields.Function(lambda u: u[0])
    county = fields.Function(lambda u: u[1])
    status = fields.Function(lambda u: u[2])
    status_zh = fields.Function(lambda u: STATUSES_ZH[u[2]])


class CoverageSchema(Schema):
    region = fields.String()
    year = fields.Integer()
    total = fields.Nested(TallySchema, metadata={"description": "全区域一览"})
    cities = fields.List(fields.Nested(TallySchema))
    counties = fields.List(fields.Nested(TallySchema))
    units = fields.List(fields.Nested(AttentionSchema), metadata={"description": "逾期、未完成、未计划的单位"})


class UpcomingQuerySchema(Schema):
    region = fields.String(required=True, validate=COUNTY_CODE)
    within = fields.Integer(
        load_default=None, validate=validate.Range(min=0, max=60), metadata={"description": "工作日"}
    )


class UpcomingSchema(Schema):
    plan_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    county = fields.String()
    round = fields.Integer()
    method = fields.String()
    method_zh = Label(METHODS_ZH, "method")
    starts_on = fields.String()
    ends_on = fields.String()
    leader = fields.String(allow_none=True)
    team = fields.List(fields.String())
    reminded_on = fields.String(allow_none=True)


# -- findings --------------------------------------------------------------------------------
class DispositionRequestSchema(Schema):
    disposition = fields.String(required=True, metadata={"description": "000/E 结果运用中该问题性质允许的处置方式"})


class CloseDispositionRequestSchema(Schema):
    disposition = fields.String(required=True)
    outcome = fields.String(
        required=True,
        metadata={
            "description": "talk_held, inquiry_answered, inquiry_unanswered, verified, partly_verified, "
            "not_verified, handling_decided, case_filed, transferred"
        },
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
