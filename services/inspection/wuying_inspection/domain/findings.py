"""Findings and their disposition (seeds/000 E 结果运用; DESIGN.md §4 Inspection).

000/E: "对内部作风巡察中发现的苗头性、倾向性问题，通过采取提醒谈话、廉政谈话等方式，及时解决；对巡察中
发现干部存在的一般问题，由所在单位针对不同情况采取谈话函询、初步核实等方式处置，并视情况给予相应的
组织处理；发现干部严重违纪违法问题，按有关程序立案调查，触犯法律的，移交司法机关处理。"
The results feed the inspected unit's annual evaluation (年度评优评先).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wuying_common.rules import RuleBroken

from . import RuleViolation


class FindingRuleBroken(RuleBroken):
    """A disposition the state of the finding does not allow (409)."""

    code = "finding_rule_broken"


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


# -- the disposition ladder, tracked to closure (000/E 结果运用; issue 12) --------------------
# Each disposition closes with one of these outcomes.
OUTCOMES: dict[str, dict[str, str]] = {
    "reminder_talk": {"talk_held": "已开展提醒谈话"},
    "integrity_talk": {"talk_held": "已开展廉政谈话"},
    "talk": {"talk_held": "已开展谈话"},
    "letter_inquiry": {"inquiry_answered": "函询已回复", "inquiry_unanswered": "函询未按期回复"},
    "preliminary_verification": {
        "verified": "核实属实",
        "partly_verified": "部分属实",
        "not_verified": "核实不属实",
    },
    "organisational_handling": {"handling_decided": "已作出组织处理"},
    "case_filing": {"case_filed": "已立案调查"},
    "judicial_transfer": {"transferred": "已移交司法机关"},
}

# 000/E: an early sign is resolved "by reminder talks, integrity talks and the like" (both may
# be held); a general problem is handled "by talks, letter inquiries, preliminary verification
# and the like, and organisational handling as the case requires" (several, organisational
# handling on top of the others); a serious one is "filed for investigation, and transferred to
# the judiciary where the law is broken" (the transfer follows the filing).
REQUIRES: dict[str, str] = {"judicial_transfer": "case_filing"}
RULE_LADDER_ZH = "无影灯工程 E 内部作风巡察·结果运用"


@dataclass(frozen=True)
class DispositionState:
    kind: str
    outcome: str | None  # None while open


def check_new_disposition(severity: str, kind: str, existing: Sequence[DispositionState]) -> None:
    """Another disposition on a finding: allowed for its severity (000/E), not twice, and a
    transfer to the judiciary only after the case was filed."""
    disposition_for(severity, kind)
    if any(d.kind == kind for d in existing):
        raise FindingRuleBroken(
            "disposition", f"该问题已有“{DISPOSITIONS_ZH[kind]}”处置，不能重复", "disposition_exists"
        )
    needed = REQUIRES.get(kind)
    if needed and not any(d.kind == needed and d.outcome for d in existing):
        raise FindingRuleBroken(
            "disposition",
            f"“{DISPOSITIONS_ZH[kind]}”须在“{DISPOSITIONS_ZH[needed]}”完成之后（触犯法律的，移交司法机关；{RULE_LADDER_ZH}）",
            "disposition_out_of_order",
        )


def check_outcome(kind: str, outcome: str, current: str | None) -> str:
    """The outcome that closes a disposition; a closed one is not closed again."""
    if current is not None:
        raise FindingRuleBroken("outcome", f"该处置已于此前办结（{OUTCOMES[kind][current]}）", "disposition_closed")
    allowed = OUTCOMES[kind]
    if outcome not in allowed:
        names = "、".join(f"{zh}（{code}）" for code, zh in allowed.items())
        raise RuleViolation("outcome", f"“{DISPOSITIONS_ZH[kind]}”的办理结果应为：{names}")
    return outcome


# 000/E 结果运用: "内部作风巡察结果作为被巡察单位年度评优评先工作和进行相关责任追究的重要依据".
STANDINGS_ZH = {
    "clear": "未发现问题或仅有苗头性问题且已处置完毕，可参加评优评先",
    "with_findings": "发现一般问题，评优评先时从严把握",
    "pending": "尚有处置未办结，暂缓评优评先",
    "not_recommended": "发现严重违纪违法问题，不推荐评优评先",
}


@dataclass(frozen=True)
class Evaluation:
    standing: str
    findings: dict[str, int]
    open_dispositions: int
    rounds_completed: int
    rounds_planned: int

    @property
    def eligible_for_excellence(self) -> bool:
        return self.standing in ("clear", "with_findings")


def evaluate(
    severities: Iterable[str], open_dispositions: int, rounds_completed: int, rounds_planned: int
) -> Evaluation:
    """The unit's standing for its annual evaluation (评优评先), from the year's findings."""
    counts = tally(severities)
    if counts["serious"]:
        standing = "not_recommended"
    elif open_dispositions:
        standing = "pending"
    elif counts["general"]:
        standing = "with_findings"
    else:
        standing = "clear"
    return Evaluation(standing, counts, open_dispositions, rounds_completed, rounds_planned)
