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
    # Issue 8: escalation is a new warning; the issued higher one closes the lower (篇5 七(一)).
    *{(s, "supersede") for s in STATUSES - TERMINAL},
    *{(s, "transfer_case_clue") for s in STATUSES - TERMINAL},
}


def legal(state, action):
    if (state.status, action) not in LEGAL:
        return False
    if action == "revisit" and state.status == "answered":
        return state.level == 3  # only blue has nothing to rectify
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
        assert after.level == state.level  # issue 8: a warning keeps the level it was issued at
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


def test_a_warning_never_changes_its_level_and_is_closed_when_a_higher_one_supersedes_it():
    """篇5 七(一) "可转…" is a decision of the higher level's authority (篇5 三(一)2): no step moves a
    warning up in place (issue 8); once the higher warning is issued the lower one is closed."""
    for action in ACTIONS:
        for status in STATUSES - TERMINAL:
            try:
                after = next_state(State(status, 3, appealed_from="issued"), action)
            except IllegalTransition:
                continue
            assert after.level == 3
    superseded = next_state(next_state(State("proposed", 3), "approve"), "supersede")
    assert superseded.status == "superseded" and superseded.status in TERMINAL
    assert allowed_actions(superseded) == []


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
