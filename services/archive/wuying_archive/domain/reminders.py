"""Supervision reminders (监督提醒): the task a condition hit creates, tracked to closure.

004/4 深圳龙岗: 符合预警条件的，系统将对可能存在的廉政风险点生成监督提醒任务，并及时通知相关监督
执纪部门，提醒其进行了解、核实……对监督提醒任务进行留痕管理，实时展现监督执纪部门的任务完成情况.

assigned (to the responsible department) → acknowledged → verified (了解核实, with a result) →
closed; each step by a person with the step's role, every step kept (留痕). Deadlines count
working days on the official calendar; a step past its deadline is escalated, once per step,
to the department's leader in charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wuying_common.rules import RuleBroken, WorkingDays

STATES_ZH = {"assigned": "已分派", "acknowledged": "已签收", "verified": "已了解核实", "closed": "已办结"}
RESULTS_ZH = {"confirmed": "属实", "cleared": "不属实（予以了结）", "needs_handling": "需进一步处置"}

#: The departments that take reminders (001 黑龙江: 干部监督部门专职专责; 监督检查部门).
DEPARTMENTS_ZH = {
    "cadre_supervision": "纪检监察干部监督室",
    "supervision_inspection": "监督检查室",
}

#: Who may take each step (roles of ``wuying_common.auth.ROLES``).
STEP_ROLES = {
    "acknowledge": ("auditor",),  # 监督检查部门人员
    "verify": ("auditor",),
    "close": ("commission_leader",),  # 纪委分管领导
    "reassign": ("archive_keeper", "commission_leader"),
}
ESCALATED_TO = ("commission_leader", "commission_secretary")


@dataclass(frozen=True)
class ReminderRules:
    """Working days each step may take, counted from the previous step (rule data).

    The 15 working days for 了解核实 follow the reply time of a letter inquiry (函询: 收到函询通知
    之日起15个工作日内写出说明材料, 《中国共产党纪律检查机关监督执纪工作规则》); acknowledging
    and closing are the commission's own defaults."""

    version: str = "2026.1"
    acknowledge_days: int = 3
    verify_days: int = 15
    close_days: int = 5


REMINDER_RULES = ReminderRules()


class StepRefused(RuleBroken):
    code = "reminder_step_refused"


class NotThisPerson(RuleBroken):
    code = "reminder_same_person"
    status = 403


def responsible_department(commission_staff: bool) -> str:
    """Reminders about the commission's own staff go to its cadre-supervision office (001 黑龙江:
    干部监督部门牵头抓总; 000 无影灯 谁来监督监督者); all others to the supervision office."""
    return "cadre_supervision" if commission_staff else "supervision_inspection"


NEXT_STEP = {"assigned": "acknowledge", "acknowledged": "verify", "verified": "close"}
STEP_DAYS = {"acknowledge": "acknowledge_days", "verify": "verify_days", "close": "close_days"}
STEP_STATE = {"acknowledge": "acknowledged", "verify": "verified", "close": "closed"}


def due_after(calendar: WorkingDays, start: date, step: str, rules: ReminderRules = REMINDER_RULES):
    """The deadline of ``step`` counted in working days from ``start`` (the day it became due)."""
    return calendar.add_working_days(start, getattr(rules, STEP_DAYS[step]))


def check_step(state: str, step: str, result: str | None, by: str, verified_by: str | None) -> None:
    """Refuse a step out of order, a verification without a result, or closing one's own
    verification (each step by an authorised person, the close by another)."""
    if NEXT_STEP.get(state) != step:
        raise StepRefused("state", f"当前状态为“{STATES_ZH[state]}”，不能执行该步骤")
    if step == "verify" and result not in RESULTS_ZH:
        raise StepRefused("result", "了解核实必须给出结果：confirmed、cleared 或 needs_handling", "result_required")
    if step == "close" and by == verified_by:
        raise NotThisPerson("by", "了解核实与办结不能由同一人完成")


def overdue(state: str, due_on: date | None, today: date) -> bool:
    return state != "closed" and due_on is not None and due_on < today


def escalation_target(level: int) -> str:
    """Who an overdue reminder goes to at its ``level``-th escalation (1-based)."""
    return ESCALATED_TO[min(level, len(ESCALATED_TO)) - 1]


@dataclass
class Figures:
    department: str
    county: str
    total: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue: int = 0
    confirmed: int = 0

    @property
    def completion_rate(self) -> float:
        return round(self.closed / self.total, 4) if self.total else 0.0


def completion_figures(rows, today: date) -> list[Figures]:
    """Completion by department and county: ``rows`` of (department, county, state, due_on,
    ever_overdue, result) — what 实时展现监督执纪部门的任务完成情况 shows."""
    table: dict[tuple[str, str], Figures] = {}
    for department, county, state, due_on, ever_overdue, result in rows:
        figures = table.setdefault((department, county), Figures(department, county))
        figures.total += 1
        if state == "closed":
            figures.closed += 1
            figures.closed_on_time += not ever_overdue
            figures.confirmed += result == "confirmed"
        else:
            figures.open += 1
            figures.overdue += overdue(state, due_on, today)
    return [table[k] for k in sorted(table)]
