"""Risk's batches on the embedded store (issue 13, item 6): numbers printed, never asserted.

1. After a rule change, every profile of a province (200,000 officials) is recomputed — target
   ≤ 30 s.
2. 100,000 business records (seeds/003: 两域, of which ~92% procurement and ~8% bids) are
   imported (JSON lines, through the import handler) and scanned — target ≤ 30 s.

The officials, their counties and units and the business records are the simulated province's
(``wuying_tools.simulator``, seed 7; issue 15 item 2e): 100 real counties, records of every
county, so the scan runs county by county over the whole province. ``RISK_BENCH_SCALE`` scales
it down (1.0 = full size).

Run: ``.venv/bin/python -m benchmarks.risk_batch`` (or ``main()`` from ``make bench``).
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import UTC, date, datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.store import connect_store

SCALE = float(os.environ.get("RISK_BENCH_SCALE", 1.0))


def _seed_profiles(store, now: datetime, plan) -> None:
    """A profile with one to three signals for each of the province's officials, written in
    bulk (not what is measured)."""
    from wuying_risk.domain.scoring import DEFAULT_RULES, Entry, compute_profile
    from wuying_risk.persistence import Profile
    from wuying_tools import simulator

    rng = random.Random(13)
    stored_now = now.replace(tzinfo=None)
    rows = []
    for official in simulator.officials(plan):
        n = official["id"]
        signals = []
        for _ in range(rng.randint(1, 3)):
            event_id = uuid.UUID(int=rng.getrandbits(128)).hex
            signals.append(
                {
                    "key": f"{event_id}:o{n}",
                    "factor": rng.choice(["integrity_report", "inspection_finding", "archive_condition"]),
                    "points": 15,
                    "event_id": event_id,
                    "category": "gifts",
                    "category_zh": "违规收受礼品礼金",
                    "severity": rng.choice(["low", "medium", "high"]),
                    "occurred_at": datetime(2026, rng.randint(1, 11), rng.randint(1, 28)),
                    "recorded_at": stored_now,
                    "explanation": "说明",
                    "ref": "",
                    "state": "",
                }
            )
        scored = compute_profile(
            DEFAULT_RULES,
            (
                Entry(s["key"], s["event_id"], s["factor"], s["severity"], "", "", s["occurred_at"].date())
                for s in signals
            ),
            now.date(),
        )
        points = {s.entry.key: s.points for s in scored.scored}
        for signal in signals:
            signal["points"] = points.get(signal["key"], 0)
        rows.append(
            {
                "_id": official["id"],
                "version": 1,
                "county": official["county"],
                "unit_id": official["unit_id"],
                "score": scored.score,
                "level": scored.level,
                "rule_version": "default-2026.2",
                "signals": signals,
                "recent_keys": [s["key"] for s in signals],
                "outbox": [],
                "outbox_pending": False,
                "proposals": [],
            }
        )
    collection = Profile._get_collection()
    for start in range(0, len(rows), 20_000):
        collection.insert_many(rows[start : start + 20_000])


class _Clock(SystemClock):
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def main() -> None:
    from wuying_risk.domain.scoring import DEFAULT_RULES
    from wuying_risk.handlers import monitoring, recompute, rules
    from wuying_risk.persistence import ALIAS, RiskStore

    connect_store(ALIAS, "wuying_risk_bench_" + uuid.uuid4().hex[:6], None)
    store = RiskStore(ALIAS, "embedded")
    store.ensure_indexes()
    clock = _Clock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    officer = Principal("bench", frozenset({"risk_officer"}), ("130000",))

    from wuying_tools import simulator

    plan = simulator.plan(7, scale=SCALE)
    officials = plan.total("officials")
    started = time.perf_counter()
    _seed_profiles(store, clock.now(), plan)
    label = f"risk: seed {officials:,} profiles (setup, not the target)"
    print(f"{label:55s} {time.perf_counter() - started:8.1f} s")

    body = {**DEFAULT_RULES.to_dict(), "factor_weights": {"integrity_report": 1.5}}
    rules.create_version(store, clock, officer, "profile", {"commission": "130000", "version": "bench-1", "body": body})
    report = recompute.recompute_profiles(store, clock, "13")
    print(
        f"{'risk: recompute a province after a rule change':55s} {report.seconds:8.1f} s  "
        f"(target ≤ 30 s; {report.scanned:,} scanned, {report.changed:,} changed, {report.written:,} written)"
    )

    text = "".join(simulator.file_lines(plan, "records.jsonl"))
    result = monitoring.import_records(store, clock, officer, text, "jsonl")
    scans = [
        monitoring.run_scan(store, clock, officer, c.code, date(2026, 1, 1), date(2026, 12, 31)) for c in plan.counties
    ]
    seconds = sum(s.seconds for s in scans)
    label = f"risk: import {result.imported:,} business records + scan"
    print(
        f"{label:55s} {result.seconds + seconds:8.1f} s  "
        f"(target ≤ 30 s; import {result.seconds:.1f} s, {result.imported:,} rows; scan of {len(scans)} counties "
        f"{seconds:.1f} s, {sum(s.anomalies for s in scans):,} anomalies, {sum(s.new_hits for s in scans):,} new hits, "
        f"{sum(s.profiles_changed for s in scans):,} profiles changed)"
    )


if __name__ == "__main__":
    main()
