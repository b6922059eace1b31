"""Records in the file (000/B 廉洁家访, 000/C 承诺, 000/F 廉洁教育党课, 000/H 聘请监督员, 001 黑龙江 监督谈话)
on the fake store, and the compliance of integrity education per unit and per leader."""

import uuid
from datetime import date

import pytest

from wuying_archive import handlers
from wuying_archive.domain.records import Session, unit_compliance
from wuying_archive.handlers import records
from wuying_archive.persistence import SupervisionRecord
from wuying_common.errors import Forbidden
from wuying_common.rules import InvalidInput, RuleBroken
from wuying_testing.fakes.archive import FakeArchiveStore

UNIT = {"id": "unit-1", "name": "市纪委监委机关", "county": "130402", "kind": "commission"}
PEOPLE = [
    {
        "id": "sec",
        "name": "张书记",
        "county": "130402",
        "unit_id": "unit-1",
        "post": "书记",
        "rank": "正处级",
        "tags": ["principal"],
    },
    {
        "id": "dep",
        "name": "李副书记",
        "county": "130402",
        "unit_id": "unit-1",
        "post": "副书记",
        "rank": "副处级",
        "tags": ["key_minority"],
    },
    {"id": "staff", "name": "王干部", "county": "130402", "unit_id": "unit-1", "post": "科员", "rank": "科员"},
]


@pytest.fixture
def store(clock):
    store = FakeArchiveStore()
    handlers.register(store, clock, [UNIT], PEOPLE)
    return store


@pytest.fixture
def keeper(person):
    return person("keeper-1", "archive_keeper")


def test_a_pledge_is_at_most_fifty_characters_per_000_c(store, clock, keeper):
    """000/C: 每名纪检监察干部亲笔书写廉洁诺言（50字以内）并签名."""
    with pytest.raises(InvalidInput) as raised:
        records.add_record(store, clock, keeper, "official", "staff", "pledge", None, {"text": "廉" * 51})
    assert raised.value.code == "pledge_too_long"
    pledge = records.add_record(
        store, clock, keeper, "official", "staff", "pledge", None, {"text": "秉公用权，廉洁自律"}
    )
    assert pledge.on == "2026-11-20"


def test_a_home_visit_keeps_the_registration_forms_fields_and_only_a_digest_travels(store, clock, keeper):
    """000/B: 《家访情况登记表》 — the file's event carries the SHA-256 of the record, never its content."""
    details = {
        "visitors": ["纪委副书记", "干部监督室主任"],
        "family_present": ["刘某（配偶）"],
        "family_situation": "家庭和睦",
        "outside_work": "业余时间照顾老人",
        "opinions": "希望多组织家属开放日",
        "issues_found": "",
        "reminder_given": "已提醒注意朋友圈交往",
        "card_given": True,
    }
    visit = records.add_record(store, clock, keeper, "official", "staff", "home_visit", date(2026, 11, 2), details)
    (event,) = [e.envelope for e in visit.outbox]
    assert event["type"] == "wuying.archive.archive.supervision_recorded.v1"
    assert len(event["data"]["digest"]) == 64 and "刘某" not in str(event)
    replied = records.follow_up(store, clock, keeper, visit.id, "已向家属反馈开放日安排")
    assert replied.state == "followed_up"


def test_a_supervision_talk_records_who_when_what_and_follow_up_per_001_heilongjiang(store, clock, person, keeper):
    """001 黑龙江: 苗头性倾向性问题随时谈，部门负责同志定期谈，新任职新交流领导到岗谈."""
    auditor = person("auditor-1", "auditor")
    details = {"talk_kind": "new_post", "talkers": ["干部监督室"], "content": "到岗谈话", "follow_up_due": "2026-12-20"}
    with pytest.raises(Forbidden):
        records.add_record(store, clock, keeper, "official", "dep", "supervision_talk", None, details)
    talk = records.add_record(store, clock, auditor, "official", "dep", "supervision_talk", None, details)
    assert [r.kind for r in records.records_of(store, keeper, "dep")] == ["supervision_talk"]
    assert talk.details["talk_kind"] == "new_post"


def test_a_special_supervisors_report_about_a_leader_goes_to_the_principal_leader_per_000_h(
    store, clock, person, keeper
):
    """000/H: 涉及市纪委监委领导的，向市纪委主要领导反映; then 建议 → 审定 → 决定 → 公布."""
    supervisor = records.appoint(
        store,
        keeper,
        {"name": "周监督员", "county": "130402", "appointed_on": date(2026, 8, 3), "letter_no": "聘字1号"},
    )
    auditor, leader = person("auditor-1", "auditor"), person("leader-1", "commission_leader")
    report = records.add_record(
        store,
        clock,
        auditor,
        "official",
        "dep",
        "supervisor_report",
        None,
        {"supervisor_id": supervisor.id, "content": "反映公车私用", "about_leader": True},
    )
    assert (report.state, report.details["routed_to"]) == ("received", "principal_leader")
    records.follow_up(store, clock, auditor, report.id, "建议调查核实", "proposed")
    with pytest.raises(Forbidden):
        records.follow_up(store, clock, auditor, report.id, "审定", "approved")
    with pytest.raises(InvalidInput):
        records.follow_up(store, clock, leader, report.id, "跳过审定", "decided")
    records.follow_up(store, clock, leader, report.id, "同意，安排核实", "approved")
    assert [r.id for r in store.supervisor_reports(supervisor.id)] == [report.id]
    with pytest.raises(RuleBroken) as unknown:  # the state of things (appoint first): 409
        records.add_record(
            store,
            clock,
            auditor,
            "official",
            "dep",
            "supervisor_report",
            None,
            {"supervisor_id": "nobody", "content": "x"},
        )
    assert (unknown.value.code, unknown.value.invalid) == ("unknown_supervisor", False)


def lecture(store, clock, keeper, on, hours, lecturer="staff", role="other"):
    details = {"hours": hours, "lecturer_id": lecturer, "lecturer_role": role, "topic": "廉政党课"}
    records.add_record(store, clock, keeper, "unit", "unit-1", "education", on, details)


def test_integrity_education_is_monthly_at_least_half_a_day_and_each_leader_lectures_per_000_f(store, clock, keeper):
    """000/F: 每月开展一次，全年不少于12次，每次不少于半天；主要领导每年至少1次（半天），其他班子成员原则上
    每年不少于1次（2小时）."""
    for month in range(1, 11):
        lecture(store, clock, keeper, date(2026, month, 10), 4)
    lecture(store, clock, keeper, date(2026, 11, 10), 2, lecturer="sec", role="principal")  # too short for the month
    lecture(store, clock, keeper, date(2026, 6, 20), 2, lecturer="dep", role="other_leader")
    found = records.education(store, clock, keeper, "unit-1", 2026)
    c = found.compliance
    assert (c.sessions, c.qualifying, c.missing_months, c.compliant) == (12, 10, [11], False)
    leaders = {x.official_id: (x.lectures, x.qualifying, x.compliant) for x in c.leaders}
    assert leaders == {"sec": (1, 0, False), "dep": (1, 1, True)}
    assert len(store.all(SupervisionRecord)) == 12


def test_a_full_year_needs_twelve_qualifying_lectures():
    sessions = [Session(date(2025, m, 1), 4, "x", "other") for m in range(1, 13)]
    assert unit_compliance("u", 2025, sessions, [], date(2026, 1, 5)).compliant
    assert not unit_compliance("u", 2025, sessions[:11], [], date(2026, 1, 5)).compliant


def test_records_land_in_the_file_through_their_event(store, clock, keeper):
    pledge = records.add_record(store, clock, keeper, "official", "staff", "pledge", None, {"text": "清白做人"})
    (envelope,) = [e.envelope for e in pledge.outbox]
    envelope = dict(envelope, id=str(uuid.uuid4()))
    handlers.record_event(store, clock, envelope)
    (entry,) = store.entries("official", "staff")[-1:]
    assert entry.summary == "廉洁承诺：登记"


def test_a_records_details_take_only_their_kinds_fields_with_json_types():
    """Free keys reached the store: a key "" or "a.b" was a 500 (InvalidDocument); a list as the
    talk kind raised TypeError in ``in`` (a 500)."""
    from wuying_archive.domain.records import check_details
    from wuying_archive.schemas.supervision import RecordInSchema

    schema = RecordInSchema()
    assert schema.validate({"kind": "pledge", "details": {"text": "清白做人"}}) == {}
    assert schema.validate({"kind": "pledge", "details": {"text": "清白做人", "": 1}}) == {
        "details": {"": ["不允许的字段"]}
    }
    flag = {"supervisor_id": "s-1", "content": "反映", "about_leader": 1}
    assert "about_leader" in schema.validate({"kind": "supervisor_report", "details": flag})["details"]
    with pytest.raises(InvalidInput) as refused:
        check_details("supervision_talk", {"talk_kind": ["regular"], "talkers": ["甲"], "content": "谈话"})
    assert refused.value.field == "talk_kind"
