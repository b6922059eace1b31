"""Dynamic risk profiles: each signal recorded once in the signals collection, then the
profile recomputed from its (bounded) signals, weighted and decayed under the commission's
rule version, explained factor by factor; a three-colour warning proposed when a threshold is
first reached.

DESIGN.md §2/§4 Risk (signals from accepted reports, inspection findings, archive conditions,
past warnings, assessment results); seeds 002/篇1 ⑤ (warnings on preset threshold values),
002/篇8 第十八条 (blue, yellow, red), 000/E (inspection findings graded early sign, general,
serious). The sources are in ``handlers.signals``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict
from wuying_common.outbox import new_id
from wuying_common.paging import Page

from ..domain.scoring import (
    LEVEL_ZH,
    Entry,
    RuleSet,
    ScoredEntry,
    ScoredSignal,
    apply_entry,
    factor_lines,
    proposal_reasons,
    with_state,
)
from ..exceptions import ProfileBusy, ProfileNotFound, UnitProfileNotFound
from ..persistence import (
    SIGNALS_KEPT,
    Profile,
    ProposalRecord,
    RegisteredOfficial,
    RiskStore,
    Signal,
    SignalRecord,
    UnitProfile,
    _ProfileBase,
)
from ..schemas import PROFILE_CHANGED, WARNING_PROPOSED
from .rules import profile_rules

# A profile changed by another worker between read and write is re-read and retried; more
# than this many collisions in a row means something is wrong, and the event is retried later.
MAX_ATTEMPTS = 10
TRIGGER = "risk_score_threshold"
# A warning proposal names at most this many causes: the signals that weigh most now.
CAUSES_KEPT = 10


@dataclass
class Change:
    official_id: str
    county: str
    scored: ScoredSignal


@dataclass
class Outcome:
    status: str  # "processed" or "duplicate"
    changes: list[Change] = field(default_factory=list)

    def add(self, change: Change | None) -> None:
        if change is not None:
            self.status = "processed"
            self.changes.append(change)


@dataclass(frozen=True)
class SignalInput:
    """A signal about to be recorded: the entry the profile keeps and where it came from."""

    entry: Entry
    source: str  # event type, or risk.monitoring / risk.assessment_import
    evidence: tuple[str, ...] = ()
    note: str = ""
    # A signal may retire earlier ones: (ref, state), e.g. a lifted or superseded warning.
    retire: tuple[str, str] | None = None
    # False: the signal only retires earlier ones (a lifted warning adds no weight).
    adds: bool = True


def signal_key(source_id: str, subject: str) -> str:
    return f"{source_id}:{subject}"


def add_signal(
    store: RiskStore,
    clock: SystemClock,
    official_id: str,
    fallback_county: str,
    signal: SignalInput,
    *,
    key: str,
    rules: RuleSet | None = None,
    unit_id_hint: str = "",
) -> Change | None:
    """Record a signal about an official and recompute the profile; None when the signal was
    applied already (or, for one that only retires earlier signals, changed nothing). Reads
    and writes go by key: the signal, the registry entry, the profile."""
    now = clock.now()
    registered = store.get_official(official_id)
    _record(store, signal, key, "official", official_id, registered, fallback_county, now, unit_id_hint)
    for _ in range(MAX_ATTEMPTS):
        profile = store.get_profile(official_id)
        if profile is not None and profile.has_key(key):
            return None
        if profile is None and not signal.adds:
            return None  # nothing to retire on a profile that does not exist
        unit_id, county = _placement(registered, profile, fallback_county, unit_id_hint)
        in_force = rules or profile_rules(store, county)
        draft = profile or Profile(id=official_id, county=county, score=0, created_at=naive_utc(now))
        change = _recompute(draft, in_force, signal, key, now)
        if change is None:
            return None
        draft.unit_id, draft.county = unit_id, county
        proposal = _record_events(draft, in_force, change, signal, now)
        if proposal is not None:
            draft.proposals.append(proposal)
        try:
            store.save_profile(draft)
        except Conflict:
            continue
        return Change(official_id, county, change)
    raise ProfileBusy(fields={"official_id": official_id})


def add_unit_signal(
    store: RiskStore,
    clock: SystemClock,
    unit_id: str,
    county: str,
    signal: SignalInput,
    *,
    key: str,
    rules: RuleSet | None = None,
) -> bool:
    """Record a unit-level signal and recompute the unit's profile (no events); False when
    applied already."""
    now = clock.now()
    _record(store, signal, key, "unit", unit_id, None, county, now, unit_id)
    for _ in range(MAX_ATTEMPTS):
        profile = store.get_unit_profile(unit_id)
        if profile is not None and profile.has_key(key):
            return False
        in_force = rules or profile_rules(store, county)
        draft = profile or UnitProfile(id=unit_id, unit_id=unit_id, county=county, created_at=naive_utc(now))
        if _recompute(draft, in_force, signal, key, now) is None:
            return False
        try:
            store.save_profile(draft)
        except Conflict:
            continue
        return True
    raise ProfileBusy(fields={"unit_id": unit_id})


def _record(
    store: RiskStore,
    signal: SignalInput,
    key: str,
    kind: str,
    subject: str,
    registered: RegisteredOfficial | None,
    county: str,
    now: datetime,
    unit_id_hint: str,
) -> None:
    """The signal document first: if the profile write then fails, a redelivery finds the
    signal written and the profile without it, and applies it."""
    entry = signal.entry
    store.record_signal(
        SignalRecord(
            id=key,
            subject_kind=kind,
            subject_id=subject,
            county=registered.county if registered is not None else county,
            unit_id=(registered.unit_id if registered is not None else "") or unit_id_hint,
            factor=entry.factor,
            severity=entry.severity,
            category=entry.category,
            category_zh=entry.category_zh,
            occurred_at=datetime.combine(entry.occurred_on, datetime.min.time()),
            ref=entry.ref,
            source=signal.source,
            source_event_id=entry.event_id,
            evidence=list(signal.evidence)[:50],
            note=signal.note,
            recorded_at=naive_utc(now),
        )
    )


def _recompute(
    draft: _ProfileBase,
    rules: RuleSet,
    signal: SignalInput,
    key: str,
    now: datetime,
) -> ScoredSignal | None:
    """Recompute ``draft`` in place with the new signal; the change, or None when nothing
    changed (a retirement of a signal the profile does not hold)."""
    today = beijing_date(now)
    entries = draft.entries()
    cause = None
    if signal.retire is not None:
        entries, cause = with_state(entries, *signal.retire)
    new_entry = replace(signal.entry, key=key) if signal.adds else None
    if new_entry is None and cause is None:
        return None
    proposed = draft.proposed_levels if isinstance(draft, Profile) else ()
    scored, live = apply_entry(
        rules, entries, new_entry, today, draft.score or 0, proposed, limit=SIGNALS_KEPT, cause=cause
    )
    recorded = {s.key or s.event_id: s.recorded_at for s in draft.signals}
    draft.signals = [_signal_of(s, recorded.get(s.entry.key) or naive_utc(now)) for s in live]
    draft.score = scored.score_after
    draft.level = scored.level
    draft.rule_version = rules.version
    draft.scored_on = today.isoformat()
    draft.recent_keys = [*draft.recent_keys, key]
    draft.updated_at = naive_utc(now)
    return scored


def _signal_of(scored: ScoredEntry, recorded_at: datetime) -> Signal:
    entry = scored.entry
    return Signal(
        key=entry.key,
        factor=entry.factor,
        points=scored.points,
        event_id=entry.event_id,
        category=entry.category,
        category_zh=entry.category_zh,
        severity=entry.severity,
        occurred_at=datetime.combine(entry.occurred_on, datetime.min.time()),
        recorded_at=recorded_at,
        explanation=scored.explanation,
        ref=entry.ref,
        state=entry.state,
    )


def _placement(
    registered: RegisteredOfficial | None, profile: Profile | None, fallback_county: str, unit_hint: str = ""
) -> tuple[str, str]:
    """(unit, county) of the official: the registry's, else the profile's, else the event's.

    An official not yet in the registry still gets a profile: the report must not wait.
    """
    if registered is not None:
        return registered.unit_id, registered.county
    if profile is not None:
        return profile.unit_id or unit_hint, profile.county
    return unit_hint, fallback_county


def _record_events(
    draft: Profile, rules: RuleSet, scored: ScoredSignal, signal: SignalInput, now: datetime
) -> ProposalRecord | None:
    """Record ``risk.profile_changed`` and any ``warning.proposed`` on the draft: the change and
    its explanation, never the history. The proposal record to keep, if one is due."""
    facts = scored.facts
    cause_event = signal.entry.event_id
    common = {"official_id": draft.id, "unit_id": draft.unit_id, "county": draft.county, "rule_version": rules.version}
    factors = [
        {"factor": f.factor, "factor_zh": f.factor_zh, "points": f.points, "signals": f.signals} for f in scored.factors
    ]
    draft.record_event(
        PROFILE_CHANGED,
        {
            **common,
            "score_before": scored.score_before,
            "score_after": scored.score_after,
            "level": scored.level,
            "level_zh": LEVEL_ZH[scored.level],
            "factor": facts.factor,
            "points": scored.points,
            "cause_event_id": cause_event,
            "explanation": scored.explanation,
            "factors": factors,
        },
        now=now,
    )
    if scored.proposal is None:
        return None
    proposal_id = new_id()
    weighty = {id(s) for s in sorted((s for s in draft.signals if s.points > 0), key=lambda s: -s.points)[:CAUSES_KEPT]}
    causes = [s.event_id for s in draft.signals if id(s) in weighty]  # in the profile's order
    cause_ids = list(dict.fromkeys([*causes, cause_event]))
    draft.record_event(
        WARNING_PROPOSED,
        {
            **common,
            "proposal_id": proposal_id,
            "level": scored.proposal.level,
            "colour": scored.proposal.colour,
            "risk_point": facts.category_zh or facts.category or "信访举报反映的问题",
            "trigger": TRIGGER,
            "reasons": _reasons(rules, scored),
            "score": scored.score_after,
            "cause_event_ids": cause_ids,
        },
        now=now,
    )
    return ProposalRecord(
        proposal_id=proposal_id,
        level=scored.proposal.level,
        colour=scored.proposal.colour,
        score=scored.score_after,
        cause_event_id=cause_event,
        proposed_at=naive_utc(now),
    )


def _reasons(rules: RuleSet, scored: ScoredSignal) -> list[str]:
    """The threshold reached, the signal that reached it, then one line per factor."""
    assert scored.proposal is not None
    return proposal_reasons(
        rules, scored.proposal, scored.score_after, [scored.explanation, *factor_lines(scored.factors)]
    )


# -- reads --------------------------------------------------------------------------------------
def profile_view(store: RiskStore, principal: Principal | None, official_id: str) -> Profile:
    """A profile (the Out schema explains it factor by factor); county-checked for staff."""
    profile = store.get_profile(official_id)
    if profile is None:
        raise ProfileNotFound(fields={"official_id": official_id})
    if principal is not None:
        principal.require_county(profile.county)
    return profile


def unit_profile_view(store: RiskStore, principal: Principal, unit_id: str) -> UnitProfile:
    profile = store.get_unit_profile(unit_id)
    if profile is None:
        raise UnitProfileNotFound(fields={"unit_id": unit_id})
    principal.require_county(profile.county)
    return profile


def signals_view(store: RiskStore, principal: Principal, official_id: str, query: dict) -> Page:
    """Every signal ever recorded about an official (the profile keeps only the recent ones)."""
    profile_view(store, principal, official_id)
    return store.signals_of(official_id, query)


def top_profiles(store: RiskStore, principal: Principal, query: dict) -> Page:
    """A division's profiles, the highest score first (a city or province rolls up)."""
    return store.top_profiles(principal.counties_in(query["county"]), query)


def top_unit_profiles(store: RiskStore, principal: Principal, query: dict) -> Page:
    return store.top_unit_profiles(principal.counties_in(query["county"]), query)
