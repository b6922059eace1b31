"""The inspector pool kept current from archive (001 贵州 人员库; 任职回避, 亲属回避), coverage and
reminders (000/E 每年不少于2次; 001 贵州 全覆盖), the findings' ladder to closure and the annual
evaluation (000/E 结果运用)."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_inspection import handlers
from wuying_inspection.domain import RuleViolation
from wuying_inspection.domain.coverage import RoundState, coverage, unit_status
from wuying_inspection.domain.findings import FindingRuleBroken, evaluate
from wuying_inspection.persistence import InspectorMember, Plan
from wuying_inspection.schemas import OFFICIALS_IMPORTED_IN
from wuying_testing.fakes.inspection import FakeInspectionStore

CALENDAR = WorkingDayCalendar.official()
PROVINCE = Principal("org-1", frozenset({"inspector"}), ("130000",))
INSPECTOR = Principal("staff-1", frozenset({"inspector"}), ("130402",))


def changed(event_id, official_id, unit_id, county="130102", status="serving"):
    envelope = {"id": event_id, "data": {}}
    return envelope, {"official_id": official_id, "county": county, "unit_id": unit_id, "status": status}


@pytest.fixture
def store():
    store = FakeInspectionStore()
    handlers.register_inspectors(
        store,
        PROVINCE,
        [
            {
                "id": "p1",
                "name": "张三",
                "county": "130402",
                "zone": "z1",
                "level": "county",
                "unit_id": "u-a",
                "relatives": [{"relation": "spouse", "official_id": "o-wife", "unit_id": "u-b"}],
            }
        ],
    )
    return store


# -- the pool ----------------------------------------------------------------------------------
def test_a_transfer_keeps_the_old_unit_as_a_former_posting_for_posting_avoidance(store):
    envelope, data = changed("e1", "p1", "u-c")
    assert handlers.official_changed(store, envelope, data) == "processed"
    member = store.get(InspectorMember, "p1")
    assert (member.unit_id, member.county, member.former_unit_ids) == ("u-c", "130102", ["u-a"])
    assert handlers.official_changed(store, envelope, data) == "duplicate"  # idempotent on the event id


def test_a_relatives_move_changes_the_unit_to_avoid_relative_avoidance(store):
    envelope, data = changed("e2", "o-wife", "u-d")
    assert handlers.official_changed(store, envelope, data) == "processed"
    assert [r.unit_id for r in store.get(InspectorMember, "p1").relatives] == ["u-d"]
    assert handlers.official_changed(store, envelope, data) == "duplicate"


def test_leaving_takes_a_member_out_of_assignment_and_strangers_are_ignored(store):
    handlers.official_changed(store, *changed("e3", "p1", "u-a", county="130402", status="retired"))
    assert store.get(InspectorMember, "p1").active is False
    assert handlers.official_changed(store, *changed("e4", "nobody", "u-x")) == "processed"


def test_an_import_batch_moves_members_and_relatives_as_its_official_changed_events_would(store):
    envelope = {"id": "b1"}
    data = OFFICIALS_IMPORTED_IN.load({"changes": [changed("b1", "p1", "u-c")[1], changed("b1", "o-wife", "u-d")[1]]})
    assert handlers.officials_imported(store, envelope, data) == "processed"
    member = store.get(InspectorMember, "p1")
    assert (member.unit_id, member.former_unit_ids) == ("u-c", ["u-a"])
    assert [r.unit_id for r in member.relatives] == ["u-d"]
    assert handlers.officials_imported(store, envelope, data) == "duplicate"


def test_registration_refuses_values_the_rules_cannot_read(store):
    with pytest.raises(RuleViolation) as caught:
        handlers.register_inspectors(
            store, PROVINCE, [{"id": "p2", "name": "李四", "county": "130402", "level": "galaxy"}]
        )
    assert caught.value.field == "inspectors.0.level"


# -- coverage ----------------------------------------------------------------------------------
def rounds(*completed, ends=(date(2027, 6, 30), date(2027, 12, 31))):
    return [
        RoundState(i + 1, "special", date(2027, 1, 1), end, done)
        for i, (end, done) in enumerate(zip(ends, completed, strict=False))
    ]


def test_a_units_status_is_done_planned_overdue_missed_or_unplanned_000e():
    assert unit_status(rounds(True, True), 2027, date(2027, 12, 1)) == "done"
    assert unit_status(rounds(False, False), 2027, date(2027, 3, 1)) == "planned"
    assert unit_status(rounds(False, False), 2027, date(2027, 7, 1)) == "overdue"
    assert unit_status(rounds(True, False), 2027, date(2028, 1, 2)) == "missed"
    assert unit_status(None, 2027, date(2027, 3, 1)) == "unplanned"
    assert unit_status(rounds(True), 2027, date(2027, 3, 1)) == "unplanned"  # one round is not a plan


def test_coverage_counts_by_county_city_and_the_whole_region():
    result = coverage(
        "130000",
        2027,
        [("a", "130402", "done"), ("b", "130403", "overdue"), ("c", "130102", "done"), ("d", "130102", "missed")],
    )
    assert (result.total.units, result.total.counts["done"], result.total.coverage) == (4, 2, 0.5)
    assert [(c.code, c.units) for c in result.cities] == [("130100", 2), ("130400", 2)]
    assert [u[0] for u in result.units] == ["d", "b"]


def test_coverage_and_reminders_from_the_plans(clock):
    store = FakeInspectionStore()
    handlers.register_units(
        store,
        [
            {"id": "u1", "name": "甲", "county": "130402", "kind": "commission_organ", "zone": "z1"},
            {"id": "u2", "name": "乙", "county": "130403", "kind": "commission_organ", "zone": "z1"},
        ],
    )
    # the clock stands at 2026-11-20: the 2026 plan's first round is overdue
    handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2026})
    result = handlers.region_coverage(store, clock, PROVINCE, "130400", 2026)
    assert {u[0]: u[2] for u in result.units} == {"u1": "overdue", "u2": "unplanned"}
    windows = [
        {"starts_on": date(2026, 11, 30), "ends_on": date(2026, 12, 4)},
        {"starts_on": date(2026, 12, 14), "ends_on": date(2026, 12, 18)},
    ]
    store.delete(store.get(Plan, "u1:2026"))
    handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2026, "windows": windows})
    upcoming = handlers.upcoming_rounds(store, clock, CALENDAR, PROVINCE, "130400", None)
    assert [(u["unit_id"], u["round"]) for u in upcoming] == [("u1", 1)]  # 2026-11-30: 6 working days away
    assert handlers.remind_organisers(store, clock, CALENDAR) == [("130402", 1)]
    assert store.get(Plan, "u1:2026").rounds[0].reminded_on == "2026-11-20"
    assert handlers.remind_organisers(store, clock, CALENDAR) == []  # once


# -- findings ----------------------------------------------------------------------------------
@pytest.fixture
def plan(clock):
    store = FakeInspectionStore()
    handlers.register_units(store, [{"id": "u1", "name": "甲", "county": "130402", "kind": "commission_organ"}])
    plan = handlers.schedule_plan(store, clock, INSPECTOR, {"unit_id": "u1", "year": 2027})
    return store, plan


def test_a_general_problem_takes_several_dispositions_each_tracked_to_its_outcome(plan, clock):
    """000/E: 一般问题……采取谈话函询、初步核实等方式处置，并视情况给予相应的组织处理."""
    store, p = plan
    _, finding = handlers.record_finding(
        store,
        clock,
        INSPECTOR,
        p.id,
        {"round": 1, "severity": "general", "disposition": "letter_inquiry", "summary": "x"},
    )
    handlers.add_disposition(store, clock, INSPECTOR, p.id, finding.id, {"disposition": "preliminary_verification"})
    with pytest.raises(FindingRuleBroken) as caught:
        handlers.add_disposition(store, clock, INSPECTOR, p.id, finding.id, {"disposition": "letter_inquiry"})
    assert caught.value.code == "disposition_exists"
    with pytest.raises(RuleViolation):
        handlers.add_disposition(store, clock, INSPECTOR, p.id, finding.id, {"disposition": "case_filing"})
    _, f = handlers.close_disposition(
        store, clock, INSPECTOR, p.id, finding.id, {"disposition": "letter_inquiry", "outcome": "inquiry_answered"}
    )
    assert not f.closed
    _, f = handlers.close_disposition(
        store, clock, INSPECTOR, p.id, finding.id, {"disposition": "preliminary_verification", "outcome": "verified"}
    )
    assert f.closed
    events = [e.envelope for e in store.get(Plan, p.id).outbox]
    closed = [e["data"] for e in events if "disposition_closed" in e["type"]]
    assert [(d["outcome_zh"], d["finding_closed"]) for d in closed] == [("函询已回复", False), ("核实属实", True)]


def test_a_transfer_to_the_judiciary_follows_the_case_filing(plan, clock):
    """000/E: 严重违纪违法问题，按有关程序立案调查，触犯法律的，移交司法机关处理."""
    store, p = plan
    _, finding = handlers.record_finding(
        store, clock, INSPECTOR, p.id, {"round": 1, "severity": "serious", "summary": "x"}
    )
    with pytest.raises(FindingRuleBroken) as caught:
        handlers.add_disposition(store, clock, INSPECTOR, p.id, finding.id, {"disposition": "judicial_transfer"})
    assert caught.value.code == "disposition_out_of_order"
    handlers.close_disposition(
        store, clock, INSPECTOR, p.id, finding.id, {"disposition": "case_filing", "outcome": "case_filed"}
    )
    handlers.add_disposition(store, clock, INSPECTOR, p.id, finding.id, {"disposition": "judicial_transfer"})
    with pytest.raises(RuleViolation):
        handlers.close_disposition(
            store, clock, INSPECTOR, p.id, finding.id, {"disposition": "judicial_transfer", "outcome": "talk_held"}
        )


def test_the_years_result_feeds_the_units_annual_evaluation_000e(plan, clock):
    """000/E: 巡察结果作为被巡察单位年度评优评先工作……的重要依据."""
    assert evaluate(["early_sign"], 0, 2, 2).standing == "clear"
    assert evaluate(["general"], 1, 2, 2).standing == "pending"
    assert not evaluate(["serious"], 0, 2, 2).eligible_for_excellence
    store, p = plan
    handlers.record_finding(store, clock, INSPECTOR, p.id, {"round": 1, "severity": "serious", "summary": "x"})
    saved = handlers.record_evaluation(store, clock, INSPECTOR, p.id)
    assert saved.evaluation.standing == "not_recommended"
    event = store.get(Plan, p.id).outbox[-1].envelope
    assert event["type"] == "wuying.inspection.inspection.evaluation_recorded.v1"
    assert event["data"]["eligible_for_excellence"] is False and event["data"]["findings"]["serious"] == 1
