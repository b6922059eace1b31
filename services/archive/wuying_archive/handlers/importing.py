"""Importing the registry at province scale (CSV or JSON lines, streamed, idempotent).

The organisation department's export (format in ``domain.importing``) is read a batch at a time:
each line checked on its own (a bad line is reported with its number and field; the rest of the
batch still imports), the batch diffed against the stored officials by key, and only real changes
written — each official ONE document write with its ``official.changed`` (nothing half-written).
Re-importing the same file changes nothing and emits nothing; re-running a corrected file
completes it. The changes are announced as ``officials.imported`` (one event per county and 500
changes, ``registry.apply_officials``), not one ``official.changed`` each: a province is 400
events, not 200,000 (issue 15). Conditions are evaluated for every official the import changed.

``import_stream`` is what the ``wuying`` command calls (with a progress callback); the HTTP
endpoint takes one chunk at a time through ``import_chunk``. Kind ``matters`` (family and
interests, JSON lines) goes to ``matters_import``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from wuying_common.clock import SystemClock
from wuying_common.rules import InvalidInput

from ..domain.importing import LineError, RowInvalid, check_official, check_unit, parse_lines
from ..domain.tags import vocabulary
from ..persistence import ArchiveStore
from .conditions import Evaluator, evaluate
from .matters_import import import_matters
from .registry import apply_officials, apply_units

BATCH = 2000
MAX_ERRORS = 1000  # reported per summary; the count is always exact


@dataclass
class ImportSummary:
    kind: str
    lines: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    events: int = 0
    reminders: int = 0
    errors: list[LineError] = field(default_factory=list)

    def add(self, other: ImportSummary) -> None:
        for key in ("lines", "created", "changed", "unchanged", "failed", "events", "reminders"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.errors.extend(other.errors[: max(0, MAX_ERRORS - len(self.errors))])


def import_chunk(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator | None,
    kind: str,
    fmt: str,
    lines: Iterable[str],
    *,
    first_line: int = 1,
    as_of: date | None = None,
    counties: Callable[[str], bool] | None = None,
    seen: dict[str, int] | None = None,
) -> ImportSummary:
    """Import one chunk of lines. A CSV chunk starts with the header line; ``first_line`` is the
    file's line number of the chunk's first data line (errors name file lines). ``counties``
    refuses a row outside the caller's counties. An id given twice in one file (``seen``: the
    ids read so far and their lines) is refused on its second line: a file says one thing about
    each person, so importing it twice is the same as once."""
    seen = {} if seen is None else seen
    summary = ImportSummary(kind)
    if kind == "matters":  # family and interests (issue 15): JSON lines only
        if fmt != "jsonl":
            raise InvalidInput("format", "家庭成员与利益关联只能以 JSON Lines 导入", "validation_failed")
        if evaluator is None:
            raise TypeError("a family-and-interests import evaluates conditions: an evaluator is required")
        import_matters(store, clock, evaluator, lines, summary, first_line=first_line, counties=counties, fail=_fail)
        return summary
    tags = vocabulary()
    rows: list[tuple[int, dict]] = []
    for number, raw in parse_lines(fmt, lines, first_line - 1 if fmt == "csv" else first_line):
        summary.lines += 1
        if isinstance(raw, LineError):
            _fail(summary, raw)
            continue
        try:
            row = check_official(raw, tags) if kind == "officials" else check_unit(raw)
        except RowInvalid as exc:
            _fail(summary, LineError(number, exc.field, exc.message))
            continue
        if counties is not None and not counties(row["county"]):
            _fail(summary, LineError(number, "county", "不在令牌授权的地区范围内"))
            continue
        if row["id"] in seen:
            _fail(summary, LineError(number, "id", f"编号与第 {seen[row['id']]} 行重复"))
            continue
        seen[row["id"]] = number
        rows.append((number, row))
    for start in range(0, len(rows), BATCH):
        _write(store, clock, evaluator, kind, rows[start : start + BATCH], as_of, summary)
    return summary


def _fail(summary: ImportSummary, error: LineError) -> None:
    summary.failed += 1
    if len(summary.errors) < MAX_ERRORS:
        summary.errors.append(error)


def _write(store, clock, evaluator, kind, rows, as_of, summary: ImportSummary) -> None:
    if kind == "units":
        written, unchanged = apply_units(store, rows)
        summary.changed += written  # a unit is written whole: new or changed alike
        summary.unchanged += unchanged
        return
    applied = apply_officials(store, clock, rows, today=as_of, batched=True)
    summary.created += len(applied.created)
    summary.changed += len(applied.changed)
    summary.unchanged += applied.unchanged
    summary.events += applied.events
    for error in applied.errors:
        _fail(summary, error)
    if evaluator is not None and applied.rows:
        summary.reminders += len(evaluate(store, clock, evaluator, applied.rows.values(), documents=False))


def import_stream(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator | None,
    kind: str,
    fmt: str,
    lines: Iterable[str],
    *,
    batch: int = BATCH,
    as_of: date | None = None,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import a whole file, streamed ``batch`` lines at a time (memory stays flat); ``progress``
    is called with the running summary after each batch (the command's progress bar)."""
    total = ImportSummary(kind)
    iterator = iter(lines)
    number = 1
    header: list[str] = []
    seen: dict[str, int] = {}
    if fmt == "csv":
        first = next(iterator, None)
        if first is None:
            return total
        header = [first]
        number = 2
    while True:
        chunk = list(islice(iterator, batch))
        if not chunk:
            break
        part = import_chunk(
            store, clock, evaluator, kind, fmt, header + chunk, first_line=number, as_of=as_of, seen=seen
        )
        total.add(part)
        number += len(chunk)
        if progress is not None:
            progress(total)
    return total
