"""Findings and their disposition (seeds/000 E 结果运用; DESIGN.md §4 Inspection).

000/E: "对内部作风巡察中发现的苗头性、倾向性问题，通过采取提醒谈话、廉政谈话等方式，及时解决；对巡察中
发现干部存在的一般问题，由所在单位针对不同情况采取谈话函询、初步核实等方式处置，并视情况给予相应的
组织处理；发现干部严重违纪违法问题，按有关程序立案调查，触犯法律的，移交司法机关处理。"
The results feed the inspected unit's annual evaluation (年度评优评先).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import RuleViolation

SEVERITIES_ZH: dict[str, str] = {
    "early_sign": "苗头性、倾向性问题",
    "general": "一般问题",
    "serious": "严重违纪违法问题",
}

DISPOSITIONS_ZH: dict[str, str] = {
    "reminder_talk": "提醒谈话",
    "integrity_talk": "廉政谈话",
    "talk": "谈话",
    "letter_inquiry": "函询",
    "preliminary_verification": "初步核实",
    "organisational_handling": "组织处理",
    "case_filing": "立案调查",
    "judicial_transfer": "移交司法机关",
}

# The first of each is the default when the inspector names none.
DISPOSITIONS_BY_SEVERITY: dict[str, tuple[str, ...]] = {
    "early_sign": ("reminder_talk", "integrity_talk"),
    "general": ("talk", "letter_inquiry", "preliminary_verification", "organisational_handling"),
    "serious": ("case_filing", "judicial_transfer"),
}


def disposition_for(severity: str, disposition: str | None = None) -> str:
    """The disposition of a finding; refuses one the seed does not allow for its severity."""
    if severity not in DISPOSITIONS_BY_SEVERITY:
        allowed = "、".join(f"{zh}（{code}）" for code, zh in SEVERITIES_ZH.items())
        raise RuleViolation("severity", f"问题性质“{severity}”无效，应为：{allowed}")
    allowed_here = DISPOSITIONS_BY_SEVERITY[severity]
    if disposition is None:
        return allowed_here[0]
    if disposition not in allowed_here:
        names = "、".join(f"{DISPOSITIONS_ZH[d]}（{d}）" for d in allowed_here)
        raise RuleViolation(
            "disposition", f"{SEVERITIES_ZH[severity]}的处置方式应为：{names}（无影灯工程 E 内部作风巡察·结果运用）"
        )
    return disposition


def tally(severities: Iterable[str]) -> dict[str, int]:
    """Findings per severity, every severity present (for the unit's annual evaluation)."""
    counts = dict.fromkeys(SEVERITIES_ZH, 0)
    for s in severities:
        counts[s] += 1
    return counts
