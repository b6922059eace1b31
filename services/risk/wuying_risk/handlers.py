"""Risk use cases: (command, store, clock, rules) -> result. No nameko here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from wuying_common.auth import Principal
from wuying_common.clock import CST, SystemClock
from wuying_common.outbox import new_id

from .domain.scoring import (
    DEFAULT_RULES,
    LEVEL_ZH,
    RuleSet,
    ScoredSignal,
    SignalFacts,
    UnknownSeverity,
    factor_breakdown,
    proposal_reasons,
    score_signal,
)
from .exceptions import ProfileBusy, ProfileNotFound, UnknownSeverityError
from .persistence import Profile, ProposalRecord, RiskStore, Signal, naive_utc
from .schemas import PROFILE_CHANGED, WARNING_PROPOSED, OfficialChangedInSchema, PetitionTriagedInSchema

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


# -- official registry ---------------------------------------------------------------------
def record_official(store: RiskStore, clock: SystemClock, envelope: dict) -> str:
    """Keep each official's unit and county (archive's ``official.changed``); idempotent."""
    data = OfficialChangedInSchema().load(envelope.get("data", {}))
    if not store.record_official(data, envelope["id"], clock.now()):
        return "duplicate"
    store.move_profile(data["official_id"], data["unit_id"], data["county"])
    return "processed"


# -- dynamic profiles ----------------------------------------------------------------------
def on_petition_triaged(
    store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet = DEFAULT_RULES
) -> Outcome:
    """Integrity information about an official raises that official's profile (DESIGN.md §4 Risk).

    Other outcomes (case clues go to case handling, 篇5 三(一)3) leave profiles alone.
    """
    data = PetitionTriagedInSchema().load(envelope.get("data", {}))
    if data["outcome"] != "integrity_information":
        return Outcome("processed")
    facts = SignalFacts(
        factor="integrity_report",
        severity=data["severity"] or "",
        category=data["category"],
        category_zh=data["category_zh"],
        occurred_on=_beijing_date(envelope["time"], clock),
    )
    outcome = Outcome("duplicate")
    officials = [s for s in data["subjects"] if s["kind"] == "official"]
    if not officials:
        return Outcome("processed")
    for subject in officials:
        change = add_signal(
            store,
            clock,
            rules,
            official_id=subject["id"],
            fallback_county=subject.get("county") or envelope["county"],
            facts=facts,
            event=envelope,
        )
        if change is not None:
            outcome.status = "processed"
            outcome.changes.append(change)
    return outcome


def add_signal(
    store: RiskStore,
    clock: SystemClock,
    rules: RuleSet,
    *,
    official_id: str,
    fallback_county: str,
    facts: SignalFacts,
    event: dict,
) -> Change | None:
    """Score one signal into one profile; None when the event is already in it."""
    event_id = event["id"]
    now = clock.now()
    for _ in range(MAX_ATTEMPTS):
        profile = store.get_profile(official_id)
        if profile is not None and profile.has_signal(event_id):
            return None
        registered = store.get_official(official_id)
        # An official not yet in the registry still gets a profile: the report must not wait.
        if registered is not None:
            unit_id, county = registered.unit_id, registered.county
        elif profile is not None:
            unit_id, county = profile.unit_id, profile.county
        else:
            unit_id, county = "", fallback_county
        try:
            scored = score_signal(
                rules, facts, profile.score if profile else 0, profile.proposed_levels if profile else ()
            )
        except UnknownSeverity:
            raise UnknownSeverityError(fields={"data.severity": f"无法识别的严重程度：{facts.severity}"}) from None

        draft = Profile(id=official_id)  # carries the outbox entries into the one write below
        draft.record_event(
            PROFILE_CHANGED,
            {
                "official_id": official_id,
                "unit_id": unit_id,
                "county": county,
                "score_before": scored.score_before,
                "score_after": scored.score_after,
                "level": scored.level,
                "level_zh": LEVEL_ZH[scored.level],
                "factor": facts.factor,
                "points": scored.points,
                "cause_event_id": event_id,
                "rule_version": rules.version,
            },
            subject=f"official/{official_id}",
            county=county,
            now=now,
        )
        proposal_record = None
        if scored.proposal is not None:
            proposal_id = new_id()
            previous = [(s.event_id, s.explanation) for s in profile.signals] if profile else []
            causes = [*previous, (event_id, scored.explanation)]
            draft.record_event(
                WARNING_PROPOSED,
                {
                    "proposal_id": proposal_id,
                    "official_id": official_id,
                    "unit_id": unit_id,
                    "county": county,
                    "level": scored.proposal.level,
                    "colour": scored.proposal.colour,
                    "risk_point": facts.category_zh or facts.category or "信访举报反映的问题",
                    "trigger": TRIGGER,
                    "reasons": proposal_reasons(rules, scored.proposal, scored.score_after, [c[1] for c in causes]),
                    "score": scored.score_after,
                    "rule_version": rules.version,
                    "cause_event_ids": [c[0] for c in causes],
                },
                subject=f"official/{official_id}",
                county=county,
                now=now,
            )
            proposal_record = ProposalRecord(
                proposal_id=proposal_id,
                level=scored.proposal.level,
                colour=scored.proposal.colour,
                score=scored.score_after,
                cause_event_id=event_id,
                proposed_at=naive_utc(now),
            )
        signal = Signal(
            factor=facts.factor,
            points=scored.points,
            event_id=event_id,
            category=facts.category,
            category_zh=facts.category_zh,
            severity=facts.severity,
            occurred_at=_parse_time(event["time"], now),
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
            proposal=proposal_record,
            now=now,
        )
        if written:
            return Change(official_id, county, scored)
    raise ProfileBusy(fields={"official_id": official_id})


def profile_view(store: RiskStore, principal: Principal | None, official_id: str) -> dict:
    """A profile with its factor-by-factor explanation; county-checked for staff callers."""
    profile = store.get_profile(official_id)
    if profile is None:
        raise ProfileNotFound(fields={"official_id": official_id})
    if principal is not None:
        principal.require_county(profile.county)
    return _as_dict(profile, detail=True)


def top_profiles(store: RiskStore, principal: Principal, county: str, limit: int) -> list[dict]:
    principal.require_county(county)
    return [_as_dict(p, detail=False) for p in store.top_profiles(county, limit)]


def _as_dict(profile: Profile, *, detail: bool) -> dict:
    view = {
        "official_id": profile.id,
        "unit_id": profile.unit_id,
        "county": profile.county,
        "score": profile.score,
        "level": profile.level,
        "level_zh": LEVEL_ZH.get(profile.level, profile.level),
        "proposed_levels": profile.proposed_levels,
    }
    if detail:
        view.update(
            {
                "rule_version": profile.rule_version,
                "factors": [
                    vars(f) for f in factor_breakdown((s.factor, s.points, s.explanation) for s in profile.signals)
                ],
                "signals": list(profile.signals),
                "proposals": list(profile.proposals),
                "updated_at": profile.updated_at,
            }
        )
    return view


def _parse_time(value: str, default: datetime) -> datetime:
    try:
        return naive_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except (AttributeError, ValueError):
        return naive_utc(default)


def _beijing_date(value: str, clock: SystemClock) -> str:
    moment = _parse_time(value, clock.now()).replace(tzinfo=UTC)
    return moment.astimezone(CST).date().isoformat()
