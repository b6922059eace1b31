"""Payloads of campaigns: a region's year in one action, teams by CP-SAT, overrides, commit,
and inspectors' own assignments (000/E; 001 贵州, 湖南; 004 闵行)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE

from ..domain.campaigns import MIN_ROUNDS_PER_YEAR
from ..domain.plans import METHODS_ZH
from ..domain.ruledata import HARD_RULES
from .labels import Label
from .plans import WindowSchema

CAMPAIGN_STATUSES_ZH = {
    "draft": "草案（待求解）",
    "solving": "求解中",
    "solved": "已求解（待确认发布）",
    "infeasible": "无解（见阻碍规则）",
    "unknown": "限时内未求出",
    "committed": "已确认发布",
}


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
    # The search runs in an OS thread (eventlet.tpool), the service keeps answering; still one
    # solve holds a core: two minutes bound it (a block may take three times its share when its
    # candidates are not enough, see TeamAssigner._solve_block).
    max_time_seconds = fields.Float(
        validate=validate.Range(min=1, max=120), metadata={"description": "求解时间上限（秒），至多 120"}
    )


class CampaignRequestSchema(Schema):
    region = fields.String(required=True, validate=COUNTY_CODE, metadata={"description": "省、市或县的行政区划代码"})
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    # At least two a year (000/E, refused by the domain with its rule); at most one a month, as
    # ``round``: an unbounded count would keep the solver busy for nothing.
    rounds = fields.Integer(
        load_default=None,
        strict=True,
        validate=validate.Range(min=MIN_ROUNDS_PER_YEAR, max=12),
        metadata={"description": "每个单位的巡察次数（2–12）"},
    )
    round = fields.Integer(
        load_default=None,
        strict=True,
        validate=validate.Range(min=1, max=12),
        metadata={
            "description": "只安排每个单位当年的第几次巡察（其余各次不变，或由另一次按次安排完成）；"
            "windows 此时只给这一次的时段。不填：安排全年各次"
        },
    )
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
    round = fields.Integer(allow_none=True, metadata={"description": "按次安排时：安排的是第几次巡察"})
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
