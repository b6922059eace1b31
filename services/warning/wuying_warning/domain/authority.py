"""Who may approve a warning (seeds/002 篇5 三(一)2): the authority grows with the level.

Level 3 (blue) is decided by the commission's leader in charge with the warning centre, level 2
(yellow) by the commission secretary with the commission's members, level 1 (red) by the Party
committee. Whoever proposed a warning never approves it: a decision needs a second person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .levels import level

APPROVER_ROLES = frozenset({"commission_leader", "commission_secretary", "party_committee"})


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    required_role: str | None = None


def approval_refusal(level_number: int, proposer: str, approver: str, approver_roles: Iterable[str]) -> Refusal | None:
    """Why ``approver`` may not approve this warning, or None when they may."""
    if approver == proposer:
        return Refusal("self_approval_forbidden", "提出预警建议的人员不得审批本人的建议")
    needed = level(level_number)
    if needed.approver_role not in set(approver_roles):
        return Refusal(
            "approval_authority_required",
            f"{needed.colour_zh}预警须由{needed.approver_zh}后审批",
            needed.approver_role,
        )
    return None


def decision_refusal(level_number: int, roles: Iterable[str]) -> Refusal | None:
    """An appeal is answered by the organ that issued the warning (篇5 七(三): 向实施预警的党组织、
    纪检监察机关提出申诉，接受申诉的机关调查了解后，予以答复): the same authority as approval."""
    needed = level(level_number)
    if needed.approver_role not in set(roles):
        return Refusal(
            "approval_authority_required",
            f"{needed.colour_zh}预警的申诉须由{needed.approver_zh}后答复",
            needed.approver_role,
        )
    return None


# 篇5 六3: the extension of a red warning needs a leader's approval; the red warning's own
# authority (the Party committee, 篇5 三(一)2) grants it.
EXTENSION_ROLE = level(1).approver_role
