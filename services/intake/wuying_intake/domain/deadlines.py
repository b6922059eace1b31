"""Deadlines of a report and the notices they cause (件件有着落，事事有回音, seeds/000 B; DESIGN.md
§4 Intake: statutory time limits for acknowledging, accepting and replying are tracked).

- ``acknowledge``: a received report is accepted (triaged) or sent up within 15 working days.
- ``handle``: a triaged report is closed with an answer within 60 days (extendable once).
- ``feedback``: a named reporter is told the result within 15 working days of closing (反馈办理结果).
- ``send_up``: a report that belongs to the level above goes up within 5 working days of
  receipt (seeds/000 H: reports go to the organ entitled to handle them).

A reminder goes out N working days before a deadline (rule data, per kind) and, once the
deadline passes unanswered, one overdue notice per deadline. An extended deadline is a new
deadline and gets its own notices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

ACKNOWLEDGE, HANDLE, FEEDBACK = "acknowledge", "handle", "feedback"
KINDS_ZH = MappingProxyType({ACKNOWLEDGE: "受理期限", HANDLE: "办理期限", FEEDBACK: "反馈期限"})
FEEDBACK_WORKING_DAYS = 15
FEEDBACK_METHODS = MappingProxyType(
    {"phone": "电话", "letter": "书面", "in_person": "当面", "sms": "短信", "other": "其他"}
)
SEND_UP_WORKING_DAYS = 5

# Working days before the deadline at which the early reminder goes out.
REMINDER_WORKING_DAYS: MappingProxyType[str, int] = MappingProxyType({ACKNOWLEDGE: 3, HANDLE: 5, FEEDBACK: 3})

REMINDER, OVERDUE = "reminder", "overdue"


@dataclass(frozen=True)
class OpenDeadline:
    kind: str
    due: date


@dataclass(frozen=True)
class Notice:
    action: str  # reminder | overdue
    kind: str
    due: date
    working_days: int  # left before the deadline (reminder) or past it (overdue)

    @property
    def key(self) -> str:
        return notice_key(self.action, self.kind, self.due)


def notice_key(action: str, kind: str, due: date) -> str:
    return f"{action}:{kind}:{due.isoformat()}"


def due_notices(
    today: date,
    deadlines: Iterable[OpenDeadline],
    already_sent: set[str],
    working_days_between: Callable[[date, date], int],
    reminder_days: MappingProxyType[str, int] | dict[str, int] = REMINDER_WORKING_DAYS,
) -> list[Notice]:
    """The notices to send today; ``working_days_between(a, b)`` counts working days in (a, b]."""
    notices = []
    for d in deadlines:
        if today > d.due:
            notice = Notice(OVERDUE, d.kind, d.due, working_days_between(d.due, today))
        else:
            left = working_days_between(today, d.due)
            if left > reminder_days.get(d.kind, 0):
                continue
            notice = Notice(REMINDER, d.kind, d.due, left)
        if notice.key not in already_sent:
            notices.append(notice)
    return notices
