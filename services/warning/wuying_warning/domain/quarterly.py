"""The quarterly report (廉政风险信息预警专报, seeds/002 篇5 三(二): 每季度 … 梳理分析, 呈报党委、
政府主要领导参阅) counted from per-county, per-year tallies (``wuying_common.tallies``; issue 14
item 7: the province dashboard without reading every warning of the quarter).

A warning's *quarter entry* holds exactly what the report counts from, built from the record
alone: level and colour, status, trigger code and its Chinese label, the proposal instant (the
report's order) and its Beijing date, the issue, lift and first-answer dates, whether overdue
notices went out (篇5 六, 七(一)) and whether it was escalated from a lower warning (篇5 七(一)).
The entry is kept in the tally of every year the warning *touches* (proposed, issued or lifted
in it: a warning proposed in December and lifted in January is in both), so one quarter's
report reads its year's tallies only. The working days to the first answer are counted when the
report is read, on the calendar the report uses: a year loaded later changes them without any
entry being rewritten.

A warning's years only grow: ``proposed_at`` is written once, ``issued_on`` on issue and
``lifted_on`` on lifting, none of them ever cleared; an entry in a year it no longer touched
could only come from a rewrite of those dates, and ``rebuild_tallies`` mends that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from wuying_common.clock import beijing_date

from .levels import LEVELS

UNSPECIFIED_TRIGGER = ("unspecified", "未注明")


def quarter_entry(
    *,
    level: int,
    colour: str,
    status: str,
    trigger: str | None,
    trigger_zh: str | None,
    proposed_at: datetime,
    issued_on: str | None,
    lifted_on: str | None,
    responses: list | None,
    overdue_notices: list | None,
    escalated_from: str | None,
) -> dict:
    """What a warning counts for in the quarterly report (the record's fields by name). ``at``
    is the proposal instant (naive UTC, to the millisecond as MongoDB keeps it) in ISO form, so
    entries sort as the warnings do; optional facts are left out when absent."""
    at = proposed_at.replace(tzinfo=None, microsecond=proposed_at.microsecond // 1000 * 1000)
    entry: dict = {
        "level": int(level),
        "colour": colour,
        "status": status,
        "trigger": trigger or UNSPECIFIED_TRIGGER[0],
        "trigger_zh": trigger_zh or UNSPECIFIED_TRIGGER[1],
        "at": at.isoformat(timespec="milliseconds"),
        "proposed": beijing_date(proposed_at).isoformat(),
    }
    if issued_on:
        entry["issued"] = issued_on
    if lifted_on:
        entry["lifted"] = lifted_on
    if responses:
        entry["answered"] = responses[0]["on"]
    if overdue_notices:
        entry["overdue"] = True
    if escalated_from:
        entry["escalated"] = True
    return entry


def entry_years(entry: Mapping) -> list[int]:
    """The years whose tallies hold the entry: those it was proposed (Beijing), issued or
    lifted in."""
    return sorted({int(entry[k][:4]) for k in ("proposed", "issued", "lifted") if entry.get(k)})


@dataclass(frozen=True)
class QuarterCounts:
    """The report's figures, with the ids its three lists show (ordered by proposal)."""

    total: int
    by_level: dict[str, int]
    by_status: dict[str, int]
    by_trigger: list[tuple[str, str, int]]  # (code, label, count), most frequent first
    overdue: list[str]
    escalated: list[str]
    lifted: list[str]
    answer_days: list[int]


def count_quarter(
    entries: Mapping[str, Mapping], first: date, last: date, working_days: Callable[[str, str], int]
) -> QuarterCounts:
    """The quarter ``first``–``last`` counted from the scope's entries (warning id → entry,
    the scope's tallies of the quarter's year merged): the warnings issued or proposed in it
    (by level, status and trigger; those with overdue notices or escalated), those lifted in
    it, and ``working_days(issued, answered)`` of each first answer not before the issue."""
    low, high = first.isoformat(), last.isoformat()

    def inside(day: str | None) -> bool:
        return day is not None and low <= day <= high

    ordered: Iterable[tuple[str, Mapping]] = sorted(entries.items(), key=lambda item: (item[1]["at"], item[0]))
    by_level = {LEVELS[n].colour: 0 for n in (3, 2, 1)}
    by_status: dict[str, int] = {}
    triggers: dict[str, list] = {}  # code → [label of the first warning, count]
    overdue, escalated, lifted, answer_days = [], [], [], []
    total = 0
    for warning_id, e in ordered:
        if inside(e.get("lifted")):
            lifted.append(warning_id)
        if not (inside(e.get("issued")) or inside(e["proposed"])):
            continue
        total += 1
        by_level[e["colour"]] = by_level.get(e["colour"], 0) + 1
        by_status[e["status"]] = by_status.get(e["status"], 0) + 1
        triggers.setdefault(e["trigger"], [e["trigger_zh"], 0])[1] += 1
        if e.get("overdue"):
            overdue.append(warning_id)
        if e.get("escalated"):
            escalated.append(warning_id)
        issued, answered = e.get("issued"), e.get("answered")
        if issued and answered and answered >= issued:
            answer_days.append(working_days(issued, answered))
    by_trigger = sorted(((code, label, n) for code, (label, n) in triggers.items()), key=lambda r: (-r[2], r[0]))
    return QuarterCounts(
        total=total,
        by_level=by_level,
        by_status=dict(sorted(by_status.items())),
        by_trigger=by_trigger,
        overdue=overdue,
        escalated=escalated,
        lifted=lifted,
        answer_days=answer_days,
    )
