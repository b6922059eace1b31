"""Personal-matters checks (000/D) and talk and letter inquiries (001 黑龙江) on the fake store: the
seeds' ratios as rule data, draws anyone can re-run, results tracked to closure, conditions and
case clues."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuying_archive import handlers
from wuying_archive.domain.supervision import (
    SUPERVISION_RULES,
    NotThisPerson,
    SupervisionRefused,
    commitment,
    draw,
    population_digest,
    sample_size,
)
from wuying_archive.handlers import matters, supervision
from wuying_archive.handlers.conditions import Evaluator
from wuying_archive.persistence import Draw, Inquiry, Reminder, ReportCheck
from wuying_archive.schemas import DrawSchema
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Conflict, Forbidden
from wuying_common.rules import InvalidInput
from wuying_testing.fakes.archive import FakeArchiveStore


@pytest.fixture
def store():
    return FakeArchiveStore()


@pytest.fixture
def evaluator():
    return Evaluator(WorkingDayCalendar.official())


@pytest.fixture
def auditor(person):
    return person("auditor-1", "auditor")


@pytest.fixture
def leader(person):
    return person("leader-1", "commission_leader")


def official(i, tags=()):
    return {
        "id": f"off-{i:02d}",
        "name": f"干部{i}",
        "county": "130402",
        "unit_id": "unit-1",
        "post": "科员",
        "rank": "科员",
        "tags": list(tags),
    }


def reporters(store, clock, evaluator, person, n=23, tags=None):
    """``n`` officials who filed their 2026 personal-matters report (off-00 a reserve cadre)."""
    handlers.register(store, clock, [], [official(i, (tags or {}).get(i, ())) for i in range(n)])
    keeper = person("keeper-1", "archive_keeper")
    for i in range(n):
        report = {"kind": "personal_report", "source": "personal_report", "year": 2026, "on_time": True}
        matters.add_record(store, clock, evaluator, keeper, f"off-{i:02d}", report)


# -- personal-matters reports: the 10% spot check --------------------------------------------------
def test_the_spot_check_is_ten_percent_per_commission_and_year_per_000_d(store, clock, evaluator, person, auditor):
    """000/D: 按10%的比例随机抽查 — committed before, drawn with public entropy, re-runnable by anyone."""
    reporters(store, clock, evaluator, person)
    committed = supervision.commit_draw(store, clock, auditor, "report_spot_check", "130402", "2026")
    assert (len(committed.population), committed.ratio) == (23, SUPERVISION_RULES.spot_check_ratio)
    assert DrawSchema().dump(committed)["seed"] is None  # hidden until the draw
    drawn = supervision.make_draw(store, clock, auditor, committed.id, "3412.58")
    shown = DrawSchema().dump(drawn)
    assert len(shown["selected"]) == 3  # ⌈10% × 23⌉
    # Anyone with the published values re-runs it and checks the commitment and the population.
    assert commitment(shown["seed"]) == shown["commitment"]
    assert population_digest(shown["population"]) == shown["population_digest"]
    assert draw(shown["seed"], shown["public_entropy"], shown["population"], shown["ratio"]) == shown["selected"]
    checks = {c.official_id: c for c in store.all(ReportCheck)}
    assert set(checks) == set(shown["selected"]) and all(c.reasons == ["random"] for c in checks.values())


def test_a_draw_cannot_be_committed_twice_nor_drawn_without_public_entropy(store, clock, evaluator, person, auditor):
    reporters(store, clock, evaluator, person, n=5)
    committed = supervision.commit_draw(store, clock, auditor, "report_spot_check", "130402", "2026")
    with pytest.raises(Conflict) as raised:
        supervision.commit_draw(store, clock, auditor, "report_spot_check", "130402", "2026")
    assert raised.value.code == "draw_exists"
    with pytest.raises(InvalidInput):
        supervision.make_draw(store, clock, auditor, committed.id, "  ")
    assert store.get(Draw, committed.id).state == "committed"


def test_reserve_cadres_and_promotion_candidates_are_always_checked_per_000_d(store, clock, evaluator, person, auditor):
    """000/D: 对拟提拔考察对象、列入后备干部人选……一律进行抽查核实 (tags), and by hand for the others."""
    reporters(store, clock, evaluator, person, n=12, tags={0: ["reserve_cadre"], 1: ["promotion_candidate"]})
    committed = supervision.commit_draw(store, clock, auditor, "report_spot_check", "130402", "2026")
    supervision.make_draw(store, clock, auditor, committed.id, "entropy")
    assert "reserve_cadre" in store.get(ReportCheck, "off-00/2026").reasons
    assert "promotion_candidate" in store.get(ReportCheck, "off-01/2026").reasons
    reported = supervision.mandatory_check(store, clock, auditor, "off-05", 2026, "reported")
    assert "reported" in reported.reasons


def test_a_serious_concealment_is_a_condition_and_a_case_clue_tracked_to_closure(
    store, clock, evaluator, person, auditor, leader
):
    """000/D: 漏报或者隐瞒不报的……处理，隐瞒不报情节较重……追究纪律责任."""
    reporters(store, clock, evaluator, person, n=1)
    supervision.mandatory_check(store, clock, auditor, "off-00", 2026, "further_use")
    with pytest.raises(SupervisionRefused):
        supervision.close_check(store, clock, leader, "off-00/2026")  # no result yet
    check = supervision.record_check_result(
        store, clock, evaluator, auditor, "off-00/2026", result="concealment", serious=True
    )
    assert check.clue_id == "report_check/off-00/2026"
    types = [e.envelope["type"] for e in check.outbox]
    assert "wuying.archive.archive.case_clue_raised.v1" in types
    assert [r.condition_code for r in store.all(Reminder)] == ["undeclared_matters"]
    with pytest.raises(Forbidden):
        supervision.close_check(store, clock, auditor, "off-00/2026")
    closed = supervision.close_check(store, clock, leader, "off-00/2026", "给予诫勉")
    assert (closed.state, closed.closed_on) == ("closed", "2026-11-20")


def test_an_omission_is_a_condition_but_not_a_case_clue(store, clock, evaluator, person, auditor):
    reporters(store, clock, evaluator, person, n=1)
    supervision.mandatory_check(store, clock, auditor, "off-00", 2026, "reported")
    check = supervision.record_check_result(store, clock, evaluator, auditor, "off-00/2026", result="omission")
    assert check.clue_id is None
    assert [r.condition_code for r in store.all(Reminder)] == ["undeclared_matters"]


# -- talk and letter inquiries ---------------------------------------------------------------------
def test_a_third_inquiry_in_a_year_needs_a_reason_and_a_leaders_approval_per_001_heilongjiang(
    store, clock, evaluator, person, auditor, leader
):
    """001 黑龙江: 对同一被反映人一年之内谈话函询一般不超过2次."""
    handlers.register(store, clock, [], [official(0)])
    first = supervision.open_inquiry(store, clock, auditor, "off-00", kind="letter", ordered_by="clue_disposal")
    second = supervision.open_inquiry(store, clock, auditor, "off-00", kind="talk", ordered_by="intake", ref="p-9")
    assert (first.state, second.state, second.n) == ("open", "open", 2)
    with pytest.raises(SupervisionRefused) as raised:
        supervision.open_inquiry(store, clock, auditor, "off-00", kind="talk", ordered_by="clue_disposal")
    assert raised.value.code == "inquiry_cap"
    third = supervision.open_inquiry(
        store, clock, auditor, "off-00", kind="talk", ordered_by="clue_disposal", reason="新反映问题具体可查"
    )
    assert (third.state, third.n) == ("awaiting_approval", 3)
    opener_leader = person("auditor-1", "commission_leader")
    with pytest.raises(NotThisPerson):
        supervision.inquiry_step_taken(store, clock, evaluator, opener_leader, third.id, "approve")
    approved = supervision.inquiry_step_taken(store, clock, evaluator, leader, third.id, "approve")
    assert (approved.state, approved.approved_by) == ("open", "leader-1")


def test_an_inquiry_ordered_by_an_inspection_finding_counts_toward_the_cap_once(store, clock, evaluator, auditor):
    """000/E: 一般问题……采取谈话函询; ordered by inspection, it counts toward the same cap."""
    handlers.register(store, clock, [], [official(0)])
    supervision.open_inquiry(store, clock, auditor, "off-00", kind="letter", ordered_by="clue_disposal")
    supervision.open_inquiry(store, clock, auditor, "off-00", kind="letter", ordered_by="clue_disposal")
    finding = {
        "id": "ev-1",
        "type": "wuying.inspection.inspection.finding_recorded.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": "130402",
        "subject": "finding/f-1",
        "data": {"official_id": "off-00", "finding_id": "f-1", "disposition": "letter_inquiry"},
    }
    ordered = supervision.inquiries_ordered(store, clock, finding)
    assert (ordered.n, ordered.state, ordered.ordered_by) == (3, "awaiting_approval", "inspection")
    assert supervision.inquiries_ordered(store, clock, finding).id == ordered.id  # redelivered: once
    assert len(store.all(Inquiry)) == 3


def answered_inquiries(store, clock, evaluator, auditor, n=10):
    handlers.register(store, clock, [], [official(i) for i in range(n)])
    for i in range(n):
        inquiry = supervision.open_inquiry(store, clock, auditor, f"off-{i:02d}", kind="letter", ordered_by="intake")
        supervision.inquiry_step_taken(store, clock, evaluator, auditor, inquiry.id, "answer", answer="已说明情况")


def test_at_least_thirty_percent_of_answers_are_verified_by_a_reproducible_sample(
    store, clock, evaluator, auditor, leader
):
    """001 黑龙江: 采取谈话、调取、查询等措施按不低于30%比例进行抽查核实."""
    answered_inquiries(store, clock, evaluator, auditor)
    committed = supervision.commit_draw(store, clock, auditor, "inquiry_verification", "130402", "2026-Q4")
    drawn = supervision.make_draw(store, clock, auditor, committed.id, "收盘 3412.58")
    assert len(drawn.selected) == 3 and drawn.ratio == SUPERVISION_RULES.inquiry_verify_ratio
    sampled = [i for i in store.all(Inquiry) if i.sampled]
    assert sorted(i.id for i in sampled) == drawn.selected
    assert all(i.sample_draw == drawn.id for i in store.all(Inquiry))  # not drawn again
    with pytest.raises(SupervisionRefused) as raised:
        supervision.inquiry_step_taken(store, clock, evaluator, leader, sampled[0].id, "close")
    assert raised.value.code == "verification_pending"
    with pytest.raises(SupervisionRefused):
        supervision.commit_draw(store, clock, auditor, "inquiry_verification", "130402", "2026-Q4b")  # nobody left


def test_a_concealed_fact_found_in_verification_is_a_condition_and_a_case_clue(
    store, clock, evaluator, auditor, leader
):
    """001 黑龙江: 对隐瞒事实、欺骗组织的严肃处理 — condition undeclared_matters (rules 2026.2), case clue."""
    answered_inquiries(store, clock, evaluator, auditor, n=1)
    verified = supervision.inquiry_step_taken(
        store, clock, evaluator, auditor, "off-00/2026/1", "verify", method="retrieval", result="concealed"
    )
    assert verified.clue_id == "inquiry/off-00/2026/1"
    assert [r.condition_code for r in store.all(Reminder)] == ["undeclared_matters"]
    closed = supervision.inquiry_step_taken(store, clock, evaluator, leader, verified.id, "close")
    assert closed.state == "closed"


@given(st.integers(min_value=1, max_value=400), st.sampled_from([0.1, 0.3]))
def test_a_sample_is_never_below_its_ratio(population, ratio):
    assert sample_size(population, ratio) / population >= ratio


def test_the_draw_is_the_published_algorithm():
    population = [f"o{i}" for i in range(20)]
    combined = hashlib.sha256(b"seed:42").hexdigest()
    ranked = sorted(population, key=lambda i: hashlib.sha256(f"{combined}:{i}".encode()).hexdigest())
    assert draw("seed", "42", population, 0.1) == sorted(ranked[:2])
