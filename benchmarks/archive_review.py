"""Archive: the one-click integrity review (廉政审核, issue 11 item 5) on the embedded store.

Longgang's 2,579 officials (pasted by name, 004/4 深圳龙岗) and a province's 200,000 (by id), each
with a file (registration, and for some a warning issued and lifted, organisational handling
still open, an inspection finding) and some with a sanction on record; the province's are the
simulated province's officials (``wuying_tools.simulator``, issue 15 item 2e). Targets: 2,579
≤ 1 s and 200,000 ≤ 60 s, resolving the list and computing every row. Printed, never asserted.
``ARCHIVE_BENCH_REVIEW`` scales the large run down.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import UTC, datetime

import mongoengine

from wuying_archive.domain.file import GENESIS_HASH, entry_hash
from wuying_archive.handlers import review
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import ALIAS, ArchiveStore, Dossier, FileEntry, FileHead, Official
from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_common.store import connect_store

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
RECORDED = datetime(2026, 11, 1, 2, 0)


class _Clock(SystemClock):
    def now(self):
        return NOW


def _entry(oid: str, county: str, seq: int, prev: str, kind: str, data: dict, when: str) -> dict:
    content = {
        "subject_kind": "official",
        "subject_id": oid,
        "county": county,
        "seq": seq,
        "kind": kind,
        "summary": kind,
        "source_event_id": str(uuid.uuid4()),
        "source_event_type": f"wuying.x.{kind}.v1",
        "occurred_at": when,
        "data": data,
    }
    return dict(
        content, _id=f"official/{oid}/{seq}", recorded_at=RECORDED, prev_hash=prev, hash=entry_hash(prev, content)
    )


def longgang(n: int):
    """``n`` officials of one district, each with a distinct name (they are pasted by name)."""
    for i in range(n):
        yield {"id": f"O{i:07d}", "name": f"干部{i}", "county": f"1304{i % 30:02d}", "unit_id": f"U{i % 1806:05d}"}


def province(n: int):
    """The simulated province's officials (``wuying_tools.simulator``, seed 7; issue 15 item 2e)."""
    from wuying_tools import simulator

    return simulator.officials(simulator.plan(7, scale=n / simulator.OFFICIALS))


def populate(people_rows, seed: int = 11) -> list[tuple[str, str]]:
    """The officials with their files and dossiers, written in bulk; returns (id, name)."""
    rng = random.Random(seed)
    officials, entries, heads, dossiers, people = [], [], [], [], []
    for i, person in enumerate(people_rows):
        oid, county, name = person["id"], person["county"], person["name"]
        people.append((oid, name))
        officials.append(
            {
                "_id": oid,
                "version": 1,
                "name": name,
                "county": county,
                "unit_id": person["unit_id"],
                "post": person.get("post", "科长"),
                "rank": person.get("rank", "正科级"),
                "status": "serving",
            }
        )
        base = {"official_id": oid, "county": county}
        events = [("official.changed", dict(base, change="registered"), "2025-01-02T02:00:00Z")]
        roll = rng.random()
        if roll < 0.10:
            events += [
                ("warning.issued", dict(base, warning_id=f"w{i}", colour="blue"), "2026-03-01T02:00:00Z"),
                ("warning.lifted", dict(base, warning_id=f"w{i}", lifted_on="2026-04-01"), "2026-04-01T02:00:00Z"),
            ]
        if roll < 0.02:
            events.append(("organisational_handling.opened", dict(base, task_id=f"t{i}"), "2026-10-01T02:00:00Z"))
        if 0.5 < roll < 0.55:
            finding = dict(base, finding_id=f"f{i}", disposition_zh="谈话函询", year=2026, round=1)
            events.append(("inspection.finding_recorded", finding, "2026-06-01T02:00:00Z"))
        prev = GENESIS_HASH
        for seq, (kind, data, when) in enumerate(events, start=1):
            entry = _entry(oid, county, seq, prev, kind, data, when)
            entries.append(entry)
            prev = entry["hash"]
        heads.append(
            {
                "_id": f"official/{oid}",
                "subject_kind": "official",
                "subject_id": oid,
                "county": county,
                "seq": len(events),
                "hash": prev,
            }
        )
        if 0.9 < roll < 0.93:
            dossiers.append(
                {
                    "_id": oid,
                    "version": 1,
                    "county": county,
                    "records": [
                        {
                            "id": "m1",
                            "kind": "sanction",
                            "source": "case_handling",
                            "recorded_on": "2026-05-01",
                            "sanction": "demerit",
                            "decided_on": "2026-05-01",
                            "entered_at": RECORDED,
                        }
                    ],
                }
            )
    for cls, rows in ((Official, officials), (FileEntry, entries), (FileHead, heads), (Dossier, dossiers)):
        collection = cls._get_collection()
        for start in range(0, len(rows), 20000):
            collection.insert_many(rows[start : start + 20000])
    return people


def run(label: str, people_rows, by_name: bool, scope: str) -> None:
    db = f"bench_review_{uuid.uuid4().hex[:6]}"
    connect_store(ALIAS, db, None)
    store = ArchiveStore(ALIAS, "embedded")
    start = time.perf_counter()
    people = populate(people_rows)
    setup = time.perf_counter() - start
    principal = Principal("bench", frozenset({"archive_keeper"}), (scope,))
    evaluator = Evaluator(WorkingDayCalendar.official())
    clock = _Clock()
    inputs = [name if by_name else oid for oid, name in people]
    start = time.perf_counter()
    found = review.create_review(store, clock, evaluator, principal, purpose="基准测试", people=inputs)
    found = review.run_review(store, clock, evaluator, found.id)
    elapsed = time.perf_counter() - start
    print(
        f"{label:46s} {elapsed:8.2f} s   ({found.done} rows, {found.with_findings} with findings, "
        f"{found.pending_items} pending, {len(found.unknown)} unresolved; setup {setup:.1f} s)"
    )
    mongoengine.disconnect(ALIAS)


def main() -> None:
    large = int(os.environ.get("ARCHIVE_BENCH_REVIEW", "200000"))
    print("archive integrity review (embedded store; targets 2,579 ≤ 1 s, 200,000 ≤ 60 s)")
    run("Longgang: 2,579 officials pasted by name", longgang(2579), by_name=True, scope="130400")
    run(f"province: {large:,} simulated officials by id", province(large), by_name=False, scope="130000")


if __name__ == "__main__":
    main()
