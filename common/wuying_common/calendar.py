"""Official Chinese working-day calendar (DESIGN.md §4 Warning: working days follow the
official calendar, holidays and make-up working days counted).

The State Council publishes each year's holiday arrangement late in the previous year. Years
come from the ``chinese-calendar`` package (it knows up to 2026) and from arrangements an
operator loads once for the province (warning's ``PUT /api/v1/calendar/years/<year>``, published
as ``calendar.year_loaded``; each service keeps them in its store and ``load``s them)::

    {"year": 2027, "source": "国办发明电〔2026〕…号",
     "holidays": ["2027-01-01", ...], "workdays": ["2027-02-20", ...]}

A date in a year that is not loaded never raises: it is counted as weekends-only, and the
result is marked ``provisional`` so a deadline can say it may move once the year is loaded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

log = logging.getLogger(__name__)


class CalendarDataError(ValueError):
    """A year file that contradicts itself or the year it claims."""


class CalendarRuleError(CalendarDataError):
    """Well-formed dates that break the arrangement's rules: outside its year, a holiday and a
    working day at once, a make-up working day that is not a weekend (an API answers 422)."""


@dataclass(frozen=True)
class YearArrangement:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]  # make-up working days (调休上班) that fall on a weekend
    source: str

    @classmethod
    def from_dict(cls, raw: dict) -> YearArrangement:
        try:
            year = int(raw["year"])
            holidays = frozenset(date.fromisoformat(d) for d in raw.get("holidays", []))
            workdays = frozenset(date.fromisoformat(d) for d in raw.get("workdays", []))
        except (KeyError, TypeError, ValueError) as exc:
            raise CalendarDataError(f"invalid calendar data: {exc}") from exc
        wrong_year = sorted(d.isoformat() for d in holidays | workdays if d.year != year)
        if wrong_year:
            raise CalendarRuleError(f"dates outside {year}: {wrong_year}")
        both = sorted(d.isoformat() for d in holidays & workdays)
        if both:
            raise CalendarRuleError(f"dates both holiday and working day: {both}")
        not_weekend = sorted(d.isoformat() for d in workdays if d.weekday() < 5)
        if not_weekend:
            raise CalendarRuleError(f"make-up working days must fall on a weekend: {not_weekend}")
        return cls(year, holidays, workdays, str(raw.get("source", "")))

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "source": self.source,
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "workdays": sorted(d.isoformat() for d in self.workdays),
        }


@dataclass(frozen=True)
class WorkingDayResult:
    date: date
    provisional: bool
    unloaded_years: tuple[int, ...] = ()


def chinese_calendar_years() -> dict[int, YearArrangement]:
    """The years the ``chinese-calendar`` package knows, as arrangements."""
    import chinese_calendar.constants as cc

    years: dict[int, YearArrangement] = {}
    for y in sorted({d.year for d in cc.holidays} | {d.year for d in cc.workdays}):
        holidays = frozenset(d for d in cc.holidays if d.year == y)
        workdays = frozenset(d for d in cc.workdays if d.year == y)
        years[y] = YearArrangement(y, holidays, workdays, "chinese-calendar package")
    return years


class WorkingDayCalendar:
    def __init__(
        self,
        years: Iterable[YearArrangement] = (),
        on_provisional: Callable[[int], None] | None = None,
    ) -> None:
        self._years: dict[int, YearArrangement] = {y.year: y for y in years}
        self.on_provisional = on_provisional

    @classmethod
    def official(cls, data_dir: str | Path | None = None, on_provisional=None) -> WorkingDayCalendar:
        cal = cls(chinese_calendar_years().values(), on_provisional)
        if data_dir:
            cal.load_dir(data_dir)
        return cal

    # -- loading -------------------------------------------------------------------------
    def load(self, arrangement: YearArrangement) -> None:
        self._years[arrangement.year] = arrangement

    def load_dir(self, data_dir: str | Path) -> list[int]:
        loaded: list[int] = []
        path = Path(data_dir)
        if not path.is_dir():
            log.warning("calendar directory %s does not exist; using bundled years only", path)
            return loaded
        for file in sorted(path.glob("*.json")):
            try:
                arrangement = YearArrangement.from_dict(json.loads(file.read_text("utf-8")))
            except (OSError, json.JSONDecodeError, CalendarDataError) as exc:
                log.error("calendar file %s ignored: %s", file.name, exc)
                continue
            self.load(arrangement)
            loaded.append(arrangement.year)
        return loaded

    def loaded_years(self) -> list[int]:
        return sorted(self._years)

    def is_loaded(self, year: int) -> bool:
        return year in self._years

    def arrangement(self, year: int) -> YearArrangement | None:
        return self._years.get(year)

    # -- questions -----------------------------------------------------------------------
    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(working?, provisional?)"""
        arrangement = self._years.get(day.year)
        if arrangement is None:
            return day.weekday() < 5, True
        if day in arrangement.workdays:
            return True, False
        if day in arrangement.holidays:
            return False, False
        return day.weekday() < 5, False

    def add_working_days(self, start: date, days: int) -> WorkingDayResult:
        """The ``days``-th working day after ``start`` (``start`` itself does not count).

        ``days == 0`` returns ``start``. Negative counts are refused.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        unloaded: set[int] = set()
        remaining = days
        while remaining:
            current += timedelta(days=1)
            working, provisional = self.is_working_day(current)
            if provisional:
                unloaded.add(current.year)
            if working:
                remaining -= 1
        return self._result(current, unloaded)

    def add_calendar_days(self, start: date, days: int) -> WorkingDayResult:
        """A period of ``days`` days under 民法典 第二百零一、二百零三条: counting starts the day
        after ``start``; a last day that is a statutory holiday or rest day moves to the next
        working day (a make-up working day, 调休上班, is a working day)."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self._civil_last_day(start + timedelta(days=days))

    def add_months(self, start: date, months: int) -> WorkingDayResult:
        """A period of ``months`` months under 民法典 第二百零一—二百零三条: it ends on the
        corresponding day of the last month (the month's last day where there is none), moved
        to the next working day when that day is a statutory holiday or rest day."""
        if months < 0:
            raise ValueError("months must not be negative")
        return self._civil_last_day(add_months(start, months))

    def _civil_last_day(self, day: date) -> WorkingDayResult:
        unloaded: set[int] = set()
        while True:
            working, provisional = self.is_working_day(day)
            if provisional:
                unloaded.add(day.year)
            if working:
                return self._result(day, unloaded)
            day += timedelta(days=1)

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days in (start, end]; the flag says whether any day was provisional."""
        count, provisional, current = 0, False, start
        while current < end:
            current += timedelta(days=1)
            working, prov = self.is_working_day(current)
            provisional |= prov
            count += working
        return count, provisional

    def _result(self, day: date, unloaded: set[int]) -> WorkingDayResult:
        if unloaded and self.on_provisional:
            for year in sorted(unloaded):
                self.on_provisional(year)
        return WorkingDayResult(day, bool(unloaded), tuple(sorted(unloaded)))


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` months later, clipped to the month's end (民法典 第二百零二条).

    Not moved off holidays: ``WorkingDayCalendar.add_months`` is the period's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
