"""Statistics of reports by channel, category and status, for the quarterly analysis
(seeds/002 篇5 三(二): 每季度对预警信息进行梳理分析) and the commission's own oversight.

A province's dashboard reads them for a hundred counties at once, so they are summed from
per-county, per-year tallies (``wuying_common.tallies``): each report's *entry* (``report_entry``)
holds what the figures need, and ``report_statistics`` sums the entries of a scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

from .catalog import CATEGORY_SHORT_ZH, CHANNELS, STATUSES_ZH

DURATIONS_ZH = {
    "working_days_to_acceptance": "收件至受理（研判）工作日",
    "working_days_to_closure": "收件至办结工作日",
}
DIMENSIONS = {"channel": CHANNELS, "category": CATEGORY_SHORT_ZH, "status": STATUSES_ZH}


def tally(rows: Iterable[dict]) -> dict:
    """``rows``: {channel, category, status}. Every known code appears, with zero when absent,
    so a table compares quarter with quarter."""
    counts: dict[str, Counter[str]] = {dim: Counter() for dim in DIMENSIONS}
    total = 0
    for row in rows:
        total += 1
        for dim in DIMENSIONS:
            counts[dim][row[dim]] += 1
    return {"total": total, **{dim: {code: counts[dim][code] for code in labels} for dim, labels in DIMENSIONS.items()}}


def csv_rows(county: str, stats: dict) -> list[list[str]]:
    """维度, 代码, 名称, 件数 — one line per code, for a spreadsheet."""
    rows = [["county", "dimension", "code", "name", "count"]]
    for dim, labels in DIMENSIONS.items():
        for code, count in stats[dim].items():
            rows.append([county, dim, code, labels[code], str(count)])
    rows.append([county, "total", "", "合计", str(stats["total"])])
    for measure, label in DURATIONS_ZH.items():
        for key, key_zh in (("average", "平均"), ("median", "中位数"), ("count", "件数")):
            value = (stats.get(measure) or {}).get(key)
            rows.append([county, measure, key, f"{label}{key_zh}", "" if value is None else str(value)])
    return rows


def durations(values: Iterable[int]) -> dict:
    """Average and median of working-day durations (None when nothing is measured yet)."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0, "average": None, "median": None}
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return {"count": len(ordered), "average": round(sum(ordered) / len(ordered), 1), "median": float(median)}


def report_entry(
    *,
    received_on: date,
    status: str,
    channel: str,
    category: str,
    accepted_on: date | None,
    closed_on: date | None,
    open_dues: Iterable[date],
    calendar,
) -> dict:
    """What one report counts for in its county's tally of its year of receipt: its date of
    receipt, status, channel and category, the working days from receipt to acceptance (研判)
    and to closure (办结) on the official calendar (``calendar.working_days_between``), and the
    due date of its first open deadline (not met, not waived), so whether it is overdue is
    decided on the day the figures are read (件件有着落, seeds/000 B; the console's
    ``openDeadline``). Dates are ISO strings; a figure that does not apply is left out."""
    entry = {"received_on": received_on.isoformat(), "status": status, "channel": channel, "category": category}
    if accepted_on is not None:
        entry["to_acceptance"] = calendar.working_days_between(received_on, accepted_on)[0]
    if closed_on is not None:
        entry["to_closure"] = calendar.working_days_between(received_on, closed_on)[0]
    first_due = min(open_dues, default=None)
    if first_due is not None:
        entry["open_due"] = first_due.isoformat()
    return entry


def years_between(since: date | None, until: date | None, years: Iterable[int]) -> list[int]:
    """The years of receipt (of those that hold reports) a range of dates of receipt overlaps."""
    low, high = since.year if since else None, until.year if until else None
    return sorted(y for y in set(years) if (low is None or y >= low) and (high is None or y <= high))


def report_statistics(
    scope: str,
    entries_by_county: Mapping[str, Iterable[dict]],
    today: date,
    since: date | None = None,
    until: date | None = None,
) -> dict:
    """The statistics of a scope (a county, a city or the province) from its counties' entries:
    counts by channel, category and status, working days to acceptance and to closure, and the
    reports whose first open deadline is before ``today`` (``overdue``), in total and per county
    (``counties``, so a dashboard draws every county from one read). Only entries received
    within ``since``..``until`` (inclusive) count: exact for any range, whatever the tallies'
    years."""
    low = since.isoformat() if since else ""
    high = until.isoformat() if until else "9999-12-31"
    day = today.isoformat()
    rows, counties = [], []
    for county, entries in entries_by_county.items():
        found = [e for e in entries if low <= e["received_on"] <= high]
        rows.extend(found)
        counties.append({"county": county, "total": len(found), **_measured(found, day)})
    return {"county": scope, **tally(rows), **_measured(rows, day), "counties": counties}


def _measured(entries: list[dict], day: str) -> dict:
    return {
        "working_days_to_acceptance": durations(e["to_acceptance"] for e in entries if "to_acceptance" in e),
        "working_days_to_closure": durations(e["to_closure"] for e in entries if "to_closure" in e),
        "overdue": sum(1 for e in entries if e.get("open_due", day) < day),
    }
