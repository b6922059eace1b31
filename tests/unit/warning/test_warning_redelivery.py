"""A consumed event has one effect however often it is delivered, and a crash between two
writes of its handling is repaired when the broker delivers it again (DESIGN.md §3)."""

import uuid
from datetime import date

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
    store = CrashingStore("_put", left=2)  # the first write is the official's list, the second the warning
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


def test_a_report_about_two_officials_interrupted_after_the_first_attachment_finishes_on_redelivery(clock):
    """篇5 七(一): the report is attached to each official's open blue warning once, pending
    verification; the event id on each warning tells the redelivery which ones are done."""
    store = CrashingStore("merge_into_warning", left=0)  # the attachment's one write per warning
    first, second = issued_blue(store, clock, "off-1"), issued_blue(store, clock, "off-2")
    store.left = 2  # die at the second warning's attachment, after the first one's write
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
        handlers.report_from_triage(store, clock, event)
    assert (len(store.warning(first.id).pending_reports), len(store.warning(second.id).pending_reports)) == (1, 0)
    assert handlers.report_from_triage(store, clock, event) == "processed"
    assert handlers.report_from_triage(store, clock, event) == "duplicate"
    for w in (store.warning(first.id), store.warning(second.id)):
        assert (w.level, w.status, w.report_event_ids) == (3, "issued", [event["id"]])
        assert [r["petition_id"] for r in w.pending_reports] == ["p-1"]


def test_an_escalation_proposed_before_a_crash_is_not_proposed_again(clock):
    """篇5 七(一), issue 8: the proposal's key derives from the lower warning and the missed step;
    the timer's marker is written after it, so the next tick finds the proposal and adds nothing."""
    store = CrashingStore("save", left=0)
    officer = Principal("officer-1", frozenset({"warning_officer"}), ("130402",))
    payload = {
        "official_id": "off-1",
        "unit_id": "u",
        "county": "130402",
        "level": 3,
        "reasons": ["理由"],
        "trigger": "public_reports",
        "risk_point": None,
        "issued_on": date(2026, 9, 30),
    }
    warning = handlers.propose(store, clock, officer, payload)
    leader = Principal("leader-1", frozenset({"commission_leader"}), ("130402",))
    handlers.approve(store, clock, CALENDAR, RULES, leader, warning.id, {})
    store.left = 1  # die at the blue warning's save, after the yellow proposal's insert
    with pytest.raises(Crash):
        handlers.check_deadlines(store, clock, CALENDAR, RULES)
    assert store.count(WarningRecord) == 2 and store.warning(warning.id).overdue_notices == []
    counts = handlers.check_deadlines(store, clock, CALENDAR, RULES)
    assert counts["overdue"] == 1
    assert store.count(WarningRecord) == 2
    blue = store.warning(warning.id)
    assert len(blue.escalation_ids) == 1 and [e.routing_key for e in blue.outbox].count("warning.overdue") == 1
    assert handlers.check_deadlines(store, clock, CALENDAR, RULES)["overdue"] == 0
