"""Deadlines of an issued warning, from versioned rule data (DESIGN.md §4 Warning).

The two seed documents come from different localities and disagree in small ways, so the
numbers live in a ``RuleSet`` with a version, and every warning keeps the version it was
issued under:

- blue (3): written explanation within 7 working days of receiving the notice
  (seeds/002 篇5 六1); no fix deadline.
- yellow (2): answer and measures within 10 working days, corrected within at most one month
  (篇8 第十八条(二)3; 篇5 六2 says 7 working days: see ``RULESETS["xinpo-2011"]``).
- red (1): measures within 10 working days, corrected within at most one month
  (篇8 第十八条(三)3, 篇5 六3); one extension of at most one month with a leader's approval
  (篇5 六3).

Working days follow the official calendar; the day of issue does not count ("在接到…后七个
工作日内"). Periods in months follow 民法典 第二百零一—二百零三条: counting starts the next day, the
period ends on the corresponding day of the last month (its last day where there is none), and a
last day on a statutory holiday or rest day moves to the next working day (a make-up working day
counts as working): a red warning issued 2026-09-01 is fixed by 2026-10-08, not on National Day.
A year the calendar does not know yields a provisional date, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from wuying_common.rules import InvalidInput, RuleBroken, WorkingDays

#: The shared calendar protocol (working days, and periods by 民法典 第二百零一—二百零三条).
CivilCalendar = WorkingDays


@dataclass(frozen=True)
class LevelRule:
    answer_working_days: int
    fix_months: int | None = None  # None: nothing to rectify by a date
    max_extensions: int = 0
    extension_months: int = 0


@dataclass(frozen=True)
class OrganisationalHandlingRule:
    """Who takes over an ignored red warning (组织处理, 篇5 七(一); 篇8 第十八条(三)) and by when.

    The seeds name the measure, not the owner or a time limit: both are the commission's rule
    data. ``recorder_role`` is the token role that records the outcome for the owner."""

    owner: str
    owner_zh: str
    recorder_role: str
    due_months: int


@dataclass(frozen=True)
class RuleSet:
    version: str
    levels: MappingProxyType[int, LevelRule]
    source: str
    # When a matter has no open warning, a proposal inside this many days of the matter's last
    # closed warning is recorded on it (一事一例, 篇5 七(四)); an open warning takes every later
    # proposal for its matter whatever its age.
    grouping_window_days: int = 30
    organisational_handling: OrganisationalHandlingRule = OrganisationalHandlingRule(
        "county_party_committee", "县（市、区）党委（组织部门承办）", "party_committee", 1
    )

    def rule(self, level_number: int) -> LevelRule:
        try:
            return self.levels[level_number]
        except KeyError:
            raise ValueError(f"rule set {self.version} has no rule for level {level_number}") from None


DEFAULT_RULE_VERSION = "default-2026.1"

RULESETS: MappingProxyType[str, RuleSet] = MappingProxyType(
    {
        DEFAULT_RULE_VERSION: RuleSet(
            DEFAULT_RULE_VERSION,
            MappingProxyType(
                {
                    3: LevelRule(answer_working_days=7),
                    2: LevelRule(answer_working_days=10, fix_months=1),
                    1: LevelRule(answer_working_days=10, fix_months=1, max_extensions=1, extension_months=1),
                }
            ),
            "篇5 六1、六3；篇8 第十八条(二)3、(三)3",
        ),
        # The township scheme of 篇5 on its own: yellow answers in 7 working days too.
        "xinpo-2011": RuleSet(
            "xinpo-2011",
            MappingProxyType(
                {
                    3: LevelRule(answer_working_days=7),
                    2: LevelRule(answer_working_days=7, fix_months=1),
                    1: LevelRule(answer_working_days=7, fix_months=1, max_extensions=1, extension_months=1),
                }
            ),
            "篇5 六1–六3",
            organisational_handling=OrganisationalHandlingRule(
                "town_party_committee", "镇党委（组织委员承办）", "party_committee", 1
            ),
        ),
    }
)


def ruleset(version: str) -> RuleSet:
    try:
        return RULESETS[version]
    except KeyError:
        raise ValueError(f"unknown rule version {version!r}; known: {sorted(RULESETS)}") from None


@dataclass(frozen=True)
class ShiftedDue:
    due: date
    provisional: bool


@dataclass(frozen=True)
class Deadlines:
    issued_on: date
    answer_due: date
    answer_due_provisional: bool  # the calendar year is not loaded yet: the date may move
    fix_due: date | None
    rule_version: str
    max_extensions: int
    fix_due_provisional: bool = False


def deadlines_for(level_number: int, issued_on: date, calendar: CivilCalendar, rules: RuleSet) -> Deadlines:
    """The answer and fix deadlines of a warning issued on ``issued_on`` (see module docstring):
    the answer in working days, the fix in months under 民法典 第二百零一—二百零三条."""
    rule = rules.rule(level_number)
    answer = calendar.add_working_days(issued_on, rule.answer_working_days)
    fix = calendar.add_months(issued_on, rule.fix_months) if rule.fix_months else None
    return Deadlines(
        issued_on=issued_on,
        answer_due=answer.date,
        answer_due_provisional=bool(answer.provisional),
        fix_due=fix.date if fix else None,
        rule_version=rules.version,
        max_extensions=rule.max_extensions,
        fix_due_provisional=bool(fix.provisional) if fix else False,
    )


def extended_fix_due(
    fix_due: date, rules: RuleSet, level_number: int, extensions_so_far: int, calendar: CivilCalendar
) -> ShiftedDue:
    """A red warning's rectification may be extended once by at most one month (篇5 六3), the
    month counted from the current fix date under 民法典 第二百零一—二百零三条."""
    rule = rules.rule(level_number)
    if extensions_so_far >= rule.max_extensions:
        raise ValueError("no extension left for this warning")
    latest = calendar.add_months(fix_due, rule.extension_months)
    return ShiftedDue(latest.date, bool(latest.provisional))


class ExtensionRefused(RuleBroken):
    """This warning may not be extended (any more): a rule about its state, 409."""

    code = "extension_not_allowed"


class ExtensionDateRefused(ExtensionRefused, InvalidInput):
    """The requested date breaks the rule (not after the current date, beyond the month): 400."""


def extension_until(
    fix_due: date,
    requested: date | None,
    rules: RuleSet,
    level_number: int,
    extensions_so_far: int,
    calendar: CivilCalendar,
) -> ShiftedDue:
    """The new fix date of an approved extension (篇5 六3: 特殊情况需延期的，经领导批准后，发出
    延期整改通知书，延长整改期限不得超过一个月). Only red has one; at most once; ``requested``
    (default: the full month, 民法典 第二百零一—二百零三条) must lie after the current date and
    within the month. A requested date is the authority's own choice: never provisional."""
    rule = rules.rule(level_number)
    if rule.max_extensions == 0:
        raise ExtensionRefused("extensions", "只有红色预警（责令整改）可以延长整改期限", "extension_not_allowed")
    if extensions_so_far >= rule.max_extensions:
        raise ExtensionRefused(
            "extensions", f"整改期限只能延长 {rule.max_extensions} 次，已经延长过", "extension_exhausted"
        )
    latest = extended_fix_due(fix_due, rules, level_number, extensions_so_far, calendar)
    until = requested or latest.due
    if until <= fix_due:
        raise ExtensionDateRefused("until", f"延长后的期限须晚于原期限 {fix_due.isoformat()}", "date_out_of_order")
    if until > latest.due:
        raise ExtensionDateRefused(
            "until", f"延长整改期限不得超过一个月（最迟 {latest.due.isoformat()}）", "extension_too_long"
        )
    return ShiftedDue(until, latest.provisional and requested is None)


def resume_after_pause(due: date | None, paused_on: date, resumed_on: date, calendar: WorkingDays) -> ShiftedDue | None:
    """An appeal stops the clock (篇5 七(三): the organ investigates, then answers): every
    deadline moves on by the working days that passed while the appeal was pending, counted
    on the official calendar ((paused_on, resumed_on], like any working-day period)."""
    if due is None:
        return None
    paused, provisional = calendar.working_days_between(paused_on, resumed_on)
    shifted = calendar.add_working_days(due, paused)
    return ShiftedDue(shifted.date, bool(provisional or shifted.provisional))


def paused_working_days(paused_on: date, resumed_on: date, calendar: WorkingDays) -> int:
    return calendar.working_days_between(paused_on, resumed_on)[0]


@dataclass(frozen=True)
class Pause:
    """An upheld appeal's pause: the clock stopped on ``paused_on`` and resumed on ``resumed_on``."""

    paused_on: date
    resumed_on: date


def recomputed_answer_due(
    level_number: int, issued_on: date, pauses: list[Pause], calendar: CivilCalendar, rules: RuleSet
) -> ShiftedDue:
    """The answer date a warning was given, counted again on today's calendar (a year was loaded):
    the same rule set and issue date, then every upheld appeal's pause (篇5 七(三)) again."""
    first = deadlines_for(level_number, issued_on, calendar, rules)
    return _after_pauses(ShiftedDue(first.answer_due, first.answer_due_provisional), pauses, calendar)


def recomputed_fix_due(
    level_number: int, issued_on: date, pauses: list[Pause], calendar: CivilCalendar, rules: RuleSet
) -> ShiftedDue | None:
    """The fix date counted again (see ``recomputed_answer_due``); None for blue."""
    first = deadlines_for(level_number, issued_on, calendar, rules)
    if first.fix_due is None:
        return None
    return _after_pauses(ShiftedDue(first.fix_due, first.fix_due_provisional), pauses, calendar)


def _after_pauses(due: ShiftedDue, pauses: list[Pause], calendar: CivilCalendar) -> ShiftedDue:
    for pause in pauses:
        shifted = resume_after_pause(due.due, pause.paused_on, pause.resumed_on, calendar)
        if shifted is not None:
            due = ShiftedDue(shifted.due, due.provisional or shifted.provisional)
    return due
