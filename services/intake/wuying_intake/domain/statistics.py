"""Statistics of reports by channel, category and status, for the quarterly analysis
(seeds/002 篇5 三(二): 每季度对预警信息进行梳理分析) and the commission's own oversight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

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
