"""The integrity portrait (廉政画像) and the personal comprehensive integrity report (个人综合廉情报告,
004/4 深圳龙岗: 既可以形成个人综合廉情报告……实时呈现干部的“廉政画像”) on the fake store."""

import uuid
from datetime import UTC, date, datetime

import pytest

from wuying_archive import handlers, views
from wuying_archive.domain.outcomes import Fact, fold, in_range
from wuying_archive.handlers import matters, portrait
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import AccessLog
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden
from wuying_testing.fakes.archive import FakeArchiveStore

from .pdftext import pdf_text, uncompressed

ZHANG = {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "局长", "rank": "正处级"}


def envelope(event_type, data, time="2026-11-10T02:00:00Z"):
    return {
        "id": str(uuid.uuid4()),
        "type": f"wuying.{event_type}.v1",
        "time": time,
        "county": "130402",
        "subject": "x/1",
        "data": data,
    }


@pytest.fixture
def store():
    return FakeArchiveStore()


@pytest.fixture
def evaluator():
    return Evaluator(WorkingDayCalendar.official())


@pytest.fixture
def keeper(person):
    return person("keeper-1", "archive_keeper")


def a_life(store, clock, evaluator, keeper):
    """Registration, family and interests, a sanction, and the platform's events about him."""
    handlers.register(store, clock, [], [ZHANG])
    spouse = {"kind": "spouse", "source": "personal_report", "name": "王芳"}
    matters.add_record(store, clock, evaluator, keeper, "off-1", spouse)
    job = {"kind": "side_job", "source": "personal_report", "company": "某置业公司", "role": "顾问", "paid": True}
    matters.add_record(store, clock, evaluator, keeper, "off-1", job)
    sanction = {"kind": "sanction", "source": "case_handling", "sanction": "demerit", "decided_on": "2026-03-02"}
    matters.add_record(store, clock, evaluator, keeper, "off-1", sanction)
    official = {"official_id": "off-1", "county": "130402"}
    events = [
        envelope(
            "intake.petition.triaged",
            {
                "outcome": "integrity_information",
                "petition_id": "p-1",
                "category_zh": "廉洁自律",
                "subjects": [{"kind": "official", "id": "off-1"}],
            },
        ),
        envelope(
            "intake.clue.transferred",
            {"petition_id": "p-1", "kind": "case_clue", "subjects": [{"kind": "official", "id": "off-1"}]},
        ),
        envelope(
            "warning.warning.issued",
            dict(official, warning_id="w-1", colour="blue", notice_kind="notice", answer_due="2026-11-19"),
        ),
        envelope(
            "warning.warning.superseded", dict(official, warning_id="w-1", by_colour="yellow", reason="answer_overdue")
        ),
        envelope("warning.warning.escalated", dict(official, warning_id="w-2", colour="yellow", notice_kind="inquiry")),
        envelope("warning.organisational_handling.opened", dict(official, task_id="t-1", due_on="2026-12-30")),
        envelope(
            "inspection.inspection.finding_recorded",
            dict(official, finding_id="f-1", severity_zh="一般问题", disposition_zh="谈话函询", year=2026, round=2),
        ),
        envelope(
            "risk.risk.profile_changed",
            dict(official, score_before=10, score_after=45, level="medium", level_zh="中风险"),
        ),
    ]
    for event in events:
        handlers.record_event(store, clock, event, evaluator)


def test_the_portrait_shows_one_person_in_one_view_per_004_longgang(store, clock, evaluator, keeper):
    """004/4: 个人综合廉情报告 / 廉政画像 — posts, family and interests, conditions and reminders, reports and
    their outcomes, warnings, organisational handling, findings, sanctions and the risk profile."""
    a_life(store, clock, evaluator, keeper)
    p = portrait.portrait(store, clock, evaluator, keeper, "off-1")
    assert [x.post for x in p.official.postings] == ["局长"]
    assert [r.name for r in p.family] == ["王芳"]
    assert [r.company for r in p.interests] == ["某置业公司"]
    assert {c.code for c in p.conditions} == {"side_job", "sanction_in_force"}
    assert {r.condition_code for r in p.reminders} == {"side_job", "sanction_in_force"}
    by_ref = {(o.category, o.ref): o for o in p.outcomes}
    assert by_ref[("report", "p-1")].state_zh == "已作为问题线索移送" and by_ref[("report", "p-1")].settled
    assert by_ref[("clue", "p-1")].state_zh == "问题线索已移送案件审理部门"
    assert by_ref[("warning", "w-1")].settled and "黄色预警取代" in by_ref[("warning", "w-1")].state_zh
    assert not by_ref[("warning", "w-2")].settled  # the higher warning is still running
    assert not by_ref[("organisational_handling", "t-1")].settled
    assert by_ref[("finding", "f-1")].state_zh == "谈话函询"
    assert "尚在影响期内" in next(o for o in p.outcomes if o.category == "sanction").detail_zh
    assert (p.risk["score"], p.risk["level_zh"]) == (45, "中风险")
    assert p.file_intact is True and p.file_last_seq == len(store.entries("official", "off-1"))


def test_each_read_is_audited_and_other_roles_are_refused(store, clock, evaluator, keeper, person):
    a_life(store, clock, evaluator, keeper)
    portrait.portrait(store, clock, evaluator, keeper, "off-1", purpose="干部选拔任用征求意见")
    (log,) = store.all(AccessLog)
    assert (log.by, log.action, log.subject, log.purpose) == (
        "keeper-1",
        "portrait.read",
        "off-1",
        "干部选拔任用征求意见",
    )
    with pytest.raises(Forbidden):
        portrait.portrait(store, clock, evaluator, person("w-1", "warning_officer"), "off-1")
    with pytest.raises(Forbidden):
        portrait.portrait(store, clock, evaluator, person("k-2", "archive_keeper", county="130102"), "off-1")
    assert len(store.all(AccessLog)) == 1  # a refused read reads nothing


def test_the_personal_report_pdf_is_chinese_and_watermarked_with_the_reader_and_time(
    store, clock, evaluator, keeper, monkeypatch
):
    uncompressed(monkeypatch)
    a_life(store, clock, evaluator, keeper)
    p = portrait.portrait(store, clock, evaluator, keeper, "off-1", action="report.pdf")
    pdf = views.portrait_pdf(p)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    text = pdf_text(pdf)
    assert "个人综合廉情报告" in text and "张伟" in text and "王芳" in text
    assert "keeper-1  2026-11-20 10:00" in text  # the watermark: who and when (Beijing time)


def test_an_outcome_belongs_to_a_period_when_it_happened_in_it_or_was_still_pending():
    issued = Fact(1, "warning.issued", {"warning_id": "w"}, "2026-03-01T02:00:00Z", None)
    lifted = Fact(2, "warning.lifted", {"warning_id": "w", "lifted_on": "2026-05-01"}, "2026-05-01T02:00:00Z", None)
    (settled,) = fold([issued, lifted])
    assert in_range(settled, date(2026, 4, 1), date(2026, 6, 1))
    assert not in_range(settled, date(2026, 6, 1), date(2026, 12, 31))
    (pending,) = fold([issued])
    assert in_range(pending, date(2026, 6, 1), date(2026, 12, 31))
    assert not in_range(pending, date(2025, 1, 1), date(2025, 12, 31))


def test_event_times_are_read_as_beijing_dates():
    late = Fact(1, "warning.issued", {"warning_id": "w"}, "2026-03-01T17:00:00Z", datetime(2026, 3, 1, tzinfo=UTC))
    assert fold([late])[0].first_on == "2026-03-02"
