"""Rule data of the inspection service: the hard rules of team assignment with their sources,
and the weights and counts that are policy rather than law (DESIGN.md §4: rule data, versioned,
with the seeds' figures as defaults).

Every default below names where it comes from. A commission changes them by passing its own
``AssignmentRules`` / ``CampaignRules`` (the campaign request carries the overrides and the
campaign document keeps the version it was solved under).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date

RULES_VERSION = "inspection-2026.1"


@dataclass(frozen=True)
class HardRule:
    code: str
    zh: str
    source: str


# The hard rules of team assignment (issue 12; DESIGN.md §4 Inspection). ``code`` is what an
# infeasibility answer and an override refusal name.
HARD_RULES: dict[str, HardRule] = {
    r.code: r
    for r in (
        HardRule(
            "own_county",
            "巡察人员不得巡察本县（市、区）的单位",
            "001 贵州：交叉检查，着力破解熟人监督抹不开情面；001 湖南：防止长期联系固定地方和部门形成“熟人监督”",
        ),
        HardRule(
            "own_zone_in_cross",
            "交叉检查时不得检查本协作区的单位",
            "001 贵州：全省划分六个内部监督办案协作区……开展内部督查、交叉检查",
        ),
        HardRule(
            "posting_avoidance",
            "任职回避：不得巡察本人现在或曾经任职的单位",
            "001 湖南：防止……形成“熟人监督”甚至关系网；004 甘肃高台：破解“熟人圈”“朋友圈”的监督难题",
        ),
        HardRule(
            "relative_avoidance",
            "亲属回避：不得巡察其亲属任职的单位",
            "001 湖南：领导干部配偶、子女及其配偶禁业范围；防止形成关系网",
        ),
        HardRule(
            "unavailable",
            "巡察期间本人不在岗（休假、培训、其他任务等）",
            "人员库登记的不可用时段（001 贵州 干部监督人员库）",
        ),
        HardRule(
            "one_team_at_a_time",
            "同一时间只能参加一个巡察组",
            "001 贵州：根据工作需要灵活调配使用（人员库统一调配，一人一时一组）",
        ),
        HardRule(
            "team_size",
            "巡察组人数须在规定范围内",
            "001 贵州：666 个督查组抽调 2659 人次（每组约 4 人），规则数据",
        ),
        HardRule("leader", "每个巡察组须有一名具备组长资格的组长", "004 上海闵行：巡察组组长；规则数据"),
        HardRule(
            "specialist",
            "按需抽调的专业机动组员（每个专业一名）",
            "004 上海闵行：机动组员“三不固定”——进组时间、与巡察组关系、被巡察单位均不固定",
        ),
        HardRule("fixed", "已确定（已开始、已完成或经人工调整）的安排保持不变", "重新求解时保留已确定的安排"),
    )
}


@dataclass(frozen=True)
class Weights:
    """Soft rules, as costs the solver minimises (integers: CP-SAT's objective is integral)."""

    skill_match: int = 10  # a member whose skills match the unit's focus (reward)
    same_unit_last_year: int = 60  # 001 湖南: rotate who supervises whom (cost)
    same_mates_last_year: int = 6  # 001 湖南: not the same team-mates as last year (cost per pair)
    load_over_target: int = 25  # even load across the pool (cost per assignment over the fair share)
    gender_mix: int = 8  # 004 甘肃高台: 综合考虑……年龄、性别、专业 (reward for a mixed team)
    age_mix: int = 4  # same source (reward for two or more age bands)
    moved: int = 30  # re-solving: keeping what was planned (cost per member moved away)


@dataclass(frozen=True)
class AssignmentRules:
    version: str = RULES_VERSION
    # 001 贵州: 2659 person-times over 666 teams ≈ 4 a team; 3 to 5 around it.
    team_min: int = 3
    team_max: int = 5
    weights: Weights = field(default_factory=Weights)
    # How many of the eligible regular members the model considers per team (the best by the
    # soft rules, with at least a third qualified leaders): keeps the province-scale model small.
    candidates_per_slot: int = 30
    max_time_seconds: float = 45.0
    # each block of overlapping visits gets at least this long (a block without any solution
    # in its time is "unknown", never a wrong answer)
    min_block_seconds: float = 1.0
    relative_gap_limit: float = 0.01  # a block's search stops within 1% of its bound
    num_workers: int = 2

    def with_overrides(self, raw: dict | None) -> AssignmentRules:
        """Rule data a campaign request overrides (team sizes, weights, time limit)."""
        if not raw:
            return self
        weights = replace(self.weights, **{k: int(v) for k, v in (raw.get("weights") or {}).items()})
        scalar = {f.name for f in fields(self)} - {"weights", "version"}
        return replace(self, weights=weights, **{k: v for k, v in raw.items() if k in scalar})


# 000/E: 专项检查、突击检查、交叉检查、暗访; the two whose dates the inspected unit must not know.
CONFIDENTIAL_METHODS = frozenset({"surprise", "unannounced"})


@dataclass(frozen=True)
class CampaignRules:
    """How a campaign mixes methods and places visits (000/E: at least twice a year, by special,
    surprise, cross and unannounced inspection)."""

    version: str = RULES_VERSION
    rounds: int = 2  # 000/E: 每年不少于2次
    min_cross_rounds: int = 1  # 001 贵州: 交叉检查 in every unit's year
    surprise_share: float = 0.25  # share of units with one surprise round (突击检查)
    unannounced_share: float = 0.15  # share of units with one unannounced round (暗访)
    visit_working_days: int = 5  # a team's stay at a unit, in working days
    reminder_working_days: int = 10  # the organising department is told this early (000/E 干部监督室 组织实施)

    def with_overrides(self, raw: dict | None) -> CampaignRules:
        if not raw:
            return self
        allowed = {f.name for f in fields(self)} - {"version"}
        return replace(self, **{k: v for k, v in raw.items() if k in allowed})


# inspection.scheduled v1 carries every round's dates, surprise and unannounced ones included;
# v2 (issue 12) withholds them. Both are published until v1 is retired on this date.
SCHEDULED_V1_RETIRES_ON = date(2027, 7, 1)
