"""A petition's life: received → triaged → closed (its deadlines: ``domain/deadlines.py``).

Every item is tracked to closure with an answer: 件件有着落，事事有回音 (seeds/000 B); nothing
closes without one. A case clue is not a warning matter and is transferred to case handling
(seeds/002 篇5 三(一)3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wuying_common.rules import RuleBroken

from .catalog import OUTCOMES, SEVERITIES, SUBJECT_KINDS, TRANSFERS

RECEIVED, TRIAGED, CLOSED, SENT_UP = "received", "triaged", "closed", "sent_up"
# A confirmed duplicate is merged into the earlier report (domain/duplicates.py).
MERGED = "merged"
# A report that belongs to the level above is sent up instead of being accepted here; the
# reporter is told where it went, which is its answer (seeds/000 H).
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({TRIAGED, SENT_UP}),
    TRIAGED: frozenset({CLOSED}),
    CLOSED: frozenset(),
    SENT_UP: frozenset(),
    MERGED: frozenset(),
}

# The deadlines of each kind of report are rule data in ``domain/deadlines.py``.

CONTENT_MIN, CONTENT_MAX = 10, 5000
MAX_SUBJECTS = 10


class IntakeRuleError(RuleBroken):
    """A rule about the input was broken (answered 400); ``field`` names the input at fault."""

    code = "validation_failed"
    invalid = True

    def __init__(self, message: str, field: str = "_schema", code: str | None = None) -> None:
        super().__init__(field, message, code)


class TransitionNotAllowed(RuleBroken):
    """The report's state does not allow the step (answered 409); the code says why."""

    code = "invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        code, message = _TRANSITION_REFUSALS.get((current, target)) or _TRANSITION_REFUSALS.get(
            (current, None), ("invalid_transition", "该件当前状态不允许此操作")
        )
        super().__init__("status", message, code)
        self.current = current
        self.target = target


# Refusals people meet often get their own code: (state, target or None for any) -> (code, message).
_TRANSITION_REFUSALS: dict[tuple[str, str | None], tuple[str, str]] = {
    (RECEIVED, CLOSED): ("not_triaged", "该件尚未研判，不能办结"),
    (TRIAGED, None): ("already_triaged", "该件已研判，不能重复研判"),
    (CLOSED, None): ("already_closed", "该件已办结"),
}


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(current, target)


# -- submission rules --------------------------------------------------------------------------
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
#: The two as one pattern, for the OpenAPI (the same ``re`` semantics as ``phone_ok``).
PHONE_PATTERN = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
#: An identity number's form, 17 digits and a check digit (``id_number_ok`` also checks its value).
ID_NUMBER_PATTERN = r"^\d{17}[\dXx]$"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def content_problem(text: str) -> str | None:
    """Content must say something: 10–5000 characters, not counting surrounding blanks."""
    length = len(text.strip())
    if length < CONTENT_MIN:
        return f"反映内容不少于 {CONTENT_MIN} 个字"
    if length > CONTENT_MAX:
        return f"反映内容不超过 {CONTENT_MAX} 个字"
    return None


def phone_ok(phone: str) -> bool:
    return bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


def id_number_ok(number: str) -> bool:
    """18-digit resident identity number with its GB 11643 check digit."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def subject_problem(subject: dict) -> str | None:
    """A reported person or unit must be identifiable: an id or a name."""
    if subject.get("kind") not in SUBJECT_KINDS:
        return "被反映对象类型必须是 official 或 unit"
    if not (subject.get("id") or subject.get("name")):
        return "被反映对象至少填写编号或名称之一"
    return None


def reporter_problem(anonymous: bool, reporter: dict | None) -> str | None:
    """Named reports need the reporter's name and phone; anonymous ones must carry none."""
    if anonymous and reporter:
        return "匿名举报不得填写举报人信息"
    if not anonymous and not reporter:
        return "实名举报必须填写举报人姓名和联系电话"
    return None


# -- triage ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TriageDecision:
    outcome: str
    severity: str
    subjects: tuple[dict, ...]  # resolved: {kind, id, county}
    note: str = ""

    @property
    def transferred_to(self) -> str | None:
        return TRANSFERS.get(self.outcome)


REASON_MIN = 2


def decide_triage(outcome: str, severity: str, subjects: list[dict], note: str = "") -> TriageDecision:
    """研判: every outcome records its reason (``note``, issue 8 item 5: nothing is decided
    without one); integrity information must name the resolved subjects risk will score
    (DESIGN.md §2: a report triaged as integrity information raises the subject's profile)."""
    if len((note or "").strip()) < REASON_MIN:
        raise IntakeRuleError("研判须写明理由", "note", code="reason_required")
    if outcome not in OUTCOMES:
        raise IntakeRuleError("研判结论不在允许范围内", "outcome")
    if severity not in SEVERITIES:
        raise IntakeRuleError("严重程度必须是 low、medium 或 high", "severity")
    if outcome == "integrity_information" and not subjects:
        raise IntakeRuleError("研判为廉情信息时必须确认至少一个被反映对象（编号和地区）", "subjects")
    for i, s in enumerate(subjects):
        if s.get("kind") not in SUBJECT_KINDS or not s.get("id") or not s.get("county"):
            raise IntakeRuleError("被反映对象须有类型、编号和地区", f"subjects.{i}")
    seen = {(s["kind"], s["id"]) for s in subjects}
    if len(seen) != len(subjects):
        raise IntakeRuleError("被反映对象重复", "subjects")
    return TriageDecision(outcome, severity, tuple(subjects), note.strip())


def close_problem(answer: str) -> str | None:
    """件件有着落，事事有回音 (seeds/000 B): no closure without an answer."""
    if len(answer.strip()) < 2:
        return "办结必须填写答复意见"
    return None


# -- suspected malicious reports (seeds/003 宝安《恶意举报认定及处置办法》: 认定、处置、澄清) --------
VERIFICATION_OPEN, VERIFICATION_CONFIRMED, VERIFICATION_NOT_CONFIRMED = "open", "confirmed", "not_confirmed"


def verification_problem(
    outcome: str | None, verification_status: str | None, confirmed: bool, text: str
) -> str | None:
    """Only an open verification of a suspected malicious report is concluded, once; a
    confirmed one must carry the clarification (澄清正名) for the accused."""
    if outcome != "suspected_malicious" or verification_status is None:
        return "只有研判为疑似恶意举报的件才进行核实"
    if verification_status != VERIFICATION_OPEN:
        return "该件的核实已有结论"
    if confirmed and len(text.strip()) < 4:
        return "认定为恶意举报的，须填写对被反映人的澄清说明"
    return None
