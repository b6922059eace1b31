"""Warning statistics from the counties' tallies (issue 14 item 7): the entry of a warning
(``domain.statistics``), the sum, and the tallies kept in step with the warnings by every
write path, on the embedded store and on the fake (same checks), against a scan of the records.
Seeds: 002/篇5 五–七 (the state machine and its deadlines), 篇8 第十八条."""

import random
import uuid
from datetime import date, datetime, timedelta

import pytest

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden, WuyingError
from wuying_common.rules import RuleBroken
from wuying_testing import FixedClock
from wuying_warning import handlers
from wuying_warning.domain import lifecycle
from wuying_warning.domain.deadlines import DEFAULT_RULE_VERSION, ruleset
from wuying_warning.domain.statistics import CountyFigures, sum_tallies, tally_entry
from wuying_warning.persistence import WarningTally
from wuying_warning.schemas import StatisticsSchema

RULES = ruleset(DEFAULT_RULE_VERSION)
TRIGGERS = {3: "public_reports", 2: "policy_deviation_signs", 1: "poor_annual_assessment"}
PROVINCE = "130000"
COUNTIES = ("130402", "130403", "130102", "130602")  # two of 邯郸市, one of 石家庄市, one of 保定市
OFFICIALS = {f"off-{i}": COUNTIES[i % len(COUNTIES)] for i in range(12)}
YEAR_2027 = {
    "year": 2027,
    "source": "国办发明电（测试）",
    "holidays": ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"],
    "workdays": ["2027-02-06"],
}


def person(subject, *roles, county=PROVINCE):
    return Principal(subject=subject, roles=frozenset(roles), counties=(county,))


OFFICER = person("officer-1", "warning_officer")
APPROVERS = {
    3: person("leader-1", "commission_leader"),
    2: person("sec-1", "commission_secretary"),
    1: person("pc-1", "party_committee"),
}
LIFTER = person("leader-2", "commission_leader")  # never the issuer (篇5 六4)


@pytest.fixture
def store(embedded_or_fake):
    return embedded_or_fake


# -- the entry and the sum (pure) ------------------------------------------------------------
@pytest.mark.parametrize("status", sorted(lifecycle.STATUSES))
def test_every_status_of_the_state_machine_has_its_entry(status):
    """Live = the state machine's open statuses (篇5 五–七); the board's five closed ones count
    nothing. The due date is the answer's while issued and the fix's while rectifying only."""
    entry = tally_entry(status, 2, "2026-12-04", "2026-12-21")
    if status in ("lifted", "revoked", "rejected", "superseded", "transferred_as_case_clue"):
        assert entry is None
    elif status == "issued":
        assert entry == {"level": 2, "status": "issued", "due": "2026-12-04"}
    elif status == "rectifying":
        assert entry == {"level": 2, "status": "rectifying", "due": "2026-12-21"}
    else:
        assert entry == {"level": 2, "status": status}


def test_an_issued_blue_warning_without_a_fix_date_and_a_proposal_carry_no_due_they_lack():
    assert tally_entry("issued", 3, None, None) == {"level": 3, "status": "issued"}
    assert tally_entry("rectifying", 1, "2026-12-04", None) == {"level": 1, "status": "rectifying"}


def test_the_sum_lists_every_county_sorted_with_zeros_and_counts_due_before_today_as_overdue():
    tallies = {
        "130403": {"a": {"level": 1, "status": "issued", "due": "2026-11-19"}, "b": {"level": 3, "status": "proposed"}},
        "130402": {"c": {"level": 2, "status": "rectifying", "due": "2026-11-20"}},  # due today: not yet overdue
    }
    stats = sum_tallies("130400", ["130403", "130404", "130402"], tallies, "2026-11-20")
    assert [c.county for c in stats.counties] == ["130402", "130403", "130404"]
    assert stats.counties[2] == CountyFigures("130404", 0, {"1": 0, "2": 0, "3": 0}, 0)
    assert (stats.live, stats.by_level, stats.overdue) == (3, {"1": 1, "2": 1, "3": 1}, 1)
    assert StatisticsSchema().dump(stats) == {
        "county": "130400",
        "as_of": "2026-11-20",
        "live": 3,
        "by_level": {"1": 1, "2": 1, "3": 1},
        "overdue": 1,
        "counties": [
            {"county": "130402", "live": 1, "by_level": {"1": 0, "2": 1, "3": 0}, "overdue": 0},
            {"county": "130403", "live": 2, "by_level": {"1": 1, "2": 0, "3": 1}, "overdue": 1},
            {"county": "130404", "live": 0, "by_level": {"1": 0, "2": 0, "3": 0}, "overdue": 0},
        ],
    }


# -- the reference: a plain scan of the records, as the console counted (Dashboard.vue) -------------
CLOSED = {"lifted", "revoked", "rejected", "superseded", "transferred_as_case_clue"}  # the board's list


def scanned(warnings, counties, today):
    rows = {c: {"county": c, "live": 0, "by_level": {"1": 0, "2": 0, "3": 0}, "overdue": 0} for c in counties}
    for w in warnings:
        if w.county not in rows or w.status in CLOSED:
            continue
        row = rows[w.county]
        row["live"] += 1
        row["by_level"][str(w.level)] += 1
        late = (w.status == "issued" and w.answer_due and w.answer_due < today) or (
            w.status == "rectifying" and w.fix_due and w.fix_due < today
        )
        row["overdue"] += bool(late)
    ordered = [rows[c] for c in sorted(rows)]
    return {
        "live": sum(r["live"] for r in ordered),
        "by_level": {k: sum(r["by_level"][k] for r in ordered) for k in ("1", "2", "3")},
        "overdue": sum(r["overdue"] for r in ordered),
        "counties": ordered,
    }


def all_warnings(store):
    return list(store.find(Principal("t", frozenset(), (PROVINCE,)).counties_in(PROVINCE), {"limit": 10**6}))


def figures_on(store, scope, today):
    clock = FixedClock(datetime.combine(today, datetime.min.time()) + timedelta(hours=4))
    stats = StatisticsSchema().dump(handlers.warning_statistics(store, clock, OFFICER, {"county": scope}))
    assert (stats.pop("county"), stats.pop("as_of")) == (scope, today.isoformat())
    return stats


def assert_statistics_match_a_scan(store, todays):
    warnings = all_warnings(store)
    for scope in (PROVINCE, "130400", "130402", "130681"):
        counties = OFFICER.counties_in(scope)
        for today in todays:
            assert figures_on(store, scope, today) == scanned(warnings, counties, today.isoformat()), (scope, today)


# -- random sequences of the real operations ------------------------------------------------------
class Run:
    """Applies random operations through the handlers; counts which ones went through."""

    def __init__(self, store, seed):
        self.store, self.rnd = store, random.Random(seed)
        self.clock = FixedClock(datetime(2026, 11, 20, 2))
        self.calendar = WorkingDayCalendar.official()
        self.done: dict[str, int] = {}
        self.petitions = 0

    def pick(self, *statuses):
        return self.choose(w for w in all_warnings(self.store) if not statuses or w.status in statuses)

    def choose(self, warnings):
        # Ordered by what the run chose, not by the random ids: a seed replays the same run.
        found = sorted(warnings, key=lambda w: (w.proposed_at, w.official_id, w.level, w.matter or "", w.status))
        return self.rnd.choice(found) if found else None

    def step(self):
        name = self.rnd.choice(
            ["propose"] * 5
            + ["risk", "approve", "approve", "reject", "respond", "respond", "revisit", "revisit", "lift", "appeal"]
            + ["decide_appeal", "transfer", "extend", "timer", "report", "finding", "days", "days"]
        )
        try:
            went = getattr(self, name)()
        except (WuyingError, RuleBroken):  # refused by a rule or the state machine: nothing written
            went = False
        if went is not False:
            self.done[name] = self.done.get(name, 0) + 1

    def propose(self):
        official = self.rnd.choice(sorted(OFFICIALS))
        level = self.rnd.choice([3, 3, 2, 1])
        payload = {
            "official_id": official,
            "unit_id": "unit-1",
            "county": OFFICIALS[official],
            "level": level,
            "reasons": ["理由"],
            "trigger": TRIGGERS[level],
            "risk_point": self.rnd.choice(["工程招投标", "资金拨付", None]),
            "issued_on": None,
        }
        handlers.propose(self.store, self.clock, OFFICER, payload, RULES)

    def risk(self):
        official = self.rnd.choice(sorted(OFFICIALS))
        level = self.rnd.choice([3, 2])
        envelope = {
            "id": str(uuid.uuid4()),
            "county": OFFICIALS[official],
            "data": {
                "proposal_id": f"prop-{uuid.uuid4().hex[:6]}",
                "official_id": official,
                "unit_id": "unit-1",
                "county": OFFICIALS[official],
                "level": level,
                "risk_point": "工程招投标",
                "trigger": TRIGGERS[level],
                "reasons": ["风险画像分值越过阈值"],
            },
        }
        handlers.proposal_from_event(self.store, self.clock, envelope, RULES)

    def approve(self):
        w = self.pick("proposed")
        if w is None:
            return False
        handlers.approve(
            self.store, self.clock, self.calendar, RULES, APPROVERS[w.level], w.id, {"reasons": ["依规决定"]}
        )

    def reject(self):
        w = self.pick("proposed")
        if w is None:
            return False
        handlers.reject(self.store, self.clock, APPROVERS[w.level], w.id, {"reasons": ["不予发出"]})

    def respond(self):
        w = self.pick("issued", "rectifying")
        if w is None:
            return False
        official = person(w.official_id, "official", county=w.county)
        handlers.respond(self.store, self.clock, official, w.id, {"content": "说明与整改情况"})

    def revisit(self):
        w = self.pick("answered", "rectified")
        if w is None:
            return False
        payload = {"methods": ["hearing"], "opinion": "整改到位", "revisited_on": None}
        handlers.revisit(self.store, self.clock, OFFICER, w.id, payload)

    def lift(self):
        w = self.pick("revisited")
        if w is None:
            return False
        handlers.lift(self.store, self.clock, LIFTER, w.id, {"note": None})

    def appeal(self):
        w = self.pick(*lifecycle.APPEALABLE)
        if w is None:
            return False
        official = person(w.official_id, "official", county=w.county)
        handlers.appeal(self.store, self.clock, official, w.id, {"reasons": ["事实有出入"]})

    def decide_appeal(self):
        w = self.pick("appealed")
        if w is None:
            return False
        payload = {
            "outcome": self.rnd.choice(["upheld", "upheld", "revoked"]),
            "reasons": ["经核查"],
            "decided_on": None,
        }
        handlers.decide_appeal(self.store, self.clock, self.calendar, APPROVERS[w.level], w.id, payload)

    def transfer(self):
        if self.rnd.random() < 0.6:  # rarer than the others: it ends the matter
            return False
        w = self.pick(*lifecycle.OPEN)
        if w is None:
            return False
        handlers.transfer(self.store, self.clock, OFFICER, w.id, {"reason": "已构成违纪"})

    def extend(self):
        w = self.pick("issued", "rectifying")
        if w is None or w.level != 1:
            return False
        handlers.extend(
            self.store, self.clock, self.calendar, APPROVERS[1], w.id, {"reasons": ["确需延期"], "until": None}
        )

    def timer(self):
        handlers.check_deadlines(self.store, self.clock, self.calendar, RULES)

    def report(self):
        w = self.pick("issued", "answered", "rectifying", "rectified", "revisited")
        if w is None:
            return False
        self.petitions += 1
        envelope = {
            "id": str(uuid.uuid4()),
            "county": w.county,
            "time": self.clock.now().isoformat().replace("+00:00", "Z"),
            "data": {
                "petition_id": f"p-{self.petitions}",
                "outcome": "integrity_information",
                "subjects": [{"kind": "official", "id": w.official_id}],
            },
        }
        handlers.report_from_triage(self.store, self.clock, envelope)

    def finding(self):
        w = self.choose(w for w in all_warnings(self.store) if w.reports_pending)
        if w is None:
            return False
        pending = [r["petition_id"] for r in w.pending_reports if r.get("status") == "pending_verification"]
        if not pending:
            return False
        payload = {"substantiated": self.rnd.random() < 0.7, "reasons": ["经调查核实"]}
        handlers.record_finding(self.store, self.clock, OFFICER, w.id, pending[0], payload)

    def days(self):
        self.clock.advance(days=self.rnd.randint(1, 12))

    def load_2027(self):
        """Loading 2027 recounts the provisional dues counted into it (a bulk path)."""
        event = {"id": str(uuid.uuid4()), "county": PROVINCE, "data": YEAR_2027}
        return handlers.year_loaded_from_event(self.store, self.clock, self.calendar, event)


def todays_around(store, run):
    dues = sorted({d for w in all_warnings(store) for d in (w.answer_due, w.fix_due) if d})
    picked = random.Random(5).sample(dues, min(6, len(dues)))
    days = {run.clock.today(), date(2026, 11, 20), run.clock.today() + timedelta(days=40)}
    for due in picked:  # the day before, of, and after a due date: the boundary of "overdue"
        day = date.fromisoformat(due)
        days.update({day - timedelta(days=1), day, day + timedelta(days=1)})
    return sorted(days)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_operations_keep_the_tallies_equal_to_a_scan_of_the_warnings(store, seed):
    """Every path that writes a warning (staff and risk proposals, one matter one warning,
    approval and the superseding it causes, rejection, answers, revisit, lifting, appeals and
    their decisions, transfers, extensions, the deadline timer's escalations, new reports and
    findings, a loaded calendar year's recount) keeps its county's entry in step: the statistics
    from the tallies equal a scan of the records on several days, for the province, a city, a
    county and a county without warnings."""
    run = Run(store, seed)
    for _ in range(140):
        run.step()
    assert_statistics_match_a_scan(store, todays_around(store, run))
    # Into 2027: dues counted there are provisional until the year is loaded, then recounted.
    run.clock.at = datetime(2027, 1, 25, 2)
    for _ in range(60):
        run.step()
    assert run.load_2027() == "processed"
    for _ in range(40):
        run.step()
    assert_statistics_match_a_scan(store, todays_around(store, run))
    # The run went through the paths it claims to cover, and the figures are not all zero.
    assert {"propose", "risk", "approve", "reject", "respond", "revisit", "appeal", "timer"} <= set(run.done), run.done
    statuses = {w.status for w in all_warnings(store)}
    assert {"issued", "superseded"} & statuses and statuses - CLOSED, statuses
    assert figures_on(store, PROVINCE, run.clock.today())["live"] > 0


def test_a_recount_of_provisional_dues_moves_the_entry_due_date(store):
    """A year loaded (a bulk path over every open provisional warning) moves the due dates the
    tallies hold: a blue notice of Fri 2027-01-29 is due Tue 2027-02-09 counted weekends-only,
    Mon 2027-02-15 on the loaded 2027 calendar (8–12 February off)."""
    run = Run(store, 0)
    run.clock.at = datetime(2027, 1, 29, 2)
    payload = {"official_id": "off-1", "unit_id": "unit-1", "county": "130402", "level": 3, "reasons": ["理由"]}
    payload |= {"trigger": TRIGGERS[3], "risk_point": None, "issued_on": None}
    w = handlers.propose(store, run.clock, OFFICER, payload, RULES)
    handlers.approve(store, run.clock, run.calendar, RULES, APPROVERS[3], w.id, {})
    assert store.warning_tallies(["130402"])["130402"][w.id] == {"level": 3, "status": "issued", "due": "2027-02-09"}
    assert figures_on(store, "130402", date(2027, 2, 10))["overdue"] == 1
    run.load_2027()
    assert store.warning_tallies(["130402"])["130402"][w.id] == {"level": 3, "status": "issued", "due": "2027-02-15"}
    assert figures_on(store, "130402", date(2027, 2, 10))["overdue"] == 0
    assert_statistics_match_a_scan(store, [date(2027, 2, 9), date(2027, 2, 15), date(2027, 2, 16)])


# -- rebuild ----------------------------------------------------------------------------------------
def wipe(store, county):
    """A tally lost (a failure between records and their entries, a migration)."""
    store.replace_tally(WarningTally, county, {"ghost": {"level": 1, "status": "issued", "due": "2000-01-01"}})


def test_a_rebuild_from_the_records_equals_the_incremental_tallies_and_mends_a_lost_one(store):
    run = Run(store, 11)
    for _ in range(120):
        run.step()
    counties = OFFICER.counties_in(PROVINCE)
    incremental = store.warning_tallies(counties)
    assert sum(len(e) for e in incremental.values()) > 0
    rebuilt = handlers.rebuild_tallies(store)
    assert store.warning_tallies(counties) == incremental
    assert rebuilt == {c: len(e) for c, e in sorted(incremental.items()) if e}
    wipe(store, "130402")
    wipe(store, "130681")  # a county without warnings but with a (wrong) tally
    assert figures_on(store, "130402", date(2026, 12, 1)) != scanned(all_warnings(store), ["130402"], "2026-12-01")
    assert handlers.rebuild_tallies(store, ["130402"]) == {"130402": len(incremental["130402"])}
    assert store.warning_tallies(["130402"])["130402"] == incremental["130402"]
    assert handlers.rebuild_tallies(store)["130681"] == 0
    assert store.warning_tallies(counties) == {c: incremental.get(c, {}) for c in counties}


def test_a_scope_outside_the_token_is_forbidden_and_a_city_rolls_up_its_counties(store):
    handlers.propose(
        store,
        FixedClock(datetime(2026, 11, 20, 2)),
        OFFICER,
        {
            "official_id": "off-1",
            "unit_id": "unit-1",
            "county": "130402",
            "level": 3,
            "reasons": ["理由"],
            "trigger": TRIGGERS[3],
            "risk_point": None,
            "issued_on": None,
        },
    )
    clock = FixedClock(datetime(2026, 11, 20, 2))
    city = handlers.warning_statistics(store, clock, person("a", "auditor", county="130400"), {"county": "130400"})
    assert [c.county for c in city.counties] == ["130402", "130403", "130404", "130406", "130408"]
    assert (city.live, city.by_level["3"]) == (1, 1)
    with pytest.raises(Forbidden) as outside:
        handlers.warning_statistics(store, clock, person("a", "auditor", county="130400"), {"county": "130102"})
    assert outside.value.code == "county_forbidden"
    with pytest.raises(Forbidden):
        handlers.warning_statistics(store, clock, person("a", "auditor", county="130402"), {"county": "130000"})
