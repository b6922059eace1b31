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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from wuying_common.rules import WorkingDays

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


def coverage(region: str, year: int, statuses: Iterable[tuple[str, str, str]]) -> Coverage:
    """``statuses``: (unit_id, county, status) for every unit of the region."""
    total = Tally(region)
    cities: dict[str, Tally] = {}
    counties: dict[str, Tally] = {}
    attention = []
    for unit_id, county, status in statuses:
        total.add(status)
        cities.setdefault(county[:4] + "00", Tally(county[:4] + "00")).add(status)
        counties.setdefault(county, Tally(county)).add(status)
        if status in ("overdue", "missed", "unplanned"):
            attention.append((unit_id, county, status))
    return Coverage(
        region,
        year,
        total,
        [cities[c] for c in sorted(cities)],
        [counties[c] for c in sorted(counties)],
        sorted(attention, key=lambda u: (u[1], u[0])),
    )


def reminder_due(calendar: WorkingDays, today: date, starts_on: date, lead_working_days: int) -> bool:
    """A round starting within ``lead_working_days`` working days (and not yet started) is due
    for a reminder to the organising department."""
    if starts_on <= today:
        return False
    between, _ = calendar.working_days_between(today, starts_on)
    return between <= lead_working_days
