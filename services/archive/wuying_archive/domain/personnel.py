"""Personnel changes (人员信息变动): the file is updated on hire, transfer, leave and retirement
(004/4 深圳龙岗: 根据干部入职、离职、退休等情况对档案进行动态更新)."""

from __future__ import annotations

from dataclasses import dataclass

# A status other than these, on an official already registered, is a (re)hire.
STATUS_CHANGES = {"left": "left", "retired": "retired"}


@dataclass(frozen=True)
class Posting:
    unit_id: str
    status: str  # "serving", "left" or "retired"


def personnel_change(before: Posting | None, after: Posting) -> str | None:
    """The ``change`` of ``official.changed``, or None when nothing the file records changed."""
    if before is None:
        return "registered"
    if before.unit_id != after.unit_id:
        return "transferred"
    if before.status != after.status:
        return STATUS_CHANGES.get(after.status, "hired")
    return None
