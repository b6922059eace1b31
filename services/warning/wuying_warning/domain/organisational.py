"""Organisational handling of an ignored red warning (组织处理; seeds/002 篇5 七(一): 对廉情预警
质询对象，如整改不力、错误蔓延的，转…组织处理; 篇8 第十八条(三) 责令整改 is the top warning level).

A red warning whose rectification is overdue (its fix date, extended or not, has passed without
the rectification report) cannot move up a level: it becomes a task of its own, owned by the
county's Party committee (rule data: ``deadlines.OrganisationalHandlingRule``), due on the
calendar (a month period under 民法典 第二百零一—二百零三条), open until the outcome is recorded —
who decided, when, which measure and why — which closes it.

The measures are the organisational measures of 《组织处理规定（试行）》 (2021: 停职检查、调整职务、
责令辞职、免职、降职), outside the seeds and kept here as rule data, plus the decision to take no
measure, which also needs its reasons.
"""

from __future__ import annotations

from types import MappingProxyType

from wuying_common.rules import RuleBroken

STATUSES = ("open", "closed")
STATUS_ZH = MappingProxyType({"open": "待组织处理", "closed": "已组织处理"})

MEASURES: MappingProxyType[str, str] = MappingProxyType(
    {
        "suspension_for_inspection": "停职检查",
        "reassignment": "调整职务",
        "ordered_resignation": "责令辞职",
        "removal": "免职",
        "demotion": "降职",
        "no_measure": "经研究不予组织处理",
    }
)


def task_id(warning_id: str) -> str:
    """One task per red warning: the key makes the timer's repeated ticks one effect."""
    return f"oh-{warning_id}"


class TaskClosed(RuleBroken):
    """The task's outcome is recorded already: 409."""

    code = "organisational_handling_closed"


def check_open(status: str) -> None:
    if status != "open":
        raise TaskClosed("status", "该组织处理事项已办结，处理结果已记录")
