"""Risk points, their three kinds and the five identification steps.

Kinds (seeds/002 篇6 一、二; 篇8 第五条): ideological-moral, institutional, post-duty.
Steps (seeds/002 篇1 ⑵②; 篇8 第九条 (一)二): 自己找、同事帮、领导点、集体定、组织审, taken in
order ("按照流程进行逐级进行"), each step's contribution kept apart: the system shows what the
official wrote in black, what colleagues added in blue and what the leader pointed out in red.
After organisational approval the risk point is published internally (篇1 ④ 风险公示).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wuying_common.rules import RuleBroken

RISK_KINDS = {
    "ideological_moral": "思想道德风险",
    "institutional": "制度机制风险",
    "post_duty": "岗位职责风险",
}

STEPS = ("self_found", "colleague_helped", "leader_pointed", "collectively_decided", "organisation_approved")
STEP_ZH = {
    "self_found": "自己找",
    "colleague_helped": "同事帮",
    "leader_pointed": "领导点",
    "collectively_decided": "集体定",
    "organisation_approved": "组织审",
}
# The colour each contribution is shown in (篇1 ⑵②); the last two steps decide, they add no text colour.
STEP_COLOUR = {"self_found": "black", "colleague_helped": "blue", "leader_pointed": "red"}

# Steps that only the people deciding for the department or the organisation may record.
DECIDING_STEPS = frozenset({"collectively_decided", "organisation_approved"})

# Evaluation comes after the collective decision: 集中评 then 组织审 (篇8 第九条 (一)二).
EVALUABLE_FROM = "collectively_decided"


class StepOutOfOrder(RuleBroken):
    """A step taken out of the five-step order (a state rule: 409)."""

    code = "step_out_of_order"

    def __init__(self, step: str, expected: str | None) -> None:
        self.step = step
        self.expected = expected
        super().__init__("step", self.message_zh)

    @property
    def message_zh(self) -> str:
        if self.expected is None:
            return f"该风险点已完成五步识别，不能再记录「{STEP_ZH.get(self.step, self.step)}」"
        return f"应先完成「{STEP_ZH[self.expected]}」，不能跳到「{STEP_ZH.get(self.step, self.step)}」"


def next_step(done: Sequence[str]) -> str | None:
    """The step that must come next, or None when all five are done."""
    return STEPS[len(done)] if len(done) < len(STEPS) else None


def check_step(done: Sequence[str], step: str) -> None:
    """Refuse a step out of order; a step cannot be skipped or repeated."""
    expected = next_step(done)
    if step != expected:
        raise StepOutOfOrder(step, expected)


def status_after(done: Sequence[str]) -> str:
    """identifying → decided (may be evaluated) → published (approved and shown internally)."""
    if len(done) == len(STEPS):
        return "published"
    if EVALUABLE_FROM in done:
        return "decided"
    return "identifying"


class NotYetDecided(RuleBroken):
    """Evaluation asked for before the collective decision (a state rule: 409)."""

    code = "not_yet_decided"

    def __init__(self) -> None:
        super().__init__("status", "风险点须经集体评定后方可评估等级")


def can_evaluate(done: Sequence[str]) -> bool:
    return EVALUABLE_FROM in done


def check_evaluable(done: Sequence[str]) -> None:
    """Refuse an evaluation before 集体定."""
    if not can_evaluate(done):
        raise NotYetDecided()


@dataclass(frozen=True)
class Contribution:
    step: str
    by: str
    content: str

    @property
    def colour(self) -> str | None:
        return STEP_COLOUR.get(self.step)
