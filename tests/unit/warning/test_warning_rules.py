"""Appeals, extensions, interviews, grouping and results: pure domain rules, no fixtures."""

from datetime import date, datetime, timedelta

import pytest

from wuying_common.calendar import WorkingDayCalendar
from wuying_warning.domain.authority import EXTENSION_ROLE, decision_refusal
from wuying_warning.domain.deadlines import (
    DEFAULT_RULE_VERSION,
    ExtensionRefused,
    extension_until,
    paused_working_days,
    resume_after_pause,
    ruleset,
)
from wuying_warning.domain.delivery import (
    LEAD_RANKS,
    Notice,
    held_interview_problems,
    interview_problems,
    lead_rank_from_registry,
    sms_text,
)
from wuying_warning.domain.grouping import Disposition, OpenWarning, dispose, matter_key
from wuying_warning.domain.results import advanced_eligible, answer_times, quarter_bounds

CALENDAR = WorkingDayCalendar.official()
RULES = ruleset(DEFAULT_RULE_VERSION)
NOW = datetime(2026, 11, 20, 2, 0)


def test_an_appeal_pauses_the_clock_for_the_working_days_it_took():
    """篇5 七(三): the organ investigates the appeal and answers; the answer deadline moves on by
    the working days the appeal was pending. Appealed Wed 2026-09-30, decided Fri 2026-10-09:
    1–7 October are holidays, so only Thu 8 and Fri 9 October count (2 working days); the
    answer due Thu 2026-10-15 moves to Mon 2026-10-19."""
    assert paused_working_days(date(2026, 9, 30), date(2026, 10, 9), CALENDAR) == 2
    shifted = resume_after_pause(date(2026, 10, 15), date(2026, 9, 30), date(2026, 10, 9), CALENDAR)
    assert (shifted.due, shifted.provisional) == (date(2026, 10, 19), False)
    assert resume_after_pause(None, date(2026, 9, 30), date(2026, 10, 9), CALENDAR) is None


def test_an_appeal_decided_the_same_day_moves_nothing():
    """篇5 七(三): no working day passed, no deadline moves."""
    shifted = resume_after_pause(date(2026, 12, 1), date(2026, 11, 20), date(2026, 11, 20), CALENDAR)
    assert shifted.due == date(2026, 12, 1)


def test_the_appeal_is_answered_by_the_authority_that_issued_the_level():
    """篇5 七(三) (实施预警的党组织、纪检监察机关予以答复) with 篇5 三(一)2's authority per level."""
    assert decision_refusal(1, {"party_committee"}) is None
    refusal = decision_refusal(1, {"commission_secretary"})
    assert refusal.code == "approval_authority_required" and refusal.required_role == "party_committee"
    assert decision_refusal(3, {"commission_leader"}) is None


def test_a_red_warning_is_extended_once_by_at_most_a_month_by_the_party_committee():
    """篇5 六3: 特殊情况需延期的，经领导批准后 … 延长整改期限不得超过一个月; the month under 民法典
    第二百零一—二百零三条 (Mon 2026-12-21 → Thu 2027-01-21, provisional: 2027 is not loaded)."""
    assert EXTENSION_ROLE == "party_committee"
    default = extension_until(date(2026, 12, 21), None, RULES, 1, 0, CALENDAR)
    assert (default.due, default.provisional) == (date(2027, 1, 21), True)
    chosen = extension_until(date(2026, 12, 21), date(2027, 1, 5), RULES, 1, 0, CALENDAR)
    assert (chosen.due, chosen.provisional) == (date(2027, 1, 5), False)  # the authority's own date
    with pytest.raises(ExtensionRefused) as too_long:
        extension_until(date(2026, 12, 21), date(2027, 1, 22), RULES, 1, 0, CALENDAR)
    assert (too_long.value.code, too_long.value.field) == ("extension_too_long", "until")
    with pytest.raises(ExtensionRefused) as backwards:
        extension_until(date(2026, 12, 21), date(2026, 12, 19), RULES, 1, 0, CALENDAR)
    assert backwards.value.code == "date_out_of_order"
    with pytest.raises(ExtensionRefused) as second:
        extension_until(date(2027, 1, 21), None, RULES, 1, 1, CALENDAR)
    assert second.value.code == "extension_exhausted"


def test_an_extension_month_ending_on_a_holiday_moves_to_the_next_working_day():
    """篇5 六3 with 民法典 第二百零三条: a fix date of Tue 2026-09-01 extended by a month would end
    on National Day (2026-10-01); the latest date is Thu 2026-10-08."""
    assert extension_until(date(2026, 9, 1), None, RULES, 1, 0, CALENDAR).due == date(2026, 10, 8)
    # The README's example: a red fix date of Thu 2026-10-08 extends at most to Mon 2026-11-09
    # (the corresponding day, Sun 2026-11-08, is a rest day).
    assert extension_until(date(2026, 10, 8), None, RULES, 1, 0, CALENDAR).due == date(2026, 11, 9)


def test_only_a_red_warning_may_be_extended():
    """篇5 六3 grants the extension to 廉情监察(检查)建议 (red) only."""
    with pytest.raises(ExtensionRefused) as refused:
        extension_until(date(2026, 12, 20), None, RULES, 2, 0, CALENDAR)
    assert refused.value.code == "extension_not_allowed"


def test_an_interview_needs_two_interviewers_and_the_lead_among_them():
    """篇5 五(二)2(2): 必须有两人以上参加 (the lead's rank is the registry's, below)."""
    assert interview_problems(["张三", "李四"], "张三") == {}
    assert set(interview_problems(["张三"], "张三")) == {"interviewers"}
    assert set(interview_problems(["张三", "张三 "], "张三")) == {"interviewers"}
    assert set(interview_problems(["张三", "李四"], "王五")) == {"lead"}
    assert set(LEAD_RANKS.values()) == {"党委成员", "纪检监察机关负责同志", "纪检监察机关分管负责同志"}


def test_the_leads_rank_comes_from_the_registry_post_not_from_what_is_typed():
    """篇5 五(二)2(2): 主谈人为党委成员或纪检监察机关负责同志、分管负责同志 (issue 8 item 9): the post in
    archive's registry decides; commission posts count only for commission staff."""
    secretary = {"id": "130402-O00001", "post": "纪委书记", "rank": "副处级", "commission_staff": True}
    assert lead_rank_from_registry(secretary) == ("commission_principal", None)
    deputy = {"post": "纪委副书记", "rank": "正科级", "commission_staff": True}
    assert lead_rank_from_registry(deputy)[0] == "commission_leader_in_charge"
    assert lead_rank_from_registry({"post": "党工委书记", "commission_staff": False})[0] == "party_committee_member"
    for unfit in (
        {"post": "纪检监察员", "rank": "科员", "commission_staff": True},
        {"post": "纪委书记", "commission_staff": False},  # the title without the commission
        {"post": "纪委书记", "commission_staff": True, "status": "retired"},
        None,
    ):
        rank, why = lead_rank_from_registry(unfit)
        assert rank is None and why


def test_an_interview_is_held_only_with_two_interviewers_present_the_lead_among_them():
    """篇5 五(二)2(2) applies to the interview that took place, not only to the plan."""
    assert held_interview_problems(["张三", "李四"], "张三") == {}
    assert set(held_interview_problems(["张三"], "张三")) == {"attendees"}
    assert set(held_interview_problems(["李四", "王五"], "张三")) == {"attendees"}


def test_the_sms_says_what_arrived_but_not_the_matter():
    """篇1: notices reach people by SMS and system message; a phone screen is not confidential."""
    notice = Notice("w.n1", "w", "off-1", "130402", "notice", "廉情预警告知书", "群众反映其接受宴请……")
    text = sms_text(notice)
    assert "廉情预警告知书" in text and "宴请" not in text


def _open(wid, lvl, days_ago, status="proposed"):
    return OpenWarning(wid, lvl, status, NOW - timedelta(days=days_ago))


def test_a_proposal_for_a_matter_with_an_open_warning_joins_it_whatever_its_age():
    """篇5 七(四) 一事一例 (issue 8 item 8): the open warning of the official and matter takes a
    proposal of the same level at 10 days and at 31 days alike (it was a second warning)."""
    assert dispose([_open("w1", 3, 10)], 3, NOW, 30) == Disposition("attach", "w1")
    assert dispose([_open("w1", 3, 31, "issued")], 3, NOW, 30) == Disposition("attach", "w1")
    assert dispose([_open("w1", 2, 400, "rectifying")], 2, NOW, 30) == Disposition("attach", "w1")
    assert dispose([], 3, NOW, 30).kind == "new"


def test_the_window_applies_only_when_the_matter_has_no_open_warning():
    """篇5 七(四): with no open warning, a proposal inside the window of the matter's last closed
    warning is recorded on it; outside the window, or after a milder one, it is a new warning."""
    assert dispose([_open("w1", 3, 10, "rejected")], 3, NOW, 30) == Disposition("attach", "w1")
    assert dispose([_open("w1", 3, 31, "lifted")], 3, NOW, 30).kind == "new"
    assert dispose([_open("w1", 3, 10, "lifted")], 2, NOW, 30).kind == "new"
    assert dispose([_open("w1", 2, 10, "superseded")], 2, NOW, 30).kind == "new"


def test_proposals_without_a_risk_point_are_one_matter_per_official_and_trigger():
    """Issue 8 item 8: no risk point, so the trigger names the matter."""
    assert matter_key(None, "public_reports") == matter_key("", "public_reports") == "trigger:public_reports"
    assert matter_key(None, "public_reports") != matter_key(None, "colleagues_concern")
    assert matter_key("工程招投标", "public_reports") == matter_key("工程招投标", "colleagues_concern")


def test_an_open_yellow_or_red_warning_suppresses_a_new_blue_one_at_any_time():
    """篇8 第十八条: 诫勉纠错 and 责令整改 contain 警示提醒; the blue proposal is recorded on the
    stronger warning, not lost and not issued."""
    decision = dispose([_open("w2", 2, 200, "rectifying"), _open("w1", 1, 100, "issued")], 3, NOW, 30)
    assert (decision.kind, decision.warning_id) == ("suppress", "w1")


def test_a_more_severe_proposal_supersedes_the_open_milder_warning_of_its_matter():
    """篇8 第十八条: a red matter needs 责令整改, which an open blue warning cannot give; 篇5 七(一)
    可转…: the higher level replaces the lower (issue 8 item 8: it left the blue one open)."""
    assert dispose([_open("w1", 3, 1)], 1, NOW, 30) == Disposition("supersede", "w1")
    assert dispose([_open("w1", 3, 90, "answered"), _open("w2", 2, 5, "issued")], 1, NOW, 30) == Disposition(
        "supersede", "w2"
    )


def test_two_red_warnings_in_a_year_bar_the_unit_from_being_rated_advanced():
    """篇5 七(二): 对单位一年内受到两次及以上一级预警的，当年不得评为先进单位."""
    assert advanced_eligible(0) and advanced_eligible(1)
    assert not advanced_eligible(2) and not advanced_eligible(3)


def test_quarters_and_answer_times_for_the_quarterly_report():
    """篇5 三(二): 每季度 … 形成《廉政风险信息预警专报》."""
    assert quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(ValueError):
        quarter_bounds(2026, 5)
    times = answer_times([3, 7, 5, 10])
    assert (times.count, times.average, times.median) == (4, 6.2, 6.0)
    assert answer_times([]).average is None
