"""Who may approve which warning (篇5 三(一)2), and the trigger lists (篇5 四, 篇8 第十八条)."""

import pytest

from wuying_warning.domain.authority import APPROVER_ROLES, approval_refusal
from wuying_warning.domain.levels import LEVELS, TRIGGERS, all_trigger_codes, level, trigger_label

EXPECTED = {3: "commission_leader", 2: "commission_secretary", 1: "party_committee"}


@pytest.mark.parametrize("level_number", [3, 2, 1])
@pytest.mark.parametrize("role", sorted(APPROVER_ROLES | {"warning_officer"}))
def test_only_the_competent_authority_approves_each_level(level_number, role):
    """篇5 三(一)2: level 3 by the commission's leader in charge, level 2 by the commission
    secretary, level 1 by the Party committee."""
    refusal = approval_refusal(level_number, "officer-1", "approver-1", {role})
    if role == EXPECTED[level_number]:
        assert refusal is None
    else:
        assert refusal is not None
        assert refusal.code == "approval_authority_required"
        assert refusal.required_role == EXPECTED[level_number]


def test_the_proposer_can_never_approve_their_own_proposal_even_with_every_role():
    """篇5 三(一)2: the decision is taken by a different, higher body than the one analysing."""
    refusal = approval_refusal(3, "leader-1", "leader-1", APPROVER_ROLES)
    assert refusal is not None
    assert refusal.code == "self_approval_forbidden"


def test_levels_carry_the_seed_notice_names():
    """篇5 五(二)1 (告知书/质询书/监察(检查)建议书) and 篇8 第十八条 (警示提醒/诫勉纠错/责令整改)."""
    assert [(LEVELS[n].colour, LEVELS[n].notice_zh, LEVELS[n].action_zh) for n in (3, 2, 1)] == [
        ("blue", "廉情预警告知书", "警示提醒"),
        ("yellow", "廉情预警质询书", "诫勉纠错"),
        ("red", "廉情监察(检查)建议书", "责令整改"),
    ]


def test_an_unknown_level_is_refused():
    """篇5 四: exactly three levels."""
    with pytest.raises(ValueError):
        level(4)


def test_every_trigger_belongs_to_exactly_one_level_and_has_a_chinese_label():
    """篇5 四(一)–(三) and 篇8 第十八条 list the triggers per level; a code means one thing."""
    codes = [code for triggers in TRIGGERS.values() for code in triggers]
    assert len(codes) == len(set(codes)) == len(all_trigger_codes())
    assert trigger_label(1, "inquiry_not_rectified").startswith("廉情预警质询")
    assert trigger_label(3, "inquiry_not_rectified") is None
