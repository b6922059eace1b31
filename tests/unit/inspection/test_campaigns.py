"""Campaigns (issue 12; 000/E 每年不少于2次, methods mixed; 001 贵州 全覆盖, six zones; 001 湖南
rotation): the domain, then the use cases on the fake store."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_inspection import handlers
from wuying_inspection.domain import RuleViolation
from wuying_inspection.domain.campaigns import CampaignUnit, campaign_slots, round_methods, visit_blocks
from wuying_inspection.domain.ruledata import CampaignRules
from wuying_inspection.exceptions import CampaignExists, CampaignState, OverrideBreaksRule
from wuying_inspection.persistence import Campaign, InspectorMember, Plan
from wuying_testing.fakes.inspection import FakeInspectionStore

CALENDAR = WorkingDayCalendar.official()
PROVINCE = Principal("org-1", frozenset({"inspector"}), ("130000",))


# -- domain ----------------------------------------------------------------------------------
def test_every_unit_gets_at_least_two_rounds_one_of_them_cross_000e_001_guizhou():
    rules = CampaignRules()
    for i in range(50):
        methods = round_methods(f"u{i}", 2027, rules)
        assert len(methods) == 2 and methods[-1] == "cross"
    with pytest.raises(RuleViolation) as caught:
        round_methods("u1", 2027, CampaignRules(rounds=1))
    assert "每年不少于2次" in caught.value.message


def test_a_share_of_units_get_a_surprise_or_unannounced_round_by_rule_data():
    rules = CampaignRules(surprise_share=0.3, unannounced_share=0.2)
    firsts = [round_methods(f"u{i}", 2027, rules)[0] for i in range(2000)]
    assert 0.25 < firsts.count("surprise") / 2000 < 0.35
    assert 0.15 < firsts.count("unannounced") / 2000 < 0.25
    assert round_methods("u7", 2027, rules) == round_methods("u7", 2027, rules)  # stable on re-solve


def test_visits_are_working_days_inside_the_window_on_the_official_calendar():
    """2026-10-01..07 is the National Day holiday; 2026-09-28 and 10-10 are make-up working days."""
    blocks = visit_blocks(CALENDAR, date(2026, 9, 28), date(2026, 10, 31), 5)
    assert blocks[0][0] == date(2026, 9, 28)
    assert all(start >= date(2026, 9, 28) and end <= date(2026, 10, 31) for start, end in blocks)
    for start, end in blocks:
        days, _ = CALENDAR.working_days_between(start, end)
        assert days == 4  # start itself and four more working days
        assert CALENDAR.is_working_day(start)[0] and CALENDAR.is_working_day(end)[0]


def test_a_campaign_spreads_a_countys_units_over_the_blocks():
    units = [CampaignUnit(f"u{i}", f"单位{i}", "130402", "z1") for i in range(4)]
    windows = [(date(2026, 3, 2), date(2026, 4, 30)), (date(2026, 9, 1), date(2026, 11, 30))]
    slots = campaign_slots(units, 2026, CampaignRules(), CALENDAR, windows)
    assert len(slots) == 8
    firsts = {s.starts_on for s in slots if s.key.endswith(":1")}
    assert len(firsts) == 4
    assert all(windows[0][0] <= s.starts_on <= s.ends_on <= windows[0][1] for s in slots if s.key.endswith(":1"))


# -- use cases -------------------------------------------------------------------------------
ZONES = {"130402": "z1", "130403": "z1", "130102": "z2", "130104": "z2", "130202": "z3"}


@pytest.fixture
def store():
    store = FakeInspectionStore()
    handlers.register_units(
        store,
        [
            {
                "id": f"u-{county}",
                "name": f"{county} 纪委监委",
                "county": county,
                "kind": "commission_organ",
                "zone": zone,
            }
            for county, zone in ZONES.items()
        ]
        + [{"id": "u-dept", "name": "某局", "county": "130402", "kind": "department", "zone": "z1"}],
    )
    pool = []
    for i in range(18):
        county = list(ZONES)[i % 5]
        pool.append(
            {
                "id": f"p{i:02d}",
                "name": f"干部{i}",
                "county": county,
                "zone": ZONES[county],
                "level": "county",
                "leader": i % 3 == 0,
                "gender": "female" if i % 2 else "male",
                "age_band": "under_35" if i % 4 else "45_54",
            }
        )
    handlers.register_inspectors(store, PROVINCE, pool)
    return store


def create(store, clock, **command):
    return handlers.create_campaign(
        store,
        clock,
        CALENDAR,
        PROVINCE,
        {"region": "130000", "year": 2027, "assignment_rules": {"team_min": 2, "team_max": 3}, **command},
    )


def test_a_campaign_previews_every_unit_in_scope_before_teams(store, clock):
    campaign = create(store, clock)
    assert campaign.status == "draft"
    assert {v.unit_id for v in campaign.visits} == {f"u-{c}" for c in ZONES}  # not the department
    assert all(not v.members for v in campaign.visits)
    with pytest.raises(CampaignExists):
        create(store, clock)


def test_solving_assigns_teams_under_the_hard_rules_and_records_a_version(store, clock):
    create(store, clock)
    solved = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    assert solved.status == "solved" and solved.plan_version == 1
    people = {p.id: p for p in store.inspectors_in("130000")}
    for v in solved.visits:
        assert 2 <= len(v.members) <= 3 and v.leader in v.members and people[v.leader].leader
        assert all(people[m].county != v.county for m in v.members)
        if v.method == "cross":
            assert all(people[m].zone != v.zone for m in v.members)
    assert solved.versions[-1].cause == "solve" and solved.versions[-1].moved == []


def test_an_infeasible_campaign_answers_the_rules_and_units_and_keeps_its_visits(store, clock):
    create(store, clock, assignment_rules={"team_min": 12, "team_max": 14})
    campaign = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    assert campaign.status == "infeasible"
    assert campaign.blocking and all(b.units or b.periods for b in campaign.blocking)
    assert "team_size" in {b.rule for b in campaign.blocking}
    with pytest.raises(CampaignState):
        handlers.commit_campaign(store, clock, PROVINCE, "130000:2027")


def test_an_override_with_a_reason_is_checked_logged_fixed_and_kept_by_a_re_solve(store, clock):
    create(store, clock)
    solved = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    visit = next(v for v in solved.visits if v.unit_id == "u-130402" and v.round == 1)
    with pytest.raises(OverrideBreaksRule) as caught:  # p00 sits in 130402 itself
        handlers.override_visit(
            store,
            clock,
            PROVINCE,
            "130000:2027",
            {"unit_id": "u-130402", "round": 1, "members": ["p00", "p02"], "leader": "p00", "reason": "熟悉情况"},
        )
    assert caught.value.field == "own_county"
    others = [v for v in solved.visits if v.starts_on == visit.starts_on and v.key != visit.key]
    busy = {m for v in others for m in v.members}
    free = [p.id for p in store.inspectors_in("130000") if p.county != "130402" and p.id not in busy]
    leader = next(pid for pid in free if store.get(InspectorMember, pid).leader)
    members = [leader] + [pid for pid in free if pid != leader][:1]
    changed = handlers.override_visit(
        store,
        clock,
        PROVINCE,
        "130000:2027",
        {"unit_id": "u-130402", "round": 1, "members": members, "leader": leader, "reason": "组长另有任务，调整"},
    )
    assert changed.plan_version == 2 and changed.overrides[-1].reason == "组长另有任务，调整"
    assert changed.versions[-1].cause == "override"
    again = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    kept = next(v for v in again.visits if v.key == visit.key)
    assert sorted(kept.members) == sorted(members) and kept.leader == leader and kept.fixed
    assert again.plan_version == 3


def test_commit_writes_each_units_plan_with_scheduled_v1_and_v2_and_inspectors_see_their_own(store, clock):
    create(store, clock, campaign_rules={"surprise_share": 1.0, "unannounced_share": 0.0})
    handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    committed = handlers.commit_campaign(store, clock, PROVINCE, "130000:2027")
    assert committed.status == "committed" and committed.committed_version == 1
    plan = store.get(Plan, "u-130402:2027")
    assert plan.campaign_id == "130000:2027" and [r.method for r in plan.rounds] == ["surprise", "cross"]
    v1, v2 = (e.envelope for e in plan.outbox)
    assert v1["type"].endswith(".v1") and v1["data"]["rounds"][0]["starts_on"] == plan.rounds[0].starts_on
    assert v2["type"].endswith(".v2")
    assert v2["data"]["rounds"][0] == {
        "round": 1,
        "method": "surprise",
        "starts_on": None,
        "ends_on": None,
        "dates_withheld": True,
    }
    assert v2["data"]["rounds"][1]["starts_on"] == plan.rounds[1].starts_on
    member = plan.rounds[0].members[0]
    mine = handlers.my_assignments(store, Principal(member, frozenset({"inspector"}), ("130000",)), 2027)
    assert {(a["unit_id"], a["round"]) for a in mine} >= {("u-130402", 1)}
    assert next(a for a in mine if a["unit_id"] == "u-130402")["starts_on"] == plan.rounds[0].starts_on


def test_re_solving_after_a_change_keeps_what_is_fixed_and_records_what_moved(store, clock):
    create(store, clock)
    first = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    handlers.commit_campaign(store, clock, PROVINCE, "130000:2027")
    gone = first.visits[0].members[0]
    doc = store.get(InspectorMember, gone)
    handlers.register_inspectors(
        store,
        PROVINCE,
        [
            {
                "id": gone,
                "name": doc.name,
                "county": doc.county,
                "zone": doc.zone,
                "level": "county",
                "leader": doc.leader,
                "unavailable": [{"starts_on": date(2027, 1, 1), "ends_on": date(2027, 12, 31)}],
            }
        ],
    )
    second = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027")
    assert second.plan_version == 2
    assert all(gone not in v.members for v in second.visits)
    moved = second.versions[-1].moved
    assert moved and {m.what for m in moved} <= {"members", "leader", "specialists"}
    assert any(gone in m.before for m in moved)
    handlers.commit_campaign(store, clock, PROVINCE, "130000:2027")
    assert store.get(Campaign, "130000:2027").committed_version == 2


# -- one round at a time (issue 12 item 1: "one action plans a year (or one round)") ----------
def test_a_one_round_campaign_gives_every_unit_only_that_round_in_its_window():
    units = [CampaignUnit(f"u{i}", f"单位{i}", "130402", "z1") for i in range(3)]
    slots = campaign_slots(units, 2027, CampaignRules(), CALENDAR, round_number=2)
    assert {s.key.rsplit(":", 1)[1] for s in slots} == {"2"} and len(slots) == 3
    assert {s.method for s in slots} == {"cross"}  # the method round 2 has in the year's campaign
    assert all(date(2027, 7, 1) <= s.starts_on and s.ends_on <= date(2027, 12, 31) for s in slots)
    window = [(date(2027, 9, 1), date(2027, 9, 30))]
    assert all(s.starts_on.month == 9 for s in campaign_slots(units, 2027, CampaignRules(), CALENDAR, window, None, 2))
    with pytest.raises(RuleViolation) as caught:
        campaign_slots(units, 2027, CampaignRules(), CALENDAR, round_number=3)
    assert caught.value.field == "round"
    with pytest.raises(RuleViolation) as caught:
        campaign_slots(units, 2027, CampaignRules(), CALENDAR, window * 2, round_number=1)
    assert caught.value.field == "windows"


def test_one_round_campaigns_plan_the_year_round_by_round_and_coverage_checks_two_rounds(store, clock):
    """000/E 每年不少于2次 is a rule of the unit's year: after round 1 alone the units are not
    covered (coverage: unplanned), after round 2 they are; the rounds are merged into one plan."""
    first = create(store, clock, round=1, campaign_rules={"surprise_share": 0.0, "unannounced_share": 0.0})
    assert first.id == "130000:2027:1" and first.round == 1
    assert {(v.round, v.method) for v in first.visits} == {(1, "special")} and len(first.visits) == 5
    with pytest.raises(CampaignExists):  # the whole year cannot be planned beside it
        create(store, clock)
    handlers.solve_campaign(store, clock, PROVINCE, first.id)
    handlers.commit_campaign(store, clock, PROVINCE, first.id)
    plan = store.get(Plan, "u-130402:2027")
    assert [r.round for r in plan.rounds] == [1] and plan.rounds_expected == 2
    assert plan.rounds[0].campaign_id == first.id
    assert plan.outbox == []  # the year's plan is announced when it holds two rounds (000/E; the contract)
    cover = handlers.region_coverage(store, clock, PROVINCE, "130000", 2027)
    assert cover.total.counts["unplanned"] == 5

    second = create(store, clock, round=2)
    assert second.id == "130000:2027:2" and {v.unit_id for v in second.visits} == {f"u-{c}" for c in ZONES}
    assert {v.method for v in second.visits} == {"cross"}
    solved = handlers.solve_campaign(store, clock, PROVINCE, second.id)
    assert solved.status == "solved"
    handlers.commit_campaign(store, clock, PROVINCE, second.id)
    plan = store.get(Plan, "u-130402:2027")
    assert [(r.round, r.campaign_id) for r in plan.rounds] == [(1, first.id), (2, second.id)]
    assert plan.rounds[0].ends_on < plan.rounds[1].starts_on and plan.plan_version == 2
    assert [e.envelope["type"][-2:] for e in plan.outbox] == ["v1", "v2"]
    v2 = plan.outbox[-1].envelope
    assert [r["round"] for r in v2["data"]["rounds"]] == [1, 2]
    assert v2["data"]["campaign_id"] == second.id and v2["data"]["plan_version"] == 2
    cover = handlers.region_coverage(store, clock, PROVINCE, "130000", 2027)
    assert cover.total.counts["planned"] == 5


def test_a_round_planned_alone_keeps_the_plan_open_until_the_years_rounds_are_done(store, clock):
    create(store, clock, round=1)
    handlers.solve_campaign(store, clock, PROVINCE, "130000:2027:1")
    handlers.commit_campaign(store, clock, PROVINCE, "130000:2027:1")
    plan = handlers.complete_round(store, clock, PROVINCE, "u-130402:2027", 1)
    assert plan.status == "scheduled" and plan.outbox[-1].envelope["data"]["plan_completed"] is False


def test_a_one_round_campaign_keeps_each_units_rounds_in_order_and_its_planned_rounds_out(store, clock):
    # u-130403 has its own plan of both rounds: kept out of a round campaign
    handlers.schedule_plan(store, clock, PROVINCE, {"unit_id": "u-130403", "year": 2027, "rounds": 2})
    spring = [{"starts_on": date(2027, 3, 1), "ends_on": date(2027, 4, 30)}]
    second = create(store, clock, round=2, windows=spring)
    assert "u-130403" in second.kept_plans and "u-130403" not in {v.unit_id for v in second.visits}
    with pytest.raises(RuleViolation) as caught:  # round 1 in the same spring would overlap round 2
        create(store, clock, round=1, windows=spring)
    assert caught.value.field == "windows" and "第 1 次巡察" in caught.value.message
    first = create(store, clock, round=1, windows=[{"starts_on": date(2027, 1, 4), "ends_on": date(2027, 2, 26)}])
    assert all(v.ends_on < "2027-03-01" for v in first.visits)


def test_a_one_round_solve_counts_the_other_rounds_teams_as_busy(store, clock):
    from wuying_inspection.handlers.campaigns.planning import _busy_elsewhere
    from wuying_inspection.handlers.pool import to_domain

    create(store, clock, round=1)
    solved = handlers.solve_campaign(store, clock, PROVINCE, "130000:2027:1")
    second = create(store, clock, round=2)
    people = _busy_elsewhere(store, second, [to_domain(d) for d in store.inspectors_in("130000")])
    visit = solved.visits[0]
    member = next(p for p in people if p.id == visit.members[0])
    assert member.away(date.fromisoformat(visit.starts_on), date.fromisoformat(visit.ends_on))
