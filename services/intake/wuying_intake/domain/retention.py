"""Retention (issue 8 item 11): a closed report is kept for a period set per kind in rule data,
then its reporter's identity and its content are purged (identity first, then content and
attachments) unless it is under legal hold; each purge leaves an audit record with no content.

The periods are a **default to confirm**: no seed sets them, and the commission's archive office
must confirm them against its records schedule (the 信访档案 and 纪检监察 case-file rules keep some
files permanently; a report whose file must be kept longer is put under legal hold). Every
report keeps the rules version its retention was set under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from wuying_common.rules import RuleBroken

from .deadlines import DISCIPLINE_REPORT, PETITION
from .petition import IntakeRuleError

RETENTION_VERSION = "retention-default-2026.1"
ENDED_STATUSES = frozenset({"closed", "merged", "sent_up"})
PURGED_TEXT = "（已按保存期限清除）"


@dataclass(frozen=True)
class RetentionRule:
    years: int
    source: str


_DEFAULT = "default to confirm with the commission's archive office (no seed sets a period)"
RETENTION_RULES = MappingProxyType(
    {
        DISCIPLINE_REPORT: RetentionRule(10, _DEFAULT),  # 检举控告
        PETITION: RetentionRule(10, _DEFAULT),  # 信访
    }
)


def retain_until(kind: str, ended_on: date) -> date:
    """The day from which a report that ended on ``ended_on`` may be purged: the same day
    ``years`` later (28 February for a 29 February)."""
    years = RETENTION_RULES[kind].years
    try:
        return ended_on.replace(year=ended_on.year + years)
    except ValueError:
        return ended_on.replace(year=ended_on.year + years, day=28)


class RetentionRuleError(RuleBroken):
    """A legal hold cannot be set or released in the report's state: 409."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__("legal_hold", message, code)


def check_hold(setting: bool, on_hold: bool, purged: bool, reason: str) -> str:
    """A legal hold (诉讼保全 / 依法封存) is set or released with a reason; a purged report has
    nothing left to hold."""
    if purged:
        raise RetentionRuleError("already_purged", "该件已按保存期限清除")
    if setting and on_hold:
        raise RetentionRuleError("already_on_hold", "该件已处于依法保全状态")
    if not setting and not on_hold:
        raise RetentionRuleError("not_on_hold", "该件未处于依法保全状态")
    if len(reason.strip()) < 2:
        raise IntakeRuleError("设置或解除依法保全须说明理由", "reason", code="reason_required")
    return reason.strip()
