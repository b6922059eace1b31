"""Lists on the embedded store (issue 15 item 3): a cursor page of a city's officials, and the
quarterly report's read of a province's warnings. Printed, never asserted.

    .venv/bin/python -m benchmarks.lists        # LISTS_BENCH_OFFICIALS, LISTS_BENCH_WARNINGS scale it

- a page by ``_id`` (``Store.paged``) walks the collection's keys from the cursor and stops at
  ``limit + 1`` matches; mongomock's own query (``order_by("pk").limit(n)``, what a page cost
  before) tests and sorts every document — both are timed;
- the quarterly report reads the quarter of all the province's counties in one ranged query;
  before, one query per county — both are timed.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, datetime, timedelta

from wuying_common.access import divisions
from wuying_common.paging import decode_cursor
from wuying_common.store import connect_store

OFFICIALS = int(os.environ.get("LISTS_BENCH_OFFICIALS", "20000"))
WARNINGS = int(os.environ.get("LISTS_BENCH_WARNINGS", "20000"))
PAGES = 10


def officials_pages() -> None:
    from wuying_archive.persistence import ArchiveStore, Official

    connect_store("archive", "bench_lists_archive", None)
    store = ArchiveStore("archive", "embedded")
    city = tuple(divisions().counties_under("130400"))
    counties = divisions().counties_under("130000")
    Official._get_collection().insert_many(
        [
            {
                "_id": f"{counties[i % len(counties)]}-O{i:06d}",
                "name": f"干部{i}",
                "county": counties[i % len(counties)],
            }
            | {"unit_id": "u", "post": "科长", "rank": "正科级", "status": "serving", "version": 1}
            for i in range(OFFICIALS)
        ]
    )
    started, page, pages = time.perf_counter(), store.official_list(city, {"limit": 100}), 1
    while page.next and pages < PAGES:
        page = store.official_list(city, {"limit": 100, "cursor": decode_cursor(page.next)})
        pages += 1
    keyed = (time.perf_counter() - started) / pages
    started = time.perf_counter()
    after = ""
    for _ in range(PAGES):
        rows = list(Official.objects(county__in=list(city), pk__gt=after).order_by("pk").limit(101))
        after = rows[99].pk
    scanned = (time.perf_counter() - started) / PAGES
    print(f"{OFFICIALS} officials, a page of 100 of a city's ({len(city)} counties), {PAGES} pages:")
    print(f"  by key from the cursor (Store.paged)      {keyed * 1000:8.1f} ms a page")
    print(f"  mongomock query, filter + sort (before)   {scanned * 1000:8.1f} ms a page")


def quarterly_read() -> None:
    from wuying_warning.persistence import WarningRecord, WarningStore

    connect_store("warning", "bench_lists_warning", None)
    store = WarningStore("warning", "embedded")
    counties = divisions().counties_under("130000")
    rnd = random.Random(7)
    WarningRecord._get_collection().insert_many(
        [
            {"_id": f"w{i:06d}", "county": rnd.choice(counties), "level": 3, "status": "issued"}
            | {"official_id": f"o{i}", "unit_id": "u", "version": 1}
            | {"proposed_at": datetime(2024, 1, 1) + timedelta(hours=rnd.randrange(3 * 365 * 24))}
            for i in range(WARNINGS)
        ]
    )
    first, last = date(2026, 10, 1), date(2026, 12, 31)
    started = time.perf_counter()
    before = sum(len(store.touching_period((county,), first, last)) for county in counties)
    per_county = time.perf_counter() - started
    started = time.perf_counter()
    now = len(store.touching_period(tuple(counties), first, last))
    one_read = time.perf_counter() - started
    print(f"{WARNINGS} warnings over 3 years, the province's quarterly report ({len(counties)} counties, {now} in Q4):")
    print(f"  one ranged read over the counties (now)   {one_read * 1000:8.0f} ms")
    print(f"  one read per county (before)              {per_county * 1000:8.0f} ms ({before} found)")


if __name__ == "__main__":
    officials_pages()
    quarterly_read()
