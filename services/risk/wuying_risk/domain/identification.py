"""Risk points, their three kinds and the five identification steps.

Kinds (seeds/002 篇6 一、二; 篇8 第五条): ideological-moral, institutional, post-duty.
Steps (seeds/002 篇1 ⑵②; 篇8 第九条 (一)二): 自己找、同事帮、领导点、集体定、组织审, taken in
order ("按照流程进行逐级进行"), each step's contribution kept apart: the system shows what the
official wrote in black, what colleagues added in blue and what the leader pointed out in red.
After the holder's own step the system assigns the post's colleagues ("自动分配给相关岗位所在的
同事"); each step is taken by the right person and nobody takes two steps of the same risk point
("有效遏制了走形式弄虚作假的问题"); the collective decision needs a quorum. After organisational
approval the risk point is published internally (篇1 ④ 风险公示).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from wuying_common.rules import InvalidInput, RuleBroken

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
# Who may point out risks when the point names no leader, record the collective decision, and
# approve for the organisation.
LEADER_ROLES = ("commission_leader", "commission_secretary", "party_committee")
COLLECTIVE_ROLES = ("risk_officer", *LEADER_ROLES)
ORGANISATION_ROLES = LEADER_ROLES

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


class WrongPerson(RuleBroken):
    """A step recorded by someone who is not the right person for it (403)."""

    code = "wrong_person_for_step"
    status = 403

    def __init__(self, step: str, message: str) -> None:
        self.step = step
        super().__init__("step", f"「{STEP_ZH.get(step, step)}」{message}")


class SamePersonTwice(RuleBroken):
    """One person may take only one step of a risk point (409)."""

    code = "same_person_twice"

    def __init__(self, step: str) -> None:
        super().__init__("step", f"同一人不能在同一风险点的识别中承担两个步骤（「{STEP_ZH.get(step, step)}」）")


class TooFewParticipants(InvalidInput):
    """A collective decision with fewer participants than the rules require (400)."""

    code = "too_few_participants"

    def __init__(self, needed: int, got: int) -> None:
        super().__init__("participants", f"集体定须至少 {needed} 人参加（现有 {got} 人，不含重复）")


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: frozenset[str]


def check_person(
    step: str,
    actor: Actor,
    *,
    authors: Collection[str],
    holder: str,
    colleagues: Collection[str],
    leader: str,
) -> None:
    """Refuse a step taken by the wrong person, or by someone who took an earlier step.

    自己找: the holder; 同事帮: one of the colleagues the system assigned; 领导点: the leader the
    point names (else a commission leader); 集体定: a risk officer or leader recording the
    meeting; 组织审: a commission leader, secretary or the Party committee.
    """
    if actor.subject in authors:
        raise SamePersonTwice(step)
    if step == "self_found" and holder and actor.subject != holder:
        raise WrongPerson(step, "须由岗位责任人本人填报")
    if step == "colleague_helped":
        if not colleagues:
            raise WrongPerson(step, "尚未分配同岗位同事，请先登记本单位人员")
        if actor.subject not in colleagues:
            raise WrongPerson(step, "须由系统分配的同岗位同事填写")
    if step == "leader_pointed":
        if leader and actor.subject != leader:
            raise WrongPerson(step, "须由该岗位的分管领导填写")
        if not leader and not actor.roles & set(LEADER_ROLES):
            raise WrongPerson(step, "须由领导填写")
    if step == "collectively_decided" and not actor.roles & set(COLLECTIVE_ROLES):
        raise WrongPerson(step, "须由风险防控人员或领导记录集体决定")
    if step == "organisation_approved" and not actor.roles & set(ORGANISATION_ROLES):
        raise WrongPerson(step, "须由纪委领导或党委审核")


def check_participants(participants: Sequence[str], minimum: int) -> list[str]:
    """The distinct participants of a collective decision, at least ``minimum`` of them."""
    distinct = list(dict.fromkeys(p.strip() for p in participants if p and p.strip()))
    if len(distinct) < minimum:
        raise TooFewParticipants(minimum, len(distinct))
    return distinct
