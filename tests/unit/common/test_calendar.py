"""Working days on the official calendar (DESIGN.md §4 Warning; issue 2 item 9)."""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuying_common.calendar import CalendarDataError, WorkingDayCalendar, YearArrangement, add_months

CAL = WorkingDayCalendar.official()


def test_national_day_2026_holidays_are_not_working_days():
    for day in range(1, 8):
        assert CAL.is_working_day(date(2026, 10, day)) == (False, False)


def test_a_make_up_working_day_on_a_saturday_counts():
    assert date(2026, 10, 10).weekday() == 5
    assert CAL.is_working_day(date(2026, 10, 10)) == (True, False)


def test_seven_working_days_from_the_eve_of_national_day_2026():
    # 9-30 Wed; 10-01..10-07 holiday; 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12..10-15.
    result = CAL.add_working_days(date(2026, 9, 30), 7)
    assert result.date == date(2026, 10, 15)
    assert not result.provisional


def test_a_year_that_is_not_loaded_falls_back_to_weekends_and_is_provisional():
    seen = []
    cal = WorkingDayCalendar.official(on_provisional=seen.append)
    result = cal.add_working_days(date(2026, 12, 30), 5)
    assert result.date == date(2027, 1, 6)  # weekends only: Jan 1 2027 is not known as a holiday
    assert result.provisional and result.unloaded_years == (2027,)
    assert seen == [2027]


def test_an_operator_can_load_a_year_from_a_file(tmp_path):
    (tmp_path / "2027.json").write_text(
        json.dumps({"year": 2027, "source": "test", "holidays": ["2027-01-01"], "workdays": []}), "utf-8"
    )
    (tmp_path / "broken.json").write_text("{not json", "utf-8")
    cal = WorkingDayCalendar.official(tmp_path)
    assert cal.is_loaded(2027)
    assert cal.is_working_day(date(2027, 1, 1)) == (False, False)


def test_year_files_that_contradict_themselves_are_refused():
    with pytest.raises(CalendarDataError):
        YearArrangement.from_dict({"year": 2027, "holidays": ["2026-12-31"]})
    with pytest.raises(CalendarDataError):
        YearArrangement.from_dict({"year": 2027, "holidays": ["2027-01-02"], "workdays": ["2027-01-02"]})
    with pytest.raises(CalendarDataError):
        YearArrangement.from_dict({"year": 2027, "workdays": ["2027-01-04"]})  # a Monday


def test_one_month_is_clipped_to_the_end_of_a_short_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(dates, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_adding_working_days_is_monotonic(start, a, b):
    lo, hi = sorted((a, b))
    assert CAL.add_working_days(start, lo).date <= CAL.add_working_days(start, hi).date


@given(dates, st.integers(min_value=1, max_value=40))
def test_the_result_is_after_the_start_and_a_working_day(start, n):
    result = CAL.add_working_days(start, n)
    assert result.date > start
    assert CAL.is_working_day(result.date)[0]
    assert CAL.working_days_between(start, result.date)[0] == n


@given(dates)
def test_no_date_ever_crashes_the_calendar(day):
    working, provisional = CAL.is_working_day(day)
    assert provisional == (not CAL.is_loaded(day.year))
    assert CAL.add_working_days(day, 0).date == day
    assert CAL.add_working_days(day - timedelta(days=1), 1).date >= day


# -- periods in days and months: 民法典 第二百零一—二百零三条 ----------------------------------
def test_a_month_from_the_first_of_september_ends_after_the_national_day_holiday():
    """第二百零二条 gives 2026-10-01 (the corresponding day); it is a statutory holiday, so by
    第二百零三条 the period ends on the next working day, 2026-10-08."""
    result = WorkingDayCalendar.official().add_months(date(2026, 9, 1), 1)
    assert (result.date, result.provisional) == (date(2026, 10, 8), False)


def test_fifteen_days_counted_from_the_next_day_land_on_national_day_and_move():
    """第二百零一条: 2026-09-16 does not count; day 15 is 2026-10-01, a holiday → 2026-10-08."""
    assert WorkingDayCalendar.official().add_calendar_days(date(2026, 9, 16), 15).date == date(2026, 10, 8)


def test_a_month_without_the_corresponding_day_ends_on_its_last_day():
    """第二百零二条: 01-31 + one month has no 02-31: the month's last day, 2026-02-28, which is
    a make-up working day (调休上班) in 2026 and so stays the last day."""
    assert WorkingDayCalendar.official().add_months(date(2026, 1, 31), 1).date == date(2026, 2, 28)


def test_a_last_day_on_a_weekend_moves_to_monday():
    assert WorkingDayCalendar.official().add_calendar_days(date(2026, 11, 20), 1).date == date(2026, 11, 23)


def test_a_month_period_in_an_unloaded_year_is_provisional():
    result = WorkingDayCalendar.official().add_months(date(2027, 1, 30), 1)
    assert result.provisional and result.unloaded_years == (2027,)
    assert result.date == date(2027, 3, 1)  # 2027-02-28 is a Sunday: weekends-only fallback
