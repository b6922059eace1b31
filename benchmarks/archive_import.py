"""Archive: importing a province's registry on the embedded store (issue 10 item 3).

200,000 officials and 50,000 units as the organisation department exports them (CSV), through
``import_stream`` — the function the ``wuying`` command calls — with the warning conditions
evaluated for every imported official; then the same files again (a no-op). Target: the first
import ≤ 60 s. Printed, never asserted. ``ARCHIVE_BENCH_OFFICIALS`` scales it down.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, date, datetime, timedelta

from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.handlers.importing import import_stream
from wuying_archive.persistence import ALIAS, ArchiveStore, Reminder
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_common.store import PENDING, connect_store

OFFICIAL_HEADER = "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags"
POSTS = [("局长", "正处级"), ("副局长", "副处级"), ("科长", "正科级"), ("副科长", "副科级"), ("科员", "科员")]
TAGS = ["", "", "", "key_minority", "finance", "sensitive_post;procurement", "reserve_cadre"]


class _Clock(SystemClock):
    def now(self):
        return datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def units(n: int, counties: list[str]):
    yield "id,name,county,kind,zone"
    for i in range(n):
        county = counties[i % len(counties)]
        yield f"U{i:06d},单位{i},{county},department,zone-{county[:4]}00"


def officials(n: int, n_units: int, counties: list[str], seed: int = 2026):
    rng = random.Random(seed)
    yield OFFICIAL_HEADER
    for i in range(n):
        unit = rng.randrange(n_units)
        post, rank = POSTS[rng.randrange(len(POSTS))]
        since = date(2026, 11, 1) - timedelta(days=rng.randrange(365 * 12))
        yield (
            f"O{i:07d},干部{i},{counties[unit % len(counties)]},U{unit:06d},{post},{rank},serving,"
            f"{since.isoformat()},{int(rng.random() < 0.05)},,{TAGS[rng.randrange(len(TAGS))]}"
        )


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:58s} {elapsed:8.1f} s")
    return result


def main() -> None:
    n_officials = int(os.environ.get("ARCHIVE_BENCH_OFFICIALS", 200_000))
    n_units = max(1, n_officials // 4)
    counties = [f"13{c:02d}{d:02d}" for c in range(1, 12) for d in range(2, 12)]  # 110 counties
    connect_store(ALIAS, "bench_archive_import", None)
    store = ArchiveStore(ALIAS, "embedded")
    store.ensure_indexes()
    clock, evaluator = _Clock(), Evaluator(WorkingDayCalendar.official())
    print(f"archive import: {n_officials:,} officials, {n_units:,} units, embedded store")
    u = timed(
        "units: first import", lambda: import_stream(store, clock, None, "units", "csv", units(n_units, counties))
    )
    o = timed(
        "officials: first import (diff, write, events, conditions)",
        lambda: import_stream(store, clock, evaluator, "officials", "csv", officials(n_officials, n_units, counties)),
    )
    print(f"  created {o.created:,}, events {o.events:,}, reminders {o.reminders:,}, failed {o.failed}")
    print(f"  units written {u.changed:,}; reminders stored {Reminder.objects.count():,}")
    u2 = timed(
        "units: the same file again",
        lambda: import_stream(store, clock, None, "units", "csv", units(n_units, counties)),
    )
    o2 = timed(
        "officials: the same file again (no-op)",
        lambda: import_stream(store, clock, evaluator, "officials", "csv", officials(n_officials, n_units, counties)),
    )
    print(f"  again: changed {o2.changed + u2.changed}, events {o2.events}, unchanged {o2.unchanged + u2.unchanged:,}")
    PENDING._keys.clear()  # the relay is not running here: forget the keys it would publish


if __name__ == "__main__":
    main()
