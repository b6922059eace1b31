"""Warning proposals: which level a score reaches (3 blue, 2 yellow, 1 red; seeds/002 篇8
第十八条), a signal applied to a profile, lifted and superseded warnings, and the reasons a leader
reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from .profile import Entry, FactorSummary, ScoredEntry, SignalFacts, compute_profile, explain, keep_bounded
from .rules import RuleSet

# Warning levels (seeds/002 篇8 第十八条): 3 blue 警示提醒, 2 yellow 诫勉纠错, 1 red 责令整改.
COLOURS = {3: "blue", 2: "yellow", 1: "red"}
COLOUR_ZH = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
WARNING_ACTION_ZH = {3: "警示提醒", 2: "诫勉纠错", 1: "责令整改"}


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
