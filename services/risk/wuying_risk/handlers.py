"""Risk use cases: (command, store, clock, rules) -> result. No nameko here."""

from __future__ import annotations

from dataclasses import dataclass, field

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc, parse_rfc3339
from wuying_common.errors import ValidationFailed
from wuying_common.outbox import new_id

from .domain.evaluation import DEFAULT_EVALUATION, EvaluationRules, InvalidGrades, check_high_cap, evaluate
from .domain.evaluation import LEVEL_ZH as EVALUATION_LEVEL_ZH
from .domain.identification import (
    DECIDING_STEPS,
    RISK_KINDS,
    STEP_COLOUR,
    STEP_ZH,
    StepOutOfOrder,
    can_evaluate,
    check_step,
    next_step,
    status_after,
)
from .domain.scoring import (
    DEFAULT_RULES,
    FINDING_SEVERITY,
    LEVEL_ZH,
    RuleSet,
    ScoredSignal,
    SignalFacts,
    UnknownSeverity,
    factor_breakdown,
    proposal_reasons,
    score_signal,
)
from .exceptions import (
    HighRiskCapReached,
    NotYetDecided,
    PowerNotFound,
    ProfileBusy,
    ProfileNotFound,
    RiskPointNotFound,
    StepOutOfOrderError,
    UnknownSeverityError,
)
from .persistence import (
    ContributionRecord,
    EvaluationRecord,
    PowerItem,
    Profile,
    ProposalRecord,
    RiskPoint,
    RiskStore,
    Signal,
)
from .schemas import (
    PROFILE_CHANGED,
    RISK_ASSESSED,
    WARNING_PROPOSED,
    FindingRecordedInSchema,
    OfficialChangedInSchema,
    PetitionTriagedInSchema,
)

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
        occurred_on=beijing_date(parse_rfc3339(envelope["time"]) or clock.now()).isoformat(),
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


def on_inspection_finding(
    store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet = DEFAULT_RULES
) -> Outcome:
    """A finding about an official raises that official's profile (DESIGN.md §2: inspection
    findings feed risk; seeds/000 E: severity early sign / general / serious)."""
    data = FindingRecordedInSchema().load(envelope.get("data", {}))
    if not data["official_id"]:
        return Outcome("processed")  # a finding about the unit as a whole: no personal profile
    facts = SignalFacts(
        factor="inspection_finding",
        severity=FINDING_SEVERITY[data["severity"]],
        category="inspection_finding",
        category_zh=data["severity_zh"] or "巡察发现问题",
        occurred_on=beijing_date(parse_rfc3339(envelope["time"]) or clock.now()).isoformat(),
    )
    change = add_signal(
        store,
        clock,
        rules,
        official_id=data["official_id"],
        fallback_county=envelope["county"],
        facts=facts,
        event=envelope,
    )
    return Outcome("processed", [change]) if change is not None else Outcome("duplicate")


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


# -- power lists (权力清单) ------------------------------------------------------------------
DECIDERS = ("risk_officer", "commission_leader", "commission_secretary", "party_committee")


def create_power(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> PowerItem:
    principal.require_county(payload["county"])
    now = naive_utc(clock.now())
    power = PowerItem(id=new_id(), created_at=now, updated_at=now, **payload)
    power.save_versioned()
    return power


def update_power(store: RiskStore, clock: SystemClock, principal: Principal, power_id: str, payload: dict) -> PowerItem:
    power = get_power(store, principal, power_id)
    principal.require_county(payload["county"])
    for key, value in payload.items():
        setattr(power, key, value)
    power.updated_at = naive_utc(clock.now())
    power.save_versioned()
    return power


def delete_power(store: RiskStore, principal: Principal, power_id: str) -> dict:
    get_power(store, principal, power_id).delete()
    return {"deleted": power_id}


def get_power(store: RiskStore, principal: Principal, power_id: str) -> PowerItem:
    power = store.get_power(power_id)
    if power is None:
        raise PowerNotFound(fields={"power_id": power_id})
    principal.require_county(power.county)
    return power


def list_powers(store: RiskStore, principal: Principal, query: dict) -> list[PowerItem]:
    principal.require_county(query["county"])
    return store.powers(query["county"], query["unit_id"], query["post"])


# -- risk points: five-step identification, evaluation ------------------------------------
def create_risk_point(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> dict:
    """Step 1, 自己找: the official (or staff for them) records the risk point they found."""
    principal.require_county(payload["county"])
    if payload.get("power_id"):
        power = store.get_power(payload["power_id"])
        if power is None or power.county != payload["county"]:
            raise PowerNotFound(fields={"power_id": payload["power_id"]})
    now = naive_utc(clock.now())
    point = RiskPoint(
        id=new_id(),
        county=payload["county"],
        unit_id=payload["unit_id"],
        post=payload["post"],
        power_id=payload.get("power_id"),
        kind=payload["kind"],
        description=payload["description"],
        contributions=[ContributionRecord(step="self_found", by=principal.subject, content=payload["content"], at=now)],
        status=status_after(["self_found"]),
        created_at=now,
        updated_at=now,
    )
    point.save_versioned()
    return risk_point_view(point)


def add_step(store: RiskStore, clock: SystemClock, principal: Principal, risk_id: str, payload: dict) -> dict:
    """Steps 2–5, strictly in order; each contribution kept apart (篇1 ⑵②)."""
    point = _risk_point(store, principal, risk_id)
    step = payload["step"]
    if step in DECIDING_STEPS:
        principal.require_role(*DECIDERS)
    try:
        check_step(point.steps_done, step)
    except StepOutOfOrder as exc:
        raise StepOutOfOrderError(exc.message_zh, fields={"step": exc.message_zh}) from None
    point.contributions.append(
        ContributionRecord(step=step, by=principal.subject, content=payload["content"], at=naive_utc(clock.now()))
    )
    point.status = status_after(point.steps_done)
    point.updated_at = naive_utc(clock.now())
    point.save_versioned()
    return risk_point_view(point)


def evaluate_risk_point(
    store: RiskStore,
    clock: SystemClock,
    principal: Principal,
    risk_id: str,
    payload: dict,
    rules: EvaluationRules = DEFAULT_EVALUATION,
) -> dict:
    """Seven factors → index → level, within the department's 10% cap (篇1 ⑵③; 000 A)."""
    principal.require_role(*DECIDERS)
    point = _risk_point(store, principal, risk_id)
    if not can_evaluate(point.steps_done):
        raise NotYetDecided(fields={"status": "须先完成「集体定」"})
    try:
        result = evaluate(payload["grades"], rules)
    except InvalidGrades as exc:
        raise ValidationFailed(fields={f"grades.{k}": v for k, v in exc.problems.items()}) from None
    was_high = point.level == "high"
    becomes_high = result.level == "high"
    reserved = False
    if becomes_high and not was_high:
        total, high_now = store.department_counts(point.unit_id)
        check = check_high_cap(total, high_now, was_high=False, becomes_high=True, rules=rules)
        if not check.allowed or not store.reserve_high(point.unit_id, check.cap, high_now):
            raise HighRiskCapReached(fields={"grades": check.message_zh, "unit_id": point.unit_id})
        reserved = True
    now = clock.now()
    point.evaluation = EvaluationRecord(
        grades=dict(payload["grades"]),
        index=result.index,
        level=result.level,
        lines=list(result.lines),
        rule_version=result.rule_version,
        evaluated_by=principal.subject,
        evaluated_at=naive_utc(now),
    )
    point.level = result.level
    if payload.get("control_measures"):
        point.control_measures = payload["control_measures"]
    point.updated_at = naive_utc(now)
    point.record_event(
        RISK_ASSESSED,
        {
            "risk_point_id": point.id,
            "unit_id": point.unit_id,
            "county": point.county,
            "post": point.post,
            "kind": point.kind,
            "index": result.index,
            "level": result.level,
            "level_zh": result.level_zh,
            "status": point.status,
            "rule_version": result.rule_version,
        },
        subject=f"risk_point/{point.id}",
        county=point.county,
        now=now,
    )
    try:
        point.save_versioned()
    except Exception:
        if reserved:  # the slot was taken for a rating that was not written
            store.release_high(point.unit_id)
        raise
    if was_high and not becomes_high:
        store.release_high(point.unit_id)
    return risk_point_view(point)


def get_risk_point(store: RiskStore, principal: Principal, risk_id: str) -> dict:
    return risk_point_view(_risk_point(store, principal, risk_id))


def list_risk_points(store: RiskStore, principal: Principal, query: dict) -> list[dict]:
    principal.require_county(query["county"])
    return [risk_point_view(p) for p in store.risk_points(query["county"], query["unit_id"])]


def _risk_point(store: RiskStore, principal: Principal, risk_id: str) -> RiskPoint:
    point = store.get_risk_point(risk_id)
    if point is None:
        raise RiskPointNotFound(fields={"risk_point_id": risk_id})
    principal.require_county(point.county)
    return point


def risk_point_view(point: RiskPoint) -> dict:
    evaluation = None
    if point.evaluation is not None:
        evaluation = {
            **point.evaluation.to_mongo().to_dict(),
            "level_zh": EVALUATION_LEVEL_ZH[point.evaluation.level],
        }
    return {
        "id": point.id,
        "county": point.county,
        "unit_id": point.unit_id,
        "post": point.post,
        "power_id": point.power_id,
        "kind": point.kind,
        "kind_zh": RISK_KINDS[point.kind],
        "description": point.description,
        "status": point.status,
        "next_step": next_step(point.steps_done),
        "contributions": [
            {
                "step": c.step,
                "step_zh": STEP_ZH[c.step],
                "colour": STEP_COLOUR.get(c.step),
                "by": c.by,
                "content": c.content,
                "at": c.at,
            }
            for c in point.contributions
        ],
        "evaluation": evaluation,
        "control_measures": list(point.control_measures),
    }
