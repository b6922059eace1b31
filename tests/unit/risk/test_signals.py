"""Profiles from every signal of DESIGN.md §2 (issue 13, item 4): weighted and decaying under
versioned rule data, explained factor by factor, signals in their own bounded collection, events
carrying the change and its explanation rather than the history."""

import uuid
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_risk.domain.scoring import DEFAULT_RULES, Entry, compute_profile
from wuying_risk.handlers import profiles, recompute, rules, signals
from wuying_risk.persistence import SIGNALS_KEPT, Profile, SignalRecord, UnitProfile
from wuying_testing.fakes.risk import FakeRiskStore

OFFICER = Principal("staff-risk", frozenset({"risk_officer"}), ("130402",))


@pytest.fixture
def store():
    return FakeRiskStore()


def envelope(type_, data, county="130402", time="2026-11-20T01:00:00Z"):
    return {"id": str(uuid.uuid4()), "type": type_, "time": time, "county": county, "data": data}


def triaged(official_id="off-1", severity="medium", time="2026-11-20T01:00:00Z"):
    return envelope(
        "wuying.intake.petition.triaged.v1",
        {
            "petition_id": "p1",
            "outcome": "integrity_information",
            "category": "gifts",
            "category_zh": "违规收受礼品礼金",
            "severity": severity,
            "subjects": [{"kind": "official", "id": official_id, "county": "130402"}],
        },
        time=time,
    )


def issued(warning_id="w-1", level=3, escalated_from=None, official_id="off-1"):
    return envelope(
        "wuying.warning.warning.issued.v1",
        {
            "warning_id": warning_id,
            "official_id": official_id,
            "unit_id": "unit-1",
            "county": "130402",
            "level": level,
            "colour": {3: "blue", 2: "yellow", 1: "red"}[level],
            "issued_on": "2026-11-20",
            "escalated_from": escalated_from,
        },
    )


def reminder_closed(result="confirmed", reminder_id="r-1", code="side_job", official_id="off-1"):
    return envelope(
        "wuying.archive.archive.reminder_closed.v1",
        {
            "reminder_id": reminder_id,
            "official_id": official_id,
            "county": "130402",
            "condition_code": code,
            "condition_name_zh": "违规兼职取酬",
            "closed_on": "2026-11-19",
            "unit_id": "unit-1",
            "result": result,
            "some_future_field": 1,
        },
    )


def proposals_in(profile):
    return [e.envelope["data"] for e in profile.outbox if e.routing_key == "warning.proposed"]


def test_a_signal_lives_in_its_own_collection_keyed_by_its_event_and_applies_once(store, clock):
    event = triaged()
    assert signals.on_petition_triaged(store, clock, event).status == "processed"
    assert signals.on_petition_triaged(store, clock, event).status == "duplicate"
    record = store.get_signal(f"{event['id']}:off-1")
    assert (record.factor, record.source, record.subject_id) == (
        "integrity_report",
        "wuying.intake.petition.triaged.v1",
        "off-1",
    )
    assert store.count(SignalRecord) == 1
    assert store.get_profile("off-1").score == 35


def test_a_signal_written_before_a_crash_is_applied_on_redelivery(store, clock, monkeypatch):
    """The signal document is written first; a profile write that never happened is done when
    the event comes again (consumers ack only after their own write)."""
    event = triaged()

    def crash(*args):
        raise RuntimeError("process killed")

    real = store.write_profile_row
    monkeypatch.setattr(store, "write_profile_row", crash)
    with pytest.raises(RuntimeError):
        signals.on_petition_triaged(store, clock, event)
    assert store.count(SignalRecord) == 1 and store.get_profile("off-1") is None
    monkeypatch.setattr(store, "write_profile_row", real)
    assert signals.on_petition_triaged(store, clock, event).status == "processed"
    assert store.get_profile("off-1").score == 35


def test_a_profile_keeps_a_bounded_number_of_signals_oldest_leaving_first(store, clock):
    first = triaged(severity="low", time="2026-01-01T01:00:00Z")
    signals.on_petition_triaged(store, clock, first)
    for n in range(SIGNALS_KEPT):
        signals.on_petition_triaged(store, clock, triaged(severity="low", time=f"2026-11-{1 + n % 19:02d}T01:00:00Z"))
    profile = store.get_profile("off-1")
    assert len(profile.signals) == SIGNALS_KEPT
    assert not profile.has_signal(first["id"])
    assert store.count(SignalRecord) == SIGNALS_KEPT + 1  # the evidence stays


def test_a_warning_proposal_names_its_cause_and_factors_not_the_whole_history(store, clock):
    for _ in range(12):
        signals.on_petition_triaged(store, clock, triaged(severity="low"))
    profile = store.get_profile("off-1")
    red = [p for p in proposals_in(profile) if p["level"] == 1][0]
    assert len(red["cause_event_ids"]) <= profiles.CAUSES_KEPT
    assert "信访举报经研判为廉情信息：" in red["reasons"][-1]
    changed = [e.envelope["data"] for e in profile.outbox if e.routing_key == "risk.profile_changed"][-1]
    assert changed["factors"] == [
        {"factor": "integrity_report", "factor_zh": "信访举报经研判为廉情信息", "points": 180, "signals": 12}
    ]
    assert "风险分值 +15" in changed["explanation"]


def test_an_old_signal_decays_and_says_so(store, clock):
    """Rule data default-2026.2: full weight for 365 days, then halving every 365 days."""
    signals.on_petition_triaged(store, clock, triaged(severity="high", time="2026-05-20T01:00:00Z"))
    profile = store.get_profile("off-1")
    assert profile.score == 55  # 184 days old: full weight
    clock.advance(days=365)
    report = recompute.recompute_profiles(store, clock, "13", reason="decay")
    assert report.changed == 1
    profile = store.get_profile("off-1")
    assert profile.score == 39  # 549 days: 184 past a year, 55 × 0.5 ** (184/365) ≈ 55 × 0.705
    assert "按 71% 计" in profile.signals[0].explanation
    # Still 中风险: a score moving within its level is written without an event.
    assert [e.routing_key for e in profile.outbox] == ["risk.profile_changed", "warning.proposed"]
    clock.advance(days=365 * 2)  # 1279 days: 55 × 0.5 ** (914/365) ≈ 10
    recompute.recompute_profiles(store, clock, "13", reason="decay")
    event = store.get_profile("off-1").outbox[-1].envelope["data"]
    assert (event["factor"], event["score_before"], event["score_after"], event["level"]) == ("decay", 39, 10, "low")


def test_a_signal_past_the_horizon_leaves_the_profile():
    entries = [Entry("k", "e", "integrity_report", "high", "", "", date(2020, 1, 1))]
    result = compute_profile(DEFAULT_RULES, entries, date(2026, 11, 20))
    assert (result.score, [e.key for e in result.expired]) == (0, ["k"])


def test_a_past_warning_raises_the_score_but_never_proposes_a_warning_itself(store, clock):
    """Otherwise an issued blue warning would propose yellow on its own, and yellow red."""
    signals.on_petition_triaged(store, clock, triaged())  # 35: blue proposed
    signals.on_warning_issued(store, clock, issued(level=2))  # +35 → 70 ≥ yellow threshold
    profile = store.get_profile("off-1")
    assert profile.score == 70
    assert profile.proposed_levels == [3]
    assert [s.factor for s in profile.signals] == ["integrity_report", "past_warning"]


def test_an_escalated_warning_replaces_the_lower_one_and_a_lifted_one_weighs_half(store, clock):
    """篇5 七(一): escalation is a new, higher warning (``escalated_from``); 篇5 六4: a lifted
    warning keeps the rule's lifted share (50%)."""
    signals.on_warning_issued(store, clock, issued("w-blue", 3))
    assert store.get_profile("off-1").score == 15
    signals.on_warning_issued(store, clock, issued("w-yellow", 2, escalated_from="w-blue"))
    profile = store.get_profile("off-1")
    assert profile.score == 35
    assert [(s.ref, s.state, s.points) for s in profile.signals] == [("w-blue", "superseded", 0), ("w-yellow", "", 35)]
    lifted = envelope(
        "wuying.warning.warning.lifted.v1",
        {"warning_id": "w-yellow", "official_id": "off-1", "unit_id": "unit-1", "county": "130402", "level": 2},
    )
    assert signals.on_warning_lifted(store, clock, lifted).status == "processed"
    profile = store.get_profile("off-1")
    assert profile.score == 18
    assert "预警已解除" in profile.signals[-1].explanation
    assert signals.on_warning_lifted(store, clock, lifted).changes == []


def test_the_deprecated_escalated_event_still_counts_once_at_the_new_level(store, clock):
    signals.on_warning_issued(store, clock, issued("w-1", 3))
    escalated = envelope(
        "wuying.warning.warning.escalated.v1",
        {"warning_id": "w-1", "official_id": "off-1", "unit_id": "unit-1", "county": "130402", "level": 2},
    )
    signals.on_warning_escalated(store, clock, escalated)
    assert store.get_profile("off-1").score == 35


def test_a_confirmed_archive_condition_raises_the_profile_and_a_cleared_one_retires_it(store, clock):
    """seeds/004 龙岗: 12 类廉政风险预警条件 → supervision reminders; archive.reminder_closed is read
    with a tolerant reader (unknown fields ignored)."""
    assert signals.on_reminder_closed(store, clock, reminder_closed("needs_handling")).status == "processed"
    assert store.get_profile("off-1").score == 15
    signals.on_reminder_closed(store, clock, reminder_closed("confirmed"))
    profile = store.get_profile("off-1")
    assert profile.score == 35
    assert profile.factors[0].factor_zh == "廉政档案风险预警情形"
    assert "违规兼职取酬（经核实属实）" in profile.signals[-1].explanation
    assert proposals_in(profile)[0]["colour"] == "blue"
    signals.on_reminder_closed(store, clock, reminder_closed("cleared"))
    assert store.get_profile("off-1").score == 0


def test_a_condition_code_weighs_as_the_commissions_rule_data_says(store, clock):
    body = {**DEFAULT_RULES.to_dict(), "condition_grades": {"default": "medium", "family_abroad": "high"}}
    rules.create_version(store, clock, OFFICER, "profile", {"commission": "130402", "version": "hd-1", "body": body})
    signals.on_reminder_closed(store, clock, reminder_closed(code="family_abroad"))
    profile = store.get_profile("off-1")
    assert (profile.score, profile.rule_version) == (55, "hd-1")


def test_assessment_results_and_integrity_credit_are_imported_once_each(store, clock):
    """篇8 第十八条(一)1② 考核满意率较低; 第二十六条 廉政信用度."""
    payload = {
        "records": [
            {"record_id": "a1", "official_id": "off-1", "county": "130402", "kind": "assessment",
             "period": "2025 年度", "rating": "incompetent", "credit": None, "assessed_on": date(2026, 1, 15)},
            {"record_id": "a2", "official_id": "off-1", "county": "130402", "kind": "integrity_credit",
             "period": "2025 年度", "rating": None, "credit": 70, "assessed_on": date(2026, 1, 15)},
            {"record_id": "a3", "official_id": "off-2", "county": "130402", "kind": "assessment",
             "period": "2025 年度", "rating": "excellent", "credit": None, "assessed_on": date(2026, 1, 15)},
        ]
    }  # fmt: skip
    report = signals.import_assessments(store, clock, OFFICER, payload)
    assert (report.applied, report.no_signal, report.duplicates) == (2, 1, 0)
    profile = store.get_profile("off-1")
    assert {f.factor: f.points for f in profile.factors} == {"assessment_result": 55, "integrity_credit": 35}
    assert signals.import_assessments(store, clock, OFFICER, payload).duplicates == 2
    assert store.get_profile("off-2") is None


def test_a_report_about_a_unit_and_a_unit_finding_feed_the_units_profile(store, clock):
    event = triaged()
    event["data"]["subjects"] = [{"kind": "unit", "id": "unit-7", "county": "130402"}]
    signals.on_petition_triaged(store, clock, event)
    finding = envelope(
        "wuying.inspection.inspection.finding_recorded.v1",
        {"finding_id": "f1", "official_id": None, "unit_id": "unit-7", "severity": "serious", "severity_zh": "严重"},
    )
    assert signals.on_inspection_finding(store, clock, finding).status == "processed"
    assert signals.on_inspection_finding(store, clock, finding).status == "duplicate"
    unit = store.get_unit_profile("unit-7")
    assert (unit.score, unit.level) == (90, "high")
    assert store.all(Profile) == [] and len(store.all(UnitProfile)) == 1


def test_a_rule_change_recomputes_the_commissions_profiles_and_explains_why(store, clock):
    signals.on_petition_triaged(store, clock, triaged())
    body = {**DEFAULT_RULES.to_dict(), "factor_weights": {"integrity_report": 2.0}}
    rules.create_version(store, clock, OFFICER, "profile", {"commission": "130402", "version": "x2", "body": body})
    report = recompute.recompute_profiles(store, clock, "130402")
    assert (report.scanned, report.changed, report.written) == (1, 1, 1)
    profile = store.get_profile("off-1")
    assert (profile.score, profile.rule_version) == (70, "x2")
    event = profile.outbox[-1].envelope["data"]
    assert (event["factor"], event["score_before"], event["score_after"]) == ("rule_change", 35, 70)
    assert "规则版本 x2 生效" in event["explanation"]
    assert "因素权重 2" in profile.signals[0].explanation
    assert recompute.recompute_profiles(store, clock, "130402").changed == 0


# -- archive.integrity_credit_changed (篇8 第二十六条 廉政信用度) -------------------------------
def credit_changed(score, factors=(), official_id="off-1", level_zh="关注", computed_on="2026-11-19"):
    return envelope(
        "wuying.archive.archive.integrity_credit_changed.v1",
        {
            "official_id": official_id,
            "county": "130402",
            "score": score,
            "factors": [{"code": c, "name_zh": n, "points": p, "count": 1} for c, n, p in factors],
            "previous_score": None,
            "level": "watch",
            "level_zh": level_zh,
            "rule_version": "2026.1",
            "computed_on": computed_on,
        },
    )


LOW_CREDIT = (
    ("assessment", "2025年度考核", -15),
    ("sanction_in_force", "处分影响期内", -15),
    ("findings", "12个月内巡察发现问题", -8),
)


def test_a_low_integrity_credit_raises_the_profile_once_explained_factor_by_factor(store, clock):
    """The archive's credit is banded by the rule data (< 60 high, < 75 medium, < 85 low) without
    the factors risk scores from their own events: 62 with a finding's −8 counts as 70 (medium)."""
    event = credit_changed(62, LOW_CREDIT)
    outcome = signals.on_integrity_credit_changed(store, clock, event)
    assert outcome.status == "processed" and len(outcome.changes) == 1
    assert signals.on_integrity_credit_changed(store, clock, event).status == "duplicate"
    profile = store.get_profile("off-1")
    assert (profile.score, profile.rule_version) == (35, "default-2026.3")
    assert {f.factor: (f.points, f.signals) for f in profile.factors} == {"integrity_credit": (35, 1)}
    line = profile.signals[0].explanation
    assert "廉政信用度 62 分（关注）" in line and "2025年度考核 -15" in line and "处分影响期内 -15" in line
    assert "不重复计入已单独计分的12个月内巡察发现问题 -8，按 70 分计" in line
    assert store.get_signal(f"{event['id']}:off-1").source == "wuying.archive.archive.integrity_credit_changed.v1"
    assert proposals_in(profile)[0]["colour"] == "blue"


def test_each_new_credit_replaces_the_previous_one_and_a_recovered_credit_retires_it(store, clock):
    signals.on_integrity_credit_changed(store, clock, credit_changed(62, LOW_CREDIT))
    signals.on_integrity_credit_changed(store, clock, credit_changed(55, level_zh="重点关注"))
    profile = store.get_profile("off-1")
    assert profile.score == 55  # the new credit alone, not 35 + 55
    assert [(s.state, s.points) for s in profile.signals] == [("superseded", 0), ("", 55)]
    assert "已被新的廉政信用度取代" in profile.signals[0].explanation
    recovered = signals.on_integrity_credit_changed(store, clock, credit_changed(92, level_zh="良好"))
    assert recovered.status == "processed"
    assert store.get_profile("off-1").score == 0


def test_a_good_credit_of_someone_without_a_profile_changes_nothing(store, clock):
    assert signals.on_integrity_credit_changed(store, clock, credit_changed(95, level_zh="良好")).status == "processed"
    assert store.get_profile("off-1") is None


def test_the_credit_bands_and_what_is_left_out_are_the_commissions_rule_data(store, clock):
    body = {**DEFAULT_RULES.to_dict(), "credit_bands": [[65, "high"]], "credit_discounted_factors": []}
    rules.create_version(store, clock, OFFICER, "profile", {"commission": "130402", "version": "cr-1", "body": body})
    signals.on_integrity_credit_changed(store, clock, credit_changed(62, LOW_CREDIT))
    profile = store.get_profile("off-1")
    assert (profile.score, profile.rule_version) == (55, "cr-1")
    assert "不重复计入" not in profile.signals[0].explanation


# -- inspection.disposition_added (000/E 立案调查、移送司法机关) -----------------------------
def disposition_added(disposition="judicial_transfer", severity="serious", finding_id="f1", official_id="off-1"):
    zh = {"case_filing": "立案调查", "judicial_transfer": "移交司法机关", "talk": "谈话"}[disposition]
    data = {
        "finding_id": finding_id,
        "plan_id": "unit-1:2026",
        "unit_id": "unit-1",
        "official_id": official_id,
        "county": "130402",
        "year": 2026,
        "severity": severity,
        "disposition": disposition,
        "disposition_zh": zh,
        "outcome": None,
        "outcome_zh": None,
        "finding_closed": False,
        "on": "2026-11-19",
    }
    if severity is None:
        del data["severity"]
    return envelope("wuying.inspection.inspection.disposition_added.v1", data)


def test_a_finding_transferred_to_the_judiciary_raises_the_profile_once_without_proposing(store, clock):
    """000/E: a serious finding is filed as a case and, where the law is broken, transferred to
    the judiciary; 篇5 三(一)3: case matters are not warning matters, so no proposal."""
    event = disposition_added()
    assert signals.on_disposition_added(store, clock, event).status == "processed"
    assert signals.on_disposition_added(store, clock, event).status == "duplicate"
    profile = store.get_profile("off-1")
    assert {f.factor: f.points for f in profile.factors} == {"inspection_disposition": 55}
    assert "移交司法机关（严重违纪违法问题）" in profile.signals[0].explanation
    assert profile.proposed_levels == [] and proposals_in(profile) == []
    assert store.get_signal(f"{event['id']}:off-1").evidence == ["f1"]


def test_the_later_serious_disposition_of_a_finding_replaces_the_earlier(store, clock):
    signals.on_disposition_added(store, clock, disposition_added("case_filing"))
    signals.on_disposition_added(store, clock, disposition_added("judicial_transfer"))
    profile = store.get_profile("off-1")
    assert profile.score == 55
    assert "已被同一问题的后续处置取代" in profile.signals[0].explanation
    signals.on_disposition_added(store, clock, disposition_added("case_filing", finding_id="f2"))
    assert store.get_profile("off-1").score == 110  # another finding is another matter


def test_a_lighter_disposition_adds_nothing_and_writes_nothing(store, clock):
    assert signals.on_disposition_added(store, clock, disposition_added("talk", "general")).status == "processed"
    assert store.get_profile("off-1") is None and store.count(SignalRecord) == 0


def test_a_disposition_without_a_severity_is_recorded_explained_not_scored(store, clock):
    event = disposition_added(severity=None)
    assert signals.on_disposition_added(store, clock, event).status == "processed"
    record = store.get_signal(f"{event['id']}:off-1")
    assert (record.factor, record.category_zh) == ("inspection_disposition", "移交司法机关")
    assert "不计分" in record.note
    assert store.get_profile("off-1") is None


def test_a_disposition_about_a_unit_as_a_whole_feeds_the_units_profile(store, clock):
    event = disposition_added("case_filing", official_id=None)
    assert signals.on_disposition_added(store, clock, event).status == "processed"
    assert signals.on_disposition_added(store, clock, event).status == "duplicate"
    assert store.get_unit_profile("unit-1").score == 55 and store.all(Profile) == []


def test_which_dispositions_weigh_is_the_commissions_rule_data(store, clock):
    body = {**DEFAULT_RULES.to_dict(), "disposition_grades": {"judicial_transfer": "high", "talk": "low"}}
    rules.create_version(store, clock, OFFICER, "profile", {"commission": "130402", "version": "dp-1", "body": body})
    signals.on_disposition_added(store, clock, disposition_added("talk", "general"))
    assert (store.get_profile("off-1").score, store.get_profile("off-1").rule_version) == (15, "dp-1")


def test_good_credits_leave_no_signal_documents_behind(store, clock):
    """Every official's credit changes now and then: only one that scores, or retires a score,
    is a signal."""
    signals.on_integrity_credit_changed(store, clock, credit_changed(95, level_zh="良好"))
    signals.on_petition_triaged(store, clock, triaged())
    signals.on_integrity_credit_changed(store, clock, credit_changed(90, level_zh="良好"))
    assert [s.factor for s in store.all(SignalRecord)] == ["integrity_report"]
