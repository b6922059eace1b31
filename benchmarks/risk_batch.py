"""Risk's batches on the embedded store (issue 13, item 6): numbers printed, never asserted.

1. After a rule change, every profile of a province (200,000 officials) is recomputed — target
   ≤ 30 s.
2. 100,000 business records (seeds/003: 两域, of which ~92% procurement and ~8% bids) are
   imported (JSON lines, through the import handler) and scanned — target ≤ 30 s.

Run: ``.venv/bin/python -m benchmarks.risk_batch`` (or ``main()`` from ``make bench``).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from datetime import UTC, date, datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.store import connect_store

OFFICIALS = 200_000
COUNTIES = [f"13{city:02d}{county:02d}" for city in range(1, 12) for county in range(1, 11)]  # 110 counties
RECORDS = 100_000


def _seed_profiles(store, now: datetime) -> None:
    """200,000 profiles with one to three signals each, written in bulk (not what is measured)."""
    from wuying_risk.domain.scoring import DEFAULT_RULES, Entry, compute_profile
    from wuying_risk.persistence import Profile

    rng = random.Random(13)
    stored_now = now.replace(tzinfo=None)
    rows = []
    for n in range(OFFICIALS):
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
                "_id": f"o{n:06d}",
                "version": 1,
                "county": COUNTIES[n % len(COUNTIES)],
                "unit_id": f"u{n % 50_000}",
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


def _records_jsonl(rng: random.Random) -> str:
    lines = []
    for n in range(RECORDS):
        bidding = n % 12 == 0  # 8,051 of 98,126 in seeds/003
        category = "works" if bidding else rng.choice(["goods", "goods", "services"])
        awarded = date(2026, rng.randint(1, 12), rng.randint(1, 28))
        lines.append(
            json.dumps(
                {
                    "record_id": f"r{n:06d}",
                    "county": "130402",
                    "domain": "bidding" if bidding else "procurement",
                    "category": category,
                    "buyer_unit_id": f"unit-{rng.randint(1, 800)}",
                    "buyer_kind": rng.choice(["public_hospital", "public_school", "state_company", "agency"]),
                    "responsible_official_id": f"off-{rng.randint(1, 2_000)}",
                    "supplier_id": f"sup-{rng.randint(1, 3_000)}",
                    "amount": round(rng.uniform(5_000, 5_000_000), 2),
                    "method": rng.choice(["public_tender", "inquiry", "competitive_negotiation", "single_source"]),
                    "announced_on": "",
                    "awarded_on": awarded.isoformat(),
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines)


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

    started = time.perf_counter()
    _seed_profiles(store, clock.now())
    print(f"{'risk: seed 200,000 profiles (setup, not the target)':55s} {time.perf_counter() - started:8.1f} s")

    body = {**DEFAULT_RULES.to_dict(), "factor_weights": {"integrity_report": 1.5}}
    rules.create_version(store, clock, officer, "profile", {"commission": "130000", "version": "bench-1", "body": body})
    report = recompute.recompute_profiles(store, clock, "13")
    print(
        f"{'risk: recompute a province after a rule change':55s} {report.seconds:8.1f} s  "
        f"(target ≤ 30 s; {report.scanned:,} scanned, {report.changed:,} changed, {report.written:,} written)"
    )

    text = _records_jsonl(random.Random(3))
    result = monitoring.import_records(store, clock, officer, text, "jsonl")
    scan = monitoring.run_scan(store, clock, officer, "130402", date(2026, 1, 1), date(2026, 12, 31))
    print(
        f"{'risk: import 100,000 business records + scan':55s} {result.seconds + scan.seconds:8.1f} s  "
        f"(target ≤ 30 s; import {result.seconds:.1f} s, {result.imported:,} rows; scan {scan.seconds:.1f} s, "
        f"{scan.anomalies:,} anomalies, {scan.new_hits:,} new hits, {scan.profiles_changed:,} profiles changed)"
    )


if __name__ == "__main__":
    main()
