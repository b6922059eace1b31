"""Integrity credit (廉政信用) under a versioned rule, factor by factor, sent to risk as
``archive.integrity_credit_changed`` v1 (official_id, county, score, factors)."""

import uuid
from datetime import date

import pytest

from wuying_archive import handlers
from wuying_archive.domain.conditions import Facts, Hit, Signal
from wuying_archive.domain.credit import CREDIT_RULES, integrity_credit
from wuying_archive.domain.matters import MatterRecord
from wuying_archive.handlers import matters, portrait
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import Dossier
from wuying_common.calendar import WorkingDayCalendar
from wuying_testing.fakes.archive import FakeArchiveStore

TODAY = date(2026, 11, 20)
ZHANG = {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "局长", "rank": "正处级"}


def facts(records=(), signals=()):
    return Facts("off-1", "serving", frozenset(), (), tuple(records), tuple(signals))


def test_nothing_against_a_person_is_the_base_score_with_no_factors():
    credit = integrity_credit(facts(), [], TODAY)
    assert (credit.score, credit.level_zh, credit.factors, credit.rule_version) == (100, "良好", (), "2026.1")


def test_an_incompetent_assessment_and_low_satisfaction_count_per_002_pian5_and_pian4():
    """002/篇5 四(一)12: 考核中，被评为较差等次或不称职的; 002/篇4: 民主测评."""
    record = MatterRecord(
        "m1", "assessment", "organisation_department", "2026-01-10", year=2025, grade="incompetent", satisfaction=70
    )
    credit = integrity_credit(facts([record]), [], TODAY)
    assert [(f.code, f.points) for f in credit.factors] == [("assessment", -30), ("democratic_evaluation", -10)]
    assert credit.score == 60 and credit.level == "watch"
    assert all(f.source for f in credit.factors)


def test_conditions_warnings_findings_and_a_sanction_each_explain_their_points():
    """004/4 conditions, 002/篇5 三色预警, 000/E findings, 政务处分法 第八条."""
    signals = [
        Signal("e1", "warning_issued", "2026-03-01", "w-1", "red"),
        Signal("e2", "warning_issued", "2023-01-01", "w-0", "red"),  # older than 24 months
        Signal("e3", "finding", "2026-06-01", "f-1", "serious"),
    ]
    hits = [
        Hit("side_job", ("record:m1",)),
        Hit("own_business", ("record:m2",)),
        Hit("sanction_in_force", ("record:m3",)),
    ]
    credit = integrity_credit(facts(signals=signals), hits, TODAY)
    assert {f.code: (f.points, f.count) for f in credit.factors} == {
        "conditions": (-10, 2),
        "sanction_in_force": (CREDIT_RULES.sanction_points, 1),
        "warnings": (-20, 1),
        "findings": (-15, 1),
    }
    assert credit.score == 40 and credit.level_zh == "重点关注"


def test_a_red_warning_changes_the_credit_once_and_tells_risk(clock):
    store, evaluator = FakeArchiveStore(), Evaluator(WorkingDayCalendar.official())
    handlers.register(store, clock, [], [ZHANG])
    event = {
        "id": str(uuid.uuid4()),
        "type": "wuying.warning.warning.issued.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": "130402",
        "subject": "warning/w-1",
        "data": {"official_id": "off-1", "warning_id": "w-1", "colour": "red"},
    }
    handlers.record_event(store, clock, event, evaluator)
    handlers.record_event(store, clock, event, evaluator)  # redelivered: learnt once, sent once
    dossier = store.get(Dossier, "off-1")
    (sent,) = [e.envelope for e in dossier.outbox]
    assert sent["type"] == "wuying.archive.archive.integrity_credit_changed.v1"
    data = sent["data"]
    assert (data["official_id"], data["county"], data["score"], data["previous_score"]) == ("off-1", "130402", 80, 100)
    assert data["factors"] == [{"code": "warnings", "name_zh": "24个月内受到廉政风险预警", "points": -20, "count": 1}]


def test_an_assessment_record_updates_the_credit_shown_with_its_sources(clock, person):
    store, evaluator = FakeArchiveStore(), Evaluator(WorkingDayCalendar.official())
    handlers.register(store, clock, [], [ZHANG])
    keeper = person("k", "archive_keeper")
    record = {"kind": "assessment", "source": "organisation_department", "year": 2025, "grade": "basically_competent"}
    matters.add_record(store, clock, evaluator, keeper, "off-1", record)
    assert store.get(Dossier, "off-1").credit["score"] == 85
    shown = portrait.credit_now(store, clock, evaluator, person("a", "auditor"), "off-1")
    assert shown["factors"][0]["source"].startswith("002/篇5")


@pytest.mark.parametrize("grade", ["excellent", "competent"])
def test_a_good_assessment_costs_nothing(grade):
    record = MatterRecord("m1", "assessment", "organisation_department", "2026-01-10", year=2025, grade=grade)
    assert integrity_credit(facts([record]), [], TODAY).score == 100
