"""The deadlines of a report, by the rule that governs it, and the notices they cause
(件件有着落，事事有回音, seeds/000 B; DESIGN.md §4 Intake: statutory time limits for
acknowledging, accepting and replying are tracked as deadlines).

A report is one of two kinds, and each kind has its own rule and its own deadlines:

- ``discipline_report`` (检举控告), governed by the 纪检监察机关处理检举控告工作规则 (named as
  处理检举控告工作规则 in seeds/001; the time limits below are its, counted in **working days**):
  ``acknowledge`` (a named reporter is told whether the report was accepted, 15 working days
  after receipt), ``feedback`` (the result is fed back to a named reporter within 15 working days
  of closing), ``send_up`` (a report that belongs to the level above goes there within 5
  working days of receipt, seeds/000 H) and ``accept_forwarded`` (a report forwarded by another
  organ, 转来, is accepted or sent on within 5 working days of its arrival).
- ``petition`` (信访事项), governed by the 信访工作条例 (the regulation the earlier code already
  named for these limits; its time limits are counted in **calendar days**): ``register``
  (登记受理 within 15 days of receipt) and ``handle`` (办理 within 60 days of acceptance,
  extendable once by at most 30 days with a reason).

The table is rule data (``DEADLINE_RULES``, version ``RULES_VERSION``) and every report keeps the
version it was given its deadlines under. A deadline in working days is counted on the official
calendar (``provisional`` when the year's holiday arrangement is not loaded); one in calendar
days is plain date arithmetic and never provisional.

A reminder goes out N days before a deadline, N in the deadline's own unit (rule data), and,
once it passes unanswered, one overdue notice per deadline. An extended deadline is a new
deadline and gets its own notices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from wuying_common.rules import WorkingDays

from .petition import IntakeRuleError

RULES_VERSION = "default-2026.1"


class ExtensionRefused(IntakeRuleError):
    """The deadline cannot be extended (again): about the state of the report, answered 409."""

    code = "already_extended"
    invalid = False

    def __init__(self, message: str) -> None:
        super().__init__(message, "extension")


# -- kinds of report ---------------------------------------------------------------------------
DISCIPLINE_REPORT, PETITION = "discipline_report", "petition"
REPORT_KINDS_ZH = MappingProxyType({DISCIPLINE_REPORT: "检举控告", PETITION: "信访"})
REPORT_KIND_RULES_ZH = MappingProxyType(
    {DISCIPLINE_REPORT: "纪检监察机关处理检举控告工作规则", PETITION: "信访工作条例"}
)

# -- units -------------------------------------------------------------------------------------
WORKING_DAYS, CALENDAR_DAYS = "working_days", "calendar_days"
UNITS_ZH = MappingProxyType({WORKING_DAYS: "工作日", CALENDAR_DAYS: "自然日"})

# -- deadline keys -----------------------------------------------------------------------------
ACKNOWLEDGE, ACCEPT_FORWARDED, SEND_UP, FEEDBACK = "acknowledge", "accept_forwarded", "send_up", "feedback"
REGISTER, HANDLE = "register", "handle"

# -- what a deadline counts from ---------------------------------------------------------------
FROM_RECEIVED, FROM_FORWARDED_RECEIVED, FROM_ACCEPTED, FROM_CLOSED = (
    "received",
    "forwarded_received",
    "accepted",
    "closed",
)

# -- the actions that meet (or make moot) a deadline --------------------------------------------
ON_TRIAGE, ON_SEND_UP, ON_CLOSE, ON_FEEDBACK = "triage", "send_up", "close", "feedback"

FEEDBACK_METHODS = MappingProxyType(
    {"phone": "电话", "letter": "书面", "in_person": "当面", "sms": "短信", "other": "其他"}
)


@dataclass(frozen=True)
class Extension:
    """How a deadline may be extended: ``times`` times, each by at most ``max_amount`` of the
    deadline's unit, always with a reason."""

    max_amount: int
    times: int = 1


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    label_zh: str
    amount: int
    unit: str  # working_days | calendar_days
    counts_from: str  # received | forwarded_received | accepted | closed
    met_by: frozenset[str]  # actions that answer it
    reminder: int  # the early reminder goes out this many days (in ``unit``) before
    source: str
    waived_by: frozenset[str] = frozenset()  # actions that make it moot (nothing is owed)
    extension: Extension | None = None
    named_only: bool = False  # only when the reporter is named (there is someone to tell)
    watched: bool = True  # the clock reminds and flags it; False: due only if the action is taken

    @property
    def unit_zh(self) -> str:
        return UNITS_ZH[self.unit]


_DISCIPLINE_SOURCE = "纪检监察机关处理检举控告工作规则（seeds/001 称“处理检举控告工作规则”）"
_PETITION_SOURCE = "信访工作条例"

DEADLINE_RULES: Mapping[str, tuple[DeadlineRule, ...]] = MappingProxyType(
    {
        DISCIPLINE_REPORT: (
            DeadlineRule(
                ACKNOWLEDGE,
                "受理告知期限",
                15,
                WORKING_DAYS,
                FROM_RECEIVED,
                frozenset({ON_TRIAGE, ON_SEND_UP, ON_CLOSE}),
                reminder=3,
                source=_DISCIPLINE_SOURCE,
            ),
            DeadlineRule(
                ACCEPT_FORWARDED,
                "转来件受理期限",
                5,
                WORKING_DAYS,
                FROM_FORWARDED_RECEIVED,
                frozenset({ON_TRIAGE, ON_SEND_UP, ON_CLOSE}),
                reminder=2,
                source=_DISCIPLINE_SOURCE,
            ),
            DeadlineRule(
                SEND_UP,
                "转送上级期限",
                5,
                WORKING_DAYS,
                FROM_RECEIVED,
                frozenset({ON_SEND_UP}),
                reminder=0,
                source=_DISCIPLINE_SOURCE + "；seeds/000 H",
                waived_by=frozenset({ON_TRIAGE, ON_CLOSE}),
                watched=False,  # owed only by a report that belongs to the level above
            ),
            DeadlineRule(
                FEEDBACK,
                "结果反馈期限",
                15,
                WORKING_DAYS,
                FROM_CLOSED,
                frozenset({ON_FEEDBACK}),
                reminder=3,
                source=_DISCIPLINE_SOURCE,
                named_only=True,
            ),
        ),
        PETITION: (
            DeadlineRule(
                REGISTER,
                "登记受理期限",
                15,
                CALENDAR_DAYS,
                FROM_RECEIVED,
                frozenset({ON_TRIAGE, ON_SEND_UP, ON_CLOSE}),
                reminder=3,
                source=_PETITION_SOURCE,
            ),
            DeadlineRule(
                HANDLE,
                "办理期限",
                60,
                CALENDAR_DAYS,
                FROM_ACCEPTED,
                frozenset({ON_CLOSE}),
                reminder=7,
                source=_PETITION_SOURCE,
                extension=Extension(max_amount=30, times=1),
            ),
        ),
    }
)

# Keys are unique across kinds, so a stored deadline finds its rule by key alone.
RULES_BY_KEY: Mapping[str, DeadlineRule] = MappingProxyType(
    {rule.key: rule for rules in DEADLINE_RULES.values() for rule in rules}
)
KEYS_ZH = MappingProxyType({key: rule.label_zh for key, rule in RULES_BY_KEY.items()})
# The deadline that answers receipt, shown as ``acknowledge_due`` for backward compatibility.
RECEIPT_KEYS = (ACKNOWLEDGE, REGISTER)
REMINDER_DAYS: Mapping[str, int] = MappingProxyType({key: rule.reminder for key, rule in RULES_BY_KEY.items()})
# Kept for callers that knew only the working-day reminders.
REMINDER_WORKING_DAYS = MappingProxyType(
    {k: v for k, v in REMINDER_DAYS.items() if RULES_BY_KEY[k].unit == WORKING_DAYS}
)


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool  # the year's holiday arrangement is not loaded: the date may move


def compute_deadline(rule: DeadlineRule, start: date, calendar: WorkingDays | None) -> Deadline:
    """The due date of ``rule`` counted from ``start``: working days on the official calendar
    (provisional when a year is not loaded), calendar days by plain date arithmetic (never
    provisional, no calendar needed). ``start`` itself does not count."""
    if rule.unit == WORKING_DAYS:
        if calendar is None:
            raise ValueError(f"{rule.key} is counted in working days: a calendar is needed")
        result = calendar.add_working_days(start, rule.amount)
        return Deadline(result.date, bool(result.provisional))
    if rule.unit == CALENDAR_DAYS:
        return Deadline(start + timedelta(days=rule.amount), False)
    raise ValueError(f"unknown unit {rule.unit!r}")


def rules_starting(kind: str, counts_from: str, *, named: bool = True, forwarded: bool = False) -> list[DeadlineRule]:
    """The rules of ``kind`` whose deadlines start with ``counts_from`` for this report."""
    if kind not in DEADLINE_RULES:
        raise IntakeRuleError("举报件类型只能是检举控告或信访", "kind")
    chosen = []
    for rule in DEADLINE_RULES[kind]:
        if rule.counts_from != counts_from:
            continue
        if rule.named_only and not named:
            continue
        if rule.counts_from == FROM_FORWARDED_RECEIVED and not forwarded:
            continue
        chosen.append(rule)
    return chosen


def extend_deadline(rule: DeadlineRule, due: date, times_extended: int, reason: str, amount: int | None = None) -> date:
    """Extend ``due`` under ``rule``: only an extendable deadline, at most ``rule.extension.times``
    times, by at most ``max_amount`` days, and only with a reason (信访工作条例: 办理期限可延长一次，
    延长不超过30日，须说明理由)."""
    ext = rule.extension
    if ext is None:
        raise ExtensionRefused(f"{rule.label_zh}不能延长")
    if times_extended >= ext.times:
        raise ExtensionRefused(f"{rule.label_zh}只能延长{ext.times}次")
    if len(reason.strip()) < 2:
        raise IntakeRuleError("延期必须说明理由", "reason")
    amount = ext.max_amount if amount is None else amount
    if not 1 <= amount <= ext.max_amount:
        raise IntakeRuleError(f"延长不超过{ext.max_amount}{rule.unit_zh}", "days")
    if rule.unit == WORKING_DAYS:  # no rule needs it today; refuse rather than guess a calendar
        raise ExtensionRefused(f"{rule.label_zh}不能延长")
    return due + timedelta(days=amount)


# -- notices -----------------------------------------------------------------------------------
REMINDER, OVERDUE = "reminder", "overdue"


@dataclass(frozen=True)
class OpenDeadline:
    kind: str  # the deadline's key
    due: date
    unit: str = WORKING_DAYS
    reminder: int | None = None  # None: the rule's


@dataclass(frozen=True)
class Notice:
    action: str  # reminder | overdue
    kind: str
    due: date
    working_days: int  # working days left before the deadline (reminder) or past it (overdue)
    unit: str = WORKING_DAYS
    days: int = 0  # the same in the deadline's own unit

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
    reminder_days: Mapping[str, int] | None = None,
) -> list[Notice]:
    """The notices to send today; ``working_days_between(a, b)`` counts working days in (a, b].
    Reminders come N days before, N counted in the deadline's unit."""
    reminder_days = REMINDER_DAYS if reminder_days is None else reminder_days
    notices = []
    for d in deadlines:
        if today > d.due:
            working = working_days_between(d.due, today)
            days = working if d.unit == WORKING_DAYS else (today - d.due).days
            notice = Notice(OVERDUE, d.kind, d.due, working, d.unit, days)
        else:
            working = working_days_between(today, d.due)
            days = working if d.unit == WORKING_DAYS else (d.due - today).days
            limit = d.reminder if d.reminder is not None else reminder_days.get(d.kind, 0)
            if days > limit:
                continue
            notice = Notice(REMINDER, d.kind, d.due, working, d.unit, days)
        if notice.key not in already_sent:
            notices.append(notice)
    return notices
