"""The warning life cycle (篇5 五–七, 篇8 第十八条) and the deadline rules, as properties."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wuying_common.calendar import WorkingDayCalendar
from wuying_warning.domain.deadlines import RULESETS, deadlines_for
from wuying_warning.domain.lifecycle import (
    ACTIONS,
    STATUSES,
    TERMINAL,
    IllegalTransition,
    State,
    allowed_actions,
    next_state,
)

CALENDAR = WorkingDayCalendar.official()

# An oracle written independently of next_state: which (status, action) pairs may ever apply.
LEGAL = {
    ("proposed", "approve"),
    ("proposed", "reject"),
    ("issued", "respond"),
    ("rectifying", "report_rectified"),
    ("answered", "revisit"),
    ("rectified", "revisit"),
    ("revisited", "lift"),
    *{(s, "appeal") for s in ("issued", "answered", "rectifying", "rectified")},
    ("appealed", "uphold"),
    ("appealed", "revoke"),
    ("issued", "escalate"),
    ("answered", "escalate"),  # 篇5 七(一): 预警后群众仍有反映，经调查问题属实的 (blue only)
    ("rectifying", "escalate"),
    *{(s, "transfer_case_clue") for s in STATUSES - TERMINAL},
}


def legal(state, action):
    if (state.status, action) not in LEGAL:
        return False
    if action == "revisit" and state.status == "answered":
        return state.level == 3  # only blue has nothing to rectify
    if action == "escalate":
        return state.level > 1  # red goes to organisational handling, not further up
    return True


@settings(max_examples=300, deadline=None)
@given(level=st.sampled_from([3, 2, 1]), actions=st.lists(st.sampled_from(ACTIONS), max_size=25))
def test_no_illegal_transition_is_ever_accepted(level, actions):
    """篇5 五–七: every step of a warning follows the one before it; terminal states are final."""
    state = State("proposed", level)
    for action in actions:
        try:
            after = next_state(state, action)
        except IllegalTransition:
            assert not legal(state, action)
            continue
        assert legal(state, action)
        assert state.status not in TERMINAL
        assert after.status in STATUSES
        assert 1 <= after.level <= state.level
        assert after.escalations <= 2
        state = after


def test_a_blue_answer_ends_the_matter_after_revisit_and_lift():
    """篇5 六1 (written explanation) and 六4 (回访 then 解除预警)."""
    state = State("proposed", 3)
    for action in ("approve", "respond", "revisit", "lift"):
        state = next_state(state, action)
    assert state.status == "lifted"
    assert allowed_actions(state) == []


def test_a_red_warning_must_be_rectified_before_the_revisit():
    """篇5 六3–六4: 责令整改 is corrected and reported, then revisited."""
    state = next_state(next_state(State("proposed", 1), "approve"), "respond")
    assert state.status == "rectifying"
    with pytest.raises(IllegalTransition):
        next_state(state, "revisit")
    assert next_state(next_state(state, "report_rectified"), "revisit").status == "revisited"


def test_an_upheld_appeal_returns_to_where_the_warning_was():
    """篇5 七(三): the issuing organ investigates an appeal and answers it."""
    rectifying = next_state(next_state(State("proposed", 2), "approve"), "respond")
    appealed = next_state(rectifying, "appeal")
    assert appealed.status == "appealed"
    assert next_state(appealed, "uphold").status == "rectifying"
    assert next_state(appealed, "revoke").status == "revoked"


def test_escalation_moves_blue_to_yellow_to_red_and_no_further():
    """篇5 七(一), 篇8 第十八条(二)1① and (三)1①: unheeded warnings move up one level."""
    state = next_state(State("proposed", 3), "approve")
    state = next_state(state, "escalate")
    assert (state.level, state.status) == (2, "issued")
    state = next_state(state, "escalate")
    assert state.level == 1
    with pytest.raises(IllegalTransition):
        next_state(state, "escalate")


@settings(max_examples=200, deadline=None)
@given(
    level=st.sampled_from([3, 2, 1]),
    issued_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    version=st.sampled_from(sorted(RULESETS)),
)
def test_deadlines_never_fall_before_the_issue_date(level, issued_on, version):
    """篇5 六, 篇8 第十八条: every deadline runs forward from the notice, in any year."""
    due = deadlines_for(level, issued_on, CALENDAR, RULESETS[version])
    assert due.answer_due > issued_on
    assert due.fix_due is None or due.fix_due > issued_on
    assert due.answer_due_provisional == (due.answer_due.year > 2026 or issued_on.year > 2026)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    days=st.integers(min_value=0, max_value=40),
    more=st.integers(min_value=0, max_value=40),
    later=st.integers(min_value=0, max_value=60),
)
def test_adding_working_days_is_monotonic(start, days, more, later):
    """DESIGN.md §4: working days follow the official calendar; more days or a later start
    never give an earlier deadline."""
    from datetime import timedelta

    base = CALENDAR.add_working_days(start, days).date
    assert CALENDAR.add_working_days(start, days + more).date >= base
    assert CALENDAR.add_working_days(start + timedelta(days=later), days).date >= base
