"""A profile as a pure computation: signals (``Entry``), their points today with weight and
decay, the score and level, and the score explained factor by factor (seeds/002 篇1 ⑤)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .rules import FACTOR_ZH, SEVERITY_ZH, RuleSet


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
# What superseded means for signals that are not warnings: a newer value of the same thing.
SUPERSEDED_ZH = {"integrity_credit": "已被新的廉政信用度取代", "inspection_disposition": "已被同一问题的后续处置取代"}


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
        label = STATE_ZH.get(entry.state, entry.state)
        if entry.state == "superseded":
            label = SUPERSEDED_ZH.get(entry.factor, label)
        notes.append(f"{label}，按 {state_share:.0%} 计")
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
