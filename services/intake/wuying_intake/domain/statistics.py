"""Statistics of reports by channel, category and status, for the quarterly analysis
(seeds/002 篇5 三(二): 每季度对预警信息进行梳理分析) and the commission's own oversight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .catalog import CATEGORY_SHORT_ZH, CHANNELS, STATUSES_ZH

DIMENSIONS = {"channel": CHANNELS, "category": CATEGORY_SHORT_ZH, "status": STATUSES_ZH}


def tally(rows: Iterable[dict]) -> dict:
    """``rows``: {channel, category, status}. Every known code appears, with zero when absent,
    so a table compares quarter with quarter."""
    counts = {dim: Counter() for dim in DIMENSIONS}
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
    return rows
