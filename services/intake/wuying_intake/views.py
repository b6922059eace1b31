"""Renderings beside the entrypoints: what is not JSON (the statistics as CSV for spreadsheets)."""

from __future__ import annotations

import csv
import io

from .domain.statistics import csv_rows


def statistics_csv(stats: dict) -> str:
    """The statistics as CSV rows (``domain/statistics.csv_rows``); the route adds the BOM."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(stats["county"], stats))
    return buffer.getvalue()
