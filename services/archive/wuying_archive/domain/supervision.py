"""Supervision records with the seeds' ratios (issue 11 items 1–2): personal-matters checks and talk
and letter inquiries, and the reproducible draws behind their samples.

- 000/D 个人重大事项报告: 对填报的个人有关事项，各级纪委纪检监察干部监督室按10%的比例随机抽查，对拟
  提拔考察对象、列入后备干部人选、拟进一步使用的人选以及涉及个人报告事项举报的一律进行抽查核实。对无正当
  理由不按时报告、漏报或者隐瞒不报的……严格按照“两项法规”有关规定处理，隐瞒不报情节较重或者查核发现涉嫌
  其他违纪问题的，追究纪律责任.
- 001 黑龙江: 增强谈话函询严肃性、规范性，对同一被反映人一年之内谈话函询一般不超过2次。提高谈话函询质量，
  采取谈话、调取、查询等措施按不低于30%比例进行抽查核实，对隐瞒事实、欺骗组织的严肃处理.

A draw anyone can re-run: the archive commits to a random seed (publishes its SHA-256) and freezes
the population (publishes its digest) before the draw; at the draw a person supplies public
entropy (e.g. the day's closing index, read out in the meeting); the sample is the population
ranked by SHA-256(SHA-256(seed:entropy):id), the first ⌈ratio × N⌉. The seed is revealed after
the draw, so anyone holding the published values re-runs it (``draw``) and gets the same sample;
the archive could not choose the sample, because it did not know the entropy when it committed.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

from wuying_common.rules import InvalidInput, RuleBroken


@dataclass(frozen=True)
class SupervisionRules:
    """Ratios and thresholds as rule data, each with its seed (``source``)."""

    version: str = "2026.1"
    spot_check_ratio: float = 0.10
    spot_check_source: str = "000/D：按10%的比例随机抽查"
    mandatory_source: str = (
        "000/D：拟提拔考察对象、列入后备干部人选、拟进一步使用的人选以及涉及个人报告事项举报的一律进行抽查核实"
    )
    #: tags of the vocabulary that make a check mandatory (the rest come by hand, with a reason)
    mandatory_tags: tuple[tuple[str, str], ...] = (
        ("promotion_candidate", "promotion_candidate"),
        ("reserve_cadre", "reserve_cadre"),
    )
    serious_source: str = "000/D：隐瞒不报情节较重或者查核发现涉嫌其他违纪问题的，追究纪律责任"
    inquiry_max_per_year: int = 2
    inquiry_cap_source: str = "001 黑龙江：对同一被反映人一年之内谈话函询一般不超过2次"
    inquiry_verify_ratio: float = 0.30
    inquiry_verify_source: str = "001 黑龙江：采取谈话、调取、查询等措施按不低于30%比例进行抽查核实"
    concealed_source: str = "001 黑龙江：对隐瞒事实、欺骗组织的严肃处理"


SUPERVISION_RULES = SupervisionRules()

MANDATORY_REASONS_ZH = {
    "random": "随机抽查（10%）",
    "promotion_candidate": "拟提拔考察对象",
    "reserve_cadre": "列入后备干部人选",
    "further_use": "拟进一步使用的人选",
    "reported": "涉及个人报告事项举报",
}
CHECK_STATES_ZH = {"open": "核查中", "resulted": "已有核查结果", "closed": "已办结"}
INQUIRY_KINDS_ZH = {"talk": "谈话", "letter": "函询"}
ORDERED_BY_ZH = {
    "clue_disposal": "问题线索处置",
    "inspection": "巡察发现问题处置",
    "intake": "信访举报处置",
    "other": "其他",
}
INQUIRY_STATES_ZH = {
    "awaiting_approval": "超过年度次数，待领导批准",
    "open": "谈话函询中",
    "answered": "已作出说明",
    "closed": "已了结",
}
VERIFY_METHODS_ZH = {"talk": "谈话", "retrieval": "调取", "query": "查询"}
VERIFY_RESULTS_ZH = {"truthful": "说明属实", "concealed": "隐瞒事实、欺骗组织"}
#: What a supervision record is (``archive.supervision_recorded``'s ``kind``) and its steps.
RECORD_KINDS_ZH = {
    "report_check": "个人有关事项抽查核实",
    "inquiry": "谈话函询",
    "pledge": "廉洁承诺",
    "family_pledge": "家庭助廉承诺",
    "home_visit": "廉洁家访",
    "supervision_talk": "监督谈话",
    "education": "廉政党课",
    "supervisor_report": "特邀监督员反映情况",
    "supervisor_appointment": "特邀监督员聘任",
}
RECORD_STEPS_ZH = {
    "opened": "启动",
    "reason_added": "增加核查事由",
    "resulted": "登记核查结果",
    "closed": "办结",
    "approve": "领导批准",
    "answer": "作出说明",
    "verify": "抽查核实",
    "close": "了结",
    "recorded": "登记",
    "follow_up": "跟进落实",
}
RESULTS_OF_RECORDS_ZH = {
    "consistent": "如实报告",
    "omission": "漏报",
    "concealment": "隐瞒不报",
    "truthful": "说明属实",
    "concealed": "隐瞒事实、欺骗组织",
}
CLUE_REASONS_ZH = {
    "concealment": "隐瞒不报情节较重",
    "other_violation": "查核发现涉嫌其他违纪问题",
    "concealed_fact": "谈话函询中隐瞒事实、欺骗组织",
}
DRAW_PURPOSES_ZH = {"report_spot_check": "个人有关事项随机抽查", "inquiry_verification": "谈话函询抽查核实"}


class SupervisionRefused(RuleBroken):
    code = "supervision_refused"


class NotThisPerson(RuleBroken):
    code = "same_person"
    status = 403


# -- the draw ---------------------------------------------------------------------------------
def new_seed() -> str:
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def population_digest(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def sample_size(population: int, ratio: float) -> int:
    """At least ``ratio`` of the population (⌈ratio × N⌉)."""
    return min(population, math.ceil(round(ratio * population, 9)))


def draw(seed: str, public_entropy: str, population: list[str], ratio: float) -> list[str]:
    """The sample, reproducibly: rank by SHA-256(SHA-256(seed:entropy):id), take ⌈ratio × N⌉."""
    if not public_entropy.strip():
        raise InvalidInput("public_entropy", "抽取时必须当场提供公开随机数（如当日收盘指数）", "entropy_required")
    combined = hashlib.sha256(f"{seed}:{public_entropy.strip()}".encode()).hexdigest()
    ranked = sorted(set(population), key=lambda i: hashlib.sha256(f"{combined}:{i}".encode()).hexdigest())
    return sorted(ranked[: sample_size(len(ranked), ratio)])


def check_reveal(seed: str, committed: str) -> None:
    if commitment(seed) != committed:
        raise SupervisionRefused("seed", "随机种子与事先公布的承诺值不符", "commitment_mismatch")


# -- personal-matters checks ------------------------------------------------------------------
def mandatory_reasons(tags: frozenset[str], rules: SupervisionRules = SUPERVISION_RULES) -> list[str]:
    return [reason for tag, reason in rules.mandatory_tags if tag in tags]


def is_serious(result: str, serious: bool, other_violation: bool) -> bool:
    """A case clue: concealment of a serious nature, or another violation found (000/D)."""
    return other_violation or (result == "concealment" and serious)


def check_result_step(state: str, result: str) -> None:
    if state != "open":
        raise SupervisionRefused("state", f"当前状态为“{CHECK_STATES_ZH[state]}”，不能再登记核查结果")
    if result not in ("consistent", "omission", "concealment"):
        raise InvalidInput("result", "核查结果只能是 consistent、omission 或 concealment", "result_required")


def check_close_step(state: str) -> None:
    if state != "resulted":
        raise SupervisionRefused("state", f"当前状态为“{CHECK_STATES_ZH[state]}”，须先登记核查结果")


# -- talk and letter inquiries ----------------------------------------------------------------
def needs_approval(already: int, rules: SupervisionRules = SUPERVISION_RULES) -> bool:
    """A third (or later) inquiry of the same person in a year needs a recorded reason and a
    leader's approval (001 黑龙江 一般不超过2次); inquiries ordered by inspection or intake count."""
    return already >= rules.inquiry_max_per_year


def check_over_cap(already: int, reason: str, rules: SupervisionRules = SUPERVISION_RULES) -> None:
    if needs_approval(already, rules) and not reason.strip():
        raise SupervisionRefused(
            "reason",
            f"同一人一年内谈话函询一般不超过{rules.inquiry_max_per_year}次，第{already + 1}次须写明理由并经领导批准",
            "inquiry_cap",
        )


def inquiry_step(state: str, step: str) -> None:
    allowed = {"approve": "awaiting_approval", "answer": "open", "verify": "answered", "close": "answered"}
    if allowed.get(step) != state:
        raise SupervisionRefused("state", f"当前状态为“{INQUIRY_STATES_ZH[state]}”，不能执行该步骤")
