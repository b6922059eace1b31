"""Business-data monitoring (seeds/003 宝安: 两域 — 工程招投标、政府采购 — and 三长), issue 13
item 5: bulk idempotent import with line-numbered errors, each anomaly rule with a positive and a
negative case, hits that keep their evidence and feed the official's and the unit's profiles."""

import json
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import Forbidden
from wuying_risk.domain.monitoring import DEFAULT_ANOMALY_RULES, check_row, read_rows, scan
from wuying_risk.handlers import monitoring
from wuying_risk.persistence import BusinessRecord, MonitoringHit
from wuying_testing.fakes.risk import FakeRiskStore

OFFICER = Principal("staff-risk", frozenset({"risk_officer"}), ("130402",))
INSPECTOR = Principal("inspector-1", frozenset({"inspector"}), ("130402",))


def record(rid, amount=100_000.0, method="inquiry", awarded_on="2026-03-10", **overrides):
    row = {
        "_id": f"130402/{rid}",
        "record_id": rid,
        "county": "130402",
        "domain": "procurement",
        "category": "goods",
        "buyer_unit_id": "hospital-1",
        "buyer_kind": "public_hospital",
        "responsible_official_id": "off-1",
        "supplier_id": "sup-1",
        "supplier_name": "甲医疗器械公司",
        "subject": "医用耗材",
        "amount": amount,
        "method": method,
        "announced_on": "",
        "awarded_on": awarded_on,
        "contracted_on": "",
    }
    return {**row, **overrides}


def rules_hit(rows, ties=None):
    return sorted({a.rule for a in scan(rows, ties or {}, DEFAULT_ANOMALY_RULES)})


# -- each rule, positive and negative ----------------------------------------------------------
def test_a_purchase_split_to_stay_under_the_tender_threshold_is_found():
    """政府采购法实施条例 第二十八条: in one fiscal year, the same category bought several times
    by methods other than public tender, for a total above the threshold (goods: 2,000,000)."""
    rows = [record(f"r{n}", 700_000.0, supplier_id=f"sup-{n}") for n in range(3)]
    found = [a for a in scan(rows, {}) if a.rule == "split_purchase"]
    assert len(found) == 1 and len(found[0].evidence) == 3 and "2,100,000.00 元" in found[0].summary


def test_purchases_under_the_threshold_in_total_or_in_different_years_are_not_a_split():
    under = [record(f"r{n}", 600_000.0, supplier_id=f"sup-{n}") for n in range(3)]
    years = [record("a", 1_500_000.0), record("b", 1_500_000.0, awarded_on="2027-01-05")]
    tendered = [record(f"t{n}", 1_500_000.0, method="public_tender") for n in range(2)]
    assert "split_purchase" not in rules_hit(under) + rules_hit(years) + rules_hit(tendered)


def test_an_amount_just_under_the_threshold_is_found():
    assert "just_under_threshold" in rules_hit([record("r1", 1_950_000.0)])


def test_an_amount_well_under_or_over_the_threshold_is_not_just_under():
    assert "just_under_threshold" not in rules_hit([record("r1", 1_800_000.0), record("r2", 2_100_000.0)])


def test_the_same_supplier_winning_repeatedly_from_one_buyer_is_found():
    rows = [record(f"r{n}", 50_000.0) for n in range(5)] + [record("x", 50_000.0, supplier_id="sup-9")]
    hit = [a for a in scan(rows, {}) if a.rule == "repeated_winner"][0]
    assert (hit.supplier_id, len(hit.evidence)) == ("sup-1", 5)


def test_a_supplier_winning_often_but_not_most_of_a_buyers_awards_is_not_a_repeated_winner():
    rows = [record(f"r{n}", 50_000.0) for n in range(5)]
    rows += [record(f"o{n}", 50_000.0, supplier_id=f"other-{n}") for n in range(6)]
    assert "repeated_winner" not in rules_hit(rows)


def test_single_source_overuse_is_found():
    """政府采购法 第三十一条: single source only in narrow cases; above 30% of an official's purchases."""
    rows = [record(f"s{n}", 50_000.0, method="single_source", supplier_id=f"s-{n}") for n in range(2)]
    rows += [record(f"i{n}", 50_000.0, supplier_id=f"i-{n}") for n in range(3)]
    assert "single_source_overuse" in rules_hit(rows)


def test_single_source_within_the_share_or_on_too_few_purchases_is_not_overuse():
    within = [record("s1", 50_000.0, method="single_source", supplier_id="s-1")]
    within += [record(f"i{n}", 50_000.0, supplier_id=f"i-{n}") for n in range(4)]
    few = [record(f"s{n}", 50_000.0, method="single_source", supplier_id=f"s-{n}") for n in range(4)]
    assert "single_source_overuse" not in rules_hit(within) + rules_hit(few)


def test_a_supplier_tied_to_the_responsible_official_or_a_relative_is_found():
    """政府采购法 第十二条 回避; seeds/004 龙岗 子女经商办企业."""
    hit = [a for a in scan([record("r1")], {"sup-1": [("off-1", "child")]}) if a.rule == "supplier_tied"][0]
    assert (hit.official_id, hit.grade) == ("off-1", "high") and "子女" in hit.summary


def test_a_supplier_tied_to_another_official_is_not_a_tie_of_this_purchase():
    assert "supplier_tied" not in rules_hit([record("r1")], {"sup-1": [("off-2", "spouse")]})


def test_implausible_timing_is_found():
    """招标投标法 第二十四条: at least 20 days from the tender documents to the bids."""
    early = record("r1", 3_000_000.0, method="public_tender", announced_on="2026-03-01", awarded_on="2026-03-10")
    backwards = record("r2", announced_on="2026-03-20", awarded_on="2026-03-10")
    contract_first = record("r3", awarded_on="2026-03-10", contracted_on="2026-03-01")
    assert [rules_hit([row]) for row in (early, backwards, contract_first)] == [["implausible_timing"]] * 3


def test_a_plausible_timeline_is_not_flagged():
    row = record(
        "r1",
        3_000_000.0,
        method="public_tender",
        announced_on="2026-02-01",
        awarded_on="2026-03-10",
        contracted_on="2026-03-15",
    )
    assert "implausible_timing" not in rules_hit([row])


# -- import ------------------------------------------------------------------------------------
def jsonl(*rows):
    return "\n".join(json.dumps({k: v for k, v in r.items() if k != "_id"}, ensure_ascii=False) for r in rows)


def test_rows_that_fail_are_reported_by_line_and_field_and_the_rest_imports(clock):
    store = FakeRiskStore()
    body = "\n".join(
        [
            jsonl(record("r1")),
            json.dumps({**record("r2"), "_id": None, "amount": "-5", "awarded_on": "2026/03/10"}),
            "not json",
            "",
            jsonl(record("r3", county="110101")),
            jsonl(record("r4")),
        ]
    )
    result = monitoring.import_records(store, clock, OFFICER, body, "jsonl")
    assert (result.received, result.imported, result.failed) == (4, 2, 3)
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "amount"),
        (2, "awarded_on"),
        (3, "_line"),
        (5, "county"),
    ]
    assert sorted(r.record_id for r in store.all(BusinessRecord)) == ["r1", "r4"]


def test_a_csv_import_is_idempotent_on_the_record_id(clock):
    store = FakeRiskStore()
    header = (
        "record_id,county,domain,category,buyer_unit_id,responsible_official_id,supplier_id,amount,method,awarded_on"
    )
    body = header + "\nr1,130402,bidding,works,school-1,off-1,sup-1,3800000,invitational_tender,2026-03-10\n"
    for _ in range(2):
        assert monitoring.import_records(store, clock, OFFICER, body, "csv").imported == 1
    assert store.count(BusinessRecord) == 1
    broken = monitoring.import_records(store, clock, OFFICER, "record_id,amount\nr1,5\n", "csv")
    assert (broken.failed, broken.errors[0].line, broken.imported) == (1, 1, 0)


def test_a_row_is_checked_field_by_field():
    clean, errors = check_row(7, {**record("r1"), "method": "bribe", "category": ""})
    assert clean is None and {(e.line, e.field) for e in errors} == {(7, "method"), (7, "category")}
    rows = list(read_rows('{"a": 1}\n[1]\n', "jsonl"))
    assert rows[1][2].field == "_line"


# -- the scan feeds the profiles ------------------------------------------------------------------
def test_a_hit_keeps_its_evidence_and_raises_the_officials_and_the_units_profiles(clock):
    store = FakeRiskStore()
    monitoring.import_ties(
        store, clock, OFFICER, {"ties": [{"supplier_id": "sup-1", "official_id": "off-1", "relation": "spouse"}]}
    )
    monitoring.import_records(store, clock, OFFICER, jsonl(record("r1", 80_000.0)), "jsonl")
    report = monitoring.run_scan(store, clock, OFFICER, "130402", date(2026, 1, 1), date(2026, 12, 31))
    assert (report.new_hits, report.by_rule, report.profiles_changed) == (1, {"supplier_tied": 1}, 1)
    hit = store.all(MonitoringHit)[0]
    assert hit.evidence == ["130402/r1"] and hit.evidence_rows[0]["supplier_name"] == "甲医疗器械公司"
    profile = store.get_profile("off-1")
    assert (profile.score, profile.factors[0].factor) == (55, "business_anomaly")
    assert "供应商与经办领导干部或其亲属存在关联" in profile.signals[0].explanation
    proposal = [e.envelope["data"] for e in profile.outbox if e.routing_key == "warning.proposed"][0]
    assert proposal["colour"] == "blue" and proposal["cause_event_ids"] == [hit.id]
    assert store.get_unit_profile("hospital-1").score == 55
    again = monitoring.run_scan(store, clock, OFFICER, "130402", date(2026, 1, 1), date(2026, 12, 31))
    assert (again.anomalies, again.new_hits) == (1, 0)
    assert store.get_profile("off-1").score == 55


def test_inspectors_read_records_and_hits_of_their_counties_only(clock):
    store = FakeRiskStore()
    monitoring.import_records(store, clock, OFFICER, jsonl(record("r1", 1_990_000.0)), "jsonl")
    monitoring.run_scan(store, clock, OFFICER, "130402", date(2026, 1, 1), date(2026, 12, 31))
    query = {"county": "130402", "unit_id": None, "supplier_id": None, "limit": 10}
    assert [r.record_id for r in monitoring.query_records(store, INSPECTOR, query)] == ["r1"]
    hits = monitoring.query_hits(store, INSPECTOR, {"county": "130402", "unit_id": None, "limit": 10})
    assert [h.rule for h in hits] == ["just_under_threshold"]
    outsider = Principal("inspector-2", frozenset({"inspector"}), ("130102",))
    with pytest.raises(Forbidden):
        monitoring.query_records(store, outsider, query)
