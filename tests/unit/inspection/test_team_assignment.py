"""Team assignment with CP-SAT (issue 12): one test per hard rule, with its source; the soft
rules; specialists in the same model; an impossible assignment named by rule and unit."""

from datetime import date

from wuying_inspection.domain.assignment import Problem, Slot, Team, assign_teams, broken_rules, check_team
from wuying_inspection.domain.pool import Inspector, Period
from wuying_inspection.domain.ruledata import AssignmentRules, Weights

RULES = AssignmentRules(team_min=2, team_max=3, max_time_seconds=10)
MARCH = (date(2027, 3, 1), date(2027, 3, 5))


def visit(unit="u1", county="130402", zone="z1", method="special", when=MARCH, **extra):
    return Slot(f"{unit}:2027:1", unit, county, zone, method, when[0], when[1], **extra)


def person(pid, county="130102", zone="z2", leader=False, **extra):
    return Inspector(pid, pid.upper(), county, zone, leader=leader, **extra)


def staff(n=6, **extra):
    return [person(f"p{i}", leader=i % 2 == 0, **extra) for i in range(n)]


def team_of(problem, rules=RULES, key="u1:2027:1"):
    solution = assign_teams(problem, rules)
    assert solution.solved, solution.blocking
    return solution.teams[key]


def test_nobody_inspects_their_own_county_001_guizhou_acquaintance_supervision():
    """001 贵州 破解熟人监督; 001 湖南 防止“熟人监督”: never a unit of one's own county."""
    locals_ = [person(f"l{i}", county="130402", leader=True) for i in range(4)]
    team = team_of(Problem([visit()], locals_ + staff()))
    assert not set(team.members) & {p.id for p in locals_}
    assert broken_rules(locals_[0], visit()) == ["own_county"]


def test_nobody_inspects_their_own_zone_in_a_cross_round_001_guizhou_six_zones():
    """001 贵州: 六个协作区 交叉检查 — a cross round's team comes from another zone."""
    same_zone = [person(f"z{i}", zone="z1", leader=True) for i in range(4)]
    team = team_of(Problem([visit(method="cross")], same_zone + staff()))
    assert not set(team.members) & {p.id for p in same_zone}
    # outside a cross round the zone is no bar
    assert broken_rules(same_zone[0], visit(method="special")) == []


def test_never_a_unit_where_one_works_or_has_worked_posting_avoidance_001_hunan():
    """任职回避 (001 湖南 熟人监督; 004 甘肃高台 破解“熟人圈”): current and former postings."""
    worked = [
        person("w1", leader=True, unit_id="u1"),
        person("w2", leader=True, former_unit_ids=frozenset({"u1"})),
    ]
    team = team_of(Problem([visit()], worked + staff()))
    assert not set(team.members) & {"w1", "w2"}
    assert broken_rules(worked[1], visit()) == ["posting_avoidance"]


def test_never_a_unit_where_a_relative_works_relative_avoidance_001_hunan():
    """亲属回避 (001 湖南: 配偶、子女及其配偶禁业范围; 防止形成关系网)."""
    related = person("r1", leader=True, relative_unit_ids=frozenset({"u1"}))
    team = team_of(Problem([visit()], [related] + staff()))
    assert "r1" not in team.members
    assert broken_rules(related, visit()) == ["relative_avoidance"]


def test_nobody_while_away():
    """人员库登记的不可用时段 (001 贵州 人员库 灵活调配使用)."""
    away = person("a1", leader=True, unavailable=(Period(date(2027, 3, 3), date(2027, 3, 10)),))
    team = team_of(Problem([visit()], [away] + staff()))
    assert "a1" not in team.members


def test_one_team_per_person_at_a_time():
    """001 贵州 人员库统一调配: two visits in the same week never share a person."""
    slots = [visit("u1"), visit("u2", county="130403")]
    solution = assign_teams(Problem(slots, staff(6)), RULES)
    assert solution.solved
    first, second = solution.teams["u1:2027:1"], solution.teams["u2:2027:1"]
    assert not set(first.members) & set(second.members)


def test_a_team_has_size_within_bounds_and_one_qualified_leader():
    """001 贵州: 666 组 2659 人次 (about four a team); 004 闵行: 巡察组组长."""
    team = team_of(Problem([visit()], staff(8)), AssignmentRules(team_min=3, team_max=4))
    assert 3 <= len(team.members) <= 4
    assert team.leader in team.members and team.leader in {"p0", "p2", "p4", "p6"}


def test_specialists_join_from_the_mobile_pool_in_the_same_model_004_minhang():
    """004 闵行 机动组员“三不固定”: a pool of {eng, proc} and {eng} covers [eng, proc] — the
    {eng, proc} specialist takes proc (a greedy pick of the first for eng could not)."""
    mobile = [
        person("m1", mobile=True, skills=frozenset({"engineering", "procurement"})),
        person("m2", mobile=True, skills=frozenset({"engineering"})),
    ]
    slot = visit(specialists=("engineering", "procurement"))
    team = team_of(Problem([slot], staff() + mobile))
    assert dict(team.specialists) == {"engineering": "m2", "procurement": "m1"}
    assert not set(team.members) & {"m1", "m2"}


def test_specialists_obey_the_same_avoidance_rules():
    """004 闵行: 被巡察单位不固定 — but never their own county (001 贵州)."""
    mobile = [person("m1", county="130402", mobile=True, skills=frozenset({"engineering"}))]
    solution = assign_teams(Problem([visit(specialists=("engineering",))], staff() + mobile), RULES)
    assert solution.status == "infeasible"
    assert {b.rule for b in solution.blocking} >= {"specialist"}


def test_an_impossible_assignment_names_the_blocking_rule_and_unit_not_an_error():
    """Nobody but the unit's own county staff can lead: own_county blocks u1 (assumption
    literals and CP-SAT's sufficient assumptions for infeasibility)."""
    people = [person(f"l{i}", county="130402", leader=True) for i in range(3)] + [
        person(f"m{i}", leader=False) for i in range(4)
    ]
    solution = assign_teams(Problem([visit()], people), RULES)
    assert solution.status == "infeasible" and solution.teams == {}
    named = {b.rule: b.units for b in solution.blocking}
    assert named["own_county"] == ("u1",)
    assert "leader" in named
    assert all(b.rule_zh and b.source for b in solution.blocking)


def test_too_few_people_for_two_visits_at_once_names_one_team_at_a_time():
    slots = [visit("u1"), visit("u2", county="130403")]
    solution = assign_teams(Problem(slots, staff(3)), RULES)
    assert solution.status == "infeasible"
    rules = {b.rule for b in solution.blocking}
    assert "one_team_at_a_time" in rules or "team_size" in rules
    assert all(b.units for b in solution.blocking)


def test_fixed_teams_stay_and_previous_members_are_kept_when_possible():
    slots = [visit("u1"), visit("u2", county="130403", when=(date(2027, 4, 5), date(2027, 4, 9)))]
    fixed = {"u1:2027:1": Team(("p1", "p2"), "p2")}
    previous = {"u2:2027:1": Team(("p3", "p4"), "p4")}
    solution = assign_teams(Problem(slots, staff(8), fixed=fixed, previous=previous), RULES)
    assert solution.teams["u1:2027:1"].members == ("p1", "p2") and solution.teams["u1:2027:1"].leader == "p2"
    assert set(previous["u2:2027:1"].members) <= set(solution.teams["u2:2027:1"].members)


def test_rotation_avoids_last_years_inspectors_of_the_unit_001_hunan():
    """001 湖南: 重新划分联系范围，防止……形成“熟人监督” — soft, weighted as rule data."""
    last_year = {"u1": frozenset({"p0", "p1"})}
    team = team_of(Problem([visit()], staff(6), last_year_units=last_year))
    assert not set(team.members) & {"p0", "p1"}


def test_skills_matching_the_units_focus_are_preferred():
    people = staff(4) + [person("fin", skills=frozenset({"finance"}))]
    team = team_of(Problem([visit(focus=frozenset({"finance"}))], people))
    assert "fin" in team.members


def test_a_mixed_team_is_preferred_004_gaotai():
    """004 甘肃高台: 综合考虑干部经历、年龄、性别、专业、特长等因素."""
    men = [person(f"m{i}", leader=True, gender="male") for i in range(3)]
    women = [person("f1", gender="female")]
    rules = AssignmentRules(team_min=2, team_max=2, weights=Weights(gender_mix=50), max_time_seconds=10)
    team = team_of(Problem([visit()], men + women), rules)
    assert "f1" in team.members


def test_an_override_is_rechecked_against_the_hard_rules():
    people = {p.id: p for p in staff(4) + [person("loc", county="130402", leader=True)]}
    assert check_team(["p0", "p1"], "p0", visit(), people, RULES) == []
    broken = dict(check_team(["loc", "p1"], "loc", visit(), people, RULES))
    assert broken == {"own_county": "loc"}
    assert ("leader", "p1") in check_team(["p1", "p3"], "p1", visit(), people, RULES)
    busy = {"p0": [visit("u9", county="130403")]}
    assert ("one_team_at_a_time", "p0") in check_team(["p0", "p2"], "p0", visit(), people, RULES, busy)
