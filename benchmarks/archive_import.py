"""Archive: importing a province's registry on the embedded store (issue 10 item 3).

200,000 officials and 50,000 units as the organisation department exports them (CSV), through
``import_stream`` — the function the ``wuying`` command calls — with the warning conditions
evaluated for every imported official; then the same files again (a no-op). Target: the first
import ≤ 60 s. Printed, never asserted. ``ARCHIVE_BENCH_OFFICIALS`` scales it down.

The rows are the simulated province's (``wuying_tools.simulator``, seed 7; issue 15 item 2e):
100 real counties, posts, ranks, tags and tenures as ``wuying simulate generate`` writes them.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.handlers.importing import import_stream
from wuying_archive.persistence import ALIAS, ArchiveStore, Reminder
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_common.store import PENDING, connect_store


class _Clock(SystemClock):
    def now(self):
        return datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:58s} {elapsed:8.1f} s")
    return result


def main() -> None:
    from wuying_tools import simulator

    n_officials = int(os.environ.get("ARCHIVE_BENCH_OFFICIALS", 200_000))
    plan = simulator.plan(7, scale=n_officials / simulator.OFFICIALS)
    n_units = plan.total("units")
    n_officials = plan.total("officials")
    connect_store(ALIAS, "bench_archive_import", None)
    store = ArchiveStore(ALIAS, "embedded")
    store.ensure_indexes()
    clock, evaluator = _Clock(), Evaluator(WorkingDayCalendar.official())
    print(
        f"archive import: {n_officials:,} officials, {n_units:,} units of the simulated province "
        f"({len(plan.counties)} counties), embedded store"
    )

    def units_file():
        return simulator.file_lines(plan, "units.csv")

    def officials_file():
        return simulator.file_lines(plan, "officials.csv")

    u = timed("units: first import", lambda: import_stream(store, clock, None, "units", "csv", units_file()))
    o = timed(
        "officials: first import (diff, write, events, conditions)",
        lambda: import_stream(store, clock, evaluator, "officials", "csv", officials_file()),
    )
    print(f"  created {o.created:,}, events {o.events:,}, reminders {o.reminders:,}, failed {o.failed}")
    print(f"  units written {u.changed:,}; reminders stored {Reminder.objects.count():,}")
    u2 = timed("units: the same file again", lambda: import_stream(store, clock, None, "units", "csv", units_file()))
    o2 = timed(
        "officials: the same file again (no-op)",
        lambda: import_stream(store, clock, evaluator, "officials", "csv", officials_file()),
    )
    print(f"  again: changed {o2.changed + u2.changed}, events {o2.events}, unchanged {o2.unchanged + u2.unchanged:,}")
    PENDING._keys.clear()  # the relay is not running here: forget the keys it would publish


if __name__ == "__main__":
    main()
