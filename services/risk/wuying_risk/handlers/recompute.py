"""Batch recompute of profiles: after a rule change, and daily so that decay takes effect
without waiting for a new signal. A batch job, not a hot path: it reads the profiles of a
county, city or province in ``_id`` order (a scan), recomputes each from the signals it keeps
(pure), and writes only the changed ones, each conditional on the version it read, in bulk.

A changed level (低/中/高) publishes ``risk.profile_changed`` (factor ``rule_change`` or
``decay``) with its explanation; a score that moves within its level is written without an
event (a province-wide rule change would otherwise publish 200,000 events for numbers nobody
acts on). A recompute never proposes a warning: proposals come from new signals, so a rule
change does not flood the warning centre; the next signal about the official proposes what is
due under the new rules.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime

from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.events import build_event

from ..domain.scoring import LEVEL_ZH, RuleSet, compute_profile, factor_lines
from ..persistence import RiskStore, entry_of_son, outbox_son, signal_son
from ..schemas import PROFILE_CHANGED, ProfileChangedV1Schema
from .rules import profile_rules

# One schema instance for every event of a batch (``build_event`` makes one per call otherwise).
_CHANGED_SCHEMA = ProfileChangedV1Schema()
_BATCH_CHANGED = replace(PROFILE_CHANGED, schema=lambda: _CHANGED_SCHEMA)  # type: ignore[arg-type]


@dataclass
class RecomputeReport:
    scope: str
    scanned: int = 0
    changed: int = 0
    written: int = 0
    seconds: float = 0.0


def recompute_profiles(
    store: RiskStore,
    clock: SystemClock,
    county_prefix: str = "",
    *,
    reason: str = "rule_change",
    batch_size: int = 5000,
) -> RecomputeReport:
    """Recompute every profile whose county starts with ``county_prefix`` ("" = all)."""
    started = time.perf_counter()
    now = clock.now()
    today = beijing_date(now)
    stored_now = naive_utc(now)
    report = RecomputeReport(scope=county_prefix or "*")
    rules_by_county: dict[str, RuleSet] = {}
    for batch in store.profile_batches(county_prefix, batch_size):
        updates = []
        for row in batch:
            report.scanned += 1
            county = row["county"]
            rules = rules_by_county.get(county)
            if rules is None:
                rules = rules_by_county[county] = profile_rules(store, county)
            raw_signals = row.get("signals") or []
            result = compute_profile(rules, (entry_of_son(s) for s in raw_signals), today)
            points_before = [s.get("points") for s in raw_signals]
            points_after = [s.points for s in result.scored]
            if (
                result.score == row.get("score")
                and result.level == row.get("level")
                and points_before == points_after
                and not result.expired
            ):
                continue
            report.changed += 1
            recorded = {(s.get("key") or s["event_id"]): s.get("recorded_at") for s in raw_signals}
            signals = [signal_son(s, recorded.get(s.entry.key) or stored_now) for s in result.scored]
            fields = {
                "score": result.score,
                "level": result.level,
                "signals": signals,
                "rule_version": rules.version,
                "scored_on": today.isoformat(),
                "updated_at": stored_now,
            }
            outbox = []
            if result.level != row.get("level"):
                outbox.append(_changed_event(row, rules, result, reason, now))
            updates.append((row["_id"], row.get("version", 0), fields, outbox))
        report.written += store.write_recomputed(updates)
    report.seconds = time.perf_counter() - started
    return report


def _changed_event(row: dict, rules: RuleSet, result, reason: str, now: datetime) -> dict:
    factors = result.factors
    why = (
        f"规则版本 {rules.version} 生效，画像按新规则重新计算"
        if reason == "rule_change"
        else f"按规则版本 {rules.version} 的时间衰减重新计算"
    )
    envelope = build_event(
        _BATCH_CHANGED,
        {
            "official_id": row["_id"],
            "unit_id": row.get("unit_id", ""),
            "county": row["county"],
            "score_before": row.get("score", 0),
            "score_after": result.score,
            "level": result.level,
            "level_zh": LEVEL_ZH[result.level],
            "factor": reason,
            "points": result.score - (row.get("score") or 0),
            "cause_event_id": "",
            "rule_version": rules.version,
            "explanation": "；".join([why, *factor_lines(factors)]),
            "factors": [
                {"factor": f.factor, "factor_zh": f.factor_zh, "points": f.points, "signals": f.signals}
                for f in factors
            ],
        },
        subject=f"official/{row['_id']}",
        county=row["county"],
        now=now,
    )
    return outbox_son(PROFILE_CHANGED, envelope, naive_utc(now))
