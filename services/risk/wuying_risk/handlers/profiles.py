"""Dynamic risk profiles: each accepted signal scored into the official's profile, explained
factor by factor, and a three-colour warning proposed when a threshold is first reached.

DESIGN.md §4 Risk (signals from accepted reports and inspection findings); seeds 002/篇1 ⑤
(warnings on preset threshold values), 002/篇8 第十八条 (blue, yellow, red), 000/E (inspection
findings graded early sign, general, serious).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc, parse_rfc3339
from wuying_common.outbox import new_id

from ..domain.scoring import (
    DEFAULT_RULES,
    FINDING_SEVERITY,
    LEVEL_ZH,
    RuleSet,
    ScoredSignal,
    SignalFacts,
    proposal_reasons,
    score_signal,
)
from ..exceptions import ProfileBusy, ProfileNotFound
from ..persistence import Profile, ProposalRecord, RegisteredOfficial, RiskStore, Signal
from ..schemas import FINDING_RECORDED_IN, PETITION_TRIAGED_IN, PROFILE_CHANGED, WARNING_PROPOSED

# A profile changed by another worker between read and write is re-read and retried; more
# than this many collisions in a row means something is wrong, and the event is retried later.
MAX_ATTEMPTS = 10
TRIGGER = "risk_score_threshold"


@dataclass
class Change:
    official_id: str
    county: str
    scored: ScoredSignal


@dataclass
class Outcome:
    status: str  # "processed" or "duplicate"
    changes: list[Change] = field(default_factory=list)


def on_petition_triaged(
    store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet = DEFAULT_RULES
) -> Outcome:
    """Integrity information about an official raises that official's profile (DESIGN.md §4 Risk).

    Other outcomes (case clues go to case handling, 篇5 三(一)3) leave profiles alone.
    """
    data = PETITION_TRIAGED_IN.load(envelope.get("data", {}))
    if data["outcome"] != "integrity_information":
        return Outcome("processed")
    facts = SignalFacts(
        factor="integrity_report",
        severity=data["severity"] or "",
        category=data["category"],
        category_zh=data["category_zh"],
        occurred_on=beijing_date(parse_rfc3339(envelope["time"]) or clock.now()).isoformat(),
    )
    officials = [s for s in data["subjects"] if s["kind"] == "official"]
    if not officials:
        return Outcome("processed")
    outcome = Outcome("duplicate")
    for subject in officials:
        fallback_county = subject.get("county") or envelope["county"]
        change = add_signal(store, clock, rules, subject["id"], fallback_county, facts, envelope)
        if change is not None:
            outcome.status = "processed"
            outcome.changes.append(change)
    return outcome


def on_inspection_finding(
    store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet = DEFAULT_RULES
) -> Outcome:
    """A finding about an official raises that official's profile (DESIGN.md §2: inspection
    findings feed risk; seeds/000 E: severity early sign / general / serious)."""
    data = FINDING_RECORDED_IN.load(envelope.get("data", {}))
    if not data["official_id"]:
        return Outcome("processed")  # a finding about the unit as a whole: no personal profile
    facts = SignalFacts(
        factor="inspection_finding",
        severity=FINDING_SEVERITY[data["severity"]],
        category="inspection_finding",
        category_zh=data["severity_zh"] or "巡察发现问题",
        occurred_on=beijing_date(parse_rfc3339(envelope["time"]) or clock.now()).isoformat(),
    )
    change = add_signal(store, clock, rules, data["official_id"], envelope["county"], facts, envelope)
    return Outcome("processed", [change]) if change is not None else Outcome("duplicate")


def add_signal(
    store: RiskStore,
    clock: SystemClock,
    rules: RuleSet,
    official_id: str,
    fallback_county: str,
    facts: SignalFacts,
    event: dict,
) -> Change | None:
    """Score one signal into one profile; None when the event is already in it.

    Both reads are by the official id; the write is one conditional update of the profile
    (see ``RiskStore.add_signal``), retried on fresh state when another worker wrote first.
    """
    event_id = event["id"]
    now = clock.now()
    for _ in range(MAX_ATTEMPTS):
        profile = store.get_profile(official_id)
        if profile is not None and profile.has_signal(event_id):
            return None
        unit_id, county = _placement(store.get_official(official_id), profile, fallback_county)
        scored = score_signal(rules, facts, profile.score if profile else 0, profile.proposed_levels if profile else ())
        # The draft only carries the outbox entries into the one write below.
        draft = Profile(id=official_id, unit_id=unit_id, county=county)
        proposal = _record_events(draft, rules, scored, profile, event_id, now)
        signal = Signal(
            factor=facts.factor,
            points=scored.points,
            event_id=event_id,
            category=facts.category,
            category_zh=facts.category_zh,
            severity=facts.severity,
            occurred_at=naive_utc(parse_rfc3339(event["time"]) or now),
            recorded_at=naive_utc(now),
            explanation=scored.explanation,
        )
        written = store.add_signal(
            official_id,
            expected_version=profile.version if profile else 0,
            signal=signal,
            set_fields={"unit_id": unit_id, "county": county, "level": scored.level, "rule_version": rules.version},
            points=scored.points,
            outbox=list(draft.outbox),
            proposal=proposal,
            now=now,
        )
        if written:
            return Change(official_id, county, scored)
    raise ProfileBusy(fields={"official_id": official_id})


def _placement(registered: RegisteredOfficial | None, profile: Profile | None, fallback_county: str) -> tuple[str, str]:
    """(unit, county) of the official: the registry's, else the profile's, else the event's.

    An official not yet in the registry still gets a profile: the report must not wait.
    """
    if registered is not None:
        return registered.unit_id, registered.county
    if profile is not None:
        return profile.unit_id, profile.county
    return "", fallback_county


def _record_events(
    draft: Profile, rules: RuleSet, scored: ScoredSignal, profile: Profile | None, event_id: str, now
) -> ProposalRecord | None:
    """Record ``risk.profile_changed`` and any ``warning.proposed`` on the draft; the proposal
    record to keep on the profile, if one is due."""
    facts = scored.facts
    common = {"official_id": draft.id, "unit_id": draft.unit_id, "county": draft.county, "rule_version": rules.version}
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
            "cause_event_id": event_id,
        },
        now=now,
    )
    if scored.proposal is None:
        return None
    proposal_id = new_id()
    previous = [(s.event_id, s.explanation) for s in profile.signals] if profile else []
    causes = [*previous, (event_id, scored.explanation)]
    draft.record_event(
        WARNING_PROPOSED,
        {
            **common,
            "proposal_id": proposal_id,
            "level": scored.proposal.level,
            "colour": scored.proposal.colour,
            "risk_point": facts.category_zh or facts.category or "信访举报反映的问题",
            "trigger": TRIGGER,
            "reasons": proposal_reasons(rules, scored.proposal, scored.score_after, [c[1] for c in causes]),
            "score": scored.score_after,
            "cause_event_ids": [c[0] for c in causes],
        },
        now=now,
    )
    return ProposalRecord(
        proposal_id=proposal_id,
        level=scored.proposal.level,
        colour=scored.proposal.colour,
        score=scored.score_after,
        cause_event_id=event_id,
        proposed_at=naive_utc(now),
    )


def profile_view(store: RiskStore, principal: Principal | None, official_id: str) -> Profile:
    """A profile (the Out schema explains it factor by factor); county-checked for staff."""
    profile = store.get_profile(official_id)
    if profile is None:
        raise ProfileNotFound(fields={"official_id": official_id})
    if principal is not None:
        principal.require_county(profile.county)
    return profile


def top_profiles(store: RiskStore, principal: Principal, county: str, limit: int) -> list[Profile]:
    principal.require_county(county)
    return store.top_profiles(county, limit)
