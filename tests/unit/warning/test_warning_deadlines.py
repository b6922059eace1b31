"""Deadline rules of the three-colour warnings (pure domain, no fixtures)."""

from datetime import date

import pytest

from wuying_common.calendar import WorkingDayCalendar
from wuying_warning.domain.deadlines import (
    DEFAULT_RULE_VERSION,
    RULESETS,
    deadlines_for,
    extended_fix_due,
    ruleset,
)

CALENDAR = WorkingDayCalendar.official()
RULES = ruleset(DEFAULT_RULE_VERSION)


def test_blue_warning_answer_is_due_in_seven_working_days_across_national_day_2026():
    """篇5 六1: 廉情预警告知对象 … 应在七个工作日内 … 以书面形式报承办单位.

    Issued Wed 2026-09-30: 1–7 October are holidays, Sat 10 October is a make-up working day,
    so the seventh working day is Thu 2026-10-15."""
    due = deadlines_for(3, date(2026, 9, 30), CALENDAR, RULES)
    assert due.answer_due == date(2026, 10, 15)
    assert due.answer_due_provisional is False
    assert due.fix_due is None


def test_blue_warning_counts_a_make_up_sunday_as_a_working_day():
    """篇5 六1 (seven working days), with the official 2026 calendar: Sun 2026-09-20 is a
    make-up working day and Fri 2026-09-25 (Mid-Autumn) a holiday."""
    due = deadlines_for(3, date(2026, 9, 18), CALENDAR, RULES)
    assert due.answer_due == date(2026, 9, 29)


def test_the_day_of_issue_does_not_count_towards_the_working_days():
    """篇5 六1: 在接到 … 后七个工作日内: counting starts the day after receipt."""
    due = deadlines_for(3, date(2026, 11, 20), CALENDAR, RULES)  # a Friday
    assert due.answer_due == date(2026, 12, 1)


def test_yellow_warning_answers_in_ten_working_days_and_is_fixed_within_a_month():
    """篇8 第十八条(二)3: 应当在10个工作日内制定措施 … 最长不超过1个月; the month under 民法典
    第二百零三条: issued Fri 2026-11-20, the corresponding day Sun 2026-12-20 is a rest day, so the
    period ends on Mon 2026-12-21 (issue 8 item 2: was 2026-12-20)."""
    due = deadlines_for(2, date(2026, 11, 20), CALENDAR, RULES)
    assert due.answer_due == date(2026, 12, 4)
    assert due.fix_due == date(2026, 12, 21)
    assert due.fix_due_provisional is False
    assert due.max_extensions == 0


def test_a_red_warning_issued_on_1_september_2026_is_fixed_by_8_october_not_on_national_day():
    """民法典 第二百零一—二百零三条 (issue 8 item 2): counting starts the next day; the month ends on
    the corresponding day Thu 2026-10-01, a statutory holiday, so the last day moves to the next
    working day after National Day, Thu 2026-10-08 (篇8 第十八条(三)3: 最长不超过1个月)."""
    due = deadlines_for(1, date(2026, 9, 1), CALENDAR, RULES)
    assert (due.fix_due, due.fix_due_provisional) == (date(2026, 10, 8), False)
    assert due.answer_due == date(2026, 9, 15)  # ten working days stay working days


def test_red_warning_is_fixed_within_a_month_with_one_extension_of_at_most_a_month():
    """篇8 第十八条(三)3 (10 working days, one month) and 篇5 六3 (延长整改期限不得超过一个月), months
    under 民法典 第二百零二、二百零三条: from 2026-01-31 the month ends on the month's last day, Sat
    2026-02-28, a make-up working day (调休上班), which counts as working; the extension's month
    ends Sat 2026-03-28, a rest day, so Mon 2026-03-30 (issue 8 item 2: was 2026-03-28)."""
    due = deadlines_for(1, date(2026, 1, 31), CALENDAR, RULES)
    assert due.fix_due == date(2026, 2, 28)
    assert due.max_extensions == 1
    assert extended_fix_due(due.fix_due, RULES, 1, 0, CALENDAR).due == date(2026, 3, 30)
    with pytest.raises(ValueError):
        extended_fix_due(due.fix_due, RULES, 1, 1, CALENDAR)


def test_a_month_period_into_an_unloaded_year_is_provisional():
    """民法典 第二百零三条 needs the year's holidays: 2027 is not bundled, so a red fix date issued
    Mon 2026-12-21 (Thu 2027-01-21) is flagged provisional like a working-day date."""
    due = deadlines_for(1, date(2026, 12, 21), CALENDAR, RULES)
    assert (due.fix_due, due.fix_due_provisional) == (date(2027, 1, 21), True)


def test_a_yellow_warning_has_no_extension():
    """篇5 六3 grants the extension to 廉情监察(检查)建议 (red) only."""
    with pytest.raises(ValueError):
        extended_fix_due(date(2026, 12, 20), RULES, 2, 0, CALENDAR)


def test_a_date_in_an_unloaded_year_is_provisional_and_does_not_crash():
    """DESIGN.md §4: a year that is not loaded must never crash a deadline; 2027's arrangement
    is not bundled, so the date counts weekends only and is flagged provisional."""
    due = deadlines_for(3, date(2027, 3, 1), CALENDAR, RULES)
    assert due.answer_due == date(2027, 3, 10)
    assert due.answer_due_provisional is True


def test_a_deadline_that_runs_into_an_unloaded_year_is_provisional():
    """篇5 六1 counted into 2027, which the bundled calendar does not know yet."""
    due = deadlines_for(3, date(2026, 12, 28), CALENDAR, RULES)
    assert due.answer_due.year == 2027
    assert due.answer_due_provisional is True


def test_the_township_rule_set_gives_yellow_seven_working_days_and_keeps_its_version():
    """篇5 六2: 廉情预警质询对象 … 在7个工作日内将整改措施 … 报承办单位 (vs 篇8's ten)."""
    due = deadlines_for(2, date(2026, 11, 20), CALENDAR, RULESETS["xinpo-2011"])
    assert due.answer_due == date(2026, 12, 1)
    assert due.rule_version == "xinpo-2011"


def test_an_unknown_rule_version_is_refused():
    """DESIGN.md §4: every warning keeps the rule version it was issued under, so it must exist."""
    with pytest.raises(ValueError):
        ruleset("nonexistent-1")
