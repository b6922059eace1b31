"""Opening a named reporter's identity (DESIGN.md §4 Intake: identity encrypted at rest and
visible only to authorised roles, with every access audited; seeds/003: the accused must never
learn who reported).

Four eyes: a clerk or supervisor asks with a reason, a *different* supervisor approves, and only
the person who asked may then read the details. Anyone named as a subject of the report is
recused from all of it (seeds/000 H, 001: who supervises the supervisors).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from wuying_common.rules import RuleBroken

from .screening import normalize_name

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
REQUEST_STATUSES_ZH = {PENDING: "待审批", APPROVED: "已批准", REFUSED: "未批准"}

REQUESTER_ROLES = frozenset({"intake_clerk", "intake_supervisor"})
APPROVER_ROLES = frozenset({"intake_supervisor"})
REASON_MIN = 4

# Audit actions and outcomes. The audit says who, when, which report and what happened; never
# the identity itself.
REQUESTED, APPROVED_ACTION, REFUSED_ACTION, ACCESSED = "requested", "approved", "refused", "accessed"
ALLOWED, DENIED = "allowed", "denied"


# Refusals that are not about who asks: a missing reason is about the input (400), the others
# about the state of the report or request (409). Every other refusal is about the person: 403.
INPUT_CODES = frozenset({"reason_required"})
STATE_CODES = frozenset({"not_pending", "no_identity_on_file"})


class IdentityRuleError(RuleBroken):
    """A rule of identity opening was broken; ``code`` is stable, the message Chinese."""

    def __init__(self, code: str, message: str, field: str = "_schema") -> None:
        super().__init__(field, message, code)
        self.invalid = code in INPUT_CODES
        if self.forbidden:
            self.status = 403  # about who asks; the shared mapping answers it as such

    @property
    def forbidden(self) -> bool:
        """Refused because of who asks (role, same person, recusal): answered 403."""
        return self.code not in INPUT_CODES | STATE_CODES


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: frozenset[str]
    name: str = ""  # the token's name: a subject named by name only is recused too


def recusal_problem(
    actor: str, subject_ids: set[str], actor_name: str = "", subject_names: Collection[str] = ()
) -> IdentityRuleError | None:
    """A person the report is about may not request, approve, read or handle it: named by id, or
    by name (a staff member whose name is a subject's, in the report's county; issue 8 item 4).
    ``subject_names`` are normalised (``screening.normalize_name``)."""
    if actor in subject_ids or (actor_name and normalize_name(actor_name) in subject_names):
        return IdentityRuleError("subject_recused", "被反映人不得查看或办理反映本人的件", "petition_id")
    return None


def check_request(
    actor: Actor, subject_ids: set[str], anonymous: bool, reason: str, subject_names: Collection[str] = ()
) -> None:
    if problem := recusal_problem(actor.subject, subject_ids, actor.name, subject_names):
        raise problem
    if not actor.roles & REQUESTER_ROLES:
        raise IdentityRuleError("role_forbidden", "只有受理人员或受理部门负责人可以申请查看举报人信息", "roles")
    if anonymous:
        raise IdentityRuleError("no_identity_on_file", "匿名举报没有可查看的举报人信息", "petition_id")
    if len(reason.strip()) < REASON_MIN:
        raise IdentityRuleError("reason_required", f"申请理由不少于 {REASON_MIN} 个字", "reason")


def check_decision(
    actor: Actor, requested_by: str, status: str, subject_ids: set[str], subject_names: Collection[str] = ()
) -> None:
    """Approve or refuse: a different person, with the supervisor role, a pending request."""
    if problem := recusal_problem(actor.subject, subject_ids, actor.name, subject_names):
        raise problem
    if not actor.roles & APPROVER_ROLES:
        raise IdentityRuleError("role_forbidden", "只有受理部门负责人可以审批查看举报人信息的申请", "roles")
    if actor.subject == requested_by:
        raise IdentityRuleError("same_person", "申请人不能审批自己的申请，须由另一名负责人审批", "approver")
    if status != PENDING:
        raise IdentityRuleError("not_pending", "该申请已审批", "status")


def may_decide(
    actor: Actor, requested_by: str, status: str, subject_ids: set[str], subject_names: Collection[str] = ()
) -> bool:
    """Whether ``actor`` is a second approver this request waits for (``check_decision`` would
    pass): the identity requests worklist shows a supervisor only those."""
    try:
        check_decision(actor, requested_by, status, subject_ids, subject_names)
    except IdentityRuleError:
        return False
    return True


def check_access(
    actor: Actor, requested_by: str, status: str, subject_ids: set[str], subject_names: Collection[str] = ()
) -> None:
    """Only the requester, only after approval."""
    if problem := recusal_problem(actor.subject, subject_ids, actor.name, subject_names):
        raise problem
    if actor.subject != requested_by:
        raise IdentityRuleError("not_requester", "只有申请人本人可以查看", "requester")
    if status != APPROVED:
        raise IdentityRuleError("not_approved", "申请尚未批准，不能查看举报人信息", "status")
