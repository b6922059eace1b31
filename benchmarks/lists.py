"""Lists on the embedded store (issue 15 item 3): a cursor page of a city's officials. Printed,
never asserted. (The quarterly report's ranged read this also timed is gone: the report counts
per-year tallies now, ``benchmarks.warning_statistics``.)

    .venv/bin/python -m benchmarks.lists        # LISTS_BENCH_OFFICIALS scales it

- a page by ``_id`` (``Store.paged``) walks the collection's keys from the cursor and stops at
  ``limit + 1`` matches; mongomock's own query (``order_by("pk").limit(n)``, what a page cost
  before) tests and sorts every document — both are timed;
"""

from __future__ import annotations

import os
import time

from wuying_common.access import divisions
from wuying_common.paging import decode_cursor
from wuying_common.store import connect_store

OFFICIALS = int(os.environ.get("LISTS_BENCH_OFFICIALS", "20000"))
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


if __name__ == "__main__":
    officials_pages()
