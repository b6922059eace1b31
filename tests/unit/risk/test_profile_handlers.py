"""Profile and registry handlers on the fake store: signals are idempotent and carry their events."""

import uuid

import pytest
from marshmallow import ValidationError

from wuying_common.events import parse_event
from wuying_risk.domain.scoring import UnknownSeverity
from wuying_risk.exceptions import ProfileNotFound
from wuying_risk.handlers import profiles
from wuying_risk.handlers import signals as handlers
from wuying_risk.handlers.registry import record_imported, record_official
from wuying_risk.persistence import Profile
from wuying_risk.schemas import ProfileSchema
from wuying_testing.fakes.risk import FakeRiskStore


@pytest.fixture
def store():
    return FakeRiskStore()


def triaged(official_id="off-1", severity="medium", outcome="integrity_information", county="130402", **extra):
    return {
        "id": str(uuid.uuid4()),
        "type": "wuying.intake.petition.triaged.v1",
        "time": "2026-11-20T01:00:00Z",
        "county": county,
        "data": {
            "petition_id": "p1",
            "outcome": outcome,
            "category": "gifts",
            "category_zh": "违规收受礼品礼金",
            "severity": severity,
            "subjects": [{"kind": "official", "id": official_id, "county": county}],
            "triaged_at": "2026-11-20T01:00:00Z",
            **extra,
        },
    }


def official_changed(official_id="off-1", unit_id="unit-7", county="130402"):
    return {
        "id": str(uuid.uuid4()),
        "type": "wuying.archive.official.changed.v1",
        "time": "2026-11-19T01:00:00Z",
        "county": county,
        "data": {"official_id": official_id, "county": county, "unit_id": unit_id, "post": "局长", "status": "serving"},
    }


def outbox_types(profile):
    return [entry.envelope["type"] for entry in profile.outbox]


def test_the_same_triaged_event_twice_adds_one_signal_and_one_set_of_events(store, clock):
    event = triaged()
    assert handlers.on_petition_triaged(store, clock, event).status == "processed"
    assert handlers.on_petition_triaged(store, clock, event).status == "duplicate"
    profile = store.get_profile("off-1")
    assert [s.event_id for s in profile.signals] == [event["id"]]
    assert profile.score == 35
    assert outbox_types(profile) == ["wuying.risk.risk.profile_changed.v1", "wuying.risk.warning.proposed.v1"]
    assert profile.outbox_pending is True
    assert store.events_marked == [(Profile, "off-1")]  # the relay is told, by key


def test_a_first_medium_report_proposes_a_blue_warning_with_chinese_reasons(store, clock):
    event = triaged()
    handlers.on_petition_triaged(store, clock, event)
    profile = store.get_profile("off-1")
    changed, proposed = (entry.envelope for entry in profile.outbox)
    for envelope in (changed, proposed):
        parse_event(envelope)
        assert envelope["subject"] == "official/off-1"
        assert envelope["county"] == "130402"
    assert changed["data"]["score_before"] == 0
    assert changed["data"]["score_after"] == 35
    assert changed["data"]["level_zh"] == "中风险"
    assert changed["data"]["cause_event_id"] == event["id"]
    data = proposed["data"]
    assert (data["level"], data["colour"], data["score"]) == (3, "blue", 35)
    assert data["rule_version"] == "default-2026.3"
    assert data["cause_event_ids"] == [event["id"]]
    assert "蓝色预警" in data["reasons"][0]
    assert "违规收受礼品礼金" in data["reasons"][1]
    assert profile.proposed_levels == [3]


def test_blue_is_proposed_once_and_yellow_when_sixty_is_reached(store, clock):
    first, second = triaged(), triaged()
    handlers.on_petition_triaged(store, clock, first)
    handlers.on_petition_triaged(store, clock, second)
    profile = store.get_profile("off-1")
    assert profile.score == 70
    assert profile.level == "high"
    proposals = [e.envelope["data"] for e in profile.outbox if e.routing_key == "warning.proposed"]
    assert [p["colour"] for p in proposals] == ["blue", "yellow"]
    assert proposals[1]["cause_event_ids"] == [first["id"], second["id"]]
    assert profile.proposed_levels == [3, 2]


def test_a_third_report_below_red_changes_the_profile_without_a_proposal(store, clock):
    for _ in range(2):
        handlers.on_petition_triaged(store, clock, triaged())
    outcome = handlers.on_petition_triaged(store, clock, triaged(severity="low"))
    assert outcome.changes[0].scored.score_after == 85
    assert outcome.changes[0].scored.proposal is None
    assert store.get_profile("off-1").proposed_levels == [3, 2]


def test_outcomes_other_than_integrity_information_leave_profiles_alone(store, clock):
    outcome = handlers.on_petition_triaged(store, clock, triaged(outcome="case_clue"))
    assert outcome.status == "processed"
    assert store.all(Profile) == []


def test_unit_subjects_do_not_create_official_profiles(store, clock):
    event = triaged()
    event["data"]["subjects"] = [{"kind": "unit", "id": "unit-1"}]
    handlers.on_petition_triaged(store, clock, event)
    assert store.all(Profile) == []


def test_an_unregistered_official_gets_the_subjects_county_and_an_empty_unit(store, clock):
    handlers.on_petition_triaged(store, clock, triaged(county="130403"))
    profile = store.get_profile("off-1")
    assert (profile.county, profile.unit_id) == ("130403", "")


def test_a_registered_official_gets_the_registry_unit_and_county(store, clock):
    assert record_official(store, clock, official_changed()) == "processed"
    handlers.on_petition_triaged(store, clock, triaged())
    profile = store.get_profile("off-1")
    assert profile.unit_id == "unit-7"
    assert profile.outbox[0].envelope["data"]["unit_id"] == "unit-7"


def test_an_import_batch_is_learnt_like_its_official_changed_events_and_validated(store, clock):
    changes = [official_changed(f"off-{n}", f"unit-{n}")["data"] for n in (1, 2)]
    event = {**official_changed(), "type": "wuying.archive.officials.imported.v1", "data": {"county": "130402"}}
    event["data"] |= {"import_id": "b1", "count": 2, "changes": changes}
    assert record_imported(store, clock, event) == ("processed", 2)
    assert record_imported(store, clock, event) == ("duplicate", 0)
    handlers.on_petition_triaged(store, clock, triaged("off-2"))
    assert store.get_profile("off-2").unit_id == "unit-2"
    bad = {**event, "id": str(uuid.uuid4()), "data": {**event["data"], "changes": [{**changes[0], "county": "13"}]}}
    with pytest.raises(ValidationError):
        record_imported(store, clock, bad)
    with pytest.raises(ValidationError):  # an empty batch is not an import
        record_imported(store, clock, {**bad, "data": {**event["data"], "changes": []}})


def test_official_changed_twice_is_applied_once(store, clock):
    event = official_changed()
    assert record_official(store, clock, event) == "processed"
    assert record_official(store, clock, event) == "duplicate"
    assert store.get_official("off-1").seen_event_ids == [event["id"]]


def test_a_transfer_moves_an_existing_profile_to_the_new_unit(store, clock):
    handlers.on_petition_triaged(store, clock, triaged())
    record_official(store, clock, official_changed(unit_id="unit-9"))
    assert store.get_profile("off-1").unit_id == "unit-9"


def test_an_unknown_severity_is_rejected_and_nothing_is_written(store, clock):
    with pytest.raises(UnknownSeverity) as exc:
        handlers.on_petition_triaged(store, clock, triaged(severity="extreme"))
    assert (exc.value.field, exc.value.code, exc.value.invalid) == ("severity", "unknown_severity", True)
    assert store.all(Profile) == []


def test_a_malformed_subject_list_is_rejected(store, clock):
    event = triaged()
    event["data"]["subjects"] = "not-a-list"
    with pytest.raises(ValidationError):
        handlers.on_petition_triaged(store, clock, event)


def test_the_profile_view_explains_the_score_factor_by_factor(store, clock, token):
    handlers.on_petition_triaged(store, clock, triaged())
    handlers.on_petition_triaged(store, clock, triaged(severity="low"))
    view = ProfileSchema().dump(profiles.profile_view(store, None, "off-1"))
    assert view["score"] == 50
    assert view["level_zh"] == "中风险"
    assert view["factors"][0]["factor"] == "integrity_report"
    assert view["factors"][0]["points"] == 50
    assert len(view["factors"][0]["lines"]) == 2


def test_an_unknown_profile_is_not_found(store):
    with pytest.raises(ProfileNotFound):
        profiles.profile_view(store, None, "nobody")


def test_a_concurrent_write_between_read_and_write_is_retried_on_fresh_state(store, clock, monkeypatch):
    handlers.on_petition_triaged(store, clock, triaged())
    real_write = store.write_profile_row
    calls = []

    def racing_write(*args):
        if not calls:
            calls.append(1)
            # Another worker adds a signal after we read the profile.
            handlers.on_petition_triaged(store, clock, triaged(severity="low"))
        return real_write(*args)

    monkeypatch.setattr(store, "write_profile_row", racing_write)
    outcome = handlers.on_petition_triaged(store, clock, triaged())
    change = outcome.changes[0].scored
    assert (change.score_before, change.score_after) == (50, 85)
    assert store.get_profile("off-1").score == 85


def finding(official_id="off-1", severity="general", county="130402"):
    return {
        "id": str(uuid.uuid4()),
        "type": "wuying.inspection.inspection.finding_recorded.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": county,
        "data": {"finding_id": "f1", "official_id": official_id, "severity": severity, "severity_zh": "一般问题"},
    }


def test_an_inspection_finding_about_an_official_raises_the_profile_once(store, clock):
    """DESIGN.md §2: inspection findings feed risk; seeds/000 E grades them early sign, general, serious."""
    event = finding(severity="general")
    assert handlers.on_inspection_finding(store, clock, event).status == "processed"
    assert handlers.on_inspection_finding(store, clock, event).status == "duplicate"
    profile = store.get_profile("off-1")
    assert profile.score == 35
    assert [s.factor for s in profile.signals] == ["inspection_finding"]


def test_a_serious_finding_weighs_like_a_grave_report_and_a_unit_finding_touches_no_profile(store, clock):
    handlers.on_inspection_finding(store, clock, finding(official_id="off-2", severity="serious"))
    assert store.get_profile("off-2").score == 55
    assert handlers.on_inspection_finding(store, clock, finding(official_id=None)).status == "processed"
    assert len(store.all(Profile)) == 1
