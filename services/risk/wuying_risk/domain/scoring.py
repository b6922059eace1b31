"""Dynamic risk profiles: signals, their weight and decay, score, level and warning proposals.

A profile is the sum of its signals, each weighted by its factor and decaying with age, kept
factor by factor so a person can read why the score is what it is (seeds/002 篇1 ⑤: warnings
follow preset threshold values, 预先设置的预警条件值). Signals come from every source of
DESIGN.md §2/§4 Risk: accepted reports, inspection findings (seeds/000 E), archive warning
conditions (seeds/004 龙岗: 12 类廉政风险预警条件), past warnings (issued, escalated, lifted),
assessment results and integrity credit (seeds/002 篇8 第十八条(一)1②: 民主测评或考核满意率较低;
第二十六条: 廉政信用度), and business-data anomalies (seeds/003 宝安: 两域 monitoring).
The numbers are versioned rule data (DESIGN.md §4 Warning), one version per commission.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from wuying_common.rules import InvalidInput

from .rulebook import InvalidRuleData

LEVELS = ("low", "medium", "high")
LEVEL_ZH = {"low": "低风险", "medium": "中风险", "high": "高风险"}
SEVERITY_ZH = {"low": "轻微", "medium": "一般", "high": "严重"}
GRADES = ("low", "medium", "high")

# Warning levels (seeds/002 篇8 第十八条): 3 blue 警示提醒, 2 yellow 诫勉纠错, 1 red 责令整改.
COLOURS = {3: "blue", 2: "yellow", 1: "red"}
COLOUR_ZH = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
WARNING_ACTION_ZH = {3: "警示提醒", 2: "诫勉纠错", 1: "责令整改"}

# Inspection findings (seeds/000 E) by severity, scored like report severities: early signs
# weigh as little as a minor report, serious problems as much as a grave one.
FINDING_SEVERITY = {"early_sign": "low", "general": "medium", "serious": "high"}

FACTORS = (
    "integrity_report",
    "inspection_finding",
    "archive_condition",
    "past_warning",
    "assessment_result",
    "integrity_credit",
    "business_anomaly",
)
FACTOR_ZH = {
    "integrity_report": "信访举报经研判为廉情信息",
    "inspection_finding": "巡察发现问题",
    "archive_condition": "廉政档案风险预警情形",
    "past_warning": "曾被预警",
    "assessment_result": "考核测评结果",
    "integrity_credit": "廉政信用度",
    "business_anomaly": "业务数据异常",
}
# Assessment ratings (公务员考核等次) and what they weigh by default (篇8 第十八条(一)1②).
ASSESSMENT_RATINGS = {
    "excellent": "优秀",
    "competent": "称职",
    "basically_competent": "基本称职",
    "incompetent": "不称职",
    "low_satisfaction": "民主测评满意率较低",
}


class UnknownSeverity(InvalidInput):
    """A severity the rule set has no points for: the signal cannot be scored (a retry never
    helps, so a consumer dead-letters it)."""

    code = "unknown_severity"

    def __init__(self, severity: str) -> None:
        super().__init__("severity", f"无法识别的严重程度：{severity}")
        self.severity = severity


@dataclass(frozen=True)
class Decay:
    """How a signal's weight fades: full for ``full_days``, then halving every
    ``half_life_days``, and nothing after ``horizon_days`` (the signal leaves the profile)."""

    full_days: int = 365
    half_life_days: int = 365
    horizon_days: int = 1825

    def share(self, age_days: int) -> float:
        if age_days <= self.full_days:
            return 1.0
        if age_days > self.horizon_days:
            return 0.0
        return 0.5 ** ((age_days - self.full_days) / self.half_life_days)

    def explain_zh(self) -> str:
        return (
            f"{self.full_days} 日内全额计分，此后每 {self.half_life_days} 日减半，" f"满 {self.horizon_days} 日不再计分"
        )


@dataclass(frozen=True)
class RuleSet:
    """Versioned scoring rules of one commission (stored as data: ``to_dict``/``from_dict``)."""

    version: str
    severity_points: Mapping[str, int]
    # (level, minimum score), most severe last: a score at or above the minimum has the level.
    level_thresholds: tuple[tuple[str, int], ...]
    # (warning level, minimum score): 3 blue, 2 yellow, 1 red.
    proposal_thresholds: tuple[tuple[int, int], ...]
    factor_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType(dict.fromkeys(FACTORS, 1.0)))
    decay: Decay = Decay()
    # Factors whose signal may propose a warning. Past warnings raise the score but never
    # propose one themselves: an issued blue warning must not propose yellow on its own.
    proposing_factors: frozenset[str] = frozenset(set(FACTORS) - {"past_warning"})
    # A lifted warning (篇5 六4 回访后解除) keeps this share of its weight.
    lifted_warning_share: float = 0.5
    # Warning level → grade of the past-warning signal.
    warning_grades: Mapping[int, str] = field(
        default_factory=lambda: MappingProxyType({3: "low", 2: "medium", 1: "high"})
    )
    # Archive condition code → grade; "default" for codes not listed.
    condition_grades: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({"default": "medium"}))
    # Assessment rating → grade (None: no signal).
    assessment_grades: Mapping[str, str | None] = field(
        default_factory=lambda: MappingProxyType(
            {
                "excellent": None,
                "competent": None,
                "basically_competent": "low",
                "low_satisfaction": "medium",
                "incompetent": "high",
            }
        )
    )
    # Integrity credit (0–100) below the bound → grade, lowest bound first.
    credit_bands: tuple[tuple[int, str], ...] = ((60, "high"), (75, "medium"), (85, "low"))

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

    def weight_of(self, factor: str) -> float:
        return float(self.factor_weights.get(factor, 1.0))

    def condition_grade(self, code: str) -> str:
        return self.condition_grades.get(code) or self.condition_grades.get("default") or "medium"

    def credit_grade(self, credit: int) -> str | None:
        for bound, grade in self.credit_bands:
            if credit < bound:
                return grade
        return None

    # -- as data -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "severity_points": dict(self.severity_points),
            "level_thresholds": {name: minimum for name, minimum in self.level_thresholds},
            "proposal_thresholds": {str(level): minimum for level, minimum in self.proposal_thresholds},
            "factor_weights": dict(self.factor_weights),
            "decay": {
                "full_days": self.decay.full_days,
                "half_life_days": self.decay.half_life_days,
                "horizon_days": self.decay.horizon_days,
            },
            "proposing_factors": sorted(self.proposing_factors),
            "lifted_warning_share": self.lifted_warning_share,
            "warning_grades": {str(k): v for k, v in self.warning_grades.items()},
            "condition_grades": dict(self.condition_grades),
            "assessment_grades": dict(self.assessment_grades),
            "credit_bands": [[bound, grade] for bound, grade in self.credit_bands],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RuleSet:
        """Rule data as stored or posted; refuses data that contradicts itself."""
        try:
            points = {k: int(v) for k, v in raw["severity_points"].items()}
            levels = tuple(sorted(((k, int(v)) for k, v in raw["level_thresholds"].items()), key=lambda x: x[1]))
            proposals = tuple(sorted(((int(k), int(v)) for k, v in raw["proposal_thresholds"].items()), reverse=True))
            decay = Decay(**{k: int(v) for k, v in (raw.get("decay") or {}).items()})
            weights = {k: float(v) for k, v in (raw.get("factor_weights") or dict.fromkeys(FACTORS, 1.0)).items()}
            rules = cls(
                version=str(raw["version"]),
                severity_points=MappingProxyType(points),
                level_thresholds=levels,
                proposal_thresholds=proposals,
                factor_weights=MappingProxyType(weights),
                decay=decay,
                proposing_factors=frozenset(raw.get("proposing_factors") or (set(FACTORS) - {"past_warning"})),
                lifted_warning_share=float(raw.get("lifted_warning_share", 0.5)),
                warning_grades=MappingProxyType(
                    {
                        int(k): v
                        for k, v in (raw.get("warning_grades") or {"3": "low", "2": "medium", "1": "high"}).items()
                    }
                ),
                condition_grades=MappingProxyType(dict(raw.get("condition_grades") or {"default": "medium"})),
                assessment_grades=MappingProxyType(
                    dict(raw.get("assessment_grades") or DEFAULT_RULES.assessment_grades)
                ),
                credit_bands=tuple(
                    sorted((int(b), str(g)) for b, g in (raw.get("credit_bands") or DEFAULT_RULES.credit_bands))
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidRuleData("rules", f"计分规则数据不完整或格式错误：{exc}") from None
        rules.check()
        return rules

    def check(self) -> None:
        problems = []
        if set(self.severity_points) != set(GRADES) or any(p < 0 for p in self.severity_points.values()):
            problems.append("severity_points 须为 low/medium/high 三档非负分值")
        if {name for name, _ in self.level_thresholds} != {"medium", "high"}:
            problems.append("level_thresholds 须给出 medium 与 high 的起点")
        elif dict(self.level_thresholds)["medium"] >= dict(self.level_thresholds)["high"]:
            problems.append("medium 的起点须低于 high")
        thresholds = dict(self.proposal_thresholds)
        if set(thresholds) != {1, 2, 3} or not thresholds[3] < thresholds[2] < thresholds[1]:
            problems.append("proposal_thresholds 须为 3（蓝）< 2（黄）< 1（红）")
        unknown = set(self.factor_weights) - set(FACTORS)
        if unknown or any(w < 0 for w in self.factor_weights.values()):
            problems.append(f"factor_weights 含未知因素或负权重：{sorted(unknown)}")
        if not (0 < self.decay.full_days <= self.decay.horizon_days and self.decay.half_life_days > 0):
            problems.append("decay 须满足 0 < full_days ≤ horizon_days 且 half_life_days > 0")
        grades = {*self.warning_grades.values(), *self.condition_grades.values()}
        grades |= {g for g in self.assessment_grades.values() if g is not None}
        grades |= {g for _, g in self.credit_bands}
        if grades - set(GRADES):
            problems.append(f"未知的档次：{sorted(grades - set(GRADES))}")
        if problems:
            raise InvalidRuleData("rules", "；".join(problems))


DEFAULT_RULES = RuleSet(
    # default-2026.2: signals weighted per factor and decaying with age (issue 13); 2026.1
    # summed severity points for ever.
    version="default-2026.2",
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


# -- the profile as a pure computation -------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One signal as a profile keeps it: enough to re-score it under any rule version."""

    key: str  # the signal's key in the signals collection
    event_id: str  # the event (or monitoring hit) it came from
    factor: str
    severity: str  # grade: low / medium / high
    category: str
    category_zh: str
    occurred_on: date
    ref: str = ""  # e.g. the warning id of a past-warning signal
    state: str = ""  # "", "lifted" or "superseded" (past warnings)

    @property
    def facts(self) -> SignalFacts:
        return SignalFacts(self.factor, self.severity, self.category, self.category_zh, self.occurred_on.isoformat())


@dataclass(frozen=True)
class ScoredEntry:
    entry: Entry
    points: int
    explanation: str


STATE_ZH = {"lifted": "预警已解除", "superseded": "已被更高等级预警取代"}


def score_entry(rules: RuleSet, entry: Entry, today: date) -> ScoredEntry:
    """Points of one signal today: grade points × factor weight × decay share (× the lifted
    share for a lifted warning; nothing for a superseded one), and why."""
    base = rules.points_for(entry.severity)
    weight = rules.weight_of(entry.factor)
    age = max(0, (today - entry.occurred_on).days)
    share = rules.decay.share(age)
    state_share = {"lifted": rules.lifted_warning_share, "superseded": 0.0}.get(entry.state, 1.0)
    points = round(base * weight * share * state_share)
    line = explain(entry.facts, points)
    notes = []
    if weight != 1.0:
        notes.append(f"因素权重 {weight:g}")
    if share < 1.0:
        notes.append(f"距今 {age} 日，按 {share:.0%} 计")
    if entry.state:
        notes.append(f"{STATE_ZH.get(entry.state, entry.state)}，按 {state_share:.0%} 计")
    if notes:
        line += "（" + "；".join(notes) + "）"
    return ScoredEntry(entry, points, line)


@dataclass(frozen=True)
class FactorSummary:
    factor: str
    factor_zh: str
    points: int
    signals: int
    lines: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ProfileScore:
    score: int
    level: str
    scored: tuple[ScoredEntry, ...]  # entries still counting, oldest first
    expired: tuple[Entry, ...]  # entries past the decay horizon: they leave the profile

    @property
    def factors(self) -> list[FactorSummary]:
        return factor_breakdown((s.entry.factor, s.points, s.explanation) for s in self.scored)


def compute_profile(rules: RuleSet, entries: Iterable[Entry], today: date) -> ProfileScore:
    """The whole profile from its signals, as of ``today``: recomputable under any version.
    Signals keep their order within a day (the order they arrived in)."""
    scored, expired = [], []
    for entry in sorted(entries, key=lambda e: e.occurred_on):
        if (today - entry.occurred_on).days > rules.decay.horizon_days:
            expired.append(entry)
            continue
        scored.append(score_entry(rules, entry, today))
    score = sum(s.points for s in scored)
    return ProfileScore(score, rules.level_of(score), tuple(scored), tuple(expired))


def keep_bounded(entries: Sequence[Entry], limit: int) -> tuple[list[Entry], list[Entry]]:
    """(kept, dropped): a profile keeps at most ``limit`` signals, dropping the oldest first.

    The dropped ones stay in the signals collection (the evidence is never lost); only their
    weight leaves the profile. At the default rules a profile reaches red long before.
    """
    ordered = sorted(entries, key=lambda e: e.occurred_on)
    cut = max(0, len(ordered) - limit)
    return ordered[cut:], ordered[:cut]


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
    factors: tuple[FactorSummary, ...] = ()


def score_signal(
    rules: RuleSet, facts: SignalFacts, score_before: int, proposed_levels: Iterable[int] = ()
) -> ScoredSignal:
    """A fresh signal added to a profile whose other signals score ``score_before`` today."""
    points = round(rules.points_for(facts.severity) * rules.weight_of(facts.factor))
    after = score_before + points
    proposal = proposal_due(rules, after, proposed_levels) if facts.factor in rules.proposing_factors else None
    return ScoredSignal(
        facts=facts,
        points=points,
        score_before=score_before,
        score_after=after,
        level=rules.level_of(after),
        explanation=explain(facts, points),
        proposal=proposal,
    )


def apply_entry(
    rules: RuleSet,
    entries: Sequence[Entry],
    new: Entry | None,
    today: date,
    score_before: int,
    proposed_levels: Iterable[int] = (),
    *,
    limit: int = 64,
    cause: Entry | None = None,
) -> tuple[ScoredSignal, tuple[ScoredEntry, ...]]:
    """Add ``new`` (or just re-score, with ``cause`` naming the changed entry) and recompute.

    Returns the change (before/after, the cause's points and explanation, the proposal now due)
    and the scored entries the profile keeps (bounded, expired ones gone).
    """
    all_entries = [*entries, new] if new is not None else list(entries)
    kept, _ = keep_bounded(all_entries, limit)
    result = compute_profile(rules, kept, today)
    cause = new or cause
    assert cause is not None
    mine = next((s for s in result.scored if s.entry.key == cause.key), None)
    points = mine.points if mine is not None else 0
    explanation = mine.explanation if mine is not None else explain(cause.facts, 0)
    may_propose = new is not None and cause.factor in rules.proposing_factors
    proposal = proposal_due(rules, result.score, proposed_levels) if may_propose else None
    scored = ScoredSignal(
        facts=cause.facts,
        points=points,
        score_before=score_before,
        score_after=result.score,
        level=result.level,
        explanation=explanation,
        proposal=proposal,
        factors=tuple(result.factors),
    )
    return scored, result.scored


def with_state(entries: Sequence[Entry], ref: str, state: str) -> tuple[list[Entry], Entry | None]:
    """Entries with the signals referring to ``ref`` (a warning, an archive reminder) set to
    ``state`` (lifted, superseded); a superseded signal stays superseded. The last changed
    entry, or None when no live signal refers to it."""
    changed = None
    out = []
    for entry in entries:
        if entry.ref == ref and entry.state not in (state, "superseded"):
            entry = replace(entry, state=state)
            changed = entry
        out.append(entry)
    return out, changed


def proposal_reasons(rules: RuleSet, proposal: Proposal, score: int, explanations: Iterable[str]) -> list[str]:
    """Chinese reasons a leader reads before approving (seeds/002 篇8 第十八条)."""
    colour_zh = COLOUR_ZH[proposal.colour]
    head = (
        f"动态风险分值 {score}，达到{colour_zh}预警（{WARNING_ACTION_ZH[proposal.level]}）阈值 "
        f"{proposal.threshold}（规则版本 {rules.version}）"
    )
    return [head, *explanations]


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


def factor_lines(factors: Iterable[FactorSummary]) -> list[str]:
    """One Chinese line per factor: the explanation an event carries instead of the history."""
    return [f"{f.factor_zh}：{f.signals} 条，计 {f.points} 分" for f in factors]
