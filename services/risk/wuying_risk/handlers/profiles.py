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
from wuying_common.events import EventType, build_event
from wuying_common.outbox import new_id
from wuying_common.paging import Page

from ..domain.scoring import (
    LEVEL_ZH,
    Entry,
    RuleSet,
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
    RiskStore,
    UnitProfile,
    entry_of_son,
    outbox_son,
    signal_son,
    stored_time,
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


@dataclass
class _Draft:
    """A profile being rewritten for one signal, in its stored form: read by key, rescored
    (pure), then written back with its events in one conditional single-document write. No
    document is built or change-tracked per signal (that was most of risk's CPU per event)."""

    kind: str  # "official" or "unit" (a unit's profile emits no events and proposes nothing)
    id: str
    version: int | None  # as read; None when the profile is not stored yet
    county: str
    unit_id: str
    score: int
    signals: list[dict]  # stored ``Signal``s, oldest first
    recent_keys: list[str]
    proposals: list[dict]  # stored ``ProposalRecord``s
    created_at: datetime
    level: str = "low"
    rule_version: str = ""
    scored_on: str = ""
    updated_at: datetime | None = None

    @classmethod
    def read(cls, kind: str, key: str, row: dict | None, county: str, unit_id: str, now: datetime) -> _Draft:
        if row is None:
            return cls(kind, key, None, county, unit_id, 0, [], [], [], now)
        return cls(
            kind,
            key,
            row.get("version", 0),
            county,
            unit_id,
            row.get("score") or 0,
            list(row.get("signals") or ()),
            list(row.get("recent_keys") or ()),
            list(row.get("proposals") or ()),
            row.get("created_at") or now,
        )

    @property
    def proposed_levels(self) -> list[int]:
        return [p["level"] for p in self.proposals]

    def write(self, store: RiskStore, outbox: list[dict]) -> None:
        fields = {
            "unit_id": self.unit_id,
            "county": self.county,
            "score": self.score,
            "level": self.level,
            "rule_version": self.rule_version,
            "signals": self.signals,
            "recent_keys": self.recent_keys,
            "scored_on": self.scored_on,
            "updated_at": self.updated_at,
        }
        if self.kind == "official":
            fields["proposals"] = self.proposals
        if self.version is None:
            fields["created_at"] = self.created_at
        store.write_profile_row(self.kind, self.id, self.version, fields, outbox)


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
    registered = store.official_placement(official_id)
    _record(store, signal, key, "official", official_id, registered, fallback_county, now, unit_id_hint)
    for _ in range(MAX_ATTEMPTS):
        row = store.profile_row("official", official_id)
        if row is not None and key in (row.get("recent_keys") or ()):
            return None
        if row is None and not signal.adds:
            return None  # nothing to retire on a profile that does not exist
        unit_id, county = _placement(registered, row, fallback_county, unit_id_hint)
        in_force = rules or profile_rules(store, county)
        draft = _Draft.read("official", official_id, row, county, unit_id, stored_time(naive_utc(now)))
        change = _recompute(draft, in_force, signal, key, now)
        if change is None:
            return None
        try:
            draft.write(store, _record_events(draft, in_force, change, signal, now))
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
        row = store.profile_row("unit", unit_id)
        if row is not None and key in (row.get("recent_keys") or ()):
            return False
        in_force = rules or profile_rules(store, county)
        placed_county, placed_unit = (county, unit_id) if row is None else (row["county"], row.get("unit_id") or "")
        draft = _Draft.read("unit", unit_id, row, placed_county, placed_unit, stored_time(naive_utc(now)))
        if _recompute(draft, in_force, signal, key, now) is None:
            return False
        try:
            draft.write(store, [])
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
    registered: tuple[str, str] | None,
    county: str,
    now: datetime,
    unit_id_hint: str,
) -> None:
    """The signal document first: if the profile write then fails, a redelivery finds the
    signal written and the profile without it, and applies it."""
    entry = signal.entry
    registered_county, registered_unit = registered or (county, "")
    store.record_signal_row(
        {
            "_id": key,
            "subject_kind": kind,
            "subject_id": subject,
            "county": registered_county,
            "unit_id": registered_unit or unit_id_hint,
            "factor": entry.factor,
            "severity": entry.severity,
            "category": entry.category,
            "category_zh": entry.category_zh,
            "occurred_at": datetime.combine(entry.occurred_on, datetime.min.time()),
            "ref": entry.ref,
            "source": signal.source,
            "source_event_id": entry.event_id,
            "evidence": list(signal.evidence)[:50],
            "note": signal.note,
            "recorded_at": stored_time(naive_utc(now)),
        }
    )


def _recompute(draft: _Draft, rules: RuleSet, signal: SignalInput, key: str, now: datetime) -> ScoredSignal | None:
    """Recompute ``draft`` in place with the new signal; the change, or None when nothing
    changed (a retirement of a signal the profile does not hold)."""
    today = beijing_date(now)
    entries = [entry_of_son(s) for s in draft.signals]
    cause = None
    if signal.retire is not None:
        entries, cause = with_state(entries, *signal.retire)
    new_entry = replace(signal.entry, key=key) if signal.adds else None
    if new_entry is None and cause is None:
        return None
    scored, live = apply_entry(
        rules, entries, new_entry, today, draft.score, draft.proposed_levels, limit=SIGNALS_KEPT, cause=cause
    )
    stamp = stored_time(naive_utc(now))
    recorded = {(s.get("key") or s["event_id"]): s.get("recorded_at") for s in draft.signals}
    draft.signals = [signal_son(s, recorded.get(s.entry.key) or stamp) for s in live]
    draft.score = scored.score_after
    draft.level = scored.level
    draft.rule_version = rules.version
    draft.scored_on = today.isoformat()
    draft.recent_keys = [*draft.recent_keys, key]
    draft.updated_at = stamp
    return scored


def _placement(
    registered: tuple[str, str] | None, row: dict | None, fallback_county: str, unit_hint: str = ""
) -> tuple[str, str]:
    """(unit, county) of the official: the registry's, else the profile's, else the event's.

    An official not yet in the registry still gets a profile: the report must not wait.
    """
    if registered is not None:
        county, unit_id = registered
        return unit_id, county
    if row is not None:
        return row.get("unit_id") or unit_hint, row["county"]
    return unit_hint, fallback_county


def _record_events(
    draft: _Draft, rules: RuleSet, scored: ScoredSignal, signal: SignalInput, now: datetime
) -> list[dict]:
    """``risk.profile_changed`` and any ``warning.proposed`` (each built and validated against
    its schema), as the outbox entries to write with the profile: the change and its
    explanation, never the history. A proposal due is kept on the draft."""
    facts = scored.facts
    cause_event = signal.entry.event_id
    stamp = stored_time(naive_utc(now))
    common = {"official_id": draft.id, "unit_id": draft.unit_id, "county": draft.county, "rule_version": rules.version}
    factors = [
        {"factor": f.factor, "factor_zh": f.factor_zh, "points": f.points, "signals": f.signals} for f in scored.factors
    ]
    changed = {
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
    }
    outbox = [_outbox_entry(draft, PROFILE_CHANGED, changed, now, stamp)]
    if scored.proposal is None:
        return outbox
    proposal_id = new_id()
    weighty = sorted((s for s in draft.signals if s["points"] > 0), key=lambda s: -s["points"])[:CAUSES_KEPT]
    chosen = {id(s) for s in weighty}
    causes = [s["event_id"] for s in draft.signals if id(s) in chosen]  # in the profile's order
    proposed = {
        **common,
        "proposal_id": proposal_id,
        "level": scored.proposal.level,
        "colour": scored.proposal.colour,
        "risk_point": facts.category_zh or facts.category or "信访举报反映的问题",
        "trigger": TRIGGER,
        "reasons": _reasons(rules, scored),
        "score": scored.score_after,
        "cause_event_ids": list(dict.fromkeys([*causes, cause_event])),
    }
    outbox.append(_outbox_entry(draft, WARNING_PROPOSED, proposed, now, stamp))
    draft.proposals.append(
        {
            "proposal_id": proposal_id,
            "level": scored.proposal.level,
            "colour": scored.proposal.colour,
            "score": scored.score_after,
            "cause_event_id": cause_event,
            "proposed_at": stamp,
        }
    )
    return outbox


def _outbox_entry(draft: _Draft, event_type: EventType, data: dict, now: datetime, stamp: datetime) -> dict:
    envelope = build_event(event_type, data, subject=f"{draft.kind}/{draft.id}", county=draft.county, now=now)
    return outbox_son(event_type, envelope, stamp)


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
