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
calendar. A period in calendar days follows 民法典 第二百零一—二百零三条 (issue 8 item 2): counting
starts the day after ``start``; a last day that is a statutory holiday or rest day moves to the
next working day, and a make-up working day (调休上班) is a working day
(``WorkingDayCalendar.add_calendar_days``): a 信访 registered 2026-09-16 is due 2026-10-08, not on
National Day. Both kinds are ``provisional`` when a year they touch has no holiday arrangement
loaded (the date may move once it is; ``provisional_years`` says which).

A reminder goes out N days before a deadline, N in the deadline's own unit (rule data), and,
once it passes unanswered, one overdue notice per deadline. An extended deadline is a new
deadline and gets its own notices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from wuying_common.rules import WorkingDays

from .petition import IntakeRuleError

#: The shared calendar protocol (working days, and periods by 民法典 第二百零一—二百零三条).
CivilCalendar = WorkingDays


# default-2026.2: calendar-day periods follow 民法典 第二百零一—二百零三条 (a last day on a
# holiday moves to the next working day); default-2026.1 counted them as plain date arithmetic.
RULES_VERSION = "default-2026.2"


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
# A named reporter's acknowledgement delivered through the notifier (issue 8 item 7).
ON_ACKNOWLEDGED = "acknowledged"

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
    # For a named reporter, only these actions meet it (None: ``met_by``): the reporter must be
    # told, a decision alone is not an answer (issue 8 item 7).
    named_met_by: frozenset[str] | None = None

    def meets(self, action: str, named: bool) -> bool:
        return action in (self.named_met_by if named and self.named_met_by is not None else self.met_by)

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
                named_met_by=frozenset({ON_ACKNOWLEDGED}),
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
                named_met_by=frozenset({ON_ACKNOWLEDGED}),
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
    provisional: bool  # a year it touches has no holiday arrangement loaded: the date may move
    provisional_years: tuple[int, ...] = ()


def compute_deadline(rule: DeadlineRule, start: date, calendar: CivilCalendar) -> Deadline:
    """The due date of ``rule`` counted from ``start`` (``start`` itself does not count):
    working days on the official calendar; calendar days under 民法典 第二百零一—二百零三条 (the
    last day moves off a statutory holiday or rest day to the next working day). Provisional
    when a year it touches is not loaded."""
    if rule.unit == WORKING_DAYS:
        result = calendar.add_working_days(start, rule.amount)
    elif rule.unit == CALENDAR_DAYS:
        result = calendar.add_calendar_days(start, rule.amount)
    else:
        raise ValueError(f"unknown unit {rule.unit!r}")
    years = tuple(getattr(result, "unloaded_years", ()) or ())
    return Deadline(result.date, bool(result.provisional), years)


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


def extend_deadline(
    rule: DeadlineRule,
    due: date,
    times_extended: int,
    reason: str,
    amount: int | None = None,
    calendar: CivilCalendar | None = None,
) -> Deadline:
    """Extend ``due`` under ``rule``: only an extendable deadline, at most ``rule.extension.times``
    times, by at most ``max_amount`` days, and only with a reason (信访工作条例: 办理期限可延长一次，
    延长不超过30日，须说明理由). The extension is a period of its own counted from the end of the
    one it extends, under 民法典 第二百零一—二百零三条 like the period itself."""
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
    if rule.unit == WORKING_DAYS or calendar is None:  # no rule needs it today; refuse rather than guess
        raise ExtensionRefused(f"{rule.label_zh}不能延长")
    result = calendar.add_calendar_days(due, amount)
    years = tuple(getattr(result, "unloaded_years", ()) or ())
    return Deadline(result.date, bool(result.provisional), years)


def period_extended(rule: DeadlineRule, start: date, extension_days: int, calendar: CivilCalendar) -> Deadline:
    """The due date of ``rule`` from ``start``, extended by ``extension_days`` (0: not extended),
    on the calendar as it is now (used to recompute a provisional date once its year is loaded)."""
    base = compute_deadline(rule, start, calendar)
    if not extension_days:
        return base
    result = calendar.add_calendar_days(base.due, extension_days)
    years = tuple(sorted(set(base.provisional_years) | set(getattr(result, "unloaded_years", ()) or ())))
    return Deadline(result.date, bool(base.provisional or result.provisional), years)


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
