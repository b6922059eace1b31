"""Staff worklists (DESIGN.md §5: worklists of the day; issue 8 item 10): the reports whose open
deadlines are due within N working days or already overdue, by assignee and county; and internal
notes on a report (who, when, text), for staff only: never in anything a reporter can read, in
an RPC answer or in an event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .petition import IntakeRuleError

MAX_WITHIN = 30  # working days ahead a worklist looks
MAX_NOTES = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class DueItem:
    """One open deadline on a worklist."""

    petition_id: str
    county: str
    report_kind: str
    status: str
    routing: str
    assignee: str | None
    key: str
    label_zh: str
    unit: str
    due: date
    provisional: bool
    overdue: bool
    working_days: int  # left (≥ 0) or overdue (> 0, with ``overdue``)


def due_items(
    rows: Iterable[tuple],
    today: date,
    cutoff: date,
    working_days_between: Callable[[date, date], int],
) -> list[DueItem]:
    """``rows``: (petition fields, its open watched deadlines); the deadlines due on or before
    ``cutoff``, soonest (most overdue) first."""
    items = []
    for p, deadlines in rows:
        for d in deadlines:
            if d.due > cutoff:
                continue
            overdue = today > d.due
            days = working_days_between(d.due, today) if overdue else working_days_between(today, d.due)
            items.append(
                DueItem(
                    p.id, p.county, p.kind, p.status, p.routing, p.assignee,
                    d.key, d.label_zh, d.unit, d.due, bool(d.provisional), overdue, days,
                )
            )  # fmt: skip
    return sorted(items, key=lambda i: (i.due, i.petition_id, i.key))


def check_note(text: str, count: int) -> str:
    text = text.strip()
    if len(text) < 2:
        raise IntakeRuleError("内部备注不少于2个字", "text", code="note_required")
    if len(text) > NOTE_MAX:
        raise IntakeRuleError(f"内部备注不超过{NOTE_MAX}字", "text")
    if count >= MAX_NOTES:
        raise IntakeRuleError(f"每件最多{MAX_NOTES}条内部备注", "text", code="too_many_notes")
    return text
