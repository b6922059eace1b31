"""Yearly inspection plans (seeds/000 E 内部作风巡察; DESIGN.md §4 Inspection).

000/E: "内部作风巡察采取专项检查、突击检查、交叉检查、暗访等方式开展，全市各级纪检监察机关系统内
作风巡察每年不少于2次。" A plan covers one unit for one year: at least two rounds, each with one of
the four methods and a dated window that lies inside the year.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from . import CrossFieldViolation, RuleViolation

MIN_ROUNDS_PER_YEAR = 2  # 000/E: 每年不少于2次
MAX_ROUNDS_PER_YEAR = 12  # more than monthly is not a plan, it is a stationed team

# 000/E: 专项检查、突击检查、交叉检查、暗访
METHODS_ZH: dict[str, str] = {
    "special": "专项检查",
    "surprise": "突击检查",
    "cross": "交叉检查",
    "unannounced": "暗访",
}
METHODS = tuple(METHODS_ZH)

# Default rotation of methods: the first round a special check, the second a cross check across
# cooperation zones (seeds/001 Guizhou), then surprise and unannounced visits.
DEFAULT_METHOD_CYCLE = ("special", "cross", "surprise", "unannounced")

# Units 000/E puts in scope: every commission organ and its dispatched agencies.
IN_SCOPE_KINDS = frozenset({"commission_organ", "dispatched_agency"})

RULE_MIN_ROUNDS_ZH = "内部作风巡察每年不少于2次（无影灯工程 E 内部作风巡察）"


@dataclass(frozen=True)
class Round:
    round: int
    method: str
    starts_on: date
    ends_on: date

    @property
    def method_zh(self) -> str:
        return METHODS_ZH[self.method]


def check_round_count(rounds: int) -> None:
    """000/E: at least two rounds a year."""
    if rounds < MIN_ROUNDS_PER_YEAR:
        raise RuleViolation("rounds", f"每个单位每年至少安排两次巡察，当前为 {rounds} 次；依据：{RULE_MIN_ROUNDS_ZH}")
    if rounds > MAX_ROUNDS_PER_YEAR:
        raise RuleViolation("rounds", f"每年最多安排 {MAX_ROUNDS_PER_YEAR} 次巡察，当前为 {rounds} 次")


def check_methods(methods: list[str], rounds: int) -> None:
    """000/E: each round uses one of 专项检查、突击检查、交叉检查、暗访."""
    if len(methods) != rounds:
        raise CrossFieldViolation("methods", f"巡察方式的个数（{len(methods)}）须与巡察次数（{rounds}）一致")
    allowed = "、".join(f"{zh}（{code}）" for code, zh in METHODS_ZH.items())
    for i, method in enumerate(methods):
        if method not in METHODS_ZH:
            raise RuleViolation(f"methods.{i}", f"巡察方式“{method}”无效，应为：{allowed}")


def default_methods(rounds: int) -> list[str]:
    return [DEFAULT_METHOD_CYCLE[i % len(DEFAULT_METHOD_CYCLE)] for i in range(rounds)]


def default_windows(year: int, rounds: int) -> list[tuple[date, date]]:
    """Split the year into ``rounds`` consecutive periods: two rounds give the first and the
    second half-year. Whole months when 12 divides evenly, otherwise equal runs of days."""
    if 12 % rounds == 0:
        months = 12 // rounds
        windows = []
        for i in range(rounds):
            first_month = i * months + 1
            last_month = first_month + months - 1
            last_day = calendar.monthrange(year, last_month)[1]
            windows.append((date(year, first_month, 1), date(year, last_month, last_day)))
        return windows
    start = date(year, 1, 1)
    days = (date(year, 12, 31) - start).days + 1
    bounds = [days * i // rounds for i in range(rounds + 1)]
    return [(start + timedelta(days=bounds[i]), start + timedelta(days=bounds[i + 1] - 1)) for i in range(rounds)]


def check_windows(year: int, windows: list[tuple[date, date]], rounds: int) -> None:
    """Each round's window lies inside the plan's year, starts before it ends, and the rounds
    follow one another without overlapping (two rounds in one window are one round)."""
    if len(windows) != rounds:
        raise CrossFieldViolation("windows", f"巡察时段的个数（{len(windows)}）须与巡察次数（{rounds}）一致")
    previous_end: date | None = None
    for i, (starts_on, ends_on) in enumerate(windows):
        if starts_on.year != year:
            raise CrossFieldViolation(f"windows.{i}.starts_on", f"开始日期 {starts_on} 不在 {year} 年内")
        if ends_on.year != year:
            raise CrossFieldViolation(f"windows.{i}.ends_on", f"结束日期 {ends_on} 不在 {year} 年内")
        if ends_on < starts_on:
            raise CrossFieldViolation(f"windows.{i}.ends_on", f"结束日期 {ends_on} 早于开始日期 {starts_on}")
        if previous_end is not None and starts_on <= previous_end:
            raise CrossFieldViolation(
                f"windows.{i}.starts_on", f"第 {i + 1} 次巡察须在第 {i} 次结束（{previous_end}）之后开始"
            )
        previous_end = ends_on


def plan_rounds(
    year: int,
    rounds: int = MIN_ROUNDS_PER_YEAR,
    methods: list[str] | None = None,
    windows: list[tuple[date, date]] | None = None,
) -> list[Round]:
    """The rounds of one unit's plan for ``year``; raises ``RuleViolation`` naming the field."""
    check_round_count(rounds)
    methods = list(methods) if methods else default_methods(rounds)
    check_methods(methods, rounds)
    windows = list(windows) if windows else default_windows(year, rounds)
    check_windows(year, windows, rounds)
    return [Round(i + 1, m, s, e) for i, (m, (s, e)) in enumerate(zip(methods, windows, strict=True))]


def in_scope(kind: str) -> bool:
    """000/E 巡察范围: commission organs and their dispatched agencies."""
    return kind in IN_SCOPE_KINDS
