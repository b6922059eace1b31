"""Routing enforced (seeds/000 H 监督方式及处理; issue 8 item 4): who may handle a report, and to
whom it is assigned.

- A report involving the commission's own leaders (涉及纪委监委领导) is handled only by the
  principal leader (主要负责人, role ``commission_secretary``): triaged, closed, merged, extended,
  verified, fed back and assigned within the commission by them alone; or sent to the level
  above (by them or by a clerk: the way out when the principal leader is the one reported).
- Every other report is handled by the intake clerks; an ``intake_supervisor`` assigns and
  reassigns it.
- Every assignment is recorded: who, when, why, from whom to whom.
- A leader is recognised from archive's registry (``get_official``): a registered commission
  staff member (``commission_staff``) whose post names a leadership position of the commission
  (``LEADER_POSTS``: 书记 / 副书记 of the 纪委, 纪委常委, 监委主任 / 副主任 / 委员). Rank alone does not
  make a leader (a 副处级 post is the secretary in a county and a section head in a city).
"""

from __future__ import annotations

from collections.abc import Iterable

from wuying_common.rules import RuleBroken

from .petition import IntakeRuleError
from .screening import ROUTE_COMMISSION_LEADERS, ROUTE_PRINCIPAL_LEADER, ROUTE_STANDARD

PRINCIPAL_LEADER_ROLE = "commission_secretary"  # 主要负责人
CLERK_ROLE = "intake_clerk"
SUPERVISOR_ROLE = "intake_supervisor"

# Handling actions. Sending up is the one step a clerk may take on a report for the principal
# leader (seeds/000 H: or to the level above).
TRIAGE, CLOSE, MERGE, CLOSE_REPEATED, EXTEND, FEEDBACK, VERIFY, SEND_UP, ASSIGN, ACKNOWLEDGE = (
    "triage",
    "close",
    "merge",
    "close_repeated",
    "extend",
    "feedback",
    "verify",
    "send_up",
    "assign",
    "acknowledge",
)

# Posts of the commission's leadership, as archive's registry spells them (a substring match).
LEADER_POSTS = (
    "纪委书记",
    "纪委副书记",
    "纪委常委",
    "纪律检查委员会书记",
    "纪律检查委员会副书记",
    "纪律检查委员会常委",
    "监委主任",
    "监委副主任",
    "监委委员",
    "监察委员会主任",
    "监察委员会副主任",
    "监察委员会委员",
)

# Who takes each step on an ordinary report (the default: a clerk).
_ORDINARY_ROLES = {ASSIGN: {SUPERVISOR_ROLE}, VERIFY: {CLERK_ROLE, SUPERVISOR_ROLE}}
_STRENGTH = {ROUTE_STANDARD: 0, ROUTE_COMMISSION_LEADERS: 1, ROUTE_PRINCIPAL_LEADER: 2}


class RoutingRuleError(RuleBroken):
    """The report's routing does not let this person take this step: 403."""

    status = 403

    def __init__(self, code: str, message: str, field: str = "routing") -> None:
        super().__init__(field, message, code)


def is_commission_leader(official: dict) -> bool:
    """A registered official is one of the commission's leaders: commission staff in a
    leadership post (``LEADER_POSTS``)."""
    if not official.get("commission_staff"):
        return False
    post = str(official.get("post") or "")
    return any(p in post for p in LEADER_POSTS)


def stronger(current: str, found: str) -> str:
    """Routing only ever moves up (a subject found to be a leader at triage re-routes the report)."""
    return found if _STRENGTH.get(found, 0) > _STRENGTH.get(current, 0) else current


def check_handler(routing: str, roles: Iterable[str], action: str) -> None:
    """Who may take ``action`` on a report routed ``routing`` (seeds/000 H)."""
    roles = frozenset(roles)
    if routing == ROUTE_PRINCIPAL_LEADER:
        if action == SEND_UP and roles & {CLERK_ROLE, PRINCIPAL_LEADER_ROLE}:
            return
        if PRINCIPAL_LEADER_ROLE not in roles:
            raise RoutingRuleError(
                "principal_leader_only",
                "涉及纪委监委领导的件只能由纪委主要负责人办理，或者转送上级机关（seeds/000 H）",
            )
        return
    if not roles & _ORDINARY_ROLES.get(action, {CLERK_ROLE}):
        raise RoutingRuleError(
            "role_forbidden",
            "只有受理部门负责人可以分办或改派" if action == ASSIGN else "只有受理人员可以办理该件",
            "roles",
        )


def check_assignment(assignee: str, reason: str, current: str | None, recused: bool) -> None:
    """An assignment names someone other than the current assignee, not a subject of the report,
    with a reason."""
    if not assignee.strip():
        raise RoutingRuleError("assignee_required", "须指定承办人", "assignee")
    if recused:
        raise RoutingRuleError("assignee_recused", "被反映人不得承办反映本人的件", "assignee")
    if assignee.strip() == (current or ""):
        raise RoutingRuleError("already_assigned", "该件已由此人承办", "assignee")
    if len(reason.strip()) < 2:
        raise IntakeRuleError("分办或改派须说明理由", "reason", code="reason_required")
