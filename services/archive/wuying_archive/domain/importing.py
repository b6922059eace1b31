"""Reading an organisation department's export of officials and units (CSV or JSON lines).

Pure and fast (a province is 200,000 officials and 50,000 units): each line is read and checked
on its own, so a bad line is reported with its line number and field and the rest still import.

CSV: the first line of the file (and of every chunk sent on its own) is the header; ``tags`` are
separated by ``;``; booleans are ``1/0``, ``true/false`` or ``是/否``. JSON lines: one object per
line. Officials::

    id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags
    130402-O00001,张伟,130402,130402-U01,局长,正处级,serving,2019-03-01,0,,key_minority;principal

Units::

    id,name,county,kind,zone
    130402-U01,邯山区住建局,130402,department,zone-130400

``status`` is ``serving`` (default), ``seconded`` (with ``seconded_to``, a unit id), ``left``,
``retired`` or ``deceased``; ``since`` is the date the current post or status began (the
effective date of a change; the import's date when empty).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from .personnel import STATUSES
from .tags import TagVocabulary

COUNTY = re.compile(r"^\d{6}$")
TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"", "0", "false", "no", "n", "否", "f"}

OFFICIAL_COLUMNS = (
    "id",
    "name",
    "county",
    "unit_id",
    "post",
    "rank",
    "status",
    "since",
    "commission_staff",
    "seconded_to",
    "tags",
)
UNIT_COLUMNS = ("id", "name", "county", "kind", "zone")
LIMITS = {"id": 64, "name": 100, "unit_id": 64, "post": 60, "rank": 20, "kind": 40, "zone": 64, "seconded_to": 64}


class RowInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str


#: The dates a ``since`` may take: a registry's, not a calendar's whole range.
SINCE_FIRST, SINCE_LAST = date(1900, 1, 1), date(2100, 12, 31)


def _text(raw: dict, key: str, required: bool = True) -> str:
    value = raw.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RowInvalid(key, "必填")
    if len(value) > LIMITS.get(key, 100):
        raise RowInvalid(key, f"不得超过 {LIMITS.get(key, 100)} 个字符")
    return value


def _bool(raw: dict, key: str) -> bool:
    value = raw.get(key)
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowInvalid(key, "必须是 1/0、true/false 或 是/否")


def _county(raw: dict) -> str:
    county = _text(raw, "county")
    if not COUNTY.match(county):
        raise RowInvalid("county", "必须是六位行政区划代码 (GB/T 2260)")
    return county


def check_official(raw: dict, tags: TagVocabulary) -> dict:
    """A checked official row; ``RowInvalid`` names the first bad field."""
    row: dict[str, object] = {
        "id": _text(raw, "id"),
        "name": _text(raw, "name"),
        "county": _county(raw),
        "unit_id": _text(raw, "unit_id"),
        "post": _text(raw, "post"),
        "rank": _text(raw, "rank"),
    }
    status = _text(raw, "status", required=False) or "serving"
    if status not in STATUSES:
        raise RowInvalid("status", f"只能是 {'、'.join(STATUSES)}")
    row["status"] = status
    seconded_to = _text(raw, "seconded_to", required=False) or None
    if status == "seconded" and not seconded_to:
        raise RowInvalid("seconded_to", "借调/挂职人员必须填写借调单位")
    row["seconded_to"] = seconded_to if status == "seconded" else None
    since = raw.get("since")
    if since:
        try:
            since_day = date.fromisoformat(str(since).strip())
        except ValueError:
            raise RowInvalid("since", "必须是日期 YYYY-MM-DD") from None
        row["since"] = since_day
        if not SINCE_FIRST <= since_day <= SINCE_LAST:
            # a tenure's deadlines are counted from it: year 9990 has no month to add (was a 500)
            raise RowInvalid("since", f"日期须在 {SINCE_FIRST.year} 至 {SINCE_LAST.year} 年之间")
    else:
        row["since"] = None
    row["commission_staff"] = _bool(raw, "commission_staff")
    listed = raw.get("tags") or []
    if isinstance(listed, str):
        listed = [t.strip() for t in re.split(r"[;；|]", listed) if t.strip()]
    try:
        row["tags"] = tags.check(listed)
    except Exception as exc:  # InvalidInput: the same message, as a row error
        raise RowInvalid("tags", getattr(exc, "message", str(exc))) from None
    return row


def check_unit(raw: dict) -> dict:
    return {
        "id": _text(raw, "id"),
        "name": _text(raw, "name"),
        "county": _county(raw),
        "kind": _text(raw, "kind"),
        "zone": _text(raw, "zone", required=False) or None,
    }


def parse_lines(fmt: str, lines: Iterable[str], first_line: int = 1) -> Iterator[tuple[int, dict | LineError]]:
    """(line number, raw row or the line's error) for every non-empty data line.

    ``first_line`` is the number of the first line given (the CSV header's, for CSV)."""
    if fmt == "jsonl":
        for number, line in enumerate(lines, start=first_line):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                yield number, LineError(number, "_line", "不是合法的 JSON")
                continue
            if not isinstance(value, dict):
                yield number, LineError(number, "_line", "必须是 JSON 对象")
                continue
            yield number, value
        return
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}")
    reader = csv.reader(lines)
    header: list[str] | None = None
    for number, cells in enumerate(reader, start=first_line):
        if header is None:
            header = [c.strip().lstrip("\ufeff") for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            yield number, LineError(number, "_line", f"列数 {len(cells)} 多于表头的 {len(header)} 列")
            continue
        yield number, dict(zip(header, cells, strict=False))
