"""Coverage: is every unit inspected at least twice this year (seeds/000 E; 001 贵州 全覆盖)?

000/E: "全市各级纪检监察机关系统内作风巡察每年不少于2次"; 001 贵州 reports its coverage as a
figure: "完成对……1806个单位的内部督查全覆盖". For every unit in scope and a year, one status:

- ``done``: at least two rounds and every round completed;
- ``missed``: the year is over and it is not done (no plan, or rounds left undone);
- ``overdue``: a round's window has ended without it being completed (the year still running);
- ``planned``: a plan of at least two rounds, nothing overdue yet;
- ``unplanned``: no plan (or fewer than two rounds) while the year runs.

Counted by county, by city and for the whole region; ``coverage`` is done over units. Reminders:
a round that starts within ``reminder_working_days`` working days is due to be prepared by the
organising department (000/E: 市纪委干部监督室负责对系统内作风巡察的组织和实施).

Tallies (issue 14 item 7): a province holds 50,000 units, so coverage is not computed by listing
them. Each unit registered has an *entry* (``unit_entry``: is its kind one of the campaign's) in
its county's tally, each plan an entry (``plan_entry``: planned, done, the earliest window end of
a round not completed) in its county's tally of the year; ``tally_coverage`` sums them with the
same statuses as ``unit_status`` on any day (an entry stores the date a round falls due, never
"overdue").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from wuying_common.rules import WorkingDays

from .campaigns import CAMPAIGN_KINDS
from .plans import MIN_ROUNDS_PER_YEAR

STATUSES_ZH = {
    "done": "已完成",
    "planned": "已计划",
    "overdue": "逾期未完成",
    "missed": "未完成（年度已过）",
    "unplanned": "未计划",
}


@dataclass(frozen=True)
class RoundState:
    round: int
    method: str
    starts_on: date
    ends_on: date
    completed: bool


def unit_status(rounds: Sequence[RoundState] | None, year: int, today: date) -> str:
    """One unit's coverage status for ``year`` seen on ``today``."""
    year_over = today > date(year, 12, 31)
    planned = rounds is not None and len(rounds) >= MIN_ROUNDS_PER_YEAR
    if planned and rounds is not None and all(r.completed for r in rounds):
        return "done"
    if year_over:
        return "missed"
    if not planned or rounds is None:
        return "unplanned"
    if any(not r.completed and r.ends_on < today for r in rounds):
        return "overdue"
    return "planned"


@dataclass
class Tally:
    code: str
    units: int = 0
    counts: Counter = field(default_factory=Counter)

    @property
    def coverage(self) -> float:
        return round(self.counts["done"] / self.units, 4) if self.units else 0.0

    def add(self, status: str) -> None:
        self.units += 1
        self.counts[status] += 1


@dataclass
class Coverage:
    region: str
    year: int
    total: Tally
    cities: list[Tally]
    counties: list[Tally]
    units: list[tuple[str, str, str]]  # (unit_id, county, status), the ones not done or planned


def coverage(region: str, year: int, statuses: Iterable[tuple[str, str, str]], attention: bool = True) -> Coverage:
    """``statuses``: (unit_id, county, status) for every unit of the region; ``attention``
    False leaves the list of units needing attention empty (the figures only)."""
    total = Tally(region)
    cities: dict[str, Tally] = {}
    counties: dict[str, Tally] = {}
    listed: list[tuple[str, str, str]] = []
    for unit_id, county, status in statuses:
        total.add(status)
        cities.setdefault(county[:4] + "00", Tally(county[:4] + "00")).add(status)
        counties.setdefault(county, Tally(county)).add(status)
        if attention and status in ("overdue", "missed", "unplanned"):
            listed.append((unit_id, county, status))
    return Coverage(
        region,
        year,
        total,
        [cities[c] for c in sorted(cities)],
        [counties[c] for c in sorted(counties)],
        sorted(listed, key=lambda u: (u[1], u[0])),
    )


def unit_entry(kind: str) -> dict:
    """A registered unit's entry in its county's tally: whether its kind is in the campaign's
    scope (000/E: commission organs and dispatched agencies; 001 贵州 全覆盖). A unit of another
    kind still counts in the year it has a plan."""
    return {"campaign": kind in CAMPAIGN_KINDS}


def plan_entry(rounds: Sequence[RoundState]) -> dict:
    """A unit's plan of a year as its entry in the county's tally of that year: ``planned`` (at
    least two rounds, 000/E 每年不少于2次), ``done`` (planned and every round completed) and
    ``due``, the earliest window end (ISO) of a round not completed: overdue from the day after."""
    planned = len(rounds) >= MIN_ROUNDS_PER_YEAR
    open_ends = [r.ends_on for r in rounds if not r.completed]
    return {
        "planned": planned,
        "done": planned and not open_ends,
        "due": min(open_ends).isoformat() if open_ends else None,
    }


def entry_status(entry: Mapping | None, year: int, today: date) -> str:
    """``unit_status`` of a unit whose plan's entry is ``entry`` (None: no plan), on ``today``."""
    if entry is not None and entry["done"]:
        return "done"
    if today > date(year, 12, 31):
        return "missed"
    if entry is None or not entry["planned"]:
        return "unplanned"
    if entry["due"] is not None and date.fromisoformat(entry["due"]) < today:
        return "overdue"
    return "planned"


def tally_coverage(
    region: str,
    year: int,
    units: Mapping[str, Mapping[str, Mapping]],
    plans: Mapping[str, Mapping],
    today: date,
    attention: bool = True,
) -> Coverage:
    """Coverage from the tallies: ``units`` county → unit id → ``unit_entry`` (the region's
    counties), ``plans`` unit id → ``plan_entry`` (the year's plans of those counties). A unit
    counts when its kind is in the campaign's scope or it has a plan of the year."""
    statuses = (
        (unit_id, county, entry_status(plans.get(unit_id), year, today))
        for county, entries in units.items()
        for unit_id, entry in entries.items()
        if entry["campaign"] or unit_id in plans
    )
    return coverage(region, year, statuses, attention)


def reminder_due(calendar: WorkingDays, today: date, starts_on: date, lead_working_days: int) -> bool:
    """A round starting within ``lead_working_days`` working days (and not yet started) is due
    for a reminder to the organising department."""
    if starts_on <= today:
        return False
    between, _ = calendar.working_days_between(today, starts_on)
    return between <= lead_working_days
