"""Dynamic risk profiles: signals, score, level and warning proposals (DESIGN.md §4 Risk).

A profile is the sum of its signals, each kept factor by factor so a person can read why the
score is what it is (seeds/002 篇1 ⑤: warnings follow preset threshold values, 预先设置的预警条件值).
The numbers are versioned rule data (DESIGN.md §4 Warning: thresholds differ between
localities, and every warning keeps the rule version it was raised under).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from wuying_common.rules import InvalidInput

LEVELS = ("low", "medium", "high")
LEVEL_ZH = {"low": "低风险", "medium": "中风险", "high": "高风险"}
SEVERITY_ZH = {"low": "轻微", "medium": "一般", "high": "严重"}

# Warning levels (seeds/002 篇8 第十八条): 3 blue 警示提醒, 2 yellow 诫勉纠错, 1 red 责令整改.
COLOURS = {3: "blue", 2: "yellow", 1: "red"}
COLOUR_ZH = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
WARNING_ACTION_ZH = {3: "警示提醒", 2: "诫勉纠错", 1: "责令整改"}

# Factors a signal can come from (DESIGN.md §4 Risk: accepted reports, inspection findings,
# archive conditions, past warnings, assessment results).
# Inspection findings (seeds/000 E) by severity, scored like report severities: early signs
# weigh as little as a minor report, serious problems as much as a grave one.
FINDING_SEVERITY = {"early_sign": "low", "general": "medium", "serious": "high"}

FACTOR_ZH = {
    "integrity_report": "信访举报经研判为廉情信息",
    "inspection_finding": "巡察发现问题",
    "archive_condition": "廉政档案风险情形",
    "past_warning": "曾被预警",
    "assessment_result": "考核测评结果",
}


class UnknownSeverity(InvalidInput):
    """A severity the rule set has no points for: the signal cannot be scored (a retry never
    helps, so a consumer dead-letters it)."""

    code = "unknown_severity"

    def __init__(self, severity: str) -> None:
        super().__init__("severity", f"无法识别的严重程度：{severity}")
        self.severity = severity


@dataclass(frozen=True)
class RuleSet:
    """Versioned scoring rules of one commission."""

    version: str
    severity_points: Mapping[str, int]
    # (level, minimum score), most severe last: a score at or above the minimum has the level.
    level_thresholds: tuple[tuple[str, int], ...]
    # (warning level, minimum score): 3 blue, 2 yellow, 1 red.
    proposal_thresholds: tuple[tuple[int, int], ...]

    def points_for(self, severity: str) -> int:
        try:
            return self.severity_points[severity]
        except KeyError:
            raise UnknownSeverity(severity) from None

    def level_of(self, score: int) -> str:
        level = "low"
        for name, minimum in self.level_thresholds:
            if score >= minimum:
                level = name
        return level

    def threshold_of(self, warning_level: int) -> int:
        return dict(self.proposal_thresholds)[warning_level]


DEFAULT_RULES = RuleSet(
    version="default-2026.1",
    severity_points=MappingProxyType({"low": 15, "medium": 35, "high": 55}),
    level_thresholds=(("medium", 30), ("high", 60)),
    # One medium report (35) reaches blue: 篇8 第十八条 (一)1① "群众有举报，社会有反映的" is
    # itself a ground for 警示提醒.
    proposal_thresholds=((3, 30), (2, 60), (1, 90)),
)

RULE_SETS = {DEFAULT_RULES.version: DEFAULT_RULES}


@dataclass(frozen=True)
class SignalFacts:
    """What a signal says, before it is scored."""

    factor: str
    severity: str
    category: str
    category_zh: str
    occurred_on: str  # YYYY-MM-DD (Beijing date)


def explain(facts: SignalFacts, points: int) -> str:
    """One Chinese line saying what a signal added and why."""
    title = FACTOR_ZH.get(facts.factor, facts.factor)
    category = facts.category_zh or facts.category
    severity = SEVERITY_ZH.get(facts.severity, facts.severity)
    return f"{facts.occurred_on} {title}（类别：{category}，情节：{severity}），风险分值 +{points}"


@dataclass(frozen=True)
class Proposal:
    level: int
    colour: str
    threshold: int


def proposal_due(rules: RuleSet, score_after: int, proposed_levels: Iterable[int]) -> Proposal | None:
    """The warning to propose now, if any (seeds/002 篇8 第十八条; DESIGN.md §4 Warning).

    A level is proposed when the score first reaches its threshold, at most once per profile.
    When one signal reaches several thresholds at once only the most severe is proposed: one
    matter gets one disposition, and a milder level is never proposed after a more severe one.
    """
    proposed = set(proposed_levels)
    most_severe_so_far = min(proposed, default=4)
    reached = [(level, minimum) for level, minimum in rules.proposal_thresholds if score_after >= minimum]
    candidates = [(level, minimum) for level, minimum in reached if level < most_severe_so_far]
    if not candidates:
        return None
    level, minimum = min(candidates)
    return Proposal(level, COLOURS[level], minimum)


def crossed(rules: RuleSet, score_before: int, score_after: int) -> list[int]:
    """Warning levels whose threshold lies in (before, after]: the ones this change crossed."""
    return sorted(
        (level for level, minimum in rules.proposal_thresholds if score_before < minimum <= score_after),
        reverse=True,
    )


@dataclass(frozen=True)
class ScoredSignal:
    facts: SignalFacts
    points: int
    score_before: int
    score_after: int
    level: str
    explanation: str
    proposal: Proposal | None = None


def score_signal(
    rules: RuleSet, facts: SignalFacts, score_before: int, proposed_levels: Iterable[int] = ()
) -> ScoredSignal:
    """Add one signal to a profile's score: new score, level and any warning now due."""
    points = rules.points_for(facts.severity)
    after = score_before + points
    return ScoredSignal(
        facts=facts,
        points=points,
        score_before=score_before,
        score_after=after,
        level=rules.level_of(after),
        explanation=explain(facts, points),
        proposal=proposal_due(rules, after, proposed_levels),
    )


def proposal_reasons(rules: RuleSet, proposal: Proposal, score: int, explanations: Iterable[str]) -> list[str]:
    """Chinese reasons a leader reads before approving (seeds/002 篇8 第十八条)."""
    colour_zh = COLOUR_ZH[proposal.colour]
    head = (
        f"动态风险分值 {score}，达到{colour_zh}预警（{WARNING_ACTION_ZH[proposal.level]}）阈值 "
        f"{proposal.threshold}（规则版本 {rules.version}）"
    )
    return [head, *explanations]


@dataclass(frozen=True)
class FactorSummary:
    factor: str
    factor_zh: str
    points: int
    signals: int
    lines: tuple[str, ...] = field(default=())


def factor_breakdown(signals: Iterable[tuple[str, int, str]]) -> list[FactorSummary]:
    """(factor, points, explanation) of every signal -> one summary per factor, largest first."""
    totals: dict[str, list] = {}
    for factor, points, line in signals:
        entry = totals.setdefault(factor, [0, 0, []])
        entry[0] += points
        entry[1] += 1
        entry[2].append(line)
    summaries = [
        FactorSummary(factor, FACTOR_ZH.get(factor, factor), pts, count, tuple(lines))
        for factor, (pts, count, lines) in totals.items()
    ]
    return sorted(summaries, key=lambda s: (-s.points, s.factor))
