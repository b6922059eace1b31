"""The quarterly report (廉政风险信息预警专报, seeds/002 篇5 三(二)) from per-county, per-year
tallies (issue 14 item 7): a warning's quarter entry and its years (``domain.quarterly``), the
count, and the tallies kept in step by every write path, on the embedded store and on the fake,
against the scan the report made before (kept here as the reference), JSON and HTML, for a
county, a city and the province, over several quarters and years."""

import os
import uuid
from datetime import date, datetime, time, timedelta

import pytest

from wuying_common.clock import beijing_date
from wuying_testing import FixedClock
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning import handlers, views
from wuying_warning.domain.levels import LEVELS
from wuying_warning.domain.quarterly import count_quarter, entry_years, quarter_entry
from wuying_warning.domain.results import answer_times, quarter_bounds
from wuying_warning.handlers.calendar import refresh_calendar
from wuying_warning.handlers.results import Period, QuarterlyReport, TriggerCount
from wuying_warning.persistence import ALIAS, QuarterTally, WarningRecord, WarningStore
from wuying_warning.schemas import QuarterlyReportSchema

from .test_warning_statistics import APPROVERS, LIFTER, OFFICER, PROVINCE, RULES, TRIGGERS, Run, person

SCOPES = (PROVINCE, "130400", "130402", "130102", "130681")  # province, a city, counties (one empty)
YEARS = (2026, 2027)


@pytest.fixture(params=["embedded", "mongodb", "fake"])
def store(request):
    """The embedded store, its MongoDB branch ("mongodb": the collection calls, on either
    store; the tallies' ``$set``/``$unset``) and the fake."""
    if request.param == "fake":
        return FakeWarningStore()
    if request.param == "embedded" and os.environ.get("MONGODB_URI"):
        pytest.skip("the embedded branch needs the embedded store")
    request.getfixturevalue("embedded_store")(ALIAS)
    real = WarningStore(ALIAS, request.param)
    for document in real.documents:
        document.drop_collection()
    real.ensure_indexes()
    return real


# -- the reference: the report as it was computed before, by a scan of the quarter's warnings ------
def touching_period(store, counties, first: date, last: date) -> list[WarningRecord]:
    """Some counties' warnings issued, proposed or lifted between ``first`` and ``last``
    (Beijing dates), oldest first: every warning of the counties read and filtered here (what
    ``WarningStore.touching_period`` did before the year tallies; it and its three indexes left
    the service, which no longer reads a quarter's warnings by their dates)."""
    since = datetime.combine(first - timedelta(days=1), time())  # proposed_at is a UTC instant
    until = datetime.combine(last + timedelta(days=2), time())

    def inside(day):
        return day is not None and first.isoformat() <= day <= last.isoformat()

    counties = list(counties)
    every = (
        store.all(WarningRecord) if isinstance(store, FakeWarningStore) else WarningRecord.objects(county__in=counties)
    )
    found = [
        w
        for w in every
        if w.county in counties and (inside(w.issued_on) or inside(w.lifted_on) or since <= w.proposed_at < until)
    ]
    return sorted(found, key=lambda w: (w.proposed_at, w.id))


def scanned_report(store, calendar, principal, query) -> QuarterlyReport:
    """``handlers.quarterly_report`` before the tallies (commit 1d5dcf2): the quarter's warnings
    read whole (``touching_period``) and counted."""
    county, year, quarter = query["county"], query["year"], query["quarter"]
    counties = principal.counties_in(county)
    first, last = quarter_bounds(year, quarter)

    def inside(day):
        return day is not None and first.isoformat() <= day <= last.isoformat()

    refresh_calendar(store, calendar)
    everything = touching_period(store, counties, first, last)
    period = [w for w in everything if inside(w.issued_on) or inside(beijing_date(w.proposed_at).isoformat())]
    by_level = {LEVELS[n].colour: 0 for n in (3, 2, 1)}
    by_status: dict[str, int] = {}
    by_trigger: dict[str, TriggerCount] = {}
    answer_days = []
    for w in period:
        by_level[w.colour] = by_level.get(w.colour, 0) + 1
        by_status[w.status] = by_status.get(w.status, 0) + 1
        code = w.trigger or "unspecified"
        row = by_trigger.get(code) or TriggerCount(code, w.trigger_zh or "未注明", 0)
        by_trigger[code] = TriggerCount(row.code, row.label, row.count + 1)
        if w.issued_on and w.responses and w.responses[0]["on"] >= w.issued_on:
            days, _ = calendar.working_days_between(
                date.fromisoformat(w.issued_on), date.fromisoformat(w.responses[0]["on"])
            )
            answer_days.append(days)
    return QuarterlyReport(
        county=county,
        year=year,
        quarter=quarter,
        period=Period(first, last),
        total=len(period),
        by_level=by_level,
        by_status=dict(sorted(by_status.items())),
        by_trigger=sorted(by_trigger.values(), key=lambda r: (-r.count, r.code)),
        overdue=[w for w in period if w.overdue_notices],
        escalated=[w for w in period if w.escalated_from],
        lifted=[w for w in everything if inside(w.lifted_on)],
        answer_times=answer_times(answer_days),
    )


def test_the_reference_reads_the_warnings_issued_proposed_or_lifted_in_the_quarter(store):
    def warning(county="130402", at=datetime(2026, 11, 20, 2), status="proposed", **more):
        fixed = {"official_id": "off-1", "unit_id": "unit-1", "level": 3, "colour": "blue", "proposer": "officer-1"}
        return WarningRecord(county=county, proposed_at=at, status=status, **fixed, **more)

    issued = warning(at=datetime(2026, 6, 1), status="issued", issued_on="2026-10-09")
    proposed = warning(at=datetime(2026, 9, 30, 17))  # 2026-10-01 01:00 in Beijing
    lifted = warning(at=datetime(2026, 3, 1), status="lifted", issued_on="2026-03-02", lifted_on="2026-12-31")
    for w in (issued, proposed, lifted, warning(at=datetime(2026, 6, 1)), warning(county="130102")):
        store.add(w)
    found = touching_period(store, ("130402",), date(2026, 10, 1), date(2026, 12, 31))
    assert [w.id for w in found] == [lifted.id, issued.id, proposed.id]


def reports(store, calendar, scope, year, quarter):
    """(from the tallies, from the scan), both dumped as the route answers."""
    query = {"county": scope, "year": year, "quarter": quarter}
    dump = QuarterlyReportSchema().dump
    return (
        dump(handlers.quarterly_report(store, calendar, OFFICER, query)),
        dump(scanned_report(store, calendar, OFFICER, query)),
    )


def assert_reports_match_the_scan(store, calendar, quarters) -> int:
    """Every scope and quarter: the same JSON and the same printable page; the warnings the
    reports counted (so a run that counted nothing cannot pass unnoticed)."""
    counted = 0
    for year, quarter in quarters:
        for scope in SCOPES:
            tallied, scanned = reports(store, calendar, scope, year, quarter)
            assert tallied == scanned, (scope, year, quarter)
            html = views.quarterly_report_html(tallied).get_data(as_text=True)
            assert html == views.quarterly_report_html(scanned).get_data(as_text=True)
            counted += tallied["total"] + len(tallied["lifted"]) if scope == PROVINCE else 0
    return counted


QUARTERS = [(2026, 3), (2026, 4), (2027, 1), (2027, 2)]


# -- the entry, its years and the count (pure) ---------------------------------------------------
def fields(**changes):
    base = {
        "level": 2,
        "colour": "yellow",
        "status": "issued",
        "trigger": "policy_deviation_signs",
        "trigger_zh": "政策执行偏差",
        "proposed_at": datetime(2026, 12, 30, 17, 0, 0, 123456),  # Beijing: 2026-12-31
        "issued_on": "2026-12-31",
        "lifted_on": None,
        "responses": None,
        "overdue_notices": None,
        "escalated_from": None,
    }
    return base | changes


def test_the_entry_holds_what_the_report_counts_and_leaves_out_what_a_warning_lacks():
    assert quarter_entry(**fields()) == {
        "level": 2,
        "colour": "yellow",
        "status": "issued",
        "trigger": "policy_deviation_signs",
        "trigger_zh": "政策执行偏差",
        "at": "2026-12-30T17:00:00.123",
        "proposed": "2026-12-31",
        "issued": "2026-12-31",
    }
    full = quarter_entry(
        **fields(
            trigger=None,
            trigger_zh=None,
            lifted_on="2027-01-20",
            responses=[{"on": "2027-01-05", "kind": "measures"}, {"on": "2027-01-15"}],
            overdue_notices=["answer:2"],
            escalated_from="w-lower",
        )
    )
    assert (full["trigger"], full["trigger_zh"]) == ("unspecified", "未注明")
    assert (full["lifted"], full["answered"], full["overdue"], full["escalated"]) == (
        "2027-01-20",
        "2027-01-05",
        True,
        True,
    )


def test_a_warning_is_in_the_tally_of_every_year_it_was_proposed_issued_or_lifted_in():
    assert entry_years(quarter_entry(**fields(issued_on=None))) == [2026]
    # Proposed at 23:30 in Beijing on 31 December (15:30 UTC): a 2026 proposal, issued in 2027.
    assert entry_years(quarter_entry(**fields(proposed_at=datetime(2026, 12, 31, 15, 30), issued_on="2027-01-04"))) == [
        2026,
        2027,
    ]
    # 16:30 UTC on 31 December is 1 January in Beijing.
    assert entry_years(quarter_entry(**fields(proposed_at=datetime(2026, 12, 31, 16, 30), issued_on=None))) == [2027]
    assert entry_years(quarter_entry(**fields(lifted_on="2028-02-01"))) == [2026, 2028]


def test_the_count_takes_the_quarter_by_issue_or_proposal_and_the_lifted_by_their_lifting():
    entries = {
        "b": quarter_entry(**fields(proposed_at=datetime(2026, 12, 1, 2), responses=[{"on": "2027-01-04"}])),
        "a": quarter_entry(**fields(proposed_at=datetime(2026, 12, 1, 2), escalated_from="x", overdue_notices=["f"])),
        "c": quarter_entry(**fields(proposed_at=datetime(2026, 9, 1), issued_on="2026-09-02", lifted_on="2026-10-08")),
        "d": quarter_entry(**fields(level=1, colour="red", trigger=None, trigger_zh=None, issued_on=None)),
    }
    asked = []
    counts = count_quarter(entries, date(2026, 10, 1), date(2026, 12, 31), lambda i, a: asked.append((i, a)) or 7)
    assert (counts.total, counts.by_level) == (3, {"blue": 0, "yellow": 2, "red": 1})
    assert counts.by_status == {"issued": 3}
    assert counts.by_trigger == [("policy_deviation_signs", "政策执行偏差", 2), ("unspecified", "未注明", 1)]
    assert (counts.overdue, counts.escalated, counts.lifted) == (["a"], ["a"], ["c"])  # ties by id
    assert (counts.answer_days, asked) == ([7], [("2026-12-31", "2027-01-04")])


# -- random sequences of the real operations ------------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_operations_keep_the_year_tallies_equal_to_the_scanned_report(store, seed):
    """Every path that writes a warning (staff and risk proposals and their merges, approval,
    superseding, rejection, answers, revisits, lifting, appeals, transfers, extensions, the
    deadline timer's overdue notices and escalations, reports and findings, the recount of a
    loaded year) keeps the warning's entry in the tallies of its years: the report from the
    tallies equals the scan for the province, a city and counties, over four quarters of two
    years, warnings crossing the new year included."""
    run = Run(store, seed)
    run.clock.at = datetime(2026, 9, 14, 2)
    for _ in range(150):
        run.step()
    run.clock.at = max(run.clock.at, datetime(2026, 12, 18, 2))  # into December, then across the year
    for _ in range(60):
        run.step()
    run.clock.at = max(run.clock.at, datetime(2027, 1, 10, 2))
    for _ in range(40):
        run.step()
    assert assert_reports_match_the_scan(store, run.calendar, QUARTERS) > 0
    assert run.load_2027() == "processed"  # answer working days across 1 January change
    for _ in range(40):
        run.step()
    counted = assert_reports_match_the_scan(store, run.calendar, QUARTERS)
    assert {"propose", "risk", "approve", "respond", "revisit", "timer"} <= set(run.done), run.done
    assert counted > 0


def blue_warning(store, clock, official="off-1", county="130402"):
    payload = {"official_id": official, "unit_id": "unit-1", "county": county, "level": 3, "reasons": ["理由"]}
    payload |= {"trigger": TRIGGERS[3], "risk_point": None, "issued_on": None}
    return handlers.propose(store, clock, OFFICER, payload, RULES)


def test_a_warning_proposed_in_december_and_lifted_in_january_counts_in_both_years(store):
    """Proposed and issued on 30 December, answered on 4 January, lifted on 20 January: the
    fourth quarter of 2026 counts it (with its answer time), the first of 2027 lists it as
    lifted; loading 2027 (1 January off) changes the answer's working days in the report."""
    run = Run(store, 0)
    clock = run.clock
    clock.at = datetime(2026, 12, 30, 2)
    w = blue_warning(store, clock)
    handlers.approve(store, clock, run.calendar, RULES, APPROVERS[3], w.id, {})
    clock.at = datetime(2027, 1, 4, 2)
    handlers.respond(store, clock, person("off-1", "official", county="130402"), w.id, {"content": "说明"})
    clock.at = datetime(2027, 1, 18, 2)
    handlers.revisit(store, clock, OFFICER, w.id, {"methods": ["hearing"], "opinion": "到位", "revisited_on": None})
    clock.at = datetime(2027, 1, 20, 2)
    handlers.lift(store, clock, LIFTER, w.id, {"note": None})
    # A proposal made at 00:30 on 1 January in Beijing (16:30 UTC on 31 December) is 2027's.
    late = blue_warning(store, FixedClock(datetime(2026, 12, 31, 16, 30)), official="off-5")
    assert set(store.quarter_tallies(["130402"], 2026)) == {w.id}
    assert set(store.quarter_tallies(["130402"], 2027)) == {w.id, late.id}
    q4, scanned = reports(store, run.calendar, "130400", 2026, 4)
    assert q4 == scanned and (q4["total"], q4["lifted"]) == (1, [])
    assert q4["answer_working_days"] == {"answered": 1, "average": 3.0, "median": 3.0}  # 31 Dec, 1 and 4 Jan
    q1, scanned = reports(store, run.calendar, PROVINCE, 2027, 1)
    assert q1 == scanned and q1["total"] == 1 and [x["warning_id"] for x in q1["lifted"]] == [w.id]
    run.load_2027()
    q4, scanned = reports(store, run.calendar, "130402", 2026, 4)
    assert q4 == scanned and q4["answer_working_days"]["average"] == 2.0  # 1 January is a holiday now
    store.delete(store.warning(late.id))
    assert set(store.quarter_tallies(["130402"], 2027)) == {w.id}


# -- rebuild ----------------------------------------------------------------------------------------
def year_tallies(store):
    counties = OFFICER.counties_in(PROVINCE)
    return {year: {c: store.quarter_tallies([c], year) for c in counties} for year in YEARS}


def test_the_rebuild_rewrites_the_year_tallies_equal_to_the_incremental_ones_and_mends_a_lost_one(store):
    run = Run(store, 12)
    run.clock.at = datetime(2026, 11, 1, 2)
    for _ in range(120):
        run.step()
    run.clock.at = max(run.clock.at, datetime(2027, 1, 2, 2))
    for _ in range(40):
        run.step()
    incremental = year_tallies(store)
    assert sum(len(e) for by_county in incremental.values() for e in by_county.values()) > 0
    handlers.rebuild_tallies(store)
    assert year_tallies(store) == incremental
    store.replace_tally(QuarterTally, "130402:2026", {})  # lost
    store.replace_tally(QuarterTally, "130681:2026", {"ghost": quarter_entry(**fields())})  # wrong
    tallied, scanned = reports(store, run.calendar, PROVINCE, 2026, 4)
    assert tallied != scanned
    assert handlers.rebuild_tallies(store, ["130402"]) == {"130402": len(store.warning_tallies(["130402"])["130402"])}
    assert year_tallies(store)[2026]["130402"] == incremental[2026]["130402"]
    assert reports(store, run.calendar, "130402", 2026, 4)[0] == reports(store, run.calendar, "130402", 2026, 4)[1]
    handlers.rebuild_tallies(store)
    assert year_tallies(store) == incremental
    assert_reports_match_the_scan(store, run.calendar, QUARTERS)


def test_a_risk_proposal_written_by_the_event_path_is_in_its_year_tally(store):
    """``warning.proposed`` from risk (the per-event path, however it writes) sets the entry."""
    run = Run(store, 3)
    run.clock.at = datetime(2026, 11, 3, 2)
    data = dict(official_id="off-1", unit_id="unit-1", county="130403", level=3, trigger=TRIGGERS[3])
    data |= dict(risk_point="工程招投标", reasons=["风险画像分值越过阈值"])
    for n in (1, 2):  # the second one is the same matter: merged into the first warning
        envelope = {"id": str(uuid.uuid4()), "county": "130403", "data": data | {"proposal_id": f"prop-{n}"}}
        handlers.proposal_from_event(store, run.clock, envelope, RULES)
    (entry,) = store.quarter_tallies(["130403"], 2026).values()
    assert (entry["status"], entry["proposed"], entry["trigger"]) == ("proposed", "2026-11-03", TRIGGERS[3])
    assert reports(store, run.calendar, "130403", 2026, 4)[0]["total"] == 1


def test_the_listed_warnings_are_read_by_key_as_the_lines_their_documents_show(store):
    run = Run(store, 4)
    for _ in range(30):
        run.propose()
    ids = [w.id for w in store.find(["130402", "130403"], {"limit": 100})][:7]
    wanted = [ids[3], "missing", ids[0], ids[5], ids[3]]
    dump = QuarterlyReportSchema().fields["overdue"].inner.schema.dump
    assert [dump(w) for w in store.warning_items(wanted)] == [
        dump(w) for w in store.get_many(WarningRecord, [ids[3], ids[0], ids[5]])
    ]
    assert store.warning_items([]) == []
