"""Routing, sending up, deadlines and their clock, malicious-report verification, registry
checks, durations and rate limiting (DESIGN.md §4 Intake; seeds/000 B and H; seeds/003)."""

from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import rule_error
from wuying_common.rules import RuleBroken
from wuying_intake import handlers
from wuying_intake.dependencies import TokenBuckets
from wuying_intake.domain.deadlines import OpenDeadline, due_notices
from wuying_intake.domain.statistics import durations
from wuying_intake.exceptions import InvalidTransition
from wuying_intake.views import statistics_csv

from .conftest import REVIEW, receipt_view, staff_view, submitted

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标。",
    "anonymous": True,
    "reporter": None,
}


def submit(store, clock, calendar, subjects=None, registry=None, channel="letter", **extra):
    payload = dict(REPORT, subjects=subjects or [{"kind": "official", "name": "赵某"}], **extra)
    return submitted(
        handlers.submit_report(
            store, clock, calendar, None, payload, channel=channel, recorded_by="clerk-1", registry=registry
        )
    )


def triage(store, clock, pid, outcome, subjects=(), registry=None):
    payload = {"outcome": outcome, "severity": "medium", "subjects": list(subjects), "note": "经研判，理由已记录"}
    return staff_view(handlers.triage(store, clock, CLERK, pid, payload, registry=registry))


# -- deadlines (seeds/000 B 件件有着落，事事有回音) ---------------------------------------------------
def _weekdays_between(a, b):
    return sum(1 for n in range(1, (b - a).days + 1) if date.fromordinal(a.toordinal() + n).weekday() < 5)


def test_a_reminder_goes_out_n_working_days_before_and_one_overdue_notice_after_the_deadline():
    due = OpenDeadline("acknowledge", date(2026, 12, 11))  # a Friday
    assert due_notices(date(2026, 12, 7), [due], set(), _weekdays_between) == []  # 4 working days left
    [reminder] = due_notices(date(2026, 12, 8), [due], set(), _weekdays_between)
    assert (reminder.action, reminder.working_days) == ("reminder", 3)
    assert due_notices(date(2026, 12, 9), [due], {reminder.key}, _weekdays_between) == []
    [overdue] = due_notices(date(2026, 12, 14), [due], {reminder.key}, _weekdays_between)
    assert (overdue.action, overdue.working_days) == ("overdue", 1)
    assert due_notices(date(2026, 12, 20), [due], {reminder.key, overdue.key}, _weekdays_between) == []


def test_the_clock_sends_overdue_once_per_deadline_and_an_extended_deadline_is_a_new_one(store, clock, calendar):
    pid = submit(store, clock, calendar)["petition_id"]
    clock.advance(days=25)  # 2026-12-15: the acknowledgement deadline (12-11) passed unanswered
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == [("130402", "acknowledge")]
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == []
    overdue = [e.envelope["data"] for e in store.get_petition(pid).outbox if e.envelope["type"].endswith("overdue.v1")]
    assert overdue[0]["due"] == "2026-12-11" and overdue[0]["working_days_overdue"] == 2
    assert (overdue[0]["unit"], overdue[0]["report_kind"], overdue[0]["days_overdue"]) == (
        "working_days",
        "discipline_report",
        2,
    )
    assert store.get_petition(pid).deadline("acknowledge").overdue_notified is True
    triage(store, clock, pid, "no_substance")
    assert store.get_petition(pid).deadline("acknowledge").on_time is False
    clock.advance(days=200)  # a triaged 检举控告 has no handling deadline: nothing more is owed
    assert handlers.check_deadlines(store, clock, calendar) == {"reminded": 0, "overdue": []}


def test_a_petitions_register_and_handle_deadlines_are_calendar_days_and_an_extended_one_is_new(store, clock, calendar):
    """信访工作条例 periods counted under 民法典 第二百零一—二百零三条: a last day on a rest day moves to
    the next working day."""
    pid = submit(store, clock, calendar, kind="petition")["petition_id"]
    assert store.get_petition(pid).deadline("register").due == date(2026, 12, 7)  # 12-05 is a Saturday
    clock.advance(days=14)  # 2026-12-04: 3 calendar days before
    assert handlers.check_deadlines(store, clock, calendar) == {"reminded": 1, "overdue": []}
    clock.advance(days=4)  # 12-08
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == [("130402", "register")]
    triage(store, clock, pid, "integrity_information", [{"kind": "official", "id": "off-9", "county": "130402"}])
    handle = store.get_petition(pid).deadline("handle")
    # 60 calendar days after acceptance on 12-08 is Saturday 2027-02-06: moved to Monday, and
    # provisional (2027's arrangement is not loaded)
    assert (handle.due, handle.provisional, handle.provisional_years) == (date(2027, 2, 8), True, [2027])
    clock.advance(days=(handle.due - clock.today()).days + 1)
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == [("130402", "handle")]
    handlers.extend(store, CLERK, pid, "需调取工程档案", calendar=calendar)
    extended = store.get_petition(pid).deadline("handle")
    assert (extended.due, extended.extension_days, extended.original_due) == (date(2027, 3, 10), 30, date(2027, 2, 8))
    clock.advance(days=31)
    assert handlers.check_deadlines(store, clock, calendar)["overdue"] == [("130402", "handle")]
    overdue = [e.envelope["data"] for e in store.get_petition(pid).outbox if e.envelope["type"].endswith("overdue.v1")]
    assert [(o["kind"], o["unit"]) for o in overdue] == [
        ("register", "calendar_days"),
        ("handle", "calendar_days"),
        ("handle", "calendar_days"),
    ]
    assert overdue[0]["days_overdue"] == 1 and overdue[0]["working_days_overdue"] == 1
    assert store.get_petition(pid).deadline("register").on_time is False


def test_an_answered_report_gets_no_notice_and_nothing_closes_without_an_answer(store, clock, calendar):
    pid = submit(store, clock, calendar)["petition_id"]
    triage(store, clock, pid, "no_substance")
    handlers.close(
        store, clock, CLERK, pid, {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW}
    )
    clock.advance(days=200)
    assert handlers.check_deadlines(store, clock, calendar) == {"reminded": 0, "overdue": []}


# -- routing and sending up (seeds/000 H) ---------------------------------------------------------
def test_a_report_about_a_commission_leader_goes_to_the_principal_leader_and_is_marked(store, clock, calendar):
    pid = submit(store, clock, calendar, [{"kind": "official", "name": "周某", "commission_leader": True}])[
        "petition_id"
    ]
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert view["routing"] == "principal_leader" and view["about_commission_staff"] is True


def test_a_registered_commission_staff_member_routes_to_the_commission_leaders(store, clock, calendar, registry):
    pid = submit(store, clock, calendar, [{"kind": "official", "name": "孙某"}], registry=registry)["petition_id"]
    view = staff_view(handlers.get_report(store, CLERK, pid))
    assert view["subjects"][0]["id"] == "off-7" and view["subjects"][0]["registered"] is True
    assert view["routing"] == "commission_leaders" and view["about_commission_staff"] is True


def test_a_report_for_the_level_above_is_sent_up_within_five_working_days_and_the_reporter_told(store, clock, calendar):
    result = submit(store, clock, calendar, channel="public_portal")
    pid = result["petition_id"]
    assert staff_view(handlers.get_report(store, CLERK, pid))["send_up_due"] == date(2026, 11, 27).isoformat()
    clock.advance(days=10)
    view = staff_view(
        handlers.send_up(store, clock, CLERK, pid, {"organ": "某某市纪委监委", "reason": "反映对象为市管干部"})
    )
    assert view["status"] == "sent_up"
    assert view["sent_up"]["on_time"] is False and view["sent_up"]["due"] == date(2026, 11, 27).isoformat()
    seen = receipt_view(handlers.lookup_receipt(store, result["receipt_code"]))
    assert "某某市纪委监委" in seen["replies"][0]["text"]
    event = store.get_petition(pid).outbox[-1].envelope
    assert event["type"] == "wuying.intake.petition.sent_up.v1" and event["data"]["on_time"] is False
    with pytest.raises(InvalidTransition):
        handlers.send_up(store, clock, CLERK, pid, {"organ": "某某市纪委监委", "reason": "再次"})


# -- registry -----------------------------------------------------------------------------------
def test_an_unknown_subject_id_is_refused_naming_the_field_and_an_ambiguous_name_left_to_the_clerk(
    store, clock, calendar, registry
):
    with pytest.raises(RuleBroken) as exc:  # what the registry holds: a state rule, 409
        submit(
            store, clock, calendar, [{"kind": "official", "name": "赵某"}, {"kind": "official", "id": "x"}], registry
        )
    assert (exc.value.field, exc.value.code, rule_error(exc.value).status) == ("subjects.1.id", "unknown_official", 409)
    pid = submit(store, clock, calendar, [{"kind": "official", "name": "钱某"}], registry)["petition_id"]
    assert staff_view(handlers.get_report(store, CLERK, pid))["subjects"][0]["id"] is None
    wrong_county = [{"kind": "official", "id": "off-9", "county": "130403"}]
    with pytest.raises(RuleBroken) as exc:
        triage(store, clock, pid, "integrity_information", wrong_county, registry)
    assert (exc.value.field, rule_error(exc.value).status) == ("subjects.0.county", 409)


def test_names_wait_for_the_clerk_when_the_registry_is_down_but_ids_are_not_accepted_unchecked(store, clock, calendar):
    from wuying_intake.exceptions import RegistryUnavailable

    from .conftest import FakeRegistry

    down = FakeRegistry(down=True)
    assert submit(store, clock, calendar, [{"kind": "official", "name": "赵某"}], down)["status"] == "received"
    with pytest.raises(RegistryUnavailable):
        submit(store, clock, calendar, [{"kind": "official", "id": "off-9"}], down)


# -- case clues and suspected malicious reports --------------------------------------------------
def test_a_case_clue_emits_clue_transferred_in_the_same_write_as_the_triage(store, clock, calendar):
    pid = submit(store, clock, calendar)["petition_id"]
    triage(store, clock, pid, "case_clue", [{"kind": "official", "id": "off-9", "county": "130402"}])
    types = [e.envelope["type"] for e in store.get_petition(pid).outbox]
    assert types[-2:] == ["wuying.intake.petition.triaged.v1", "wuying.intake.clue.transferred.v1"]
    data = store.get_petition(pid).outbox[-1].envelope["data"]
    assert data["transferred_to"] == "case_handling" and data["subjects"][0]["id"] == "off-9"


def test_a_confirmed_malicious_report_clears_the_accused_on_the_record(store, clock, calendar):
    # seeds/003 宝安《恶意举报认定及处置办法》: 恶意举报的认定、处置、澄清.
    pid = submit(store, clock, calendar)["petition_id"]
    view = triage(store, clock, pid, "suspected_malicious")
    assert view["verification"]["status"] == "open"
    with pytest.raises(InvalidTransition) as exc:
        handlers.close(store, clock, CLERK, pid, {"answer": "已办结。", "note": ""})
    assert exc.value.code == "verification_open"
    clock.advance(days=5)
    done = staff_view(
        handlers.conclude_verification(
            store,
            clock,
            CLERK,
            pid,
            {"confirmed": True, "note": "捏造事实", "clarification": "经核实，反映赵某问题不实，予以澄清正名。"},
        )
    )
    assert done["verification"]["status"] == "confirmed"
    assert done["clarification"]["text"].startswith("经核实") and done["clarification"]["by"] == "clerk-1"
    assert staff_view(handlers.get_report(store, CLERK, pid))["clarification"]["at"] is not None
    with pytest.raises(InvalidTransition):
        handlers.conclude_verification(store, clock, CLERK, pid, {"confirmed": False, "note": "", "clarification": ""})
    assert handlers.close(store, clock, CLERK, pid, {"answer": "已办结。", "note": ""}).status == "closed"


def test_an_unconfirmed_verification_clears_no_one_and_other_outcomes_have_none(store, clock, calendar):
    pid = submit(store, clock, calendar)["petition_id"]
    triage(store, clock, pid, "suspected_malicious")
    view = staff_view(
        handlers.conclude_verification(store, clock, CLERK, pid, {"confirmed": False, "note": "", "clarification": ""})
    )
    assert view["verification"]["status"] == "not_confirmed" and view["clarification"] is None
    other = submit(store, clock, calendar)["petition_id"]
    triage(store, clock, other, "no_substance")
    with pytest.raises(InvalidTransition):
        handlers.conclude_verification(
            store, clock, CLERK, other, {"confirmed": False, "note": "", "clarification": ""}
        )


# -- statistics -----------------------------------------------------------------------------------
def test_durations_are_averaged_and_their_median_taken():
    assert durations([]) == {"count": 0, "average": None, "median": None}
    assert durations([3, 1, 2, 10]) == {"count": 4, "average": 4.0, "median": 2.5}


def test_statistics_give_working_days_to_acceptance_and_to_closure_and_export_them(store, clock, calendar):
    pid = submit(store, clock, calendar)["petition_id"]  # Friday 2026-11-20
    clock.advance(days=3)  # Monday
    triage(store, clock, pid, "no_substance")
    clock.advance(days=7)  # the next Monday
    handlers.close(
        store, clock, CLERK, pid, {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW}
    )
    submit(store, clock, calendar)
    stats = handlers.statistics(store, CLERK, {"county": "130402"}, clock.today())
    assert stats["total"] == 2 and stats["overdue"] == 0
    assert stats["working_days_to_acceptance"] == {"count": 1, "average": 1.0, "median": 1.0}
    assert stats["working_days_to_closure"] == {"count": 1, "average": 6.0, "median": 6.0}
    assert "130402,working_days_to_closure,median,收件至办结工作日中位数,6.0" in statistics_csv(stats)
    # months later the report never accepted is overdue (its receipt deadline); the closed one is not
    later = handlers.statistics(store, CLERK, {"county": "130402"}, date(2027, 3, 1))
    assert later["overdue"] == 1 and later["counties"][0]["overdue"] == 1


# -- rate limiting ----------------------------------------------------------------------------------
def test_a_client_gets_its_burst_then_waits_for_tokens_and_others_are_unaffected():
    now = [0.0]
    buckets = TokenBuckets.from_config("2/60", now=lambda: now[0])
    assert [buckets.allow("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert buckets.allow("10.0.0.2") is True
    now[0] += 30  # one token back
    assert buckets.allow("10.0.0.1") is True and buckets.allow("10.0.0.1") is False
    assert "10.0.0.1" not in repr(buckets._buckets)


def test_client_keys_are_salted_per_process_and_memory_is_bounded():
    a, b = TokenBuckets(1, 60, max_clients=2), TokenBuckets(1, 60)
    assert a.key("10.0.0.1") != b.key("10.0.0.1")
    for n in range(5):
        a.allow(f"10.0.0.{n}")
    assert len(a._buckets) == 2
