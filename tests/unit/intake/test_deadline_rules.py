"""The deadlines of each kind of report under the rule that governs it (domain/deadlines.py):
检举控告 under the 纪检监察机关处理检举控告工作规则 (named in seeds/001), counted in working days on
the official calendar; 信访 under the 信访工作条例, counted in calendar days under 民法典
第二百零一—二百零三条 (issue 8 item 2: a last day on a holiday or rest day moves to the next working
day)."""

from datetime import date

import pytest

from wuying_common.calendar import WorkingDayCalendar, YearArrangement
from wuying_intake.domain.deadlines import (
    CALENDAR_DAYS,
    DEADLINE_RULES,
    DISCIPLINE_REPORT,
    FROM_ACCEPTED,
    FROM_CLOSED,
    FROM_FORWARDED_RECEIVED,
    FROM_RECEIVED,
    PETITION,
    RULES_BY_KEY,
    RULES_VERSION,
    UNITS_ZH,
    WORKING_DAYS,
    OpenDeadline,
    compute_deadline,
    due_notices,
    extend_deadline,
    rules_starting,
)
from wuying_intake.domain.petition import IntakeRuleError

CALENDAR = WorkingDayCalendar.official()
BEFORE_NATIONAL_DAY = date(2026, 9, 28)  # a Monday; 1–7 Oct 2026 are holidays, Sat 10 Oct is worked


def rule(key):
    return RULES_BY_KEY[key]


def test_the_rule_table_is_versioned_and_each_deadline_has_a_unit_a_start_and_a_chinese_label():
    assert RULES_VERSION == "default-2026.2"  # 2026.2: calendar days under 民法典 第二百零三条
    assert [r.key for r in DEADLINE_RULES[DISCIPLINE_REPORT]] == [
        "acknowledge",
        "accept_forwarded",
        "send_up",
        "feedback",
    ]
    assert [r.key for r in DEADLINE_RULES[PETITION]] == ["register", "handle"]
    for rules in DEADLINE_RULES.values():
        for r in rules:
            assert r.unit in UNITS_ZH and r.label_zh and r.source and r.amount > 0
    assert {r.unit for r in DEADLINE_RULES[DISCIPLINE_REPORT]} == {WORKING_DAYS}
    assert {r.unit for r in DEADLINE_RULES[PETITION]} == {CALENDAR_DAYS}
    assert [r.key for rules in DEADLINE_RULES.values() for r in rules if r.extension] == ["handle"]


def test_discipline_report_acceptance_is_15_working_days_and_moves_across_national_day_2026():
    """检举控告工作规则: a named reporter is told whether the report was accepted within 15 working
    days of receipt; the National Day holiday does not count, the make-up Saturday does."""
    deadline = compute_deadline(rule("acknowledge"), BEFORE_NATIONAL_DAY, CALENDAR)
    assert (deadline.due, deadline.provisional) == (date(2026, 10, 23), False)
    weekends_only = WorkingDayCalendar([YearArrangement(2026, frozenset(), frozenset(), "test")])
    assert compute_deadline(rule("acknowledge"), BEFORE_NATIONAL_DAY, weekends_only).due == date(2026, 10, 19)


def test_petition_registration_is_15_calendar_days_and_crosses_a_holiday_without_moving():
    """信访工作条例: a petition is registered (登记受理) within 15 days of receipt, calendar days."""
    deadline = compute_deadline(rule("register"), BEFORE_NATIONAL_DAY, CALENDAR)
    assert (deadline.due, deadline.provisional) == (date(2026, 10, 13), False)
    assert rule("register").unit == CALENDAR_DAYS and rule("register").counts_from == FROM_RECEIVED


def test_a_forwarded_discipline_report_is_accepted_or_sent_on_within_5_working_days():
    """检举控告工作规则: a report forwarded by another organ (转来) is dealt with in 5 working days."""
    deadline = compute_deadline(rule("accept_forwarded"), date(2026, 9, 30), CALENDAR)
    assert deadline.due == date(2026, 10, 13)  # 8, 9, 10 (Sat, worked), 12, 13 October
    assert [r.key for r in rules_starting(DISCIPLINE_REPORT, FROM_FORWARDED_RECEIVED, forwarded=True)] == [
        "accept_forwarded"
    ]
    assert rules_starting(DISCIPLINE_REPORT, FROM_FORWARDED_RECEIVED, forwarded=False) == []
    assert rules_starting(PETITION, FROM_FORWARDED_RECEIVED, forwarded=True) == []


def test_discipline_report_send_up_is_5_working_days_and_only_owed_when_sent_up():
    """检举控告工作规则; seeds/000 H: a report for the level above goes there in 5 working days."""
    r = rule("send_up")
    assert compute_deadline(r, date(2026, 11, 20), CALENDAR).due == date(2026, 11, 27)
    assert r.watched is False and "triage" in r.waived_by and r.met_by == {"send_up"}


def test_discipline_report_feedback_is_15_working_days_after_closing_for_named_reporters_only():
    """检举控告工作规则: the result is fed back to a named reporter within 15 working days."""
    assert [r.key for r in rules_starting(DISCIPLINE_REPORT, FROM_CLOSED, named=True)] == ["feedback"]
    assert rules_starting(DISCIPLINE_REPORT, FROM_CLOSED, named=False) == []
    assert compute_deadline(rule("feedback"), BEFORE_NATIONAL_DAY, CALENDAR).due == date(2026, 10, 23)
    assert rules_starting(PETITION, FROM_CLOSED, named=True) == []


def test_a_2027_deadline_is_provisional_whether_counted_in_working_or_calendar_days():
    """The 2027 holiday arrangement is not loaded: a working-day deadline in it may still move, and
    so may a calendar-day one, whose last day moves off a holiday (民法典 第二百零三条; issue 8 item
    2: the provisional flag like working-day periods)."""
    deadline = compute_deadline(rule("acknowledge"), date(2026, 12, 28), CALENDAR)
    assert (deadline.due, deadline.provisional, deadline.provisional_years) == (date(2027, 1, 18), True, (2027,))
    register = compute_deadline(rule("register"), date(2026, 12, 28), CALENDAR)
    assert (register.due, register.provisional, register.provisional_years) == (date(2027, 1, 12), True, (2027,))


def test_a_petition_registered_on_16_september_2026_is_due_8_october_not_on_national_day():
    """民法典 第二百零一条: counting starts the next day; 第二百零三条: a last day on a statutory
    holiday (1 October 2026, National Day) moves to the first working day after it."""
    deadline = compute_deadline(rule("register"), date(2026, 9, 16), CALENDAR)
    assert (deadline.due, deadline.provisional) == (date(2026, 10, 8), False)


def test_a_calendar_day_period_ending_on_a_rest_day_moves_but_one_ending_on_a_make_up_working_day_stays():
    """民法典 第二百零三条: a last day on a rest day moves to the next working day; a make-up working
    day (调休上班, Saturday 10 October 2026) is a working day and stays the last day."""
    assert compute_deadline(rule("register"), date(2026, 11, 20), CALENDAR).due == date(2026, 12, 7)  # Sat 12-05
    assert compute_deadline(rule("register"), date(2026, 9, 25), CALENDAR).due == date(2026, 10, 10)


def test_petition_handling_is_60_days_from_acceptance_extendable_once_by_at_most_30_with_a_reason():
    """信访工作条例: handled within 60 days of acceptance; extendable once, by at most 30 days,
    with a reason; a second extension is refused."""
    handle = rule("handle")
    assert [r.key for r in rules_starting(PETITION, FROM_ACCEPTED)] == ["handle"]
    due = compute_deadline(handle, date(2026, 11, 20), CALENDAR).due
    assert due == date(2027, 1, 19)
    assert extend_deadline(handle, due, 0, "需调取工程档案", calendar=CALENDAR).due == date(2027, 2, 18)
    assert extend_deadline(handle, due, 0, "需调取工程档案", 10, CALENDAR).due == date(2027, 1, 29)
    with pytest.raises(IntakeRuleError) as exc:
        extend_deadline(handle, date(2027, 2, 18), 1, "再次延期", calendar=CALENDAR)
    assert exc.value.field == "extension"
    with pytest.raises(IntakeRuleError) as exc:
        extend_deadline(handle, due, 0, " ", calendar=CALENDAR)
    assert exc.value.field == "reason"
    with pytest.raises(IntakeRuleError) as exc:
        extend_deadline(handle, due, 0, "需要更久", 31, CALENDAR)
    assert exc.value.field == "days"
    with pytest.raises(IntakeRuleError):
        extend_deadline(rule("acknowledge"), due, 0, "检举控告不能延期", calendar=CALENDAR)


def test_an_extension_is_counted_from_the_end_of_the_period_it_extends_and_moves_off_a_holiday():
    """信访工作条例 (延长不超过30日) with 民法典 第二百零一—二百零三条: the 30 days start the day after
    the handling period ends; a last day on National Day 2026 moves to 8 October."""
    extended = extend_deadline(rule("handle"), date(2026, 9, 1), 0, "需调取档案", 30, CALENDAR)
    assert (extended.due, extended.provisional) == (date(2026, 10, 8), False)


def test_an_unknown_kind_is_refused():
    with pytest.raises(IntakeRuleError) as exc:
        rules_starting("complaint", FROM_RECEIVED)
    assert exc.value.field == "kind"


def test_reminders_count_working_days_for_working_day_deadlines_and_calendar_days_for_the_others():
    def weekdays(a, b):
        return sum(1 for n in range(1, (b - a).days + 1) if date.fromordinal(a.toordinal() + n).weekday() < 5)

    friday = date(2026, 12, 11)
    # 7 calendar days before a calendar-day deadline: reminded, although 5 working days are left.
    [n] = due_notices(date(2026, 12, 4), [OpenDeadline("handle", friday, CALENDAR_DAYS)], set(), weekdays)
    assert (n.action, n.days, n.working_days, n.unit) == ("reminder", 7, 5, CALENDAR_DAYS)
    assert due_notices(date(2026, 12, 3), [OpenDeadline("handle", friday, CALENDAR_DAYS)], set(), weekdays) == []
    # 3 working days before a working-day deadline, even across a weekend (5 calendar days).
    [n] = due_notices(date(2026, 12, 8), [OpenDeadline("acknowledge", friday)], set(), weekdays)
    assert (n.days, n.working_days) == (3, 3)
    [n] = due_notices(date(2026, 12, 13), [OpenDeadline("register", friday, CALENDAR_DAYS)], set(), weekdays)
    assert (n.action, n.days, n.working_days) == ("overdue", 2, 0)
