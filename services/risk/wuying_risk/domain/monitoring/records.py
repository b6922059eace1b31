"""Importing business records: CSV or JSON lines, each row checked and its problems reported by
line and field while the rest import (seeds/003 宝安)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .rules import BUYER_KINDS, CATEGORIES, DOMAINS, METHODS

FIELDS = (
    "record_id",
    "county",
    "domain",
    "category",
    "buyer_unit_id",
    "buyer_kind",
    "responsible_official_id",
    "supplier_id",
    "supplier_name",
    "subject",
    "amount",
    "method",
    "announced_on",
    "awarded_on",
    "contracted_on",
)
REQUIRED = (
    "record_id",
    "county",
    "domain",
    "category",
    "buyer_unit_id",
    "responsible_official_id",
    "supplier_id",
    "amount",
    "method",
    "awarded_on",
)


# -- import: rows, line numbers, field errors -------------------------------------------------
@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


def read_rows(text: str, fmt: str) -> Iterable[tuple[int, dict[str, Any] | None, RowError | None]]:
    """(line number, raw row or None, error or None) for each data line of a CSV (with a header
    line) or JSON-lines body; blank lines are skipped."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None:
            return
        missing = [f for f in REQUIRED if f not in reader.fieldnames]
        if missing:
            yield 1, None, RowError(1, missing[0], f"表头缺少字段：{'、'.join(missing)}")
            return
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, {k: v for k, v in row.items() if k is not None}, None
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            yield number, None, RowError(number, "_line", "不是合法的 JSON")
            continue
        if not isinstance(raw, dict):
            yield number, None, RowError(number, "_line", "每行须为一个 JSON 对象")
            continue
        yield number, raw, None


def _date(value: Any) -> date | None:
    text = str(value or "").strip()
    return date.fromisoformat(text) if text else None


def check_row(line: int, raw: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[RowError]]:
    """A clean record from one raw row, or every problem of the row by field."""
    errors: list[RowError] = []
    row = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in FIELDS}
    for name in REQUIRED:
        if not row[name]:
            errors.append(RowError(line, name, "必填"))
    if row["county"] and not (len(row["county"]) == 6 and row["county"].isdigit()):
        errors.append(RowError(line, "county", "必须是六位行政区划代码"))
    for name, allowed in (
        ("domain", DOMAINS),
        ("category", CATEGORIES),
        ("method", METHODS),
        ("buyer_kind", BUYER_KINDS),
    ):
        if row[name] and row[name] not in allowed:
            errors.append(RowError(line, name, f"取值须为：{'、'.join(k for k in allowed if k)}"))
    amount = None
    if row["amount"]:
        try:
            amount = float(row["amount"])
            if not amount > 0 or amount != amount or amount > 1e12:
                raise ValueError
        except ValueError:
            errors.append(RowError(line, "amount", "须为正数（元）"))
    dates: dict[str, date | None] = {}
    for name in ("announced_on", "awarded_on", "contracted_on"):
        try:
            dates[name] = _date(row[name])
        except ValueError:
            errors.append(RowError(line, name, "日期格式须为 YYYY-MM-DD"))
    for name in ("record_id", "buyer_unit_id", "responsible_official_id", "supplier_id"):
        if len(row[name]) > 100:
            errors.append(RowError(line, name, "不超过 100 个字符"))
    if errors:
        return None, errors
    clean: dict[str, Any] = dict(row)
    clean["amount"] = amount
    for name, value in dates.items():
        clean[name] = value.isoformat() if value else ""
    return clean, []
