"""Versioned rule data per commission: profile scoring, evaluation, review cadence, anomalies.

DESIGN.md §4 Warning ("thresholds and trigger lists are versioned rule data per commission,
with these as defaults, and every warning keeps the rule version it was issued under"); seeds
002 篇1 ⑵③ (evaluation) and ⑤ (预先设置的预警条件值), 000 A (the 10% cap), 003 (monitoring).

A new version is in force for its commission at once. An evaluation version may be corrected
until an evaluation uses it, then it is frozen; the other kinds are used by consumers at once,
so they are frozen when created. A rule change to profile scoring recomputes the commission's
profiles (``handlers.recompute``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.paging import Page

from ..domain.cadence import DEFAULT_CADENCE, CadenceRules
from ..domain.evaluation import DEFAULT_EVALUATION, EvaluationRules
from ..domain.monitoring import DEFAULT_ANOMALY_RULES, AnomalyRules
from ..domain.rulebook import DEFAULT_COMMISSION, RuleVersionExists, RuleVersionFrozen
from ..domain.scoring import DEFAULT_RULES, RuleSet
from ..exceptions import RuleVersionNotFound
from ..persistence import RiskStore, RuleVersion

PARSERS: dict[str, Callable[[dict], Any]] = {
    "profile": RuleSet.from_dict,
    "evaluation": EvaluationRules.from_dict,
    "cadence": CadenceRules.from_dict,
    "anomaly": AnomalyRules.from_dict,
}
DEFAULTS: dict[str, Any] = {
    "profile": DEFAULT_RULES,
    "evaluation": DEFAULT_EVALUATION,
    "cadence": DEFAULT_CADENCE,
    "anomaly": DEFAULT_ANOMALY_RULES,
}
# Frozen on first use instead of at creation.
FROZEN_ON_USE = frozenset({"evaluation"})
# Parsed rule bodies by (kind, commission, version): versions never change once in use, so a
# parse per process is enough (a corrected evaluation draft gets a new cache key below).
_PARSED: dict[tuple, Any] = {}


@dataclass(frozen=True)
class InForce:
    kind: str
    commission: str
    rules: Any

    @property
    def version(self) -> str:
        return self.rules.version


def in_force(store: RiskStore, kind: str, county: str) -> InForce:
    """The rules of ``kind`` for a county: its commission's, else the built-in default."""
    found = store.rules_in_force(kind, county)
    if found is None:
        return InForce(kind, DEFAULT_COMMISSION, DEFAULTS[kind])
    commission, doc = found
    cache_key = (kind, commission, doc.rule_version, doc.activated_at)
    rules = _PARSED.get(cache_key)
    if rules is None:
        rules = _PARSED[cache_key] = PARSERS[kind](doc.body)
    return InForce(kind, commission, rules)


def profile_rules(store: RiskStore, county: str) -> RuleSet:
    return in_force(store, "profile", county).rules


def create_version(store: RiskStore, clock: SystemClock, principal: Principal, kind: str, payload: dict) -> RuleVersion:
    """A new version of a commission's rules, in force at once."""
    commission = payload["commission"]
    principal.require_county(commission, field="commission")
    body = {**payload["body"], "version": payload["version"]}
    PARSERS[kind](body)  # refuses data that contradicts itself
    if store.get_rule_version(kind, commission, payload["version"]) is not None:
        raise RuleVersionExists(payload["version"])
    now = clock.now()
    version = RuleVersion(
        id=f"{kind}:{commission}:{payload['version']}",
        kind=kind,
        commission=commission,
        rule_version=payload["version"],
        body=body,
        frozen=kind not in FROZEN_ON_USE,
        frozen_at=None if kind in FROZEN_ON_USE else naive_utc(now),
        note=payload.get("note", ""),
        created_by=principal.subject,
        created_at=naive_utc(now),
    )
    store.add_rule_version(version)
    store.put_in_force(kind, commission, version.rule_version, body, principal.subject, now)
    return version


def correct_version(
    store: RiskStore,
    clock: SystemClock,
    principal: Principal,
    kind: str,
    commission: str,
    rule_version: str,
    payload: dict,
) -> RuleVersion:
    """Correct a version no evaluation has used yet; a frozen one is refused."""
    principal.require_county(commission, field="commission")
    version = store.get_rule_version(kind, commission, rule_version)
    if version is None:
        raise RuleVersionNotFound(fields={"version": rule_version})
    if version.frozen:
        raise RuleVersionFrozen(rule_version)
    body = {**payload["body"], "version": rule_version}
    PARSERS[kind](body)
    version.body = body
    if payload.get("note"):
        version.note = payload["note"]
    store.save_rule_version(version)
    in_force_now = store.rules_in_force(kind, commission)
    if in_force_now is not None and in_force_now[0] == commission and in_force_now[1].rule_version == rule_version:
        store.put_in_force(kind, commission, rule_version, body, principal.subject, clock.now())
    return version


def versions(store: RiskStore, principal: Principal, kind: str, query: dict) -> Page:
    """A commission's versions of one kind, oldest first (the history)."""
    commission = query["commission"]
    if commission != DEFAULT_COMMISSION:
        principal.require_county(commission, field="commission")
    return store.rule_versions(kind, commission, query)


def version_view(store: RiskStore, principal: Principal, kind: str, county: str) -> dict:
    """The rules in force for a county, with the commission they come from."""
    principal.require_county(county)
    found = in_force(store, kind, county)
    return {"kind": kind, "commission": found.commission, "version": found.version, "body": found.rules.to_dict()}


def mark_used(store: RiskStore, clock: SystemClock, found: InForce) -> None:
    """An evaluation used these rules: freeze them (idempotent; the default is built in)."""
    if found.commission != DEFAULT_COMMISSION and found.kind in FROZEN_ON_USE:
        store.freeze_rule_version(found.kind, found.commission, found.version, clock.now())
