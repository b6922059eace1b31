"""Review cadence of risk points: each level has its review interval, every risk point a
next-review date, and a missed review escalates to the department head, then the commission.

Seeds/002 篇8 第二十二条 (各科室每半年至少…进行一次自查) and 第二十七条 (对已界定的风险，建立长效
管理机制…推动工作进入新一轮循环); seeds/002 篇1 (PDCA: 计划、执行、考核、修正); seeds/000 A
(分级管理、分级负责，特别要突出对高等级廉政风险的防控: higher levels are reviewed more often).
Periods in months follow 民法典 第二百零一—二百零三条 (counting starts the next day; the period
ends on the corresponding day, or the month's last day; a last day on a holiday or rest day moves
to the next working day); the escalation waits are counted in working days on the official
calendar. The numbers are versioned rule data per commission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Protocol

from .rulebook import InvalidRuleData

STAGES = ("", "department_head", "commission")
STAGE_ZH = {"": "未逾期", "department_head": "已提醒部门负责人", "commission": "已报纪委"}


class CivilCalendar(Protocol):
    """What the cadence needs from ``wuying_common.calendar.WorkingDayCalendar``."""

    def add_months(self, start: date, months: int): ...

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]: ...


@dataclass(frozen=True)
class CadenceRules:
    version: str
    interval_months: Mapping[str, int]  # level → months between reviews
    # Working days after the due date before the department head is told (1: the first
    # working day after it), and before the commission is.
    head_after_working_days: int = 1
    commission_after_working_days: int = 10

    def months_for(self, level: str | None) -> int:
        return int(self.interval_months.get(level or "low", self.interval_months.get("low", 12)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "interval_months": dict(self.interval_months),
            "head_after_working_days": self.head_after_working_days,
            "commission_after_working_days": self.commission_after_working_days,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> CadenceRules:
        try:
            rules = cls(
                version=str(raw["version"]),
                interval_months=MappingProxyType({k: int(v) for k, v in raw["interval_months"].items()}),
                head_after_working_days=int(raw.get("head_after_working_days", 1)),
                commission_after_working_days=int(raw.get("commission_after_working_days", 10)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidRuleData("rules", f"复核周期规则数据不完整或格式错误：{exc}") from None
        months = rules.interval_months
        if set(months) != {"low", "medium", "high"} or any(m < 1 for m in months.values()):
            problems = "interval_months 须给出 low、medium、high 三级且至少 1 个月"
        elif not months["high"] <= months["medium"] <= months["low"]:
            problems = "等级越高复核越频繁：须 high ≤ medium ≤ low"
        elif not 1 <= rules.head_after_working_days < rules.commission_after_working_days:
            problems = "须 1 ≤ 提醒部门负责人的工作日 < 报纪委的工作日"
        else:
            return rules
        raise InvalidRuleData("rules", problems)


DEFAULT_CADENCE = CadenceRules(
    version="default-2026.1",
    # Half-yearly at least (篇8 第二十二条); high risks quarterly, low ones yearly.
    interval_months=MappingProxyType({"high": 3, "medium": 6, "low": 12}),
    head_after_working_days=1,
    commission_after_working_days=10,
)


@dataclass(frozen=True)
class NextReview:
    due_on: date
    provisional: bool
    months: int


def next_review(calendar: CivilCalendar, reviewed_on: date, level: str | None, rules: CadenceRules) -> NextReview:
    """The next review date after a review (or evaluation) on ``reviewed_on``."""
    months = rules.months_for(level)
    result = calendar.add_months(reviewed_on, months)
    return NextReview(result.date, bool(result.provisional), months)


def stage_due(calendar: CivilCalendar, due_on: date, today: date, rules: CadenceRules) -> str:
    """The escalation stage a review due on ``due_on`` has reached by ``today``."""
    if today <= due_on:
        return ""
    late, _ = calendar.working_days_between(due_on, today)
    if late >= rules.commission_after_working_days:
        return "commission"
    if late >= rules.head_after_working_days:
        return "department_head"
    return ""


def stages_to_take(current: str, reached: str) -> list[str]:
    """The escalations still to make, in order (a stage is never skipped or repeated)."""
    return [s for s in STAGES[STAGES.index(current) + 1 : STAGES.index(reached) + 1] if s]
