"""Using the results (seeds/002 篇5 三(二), 七(二)): advanced-unit eligibility and the quarterly
report (廉政风险信息预警专报)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import mean, median

# 篇5 七(二): 对单位一年内受到两次及以上一级预警的，当年不得评为先进单位.
RED_WARNINGS_BARRING_ADVANCED = 2


def advanced_eligible(red_warnings_in_year: int) -> bool:
    return red_warnings_in_year < RED_WARNINGS_BARRING_ADVANCED


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter (篇5 三(二): 每季度 … 梳理分析)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


@dataclass(frozen=True)
class AnswerTimes:
    count: int
    average: float | None
    median: float | None


def answer_times(working_days: list[int]) -> AnswerTimes:
    """Average and median working days from the notice to the first answer."""
    if not working_days:
        return AnswerTimes(0, None, None)
    return AnswerTimes(len(working_days), round(mean(working_days), 1), float(median(working_days)))
