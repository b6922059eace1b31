"""inspection's disposition ladder and the unit's annual evaluation (seeds/000 E 结果运用) land in
the files with Chinese timeline titles: a finding's dispositions in the official's file (or the
unit's, for a finding about the unit as a whole), the evaluation in the unit's file."""

import uuid

import pytest

from wuying_archive import handlers
from wuying_testing.fakes.archive import FakeArchiveStore


def envelope(name, data, event_id=None):
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": f"wuying.inspection.{name}.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": "130402",
        "subject": "plan/unit-1:2026",
        "data": data,
    }


def disposition(official_id="off-1", **changes):
    data = {
        "finding_id": "f1",
        "plan_id": "unit-1:2026",
        "unit_id": "unit-1",
        "official_id": official_id,
        "county": "130402",
        "year": 2026,
        "severity": "serious",
        "disposition": "judicial_transfer",
        "disposition_zh": "移交司法机关",
        "outcome": None,
        "outcome_zh": None,
        "finding_closed": False,
        "on": "2026-11-19",
    }
    return {**data, **changes}


EVALUATION = {
    "plan_id": "unit-1:2026",
    "unit_id": "unit-1",
    "county": "130402",
    "year": 2026,
    "standing": "not_recommended",
    "standing_zh": "发现严重违纪违法问题，不推荐评优评先",
    "eligible_for_excellence": False,
    "findings": {"early_sign": 1, "general": 0, "serious": 1},
    "open_dispositions": 1,
    "rounds_completed": 2,
    "rounds_planned": 2,
}


@pytest.fixture
def store():
    return FakeArchiveStore()


def test_a_findings_dispositions_land_in_the_officials_file_once_each_in_chinese(store, clock):
    added = envelope("inspection.disposition_added", disposition())
    closed_data = disposition(outcome="transferred", outcome_zh="已移交司法机关", finding_closed=True)
    closed = envelope("inspection.disposition_closed", closed_data)
    for event in (added, closed):
        assert handlers.record_event(store, clock, event) == "processed"
        assert handlers.record_event(store, clock, event) == "duplicate"
    entries = store.entries("official", "off-1")
    assert [(e.kind, e.summary) for e in entries] == [
        ("inspection.disposition_added", "巡察发现问题追加处置：移交司法机关（严重违纪违法问题）"),
        (
            "inspection.disposition_closed",
            "巡察发现问题处置办结：移交司法机关，结果：已移交司法机关（严重违纪违法问题）；该问题处置完毕",
        ),
    ]
    assert handlers.verify_file(store, None, "official", "off-1").intact
    assert store.entries("unit", "unit-1") == []


def test_a_disposition_about_the_unit_as_a_whole_lands_in_the_units_file(store, clock):
    data = disposition(official_id=None, disposition="case_filing", disposition_zh="立案调查")
    event = envelope("inspection.disposition_added", data)
    assert handlers.record_event(store, clock, event) == "processed"
    assert [e.summary for e in store.entries("unit", "unit-1")] == [
        "巡察发现问题追加处置：立案调查（严重违纪违法问题）"
    ]


def test_the_units_annual_evaluation_lands_in_the_units_file(store, clock):
    event = envelope("inspection.evaluation_recorded", EVALUATION)
    assert handlers.record_event(store, clock, event) == "processed"
    assert handlers.record_event(store, clock, event) == "duplicate"
    [entry] = store.entries("unit", "unit-1")
    assert entry.kind == "inspection.evaluation_recorded"
    assert entry.summary == (
        "巡察结果纳入年度评优评先：2026 年，巡察 2/2 轮，发现苗头性、倾向性问题 1 个、一般问题 0 个、"
        "严重违纪违法问题 1 个，1 项处置未办结；发现严重违纪违法问题，不推荐评优评先"
    )
