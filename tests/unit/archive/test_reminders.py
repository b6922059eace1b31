"""Supervision reminders (监督提醒, 004/4 深圳龙岗: 生成监督提醒任务……留痕管理，实时展现任务完成情况)
on the fake store: created on a hit, one per person and condition, each step by an authorised
person, deadlines in working days, overdue escalation, completion figures, the closed event."""

from datetime import date

import pytest

from wuying_archive import handlers
from wuying_archive.domain.reminders import StepRefused
from wuying_archive.handlers import conditions, matters, reminders
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import Dossier, Reminder
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden
from wuying_testing.fakes.archive import FakeArchiveStore

ZHANG = {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "局长", "rank": "正处级"}
SIDE_JOB = {"kind": "side_job", "source": "personal_report", "company": "某置业公司", "role": "顾问", "paid": True}


@pytest.fixture
def store():
    return FakeArchiveStore()


@pytest.fixture
def evaluator():
    return Evaluator(WorkingDayCalendar.official())


@pytest.fixture
def keeper(person):
    return person("keeper-1", "archive_keeper")


def side_job_reminder(store, clock, evaluator, keeper):
    handlers.register(store, clock, [], [ZHANG])
    return matters.add_record(store, clock, evaluator, keeper, "off-1", SIDE_JOB).reminders


def test_a_hit_creates_a_reminder_for_the_responsible_department_with_its_event(store, clock, evaluator, keeper):
    (reminder,) = side_job_reminder(store, clock, evaluator, keeper)
    stored = store.get(Reminder, "off-1/side_job/1")
    assert (stored.state, stored.department, stored.rule_version) == ("assigned", "supervision_inspection", "2026.2")
    assert stored.evidence == ["record:m1"]
    # 2026-11-20 is a Friday: 3 working days later is Wednesday 2026-11-25.
    assert stored.due_on == "2026-11-25"
    (event,) = [e.envelope for e in stored.outbox]
    assert event["type"] == "wuying.archive.archive.reminder_created.v1"
    assert event["data"]["condition_code"] == "side_job"
    assert "某置业公司" not in str(event)  # family and interests never travel on an event


def test_evaluating_again_creates_no_duplicate(store, clock, evaluator, keeper):
    side_job_reminder(store, clock, evaluator, keeper)
    assert conditions.evaluate_ids(store, clock, evaluator, ["off-1"]) == []
    assert conditions.nightly_sweep(store, clock, evaluator)["reminders"] == 0
    assert [r.id for r in store.all(Reminder)] == ["off-1/side_job/1"]


def test_commission_staff_reminders_go_to_cadre_supervision_per_001_heilongjiang(store, clock, evaluator, keeper):
    """001 黑龙江: 干部监督部门牵头抓总 — who supervises the supervisors."""
    handlers.register(store, clock, [], [dict(ZHANG, commission_staff=True)])
    (reminder,) = matters.add_record(store, clock, evaluator, keeper, "off-1", SIDE_JOB).reminders
    assert reminder.department == "cadre_supervision"


def test_the_steps_run_in_order_each_by_its_role_and_closing_emits_the_result(store, clock, evaluator, keeper, person):
    side_job_reminder(store, clock, evaluator, keeper)
    checker, leader = person("auditor-1", "auditor"), person("leader-1", "commission_leader")
    with pytest.raises(Forbidden):
        reminders.take_step(store, clock, evaluator, keeper, "off-1/side_job/1", "acknowledge")
    with pytest.raises(StepRefused):
        reminders.take_step(store, clock, evaluator, checker, "off-1/side_job/1", "verify", result="confirmed")
    reminders.take_step(store, clock, evaluator, checker, "off-1/side_job/1", "acknowledge")
    with pytest.raises(StepRefused) as no_result:
        reminders.take_step(store, clock, evaluator, checker, "off-1/side_job/1", "verify")
    assert no_result.value.code == "result_required"
    verified = reminders.take_step(store, clock, evaluator, checker, "off-1/side_job/1", "verify", result="confirmed")
    assert verified.due_on == "2026-11-27"  # close within 5 working days
    closed = reminders.take_step(store, clock, evaluator, leader, "off-1/side_job/1", "close", note="已责令辞去兼职")
    assert (closed.state, closed.result, closed.closed_on) == ("closed", "confirmed", "2026-11-20")
    assert [s.step for s in closed.steps] == ["assigned", "acknowledge", "verify", "close"]
    assert [s.by for s in closed.steps[1:]] == ["auditor-1", "auditor-1", "leader-1"]
    event = store.get(Reminder, "off-1/side_job/1").outbox[-1].envelope
    assert event["type"] == "wuying.archive.archive.reminder_closed.v1"
    assert {k: event["data"][k] for k in ("official_id", "county", "condition_code", "result")} == {
        "official_id": "off-1",
        "county": "130402",
        "condition_code": "side_job",
        "result": "confirmed",
    }


def test_the_verifier_cannot_close_their_own_verification(store, clock, evaluator, keeper, person):
    side_job_reminder(store, clock, evaluator, keeper)
    both = person("p-1", "auditor", "commission_leader")
    reminders.take_step(store, clock, evaluator, both, "off-1/side_job/1", "acknowledge")
    reminders.take_step(store, clock, evaluator, both, "off-1/side_job/1", "verify", result="cleared")
    with pytest.raises(Exception) as refused:
        reminders.take_step(store, clock, evaluator, both, "off-1/side_job/1", "close")
    assert refused.value.code == "reminder_same_person"


def test_after_closure_only_new_evidence_opens_a_new_round(store, clock, evaluator, keeper, person):
    side_job_reminder(store, clock, evaluator, keeper)
    checker, leader = person("a-1", "auditor"), person("l-1", "commission_leader")
    for step, who, kw in [
        ("acknowledge", checker, {}),
        ("verify", checker, {"result": "cleared"}),
        ("close", leader, {}),
    ]:
        reminders.take_step(store, clock, evaluator, who, "off-1/side_job/1", step, **kw)
    assert store.get(Dossier, "off-1").hits["side_job"]["closed"] is True
    assert conditions.evaluate_ids(store, clock, evaluator, ["off-1"]) == []  # same evidence: nothing new
    (second,) = matters.add_record(
        store, clock, evaluator, keeper, "off-1", dict(SIDE_JOB, company="另一公司")
    ).reminders
    assert (second.id, second.round, second.evidence) == ("off-1/side_job/2", 2, ["record:m1", "record:m2"])


def test_an_overdue_step_is_escalated_once_and_counts_in_the_figures(store, clock, evaluator, keeper, person):
    side_job_reminder(store, clock, evaluator, keeper)
    clock.advance(days=6)  # Thursday 2026-11-26: the acknowledgement was due on the 25th
    assert reminders.escalate_overdue(store, clock) == 1
    assert reminders.escalate_overdue(store, clock) == 0  # once per step
    reminder = store.get(Reminder, "off-1/side_job/1")
    assert (reminder.escalation_level, reminder.ever_overdue) == (1, True)
    assert (reminder.steps[-1].step, reminder.steps[-1].to) == ("escalated", "commission_leader")
    (figures,) = reminders.figures(store, clock, person("x", "auditor", county="130400"))
    assert (figures.department, figures.county, figures.total, figures.open, figures.overdue) == (
        "supervision_inspection",
        "130402",
        1,
        1,
        1,
    )
    assert figures.completion_rate == 0.0
    assert reminders.figures(store, clock, person("y", "auditor", county="130102")) == []


def test_reminders_of_another_county_are_forbidden(store, clock, evaluator, keeper, person):
    side_job_reminder(store, clock, evaluator, keeper)
    with pytest.raises(Forbidden):
        reminders.get_reminder(store, person("z", "auditor", county="130102"), "off-1/side_job/1")


def test_family_and_interests_are_for_archive_roles_only(store, clock, evaluator, person):
    handlers.register(store, clock, [], [ZHANG])
    with pytest.raises(Forbidden):
        matters.add_record(store, clock, evaluator, person("w", "warning_officer"), "off-1", SIDE_JOB)
    with pytest.raises(Forbidden):
        matters.dossier_of(store, person("w", "warning_officer"), "off-1")


def test_an_interest_of_an_unknown_relative_is_refused(store, clock, evaluator, keeper):
    handlers.register(store, clock, [], [ZHANG])
    with pytest.raises(Exception) as refused:
        matters.add_record(store, clock, evaluator, keeper, "off-1", {**SIDE_JOB, "kind": "business", "holder": "m7"})
    assert refused.value.field == "holder"


def test_a_report_event_teaches_the_conditions_once_and_three_raise_a_reminder(store, clock, evaluator):
    handlers.register(store, clock, [], [ZHANG])
    for i in range(3):
        event = {
            "id": f"00000000-0000-0000-0000-00000000000{i}",
            "type": "wuying.intake.petition.triaged.v1",
            "time": f"2026-1{i}-01T02:00:00Z",
            "county": "130402",
            "subject": "petition/p",
            "data": {
                "outcome": "integrity_information",
                "petition_id": f"p{i}",
                "subjects": [{"kind": "official", "id": "off-1"}],
            },
        }
        handlers.record_event(store, clock, event, evaluator)
        handlers.record_event(store, clock, event, evaluator)  # redelivered: learnt once
    assert len(store.get(Dossier, "off-1").signals) == 3
    assert [r.id for r in store.all(Reminder)] == ["off-1/repeated_reports/1"]


def test_the_nightly_sweep_finds_what_time_made_true_and_runs_once_a_day(store, clock, evaluator):
    handlers.register(store, clock, [], [dict(ZHANG, since="2016-11-21", tags=["key_minority"])])
    assert store.all(Reminder) == []  # 10 years less a day
    clock.advance(days=1)
    run = conditions.nightly_sweep(store, clock, evaluator)
    assert (run["claimed"], run["evaluated"], run["reminders"], run["finished"]) == (True, 1, 1, True)
    assert conditions.nightly_sweep(store, clock, evaluator)["claimed"] is False
    assert [r.condition_code for r in store.all(Reminder)] == ["long_tenure"]
    assert date.fromisoformat(store.all(Reminder)[0].created_on) == date(2026, 11, 21)


def test_the_sweep_lets_the_service_yield_after_each_page(store, clock, evaluator, monkeypatch):
    monkeypatch.setattr(conditions, "SWEEP_PAGE", 2)
    officials = [dict(ZHANG, id=f"off-{n}") for n in range(5)]
    handlers.register(store, clock, [], officials)
    pauses = []
    run = conditions.nightly_sweep(store, clock, evaluator, between_pages=lambda: pauses.append(1))
    assert (run["evaluated"], run["finished"], len(pauses)) == (5, True, 3)  # pages of 2, 2 and 1
