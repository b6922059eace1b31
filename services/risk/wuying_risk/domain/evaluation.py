"""Risk evaluation: seven factors → risk index → level high / medium / low.

Factors (seeds/002 篇1 ⑵③): 发生概率、风险范围、严重程度、变化幅度、分布情况、持续时间、频度,
combined "以此为基础建立风险指数，确定影响程度和等级", and from them "风险排序和可接受的风险基准"
(a ranking and an acceptable baseline). Levels 高、中、低 and the cap: in each department the
highest level should in principle hold at most 10% of its risks (seeds/000 A 评定风险等级:
每个部门内部风险最高的一级风险，原则上应当控制在风险总量的10%以内); "原则上" allows an exception,
which a commission leader must record with its reason.

The weights, thresholds, levels, baseline and cap are versioned rule data per commission
(``EvaluationRules.from_dict``), frozen once an evaluation used them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from wuying_common.rules import InvalidInput, RuleBroken

from .rulebook import InvalidRuleData

FACTORS = ("probability", "scope", "severity", "variation", "distribution", "duration", "frequency")
FACTOR_ZH = {
    "probability": "发生概率",
    "scope": "风险范围",
    "severity": "严重程度",
    "variation": "变化幅度",
    "distribution": "分布情况",
    "duration": "持续时间",
    "frequency": "频度",
}
GRADE_MIN, GRADE_MAX = 1, 5
LEVEL_ZH = {"low": "低", "medium": "中", "high": "高"}


class InvalidGrades(InvalidInput):
    """Grades missing, out of range or unknown (an input rule: 400); ``problems`` per factor."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        # The shared rule error names one field: the first factor at fault, every problem in
        # the message.
        super().__init__(f"grades.{next(iter(problems))}", "；".join(problems.values()))


class HighRiskCapReached(RuleBroken):
    """A new high rating would take the department over its 10% cap (a state rule: 409)."""

    code = "high_risk_cap_reached"

    def __init__(self, message: str = "本部门高等级风险已达风险总量的10%上限") -> None:
        super().__init__("grades", message)


class CapExceptionNotAllowed(RuleBroken):
    """Only a commission leader may record an exception to the 10% cap (000 A: 原则上)."""

    code = "cap_exception_not_allowed"
    status = 403

    def __init__(self) -> None:
        super().__init__("cap_exception", "突破10%上限的例外须由纪委领导记录理由")


@dataclass(frozen=True)
class EvaluationRules:
    version: str
    weights: Mapping[str, float]  # sum to 1
    medium_from: int  # index thresholds, 0..100
    high_from: int
    high_share_cap: float  # at most this share of a department's risks may be high
    # 可接受的风险基准 (篇1 ⑵③): an index at or below it is accepted with the usual measures.
    acceptable_baseline: int = 30
    # 集体定 (篇1 ⑵②): at least this many people take the collective decision.
    collective_min_participants: int = 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "weights": dict(self.weights),
            "medium_from": self.medium_from,
            "high_from": self.high_from,
            "high_share_cap": self.high_share_cap,
            "acceptable_baseline": self.acceptable_baseline,
            "collective_min_participants": self.collective_min_participants,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> EvaluationRules:
        try:
            rules = cls(
                version=str(raw["version"]),
                weights=MappingProxyType({k: float(v) for k, v in raw["weights"].items()}),
                medium_from=int(raw["medium_from"]),
                high_from=int(raw["high_from"]),
                high_share_cap=float(raw.get("high_share_cap", 0.10)),
                acceptable_baseline=int(raw.get("acceptable_baseline", 30)),
                collective_min_participants=int(raw.get("collective_min_participants", 3)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidRuleData("rules", f"评估规则数据不完整或格式错误：{exc}") from None
        problems = []
        if set(rules.weights) != set(FACTORS) or any(w < 0 for w in rules.weights.values()):
            problems.append("weights 须且只须给出七个因素的非负权重")
        elif abs(sum(rules.weights.values()) - 1) > 1e-6:
            problems.append("七个因素的权重之和须为 1")
        if not 0 <= rules.acceptable_baseline < rules.medium_from < rules.high_from <= 100:
            problems.append("须满足 0 ≤ 可接受基准 < 中等级起点 < 高等级起点 ≤ 100")
        if not 0 < rules.high_share_cap <= 1:
            problems.append("high_share_cap 须在 0 与 1 之间")
        if rules.collective_min_participants < 2:
            problems.append("集体定至少须两人参加")
        if problems:
            raise InvalidRuleData("rules", "；".join(problems))
        return rules


DEFAULT_EVALUATION = EvaluationRules(
    # default-2026.2 adds the acceptable baseline and the collective quorum (issue 13).
    version="default-2026.2",
    # Probability and severity dominate (篇8 第九条: 依据岗位权力行使的频率和可能发生腐败的机率).
    weights=MappingProxyType(
        {
            "probability": 0.25,
            "severity": 0.25,
            "scope": 0.15,
            "frequency": 0.10,
            "duration": 0.10,
            "variation": 0.10,
            "distribution": 0.05,
        }
    ),
    medium_from=40,
    high_from=70,
    high_share_cap=0.10,
    acceptable_baseline=30,
    collective_min_participants=3,
)


def check_grades(grades: Mapping[str, int]) -> None:
    problems = {}
    for factor in FACTORS:
        value = grades.get(factor)
        if value is None:
            problems[factor] = f"缺少「{FACTOR_ZH[factor]}」评分"
        elif not isinstance(value, int) or not GRADE_MIN <= value <= GRADE_MAX:
            problems[factor] = f"「{FACTOR_ZH[factor]}」评分须为 {GRADE_MIN} 至 {GRADE_MAX} 的整数"
    for extra in set(grades) - set(FACTORS):
        problems[extra] = "未知的评估因素"
    if problems:
        raise InvalidGrades(problems)


def risk_index(grades: Mapping[str, int], rules: EvaluationRules = DEFAULT_EVALUATION) -> int:
    """0..100: the weighted grade, with grade 1 on every factor at 0 and grade 5 at 100."""
    check_grades(grades)
    weighted = sum(rules.weights[f] * grades[f] for f in FACTORS)
    return round((weighted - GRADE_MIN) / (GRADE_MAX - GRADE_MIN) * 100)


def level_for(index: int, rules: EvaluationRules = DEFAULT_EVALUATION) -> str:
    if index >= rules.high_from:
        return "high"
    if index >= rules.medium_from:
        return "medium"
    return "low"


def high_allowed(total_risks: int, rules: EvaluationRules = DEFAULT_EVALUATION) -> int:
    """How many of a department's risks may be rated high: 10% of the total, rounded down.

    Rounded down because the seed says "控制在…10%以内" (within 10%); a department with fewer
    than ten risks therefore has no high slot and must lower a rating or add risks first.
    The small epsilon keeps 10 × 0.1 from becoming 0.999….
    """
    return math.floor(total_risks * rules.high_share_cap + 1e-9)


@dataclass(frozen=True)
class CapCheck:
    allowed: bool
    high_after: int
    cap: int
    total: int
    exception: bool = False  # allowed only by a recorded exception

    @property
    def message_zh(self) -> str:
        return (
            f"本部门共有风险点 {self.total} 个，高等级风险最多 {self.cap} 个（不超过风险总量的10%），"
            f"评定后将达到 {self.high_after} 个"
        )

    def require(self) -> None:
        if not self.allowed:
            raise HighRiskCapReached(self.message_zh + "；如确需突破，须由纪委领导记录例外理由")


def check_high_cap(
    total_risks: int,
    high_now: int,
    *,
    was_high: bool,
    becomes_high: bool,
    rules: EvaluationRules = DEFAULT_EVALUATION,
    exception_reason: str = "",
) -> CapCheck:
    """Whether rating one risk (re)evaluated now keeps the department within the cap.

    Lowering or keeping a rating is always allowed; only a new high rating is counted. Beyond
    the cap it is allowed only with an exception's reason ("原则上", e.g. a department with
    fewer than ten risks whose one serious risk must be rated high).
    """
    cap = high_allowed(total_risks, rules)
    high_after = high_now + (1 if becomes_high and not was_high else 0) - (1 if was_high and not becomes_high else 0)
    within = not becomes_high or was_high or high_after <= cap
    exception = not within and bool(exception_reason.strip())
    return CapCheck(within or exception, high_after, cap, total_risks, exception)


@dataclass(frozen=True)
class Evaluation:
    index: int
    level: str
    level_zh: str
    lines: tuple[str, ...]
    rule_version: str
    acceptable: bool = False


def evaluate(grades: Mapping[str, int], rules: EvaluationRules = DEFAULT_EVALUATION) -> Evaluation:
    """Index, level and a Chinese line per factor (so the rating can be explained)."""
    index = risk_index(grades, rules)
    level = level_for(index, rules)
    lines = tuple(f"{FACTOR_ZH[f]}：{grades[f]} 分（权重 {rules.weights[f]:.0%}）" for f in FACTORS)
    acceptable = index <= rules.acceptable_baseline
    return Evaluation(index, level, LEVEL_ZH[level], lines, rules.version, acceptable)


@dataclass(frozen=True)
class Ranked:
    rank: int
    key: str
    index: int
    level: str
    acceptable: bool


def rank(evaluated: Iterable[tuple[str, int, str]], rules: EvaluationRules = DEFAULT_EVALUATION) -> list[Ranked]:
    """风险排序 (篇1 ⑵③): (key, index, level) → ranked by index, highest first; equal indexes
    share a rank (1, 2, 2, 4); each marked acceptable or not against the baseline."""
    ordered = sorted(evaluated, key=lambda row: (-row[1], row[0]))
    ranked: list[Ranked] = []
    for position, (key, index, level) in enumerate(ordered, start=1):
        same = ranked and ranked[-1].index == index
        ranked.append(
            Ranked(ranked[-1].rank if same else position, key, index, level, index <= rules.acceptable_baseline)
        )
    return ranked
