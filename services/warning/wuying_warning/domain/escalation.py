"""Escalation is a decision, not an automatism (seeds/002 篇5 七(一), 三(一)2; 篇8 第十八条).

篇5 七(一): 对廉情预警告知对象，预警后群众仍有反映，经调查问题属实的，可转廉情预警质询或廉情监察
(检查)建议；对廉情预警质询对象，如整改不力、错误蔓延的，转廉情监察(检查)建议或组织处理. "可转"
is for the authority of the higher level to decide (篇5 三(一)2: yellow by the commission secretary
with its members, red by the Party committee). So a missed step or a verified new report never
changes a warning: it yields a PROPOSAL of the next level carrying its evidence, decided through
the ordinary approval (``authority.approval_refusal``), with reasons. The lower warning stays as
it is until the higher one is issued; then it is closed as ``superseded`` (linked both ways). A
red warning has no higher level: ignored, it becomes an organisational-handling task
(``domain.organisational``).

Pure: the handlers turn these values into records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .levels import level

# The trigger of the proposal, by the level it is proposed at: 篇5 四(二)11 / 篇8 第十八条(二)1①
# (廉情预警告知后…需要实行廉情预警质询的 / 警示提醒后仍未改正的), 篇5 四(一)10 / 篇8 第十八条(三)1①
# (质询后整改不力或逾期未整改到位 / 诫勉纠错后仍未改正的).
ESCALATION_TRIGGERS = {2: "notice_not_corrected", 1: "inquiry_not_rectified"}

REASONS = ("answer_overdue", "fix_overdue", "verified_new_report")
REASON_ZH = {
    "answer_overdue": "逾期未答复",
    "fix_overdue": "逾期未整改到位",
    "verified_new_report": "预警后群众仍有反映，经调查问题属实",
}
# Findings on a report attached to an open warning (篇5 七(一): 经调查问题属实的).
FINDINGS = ("substantiated", "unsubstantiated")
FINDING_ZH = {"substantiated": "经调查问题属实", "unsubstantiated": "经调查问题不属实"}
ESCALATABLE_LEVELS = frozenset({3, 2})  # 篇5 七(一): blue (告知) and yellow (质询) move up


def next_level(level_number: int) -> int | None:
    """The level an escalation proposes (one up), or None for red (organisational handling)."""
    return level_number - 1 if level_number in ESCALATABLE_LEVELS else None


@dataclass(frozen=True)
class MissedStep:
    """The deadline timer's evidence: which step was missed, when it was due, by how much."""

    due_kind: str  # "answer" or "fix"
    due_on: date
    detected_on: date

    @property
    def days_overdue(self) -> int:
        return (self.detected_on - self.due_on).days

    @property
    def reason(self) -> str:
        return f"{self.due_kind}_overdue"

    def as_evidence(self, warning_id: str, level_number: int) -> dict:
        return {
            "kind": "missed_step",
            "reason": self.reason,
            "warning_id": warning_id,
            "level": level_number,
            "due_kind": self.due_kind,
            "due_on": self.due_on.isoformat(),
            "detected_on": self.detected_on.isoformat(),
            "days_overdue": self.days_overdue,
        }

    def reason_zh(self, level_number: int) -> str:
        lvl = level(level_number)
        step = "答复" if self.due_kind == "answer" else "整改"
        return (
            f"{lvl.colour_zh}预警（{lvl.action_zh}）的{step}期限 {self.due_on.isoformat()} 已过 "
            f"{self.days_overdue} 天仍未{'答复' if self.due_kind == 'answer' else '整改到位'}（篇5 七(一)）"
        )


@dataclass(frozen=True)
class VerifiedReport:
    """A new report about the warned official, found substantiated by a warning officer."""

    petition_id: str
    found_by: str
    found_at: str  # RFC 3339
    reasons: tuple[str, ...]

    def as_evidence(self, warning_id: str, level_number: int) -> dict:
        return {
            "kind": "verified_report",
            "reason": "verified_new_report",
            "warning_id": warning_id,
            "level": level_number,
            "petition_id": self.petition_id,
            "found_by": self.found_by,
            "found_at": self.found_at,
            "reasons": list(self.reasons),
        }

    def reason_zh(self, level_number: int) -> str:
        lvl = level(level_number)
        return f"{lvl.colour_zh}预警后群众仍有反映（信访件 {self.petition_id}），经调查问题属实（篇5 七(一)）"


def decision_reasons_missing(is_escalation: bool, reasons: list[str] | None) -> bool:
    """An escalation is decided with reasons (篇5 七(一) "可转" is a decision): the approver says why."""
    return is_escalation and not [r for r in (reasons or []) if r.strip()]
