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
工作日内"). A year the calendar does not know yields a provisional date, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Protocol

from wuying_common.calendar import add_months


class WorkingDays(Protocol):
    """What the deadline rules need from a calendar (``WorkingDayCalendar`` fits)."""

    def add_working_days(self, start: date, days: int): ...


@dataclass(frozen=True)
class LevelRule:
    answer_working_days: int
    fix_months: int | None = None  # None: nothing to rectify by a date
    max_extensions: int = 0
    extension_months: int = 0


@dataclass(frozen=True)
class RuleSet:
    version: str
    levels: MappingProxyType[int, LevelRule]
    source: str

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
        ),
    }
)


def ruleset(version: str) -> RuleSet:
    try:
        return RULESETS[version]
    except KeyError:
        raise ValueError(f"unknown rule version {version!r}; known: {sorted(RULESETS)}") from None


@dataclass(frozen=True)
class Deadlines:
    issued_on: date
    answer_due: date
    answer_due_provisional: bool  # the calendar year is not loaded yet: the date may move
    fix_due: date | None
    rule_version: str
    max_extensions: int


def deadlines_for(level_number: int, issued_on: date, calendar: WorkingDays, rules: RuleSet) -> Deadlines:
    """The answer and fix deadlines of a warning issued on ``issued_on`` (see module docstring)."""
    rule = rules.rule(level_number)
    answer = calendar.add_working_days(issued_on, rule.answer_working_days)
    fix_due = add_months(issued_on, rule.fix_months) if rule.fix_months else None
    return Deadlines(
        issued_on=issued_on,
        answer_due=answer.date,
        answer_due_provisional=bool(answer.provisional),
        fix_due=fix_due,
        rule_version=rules.version,
        max_extensions=rule.max_extensions,
    )


def extended_fix_due(fix_due: date, rules: RuleSet, level_number: int, extensions_so_far: int) -> date:
    """A red warning's rectification may be extended once by at most one month (篇5 六3)."""
    rule = rules.rule(level_number)
    if extensions_so_far >= rule.max_extensions:
        raise ValueError("no extension left for this warning")
    return add_months(fix_due, rule.extension_months)
