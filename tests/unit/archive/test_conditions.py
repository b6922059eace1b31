"""The twelve warning conditions (004/4 深圳龙岗: 12大类廉政风险预警条件), one test per condition
citing its source, on plain facts (no store, no clock)."""

from datetime import date

import pytest

from wuying_archive.domain.conditions import Facts, Signal, condition_rules
from wuying_archive.domain.matters import MatterRecord
from wuying_archive.domain.personnel import Occupancy
from wuying_common.calendar import WorkingDayCalendar

TODAY = date(2026, 11, 20)
CAL = WorkingDayCalendar.official()
RULES = condition_rules()


def facts(*records, signals=(), tags=(), occupancies=(), status="serving"):
    return Facts("off-1", status, frozenset(tags), tuple(occupancies), tuple(records), tuple(signals))


def rec(id_, kind, **kw):
    return MatterRecord(id=id_, kind=kind, source=kw.pop("source", "personal_report"), recorded_on="2026-01-01", **kw)


def hit(code, f, today=TODAY):
    return RULES.get(code).evaluate(f, today, CAL)


def test_there_are_twelve_conditions_each_with_name_facts_threshold_and_source():
    assert RULES.version == "2026.2"  # issue 11: inquiry concealment, superseded warnings
    assert len(RULES.conditions) == 12
    assert len(set(RULES.codes())) == 12
    assert {"side_job", "naked_official", "children_business"} <= set(RULES.codes())  # named by seed 004
    for c in RULES.conditions:
        assert c.name_zh and c.reads and c.threshold and c.threshold_zh and c.source


def test_side_job_paid_or_unapproved_is_a_hit_per_004_longgang_and_zhongzufa_2013_18():
    """004/4 兼职; 中组发〔2013〕18号: 经批准兼职的不得领取兼职报酬."""
    approved_unpaid = rec("m1", "side_job", company="某协会", role="理事", approved=True)
    assert hit("side_job", facts(approved_unpaid)) is None
    paid = rec("m2", "side_job", company="某公司", role="顾问", approved=True, paid=True, pay_yuan=50000)
    assert hit("side_job", facts(approved_unpaid, paid)).evidence == ("record:m2",)
    ended = rec("m3", "side_job", company="某公司", role="顾问", ended_on="2026-01-31")
    assert hit("side_job", facts(ended)) is None


def test_naked_official_when_spouse_and_every_child_settled_abroad_per_004_and_the_2010_rule():
    """004/4 裸官; 《关于对配偶子女均已移居国（境）外的国家工作人员加强管理的暂行规定》."""
    spouse = rec("m1", "spouse", name="王某", settled_abroad=True, country="加拿大")
    child_home = rec("m2", "child", name="张某")
    child_abroad = rec("m3", "child", name="张某某", foreign_status="permanent_residency", country="加拿大")
    assert hit("naked_official", facts(spouse, child_home)) is None
    assert hit("naked_official", facts(spouse, child_abroad)).evidence == ("record:m1", "record:m3")
    assert hit("naked_official", facts()) is None  # no family on file is not a naked official


def test_children_business_includes_a_childs_spouse_per_004_longgang():
    """004/4 子女经商办企业; 《领导干部配偶、子女及其配偶经商办企业管理规定》."""
    child = rec("m1", "child", name="张某")
    in_law = rec("m2", "child_spouse", name="李某", relative_of="m1")
    company = rec("m3", "business", holder="m2", company="某建筑公司")
    assert hit("children_business", facts(child, in_law, company)).evidence == ("record:m3",)
    assert hit("spouse_business", facts(child, in_law, company)) is None


def test_spouse_business_per_the_2022_rule_and_001_hunan():
    """《领导干部配偶、子女及其配偶经商办企业管理规定》; 001 湖南 禁业范围建议."""
    spouse = rec("m1", "spouse", name="王某")
    board = rec("m2", "directorship", holder="m1", company="某投资公司", role="董事")
    assert hit("spouse_business", facts(spouse, board)).evidence == ("record:m2",)


def test_a_relatives_business_within_the_remit_is_its_own_condition_per_001_hunan():
    """001 湖南《……配偶、子女及其配偶禁业范围建议》."""
    spouse = rec("m1", "spouse", name="王某")
    outside = rec("m2", "business", holder="m1", company="外地公司")
    inside = rec("m3", "business", holder="m1", company="本县工程公司", within_remit=True)
    assert hit("business_in_remit", facts(spouse, outside)) is None
    assert hit("business_in_remit", facts(spouse, outside, inside)).evidence == ("record:m3",)


def test_own_business_unless_approved_per_the_discipline_regulations():
    """《中国共产党纪律处分条例》违规从事营利活动; 中组发〔2013〕18号."""
    assert hit("own_business", facts(rec("m1", "business", company="某公司"))).evidence == ("record:m1",)
    assert hit("own_business", facts(rec("m1", "directorship", company="国企", role="董事", approved=True))) is None


def test_foreign_nationality_or_residency_of_the_official_per_civil_servant_law_13():
    """《公务员法》第十三条; 《国籍法》第三条."""
    green_card = rec("m1", "foreign_status", foreign_status="permanent_residency", country="美国")
    assert hit("foreign_status", facts(green_card)).evidence == ("record:m1",)


def test_undeclared_matters_from_a_spot_check_or_a_late_report_per_000_d():
    """000/D: 对无正当理由不按时报告、漏报或者隐瞒不报的……严格按照“两项法规”有关规定处理."""
    consistent = rec("m1", "report_check", year=2025, check_result="consistent", source="verification")
    assert hit("undeclared_matters", facts(consistent)) is None
    omitted = rec("m2", "report_check", year=2025, check_result="omission", source="verification")
    late = rec("m3", "personal_report", year=2025, on_time=False)
    assert hit("undeclared_matters", facts(consistent, omitted, late)).evidence == ("record:m2", "record:m3")


def test_long_tenure_is_ten_years_in_a_post_or_five_in_a_sensitive_one_per_the_rotation_rules():
    """《党政领导干部交流工作规定》; 004/2 甘肃高台 交流轮岗."""
    post = Occupancy("unit-1", "科长", "正科级", "post", "2019-06-01")
    assert hit("long_tenure", facts(occupancies=[post])) is None
    assert hit("long_tenure", facts(occupancies=[post], tags=["finance"])).evidence == ("post:unit-1/科长@2019-06-01",)
    old = Occupancy("unit-1", "科长", "正科级", "post", "2016-11-20")
    assert hit("long_tenure", facts(occupancies=[old])) is not None
    assert hit("long_tenure", facts(occupancies=[old], status="retired")) is None


def test_repeated_reports_are_three_integrity_reports_in_twelve_months_per_001():
    """001 黑龙江 精准处置线索; 001 湖南 反映“关键少数”的问题线索优先从快办理."""
    reports = [Signal(f"e{i}", "report", on) for i, on in enumerate(["2025-11-19", "2026-03-01", "2026-09-09"])]
    assert hit("repeated_reports", facts(signals=reports)) is None  # the first is 12 months and a day old
    more = [*reports, Signal("e9", "report", "2026-11-01")]
    assert hit("repeated_reports", facts(signals=more)).evidence == ("event:e1", "event:e2", "event:e9")


def test_a_sanction_is_in_force_for_its_statutory_period_counted_under_civil_code_201():
    """《公职人员政务处分法》第八条: 记过十二个月; 民法典 第二百零一—二百零三条 counts the period."""
    demerit = rec("m1", "sanction", sanction="demerit", decided_on="2025-11-20", source="case_handling")
    # 2026-11-20 is a Friday, a working day: the period's last day.
    assert hit("sanction_in_force", facts(demerit), date(2026, 11, 20)).evidence == ("record:m1",)
    assert hit("sanction_in_force", facts(demerit), date(2026, 11, 21)) is None
    # A period ending on a rest day runs to the next working day (第二百零三条): 2026-10-03 is in
    # the National Day holiday, so a 6-month warning decided on 2026-04-03 still holds on 10-08.
    warning = rec("m2", "sanction", sanction="warning", decided_on="2026-04-03", source="case_handling")
    assert hit("sanction_in_force", facts(warning), date(2026, 10, 8)) is not None
    assert hit("sanction_in_force", facts(warning), date(2026, 10, 10)) is None


def test_an_overdue_warning_not_lifted_is_a_hit_per_002_pian5_seven():
    """002/篇5 七: 预警后不按期答复、不整改的……升级预警或组织处理."""
    overdue = Signal("e1", "warning_overdue", "2026-10-01", "w-1")
    assert hit("warning_unrectified", facts(signals=[overdue])).evidence == ("warning:w-1",)
    lifted = Signal("e2", "warning_lifted", "2026-10-20", "w-1")
    assert hit("warning_unrectified", facts(signals=[overdue, lifted])) is None


def test_a_superseded_warning_is_no_longer_unrectified_from_rules_2026_2_per_002_pian5_seven():
    """002/篇5 七: the higher warning carries the matter on (warning.superseded); 2026.1 still counts it."""
    overdue = Signal("e1", "warning_overdue", "2026-10-01", "w-1")
    superseded = Signal("e2", "warning_superseded", "2026-10-05", "w-1")
    assert hit("warning_unrectified", facts(signals=[overdue, superseded])) is None
    old = condition_rules("2026.1").get("warning_unrectified")
    assert old.evaluate(facts(signals=[overdue, superseded]), TODAY, CAL).evidence == ("warning:w-1",)


def test_a_concealed_fact_found_verifying_an_inquiry_is_undeclared_matters_per_001_heilongjiang():
    """001 黑龙江: 采取谈话、调取、查询等措施……抽查核实，对隐瞒事实、欺骗组织的严肃处理."""
    found = rec("m4", "inquiry_verification", check_result="concealment", year=2026)
    assert hit("undeclared_matters", facts(found)).evidence == ("record:m4",)
    assert condition_rules("2026.1").get("undeclared_matters").evaluate(facts(found), TODAY, CAL) is None
    truthful = rec("m5", "inquiry_verification", check_result="consistent", year=2026)
    assert hit("undeclared_matters", facts(truthful)) is None


def test_evaluate_returns_every_hit_in_rule_order():
    records = [rec("m1", "side_job", company="某公司", role="顾问", paid=True), rec("m2", "business", company="x")]
    assert [h.code for h in RULES.evaluate(facts(*records), TODAY, CAL)] == ["side_job", "own_business"]


def test_an_unknown_rule_version_stops_at_once():
    with pytest.raises(ValueError):
        condition_rules("1999.1")
