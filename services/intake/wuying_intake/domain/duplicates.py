"""Duplicate and repeated reports (seeds/001 黑龙江: 对无实质内容、重复检举控告的问题线索，经过集体研判
直接予以了结; DESIGN.md §4 Intake: duplicates are proposed on arrival, people decide).

- **Merge** (合并办理): a clerk confirms a proposed duplicate; the later report closes with status
  ``merged`` and an answer referring to the earlier one, which lists what was merged into it.
- **Close a repeated report** (重复举报了结): a repeat bringing no new facts is closed, but only
  after a collective review (集体研判) on record: meeting date, at least three participants and
  the conclusion.
- **Nothing closes unreviewed** (issue 8 item 5): a report triaged as having no substance
  (无实质内容) or as a duplicate (重复检举控告), and a confirmed duplicate merged into an earlier
  report, closes only with the same collective review on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from wuying_common.rules import RuleBroken

OPEN_STATUSES = frozenset({"received", "triaged"})
MIN_REVIEW_PARTICIPANTS = 3
CONCLUSION_MIN = 4

MERGED_OUTCOME, REPEATED_OUTCOME = "merged", "repeated_no_new_facts"
# Triage outcomes that close only after a collective review (seeds/001 黑龙江: 对无实质内容、重复检举
# 控告的问题线索，经过集体研判直接予以了结).
REVIEWED_OUTCOMES = frozenset({"no_substance", "duplicate"})
CLOSE_OUTCOMES_ZH = {MERGED_OUTCOME: "与此前举报合并办理", REPEATED_OUTCOME: "重复举报无新的事实，经集体研判予以了结"}


# Refusals about the state of a report (409); the others are about the input (400).
STATE_CODES = frozenset({"not_open", "verification_open", "merged_already", "not_repeated"})


class DuplicateRuleError(RuleBroken):
    def __init__(self, code: str, message: str, field: str, unprocessable: bool = False) -> None:
        super().__init__(field, message, code)
        self.invalid = code not in STATE_CODES
        if unprocessable:  # schema-valid, refused by a rule between values (rules.UnprocessableInput)
            self.status = 422


@dataclass(frozen=True)
class Report:
    """What the rules need of a report."""

    id: str
    county: str
    status: str
    received_at: datetime
    merged_into: str | None = None
    candidates: frozenset[str] = frozenset()
    verification_open: bool = False
    outcome: str | None = None


def _open(report: Report) -> None:
    if report.status not in OPEN_STATUSES:
        raise DuplicateRuleError("not_open", "只有尚未办结的件可以合并或了结", "status")
    if report.verification_open:
        raise DuplicateRuleError("verification_open", "疑似恶意举报须先作出核实结论", "verification")


def check_merge(later: Report, earlier: Report) -> None:
    """The later report merges into an earlier, proposed duplicate of the same county."""
    _open(later)
    if earlier.id == later.id:
        raise DuplicateRuleError("same_report", "不能与本件合并", "into")
    if earlier.id not in later.candidates:
        raise DuplicateRuleError("not_a_candidate", "该件不在本件的疑似重复件之列", "into")
    if earlier.county != later.county:
        raise DuplicateRuleError("other_county", "只能与本地区的举报件合并", "into")
    if earlier.received_at >= later.received_at:
        raise DuplicateRuleError("not_earlier", "只能并入此前收到的举报件", "into")
    if earlier.merged_into:
        raise DuplicateRuleError("merged_already", f"该件已并入 {earlier.merged_into}，请并入该件", "into")


def check_repeated_close(report: Report, meeting_date: date, participants: list[str], conclusion: str, today: date):
    """A repeat (proposed duplicate or triaged as duplicate) closes only after a collective review."""
    _open(report)
    if not report.candidates and report.outcome != "duplicate":
        raise DuplicateRuleError("not_repeated", "本件没有疑似重复的举报，也未研判为重复举报", "petition_id")
    check_collective_review(meeting_date, participants, conclusion, today)


def check_collective_review(meeting_date: date, participants: list[str], conclusion: str, today: date) -> None:
    """集体研判 (seeds/001 黑龙江): held (not in the future), at least three distinct participants,
    a conclusion."""
    # A date against today and people counted once each: rules no schema states, 422.
    if meeting_date > today:
        raise DuplicateRuleError(
            "invalid_review", "集体研判日期不能晚于今天", "collective_review.meeting_date", unprocessable=True
        )
    people = {p.strip() for p in participants if p.strip()}
    if len(people) < MIN_REVIEW_PARTICIPANTS:
        raise DuplicateRuleError(
            "invalid_review",
            f"集体研判须至少 {MIN_REVIEW_PARTICIPANTS} 名不同的人参加",
            "collective_review.participants",
            unprocessable=True,
        )
    if len(conclusion.strip()) < CONCLUSION_MIN:
        raise DuplicateRuleError("invalid_review", "须填写集体研判结论", "collective_review.conclusion")


def merge_answer(earlier_id: str) -> str:
    return f"您反映的问题与此前受理的举报件（编号 {earlier_id}）反映的问题相同，已合并办理，办理结果一并答复。"


REPEATED_ANSWER = "您反映的问题此前已受理办理，本次未反映新的事实和证据，经集体研判，不再重复办理，予以了结。"


def check_reviewed_close(outcome: str | None, review: dict | None, today: date) -> None:
    """A report triaged as no substance or duplicate closes only with a collective review on
    record (seeds/001 黑龙江; issue 8 item 5); a review given for another outcome is checked too."""
    if review is None:
        if outcome in REVIEWED_OUTCOMES:
            raise DuplicateRuleError(
                "review_required",
                f"无实质内容、重复举报须经集体研判（至少 {MIN_REVIEW_PARTICIPANTS} 人参加）后方可了结",
                "collective_review",
            )
        return
    check_collective_review(review["meeting_date"], review["participants"], review["conclusion"], today)
