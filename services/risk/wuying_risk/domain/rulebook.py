"""Versioned rule data per commission: which commission's rules apply to a county, and the
errors of a rule book.

DESIGN.md §4 Warning: "deadlines, thresholds and trigger lists are versioned rule data per
commission, with these as defaults" — the two seed documents come from different localities
(seeds/002 篇5 and 篇8). A county commission may have its own rules; otherwise its city's, then
its province's, then the built-in default (GB/T 2260: ``130402`` → ``130400`` → ``130000``).
"""

from __future__ import annotations

from wuying_common.rules import InvalidInput, RuleBroken

DEFAULT_COMMISSION = "default"
RULE_KINDS = {
    "profile": "动态风险画像计分规则",
    "evaluation": "风险点评估规则",
    "cadence": "风险点复核周期规则",
    "anomaly": "业务数据异常规则",
}


def commission_chain(county: str) -> list[str]:
    """The commissions whose rules may apply to ``county``, most specific first."""
    chain = [county]
    if len(county) == 6 and county.isdigit():
        chain += [county[:4] + "00", county[:2] + "0000"]
    chain.append(DEFAULT_COMMISSION)
    return list(dict.fromkeys(chain))


class RuleVersionFrozen(RuleBroken):
    """A rule version already used by an evaluation cannot change (a state rule: 409)."""

    code = "rule_version_frozen"

    def __init__(self, version: str) -> None:
        super().__init__("version", f"规则版本 {version} 已被评估使用，不能修改；请新建版本")


class RuleVersionExists(RuleBroken):
    code = "rule_version_exists"

    def __init__(self, version: str) -> None:
        super().__init__("version", f"规则版本 {version} 已存在")


class InvalidRuleData(InvalidInput):
    """Rule data that contradicts itself (weights not summing to 1, thresholds out of order)."""

    code = "invalid_rule_data"
