"""Warning statistics of a 100-county province on the embedded store (issue 14 item 7): the
statistics read (the scope's tallies by key, summed) against listing every warning as the
dashboard did before (pages of 1,000, dumped). Printed, never asserted.

    .venv/bin/python -m benchmarks.warning_statistics   # WARNING_STATS_BENCH_WARNINGS (6000) scales it

Warnings are inserted raw and the tallies rebuilt from them (``rebuild_tallies``, timed); a
sample of warnings is then saved through ``WarningStore.save`` to time what the tally entries add
to a write.

Then the quarterly report (``GET /api/v1/reports/quarterly``, the dashboard's slowest read): the
store is emptied and WARNING_STATS_BENCH_QUARTER (6000) warnings proposed in 2026 Q4 are inserted
raw (answers, overdue notices, escalations, liftings among them), the tallies rebuilt, and the
report of the province, a city and a county timed, dumped as JSON and printed as HTML. The same
module run on a tree before the year tallies (commit 4920dd8, the report by a scan) measures the
before: ``PYTHONPATH=<that tree>/services/warning:<that tree>/common``.
"""

from __future__ import annotations

import json
import os
import random
import statistics as stats
import tempfile
import time
from datetime import date, datetime, timedelta

WARNINGS = int(os.environ.get("WARNING_STATS_BENCH_WARNINGS", "6000"))
QUARTER_WARNINGS = int(os.environ.get("WARNING_STATS_BENCH_QUARTER", "6000"))
STATUSES = (
    (["proposed"] * 2 + ["issued"] * 4 + ["rectifying"] * 3 + ["answered", "rectified", "revisited", "appealed"])
    + ["lifted"] * 4
    + ["rejected", "revoked", "superseded", "transferred_as_case_clue"]
)
TODAY = date(2026, 11, 20)


def province_file() -> str:
    """130000 with 10 cities of 10 counties each: the simulated province's shape."""
    rows = [{"code": "130000", "name": "省", "parent": ""}]
    for c in range(1, 11):
        city = f"13{c:02d}00"
        rows.append({"code": city, "name": f"市{c}", "parent": "130000"})
        rows += [{"code": f"13{c:02d}{k:02d}", "name": f"县{c}-{k}", "parent": city} for k in range(1, 11)]
    path = os.path.join(tempfile.mkdtemp(prefix="wuying-bench-"), "divisions.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False)
    return path


def best(fn, runs: int = 7) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), stats.median(times)


def main() -> None:
    os.environ["WUYING_DIVISIONS_FILE"] = province_file()
    from wuying_common.auth import Principal
    from wuying_common.clock import SystemClock
    from wuying_common.paging import decode_cursor
    from wuying_common.store import Store, connect_store
    from wuying_warning import handlers
    from wuying_warning.persistence import WarningRecord, WarningStore
    from wuying_warning.schemas import StatisticsSchema, WarningSchema

    connect_store("warning", "bench_warning_statistics", None)
    store = WarningStore("warning", "embedded")
    principal = Principal("bench", frozenset({"auditor"}), ("130000",))
    counties = principal.counties_in("130000")
    rnd = random.Random(14)
    rows = []
    for i in range(WARNINGS):
        status, level = rnd.choice(STATUSES), rnd.choice([3, 3, 2, 1])
        issued = TODAY - timedelta(days=rnd.randrange(120))
        rows.append(
            {"_id": f"w{i:06d}", "county": rnd.choice(counties), "level": level, "status": status}
            | {"colour": {3: "blue", 2: "yellow", 1: "red"}[level], "official_id": f"o{i}", "unit_id": "u"}
            | {"proposer": "officer", "proposed_at": datetime.combine(issued, datetime.min.time()), "version": 1}
            | {"issued_on": issued.isoformat(), "answer_due": (issued + timedelta(days=14)).isoformat()}
            | {"fix_due": (issued + timedelta(days=31)).isoformat()}
        )
    WarningRecord._get_collection().insert_many(rows)

    class Today(SystemClock):
        def today(self):
            return TODAY

    started = time.perf_counter()
    rebuilt = store.rebuild_tallies()
    rebuild = time.perf_counter() - started
    figures = handlers.warning_statistics(store, Today(), principal, {"county": "130000"})

    def statistics_read():
        StatisticsSchema().dump(handlers.warning_statistics(store, Today(), principal, {"county": "130000"}))

    def city_read():
        StatisticsSchema().dump(handlers.warning_statistics(store, Today(), principal, {"county": "130100"}))

    def listing():
        page, query, n = None, {"limit": 1000}, 0
        while True:
            page = store.find(counties, query)
            n += len(WarningSchema(many=True).dump(page.items))
            if not page.next:
                return n
            query = {"limit": 1000, "cursor": decode_cursor(page.next)}

    listed = listing()
    s_best, s_median = best(statistics_read)
    c_best, c_median = best(city_read)
    l_best, l_median = best(listing, runs=3)

    sample = [store.warning(f"w{i:06d}") for i in range(0, WARNINGS, max(1, WARNINGS // 300))]
    started = time.perf_counter()
    for n, w in enumerate(sample):
        w.approval_note = f"with {n}"
        store.save(w)  # the record, then its tally entry
    with_tally = (time.perf_counter() - started) / len(sample)
    sample = [store.warning(w.id) for w in sample]
    started = time.perf_counter()
    for n, w in enumerate(sample):
        w.approval_note = f"without {n}"
        Store.save(store, w)  # the record alone (what a write cost before)
    without = (time.perf_counter() - started) / len(sample)

    print(
        f"{WARNINGS} warnings in {len(counties)} counties (embedded store), {figures.live} live, {figures.overdue} overdue on {TODAY}:"
    )
    print(f"  rebuild every county's tally from the warnings   {rebuild * 1000:8.0f} ms ({len(rebuilt)} tallies)")
    print(
        f"  statistics, province (100 counties), dumped       {s_best * 1000:8.1f} ms best, {s_median * 1000:.1f} ms median"
    )
    print(
        f"  statistics, one city (10 counties), dumped        {c_best * 1000:8.1f} ms best, {c_median * 1000:.1f} ms median"
    )
    print(
        f"  listing the province, pages of 1000, dumped       {l_best * 1000:8.0f} ms best, {l_median * 1000:.0f} ms median ({listed} warnings)"
    )
    print(f"  a warning's save with its tally entry             {with_tally * 1000:8.2f} ms ({len(sample)} saves)")
    print(f"  a warning's save without (Store.save)             {without * 1000:8.2f} ms")
    quarterly(store, principal, counties)


def quarter_rows(counties: list[str], n: int) -> list[dict]:
    """``n`` warnings proposed in 2026 Q4 in their stored form, as the simulated province's
    mostly blue ones: a third answered (1–10 days after the notice), some with overdue notices,
    escalated, or lifted within the quarter."""
    rnd = random.Random(7)
    triggers = [
        ("public_reports", "群众举报"),
        ("policy_deviation_signs", "政策执行偏差"),
        ("inquiry_not_rectified", "函询未整改"),
    ]
    rows = []
    for i in range(n):
        level = rnd.choice([3] * 8 + [2, 1])
        proposed = datetime(2026, 10, 1, 1) + timedelta(minutes=rnd.randrange(90 * 24 * 60))
        issued = proposed.date() + timedelta(days=rnd.randrange(3))
        code, label = rnd.choice(triggers)
        row = {"_id": f"q{i:06d}", "county": rnd.choice(counties), "level": level, "status": "issued", "version": 1}
        row |= {"colour": {3: "blue", 2: "yellow", 1: "red"}[level], "official_id": f"o{i}", "unit_id": "u"}
        row |= {"proposer": "risk", "proposed_at": proposed, "issued_on": issued.isoformat(), "trigger": code}
        row |= {"trigger_zh": label, "answer_due": (issued + timedelta(days=14)).isoformat()}
        if rnd.random() < 0.35:
            row["status"] = "answered"
            row["responses"] = [
                {
                    "kind": "explanation",
                    "content": "说明",
                    "on": (issued + timedelta(days=rnd.randint(1, 10))).isoformat(),
                }
            ]
        if rnd.random() < 0.05:
            row["overdue_notices"] = ["answer:3"]
        if rnd.random() < 0.02:
            row["escalated_from"] = f"q{max(0, i - 1):06d}"
        if rnd.random() < 0.05 and issued < date(2026, 12, 20):
            row["status"], row["lifted_on"] = "lifted", (issued + timedelta(days=10)).isoformat()
        rows.append(row)
    return rows


def quarterly(store, principal, counties: list[str]) -> None:
    """The quarterly report of the province, a city and a county over QUARTER_WARNINGS
    warnings of one quarter (see the module's docstring)."""
    from wuying_common.calendar import WorkingDayCalendar
    from wuying_warning import handlers, views
    from wuying_warning.persistence import WarningRecord
    from wuying_warning.schemas import QuarterlyReportSchema

    for document in store.documents:
        document.drop_collection()
    WarningRecord._get_collection().insert_many(quarter_rows(counties, QUARTER_WARNINGS))
    started = time.perf_counter()
    store.rebuild_tallies()
    rebuild = time.perf_counter() - started
    calendar = WorkingDayCalendar.official()

    def report(scope: str, html: bool = False):
        query = {"county": scope, "year": 2026, "quarter": 4, "format": "html" if html else "json"}
        dumped = QuarterlyReportSchema().dump(handlers.quarterly_report(store, calendar, principal, query))
        return views.quarterly_report_html(dumped) if html else dumped

    figures = report("130000")
    print(
        f"quarterly report 2026 Q4: {QUARTER_WARNINGS} warnings proposed in it; the province's: {figures['total']} counted,"
        f" {len(figures['overdue'])} overdue, {len(figures['escalated'])} escalated, {len(figures['lifted'])} lifted,"
        f" {figures['answer_working_days']['answered']} answered"
    )
    print(f"  rebuild the tallies from the warnings             {rebuild * 1000:8.0f} ms")
    for label, scope, html in (
        ("province (100 counties), JSON", "130000", False),
        ("province (100 counties), HTML", "130000", True),
        ("one city (10 counties), JSON", "130100", False),
        ("one county, JSON", counties[0], False),
    ):
        b, m = best(lambda scope=scope, html=html: report(scope, html), runs=5)
        print(f"  {label:<48}{b * 1000:8.1f} ms best, {m * 1000:.1f} ms median")


if __name__ == "__main__":
    main()
