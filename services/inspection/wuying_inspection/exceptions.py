"""Inspection errors (registered with nameko so RPC callers get these types)."""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, NotFound, ValidationFailed
from wuying_common.rules import RuleBroken

from .domain.ruledata import HARD_RULES


@deserialize_to_instance
class UnitNotFound(NotFound):
    code = "unit_not_found"
    message = "未找到该单位，请先登记单位"


@deserialize_to_instance
class PlanNotFound(NotFound):
    code = "plan_not_found"
    message = "未找到该巡察计划"


@deserialize_to_instance
class PlanExists(Conflict):
    code = "plan_exists"
    message = "该单位本年度的巡察计划已存在"


@deserialize_to_instance
class UnitsInvalid(ValidationFailed):
    """Bad units over RPC. ``fields`` travels in ``args`` so the RPC caller gets it back
    (nameko rebuilds a registered exception from ``exc.args`` only)."""

    code = "units_invalid"
    message = "单位登记数据有误，请检查标出的字段"

    def __init__(self, message: str | None = None, fields: dict | None = None, *, code: str | None = None):
        super().__init__(message, fields=fields, code=code)
        self.args = (self.message, self.fields)

    def __str__(self) -> str:
        return self.message


@deserialize_to_instance
class CrossAssignmentExists(Conflict):
    code = "cross_assignment_exists"
    message = "该区域本年度的交叉检查安排已存在"


@deserialize_to_instance
class CrossAssignmentNotFound(NotFound):
    code = "cross_assignment_not_found"
    message = "未找到该区域本年度的交叉检查安排"


@deserialize_to_instance
class RoundNotFound(NotFound):
    code = "round_not_found"
    message = "该巡察计划中没有这一次巡察"


@deserialize_to_instance
class RoundCompleted(Conflict):
    code = "round_completed"
    message = "该次巡察已完成，不能再修改"


@deserialize_to_instance
class InspectorNotFound(NotFound):
    code = "inspector_not_found"
    message = "人员库中没有该人员"


@deserialize_to_instance
class CampaignNotFound(NotFound):
    code = "campaign_not_found"
    message = "未找到该巡察安排"


@deserialize_to_instance
class CampaignExists(Conflict):
    code = "campaign_exists"
    message = "该区域本年度的巡察安排已存在"


@deserialize_to_instance
class CampaignState(Conflict):
    code = "campaign_state"
    message = "巡察安排当前的状态不允许该操作"


class OverrideBreaksRule(RuleBroken):
    """A manual override that breaks a hard rule of team assignment (409, naming the rule)."""

    code = "override_breaks_rule"
    summary = "人工调整不符合巡察组安排的刚性规定（回避、一人一组、组长、人数）"

    @classmethod
    def naming(cls, rule: str, person: str, rules: list[str]) -> OverrideBreaksRule:
        hard = HARD_RULES[rule]
        who = f"（{person}）" if person else ""
        others = "、".join(HARD_RULES[r].zh for r in dict.fromkeys(rules) if r != rule)
        more = f"；另违反：{others}" if others else ""
        return cls(rule, f"{hard.zh}{who}；依据：{hard.source}{more}")


@deserialize_to_instance
class FindingNotFound(NotFound):
    code = "finding_not_found"
    message = "该巡察计划中没有这一问题"
