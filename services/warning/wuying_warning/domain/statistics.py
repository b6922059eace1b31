"""Warning statistics of a county, a city or the province, summed from per-county tallies
(``wuying_common.tallies``; issue 14 item 7: the province dashboard without listing warnings).

A warning's *entry* is what it counts for now, built from the record alone:

- ``None`` once the warning is no longer live: the terminal statuses of the state machine
  (``domain.lifecycle.TERMINAL``, seeds/002 篇5 五–七, 篇8 第十八条): ``lifted`` (解除预警, 篇5
  六4), ``revoked`` (申诉撤销, 篇5 七(三)), ``rejected`` (不予发出, 篇5 三(一)2), ``superseded``
  (a higher warning of the matter issued, 篇5 七(一), 七(四)) and ``transferred_as_case_clue``
  (转为案件线索, 篇5 三(一)3): the warnings board's "closed" list, the same five;
- otherwise (``lifecycle.OPEN``: ``proposed``, ``issued``, ``answered``, ``rectifying``,
  ``rectified``, ``revisited``, ``appealed``) ``{"level", "status", "due"?}``. ``due`` is the
  date the official's current step falls due, where the warnings board shows one: the answer
  (``answer_due``, 篇5 六1–六3) while ``issued``, the rectification (``fix_due``, 篇5 六2–六3)
  while ``rectifying``. No other status has a deadline the board shows: a proposal, an answer
  or rectification waiting for the revisit, a revisited warning awaiting its lifting have
  none, and an appeal stops the clock (篇5 七(三)). An entry holds the date, never "overdue":
  a read on any day counts the entries due *before* it (a step is overdue from the day after
  its due date, as the deadline timer finds it, 篇5 六, 七(一)).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .lifecycle import OPEN, TERMINAL

LIVE = OPEN
NOT_LIVE = TERMINAL
#: the status whose step has a deadline the board shows → the record field that holds it
DUE_FIELD = {"issued": "answer_due", "rectifying": "fix_due"}
LEVEL_KEYS = ("1", "2", "3")  # red, yellow, blue: ``by_level`` keys, strings as in JSON


def tally_entry(status: str, level: int, answer_due: str | None, fix_due: str | None) -> dict | None:
    """What a warning counts for now: ``None`` when it is not live, else its level, status and
    the ISO date its current step falls due (absent when the step has none)."""
    if status not in LIVE:
        return None
    entry: dict = {"level": int(level), "status": status}
    due = {"answer_due": answer_due, "fix_due": fix_due}.get(DUE_FIELD.get(status, ""))
    if due:
        entry["due"] = due
    return entry


@dataclass(frozen=True)
class CountyFigures:
    county: str
    live: int = 0
    by_level: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVEL_KEYS, 0))
    overdue: int = 0


@dataclass(frozen=True)
class Statistics:
    """The scope's figures and every county's (zeros included), sorted by county code."""

    county: str
    as_of: str
    live: int
    by_level: dict[str, int]
    overdue: int
    counties: list[CountyFigures]


def county_figures(county: str, entries: Iterable[Mapping], today: str) -> CountyFigures:
    """One county's figures from its tally's entries on ``today`` (ISO date)."""
    by_level = dict.fromkeys(LEVEL_KEYS, 0)
    live = overdue = 0
    for entry in entries:
        live += 1
        key = str(entry.get("level"))
        by_level[key] = by_level.get(key, 0) + 1
        due = entry.get("due")
        if due and due < today:
            overdue += 1
    return CountyFigures(county, live, by_level, overdue)


def sum_tallies(
    scope: str, counties: Iterable[str], tallies: Mapping[str, Mapping[str, Mapping]], today: str
) -> Statistics:
    """The figures of ``scope`` (a county, city or province code) over ``counties`` from their
    tallies (county → record key → entry; a county without one counts zero) on ``today``."""
    rows = [county_figures(c, (tallies.get(c) or {}).values(), today) for c in sorted(set(counties))]
    by_level = dict.fromkeys(LEVEL_KEYS, 0)
    for row in rows:
        for key, n in row.by_level.items():
            by_level[key] = by_level.get(key, 0) + n
    return Statistics(
        county=scope,
        as_of=today,
        live=sum(r.live for r in rows),
        by_level=by_level,
        overdue=sum(r.overdue for r in rows),
        counties=rows,
    )
