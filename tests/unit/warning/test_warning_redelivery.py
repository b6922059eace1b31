"""A consumed event has one effect however often it is delivered, and a crash between two
writes of its handling is repaired when the broker delivers it again (DESIGN.md §3)."""

import uuid

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ruleset
from wuying_warning.persistence import OfficialWarnings, WarningRecord, proposal_warning_id

RULES = ruleset(DEFAULT_RULE_VERSION)
CALENDAR = WorkingDayCalendar.official()


class Crash(Exception):
    """The process died here."""


class CrashingStore(FakeWarningStore):
    """Dies once, at the ``left``-th call of ``method`` from now (0: disarmed)."""

    def __init__(self, method: str, left: int = 1) -> None:
        super().__init__()
        self.left = left
        real = getattr(self, method)

        def dying(*args, **kwargs):
            self.left -= 1
            if self.left == 0:
                raise Crash(method)
            return real(*args, **kwargs)

        setattr(self, method, dying)


def proposed(official="off-1", risk_point="工程招投标", level=3):
    return {
        "id": str(uuid.uuid4()),
        "data": {"official_id": official, "unit_id": "u", "county": "130402", "level": level, "risk_point": risk_point},
    }


def test_a_crash_after_listing_a_new_warning_under_its_official_is_repaired_on_redelivery(clock):
    """The official's list is written first; the warning insert fails: the redelivered event
    inserts it, once, under the same key."""
    store = CrashingStore("_written")
    event = proposed()
    with pytest.raises(Crash):
        handlers.proposal_from_event(store, clock, event)
    assert store.count(WarningRecord) == 0
    assert store.get(OfficialWarnings, "off-1").warning_ids == [proposal_warning_id(event["id"])]
    outcome, warning = handlers.proposal_from_event(store, clock, event)
    assert (outcome, warning.id) == ("processed", proposal_warning_id(event["id"]))
    assert handlers.proposal_from_event(store, clock, event) == ("duplicate", None)
    assert store.count(WarningRecord) == 1
    assert store.get(OfficialWarnings, "off-1").warning_ids == [warning.id]


def test_a_proposal_attached_before_a_crash_is_not_attached_again(clock):
    """一事一例: the event id is in the holder's ``merged_event_ids`` in the same write as the
    attachment, so the redelivery after a crash (before the ack) changes nothing."""
    store = FakeWarningStore()
    _, holder = handlers.proposal_from_event(store, clock, proposed())
    second = proposed()
    assert handlers.proposal_from_event(store, clock, second)[1].id == holder.id
    for _ in range(2):
        assert handlers.proposal_from_event(store, clock, second) == ("duplicate", None)
    assert len(store.warning(holder.id).attached_proposals) == 1
    assert store.count(WarningRecord) == 1


def issued_blue(store, clock, official):
    officer = Principal("officer-1", frozenset({"warning_officer"}), ("130402",))
    payload = {
        "official_id": official,
        "unit_id": "u",
        "county": "130402",
        "level": 3,
        "reasons": ["理由"],
        "trigger": "public_reports",
        "risk_point": None,
        "issued_on": None,
    }
    warning = handlers.propose(store, clock, officer, payload)
    leader = Principal("leader-1", frozenset({"commission_leader"}), ("130402",))
    return handlers.approve(store, clock, CALENDAR, RULES, leader, warning.id, {})


def test_a_report_about_two_officials_interrupted_after_the_first_escalation_finishes_on_redelivery(clock):
    """篇5 七(一): each blue warning is escalated once; the event id on each escalated warning
    tells the redelivery which ones are done."""
    store = CrashingStore("save", left=0)
    first, second = issued_blue(store, clock, "off-1"), issued_blue(store, clock, "off-2")
    store.left = 2  # die at the second warning's escalation, after the first one's write
    event = {
        "id": str(uuid.uuid4()),
        "time": "2026-11-21T01:00:00Z",
        "data": {
            "petition_id": "p-1",
            "outcome": "integrity_information",
            "subjects": [{"kind": "official", "id": "off-1"}, {"kind": "official", "id": "off-2"}],
        },
    }
    with pytest.raises(Crash):
        handlers.report_from_triage(store, clock, CALENDAR, RULES, event)
    assert (store.warning(first.id).level, store.warning(second.id).level) == (2, 3)
    assert handlers.report_from_triage(store, clock, CALENDAR, RULES, event) == "processed"
    assert handlers.report_from_triage(store, clock, CALENDAR, RULES, event) == "duplicate"
    for w in (store.warning(first.id), store.warning(second.id)):
        assert (w.level, w.escalations, w.report_event_ids) == (2, 1, [event["id"]])
        assert [e.routing_key for e in w.outbox].count("warning.escalated") == 1
