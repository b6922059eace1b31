"""The reports' statistics from per-county, per-year tallies (issue 14 item 7) equal a scan of the
reports, whatever sequence of real operations wrote them, on any day and for any range; a rebuild
gives back the tallies the writes kept."""

import random
from datetime import date, datetime, timedelta

import pytest

from wuying_common.auth import Principal
from wuying_common.clock import UTC, beijing_date
from wuying_common.errors import WuyingError
from wuying_common.rules import RuleBroken
from wuying_intake import handlers
from wuying_intake.domain.catalog import CATEGORIES, STAFF_CHANNELS
from wuying_intake.domain.statistics import DIMENSIONS, durations, report_entry
from wuying_intake.persistence import Petition
from wuying_intake.persistence.tallies import YEARS_KEY, ReportTally

from .conftest import REVIEW

COUNTIES = ("130402", "130403", "130404")
CITY_COUNTIES = (*COUNTIES, "130406", "130408")  # 邯郸市's counties in the division list
STAFF = Principal(
    "clerk-1", frozenset({"intake_clerk", "intake_supervisor", "commission_secretary", "operator"}), ("130400",)
)
REPORTER = {"name": "李举报", "phone": "13912345678", "id_number": None, "address": "幸福路88号"}
CONTENTS = ("某镇在村道工程招标中指定施工单位，涉嫌围标串标。", "某局长利用职权为其亲属承揽工程提供便利，收受好处。")
TODAYS = (date(2026, 11, 20), date(2026, 12, 15), date(2027, 2, 1), date(2027, 6, 30))
RANGES = ((None, None), (date(2026, 11, 1), None), (None, date(2026, 12, 31)), (date(2026, 12, 1), date(2027, 1, 31)))


# -- the reference: a plain scan of the reports ---------------------------------------------------
def scanned(petitions: list[Petition], counties, calendar, today, since=None, until=None) -> dict:
    """What the statistics say, counted from the reports themselves."""
    rows = {c: [p for p in petitions if p.county == c] for c in counties}
    rows = {
        c: [p for p in ps if (not since or p.received_on >= since) and (not until or p.received_on <= until)]
        for c, ps in rows.items()
    }

    def days(p, moment):
        return calendar.working_days_between(p.received_on, beijing_date(moment))[0]

    def figures(ps):
        open_dues = [min((d.due for d in p.deadlines if d.met_on is None and not d.waived), default=None) for p in ps]
        return {
            "working_days_to_acceptance": durations(days(p, p.triage.triaged_at) for p in ps if p.triage),
            "working_days_to_closure": durations(days(p, p.closure.closed_at) for p in ps if p.closure),
            "overdue": sum(1 for due in open_dues if due is not None and due < today),
        }

    every = [p for ps in rows.values() for p in ps]
    counts = {
        dim: {code: sum(1 for p in every if getattr(p, dim) == code) for code in codes}
        for dim, codes in DIMENSIONS.items()
    }
    return {
        "total": len(every),
        **counts,
        **figures(every),
        "counties": [{"county": c, "total": len(ps), **figures(ps)} for c, ps in rows.items()],
    }


# -- the real operations, at random --------------------------------------------------------------
class NotApplicable(Exception):
    """No report in the state an operation needs."""


class Scenario:
    def __init__(self, store, clock, calendar, keyring, rng: random.Random) -> None:
        self.store, self.clock, self.calendar, self.keyring, self.rng = store, clock, calendar, keyring, rng
        self.ids: list[str] = []
        self.done: dict[str, int] = {}

    def ids_in(self, *statuses) -> list[str]:
        return [p.id for p in self.store.get_many(Petition, self.ids) if p.status in statuses]

    def pick(self, *statuses) -> str:
        found = self.ids_in(*statuses)
        if not found:
            raise NotApplicable()
        return self.rng.choice(found)

    def submit(self) -> None:
        rng, anonymous = self.rng, self.rng.random() < 0.5
        payload = {
            "category": rng.choice(list(CATEGORIES)),
            "county": rng.choice(COUNTIES),
            "content": rng.choice(CONTENTS),
            "subjects": [{"kind": "official", "name": rng.choice(("赵某", "钱某", "孙某")), "id": None}],
            "anonymous": anonymous,
            "reporter": None if anonymous else dict(REPORTER),
            "kind": rng.choice(("discipline_report", "petition")),
            "received_on": self.clock.today() - timedelta(days=rng.randrange(20)),
        }
        channel = rng.choice(sorted(STAFF_CHANNELS))
        result = handlers.submit_report(
            self.store, self.clock, self.calendar, self.keyring, payload, channel=channel, recorded_by="clerk-1"
        )
        self.ids.append(result.petition.id)

    def triage(self) -> None:
        pid = self.pick("received")
        outcome = self.rng.choice(("no_substance", "duplicate", "case_clue"))
        payload = {"outcome": outcome, "severity": "low", "subjects": [], "note": "研判理由"}
        handlers.triage(self.store, self.clock, STAFF, pid, payload, calendar=self.calendar)

    def close(self) -> None:
        payload = {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW}
        handlers.close(self.store, self.clock, STAFF, self.pick("triaged"), payload, calendar=self.calendar)

    def merge(self) -> None:
        open_ = self.store.get_many(Petition, self.ids_in("received", "triaged"))
        proposed = [p for p in open_ if p.duplicate_candidates]
        if not proposed:
            raise NotApplicable()
        later = self.rng.choice(proposed)
        payload = {
            "into": later.duplicate_candidates[0].petition_id,
            "confirmed_by": "clerk-1",
            "note": "",
            "collective_review": REVIEW,
        }
        handlers.merge(self.store, self.clock, STAFF, later.id, payload, calendar=self.calendar)

    def send_up(self) -> None:
        handlers.send_up(
            self.store, self.clock, STAFF, self.pick("received"), {"organ": "某市纪委", "reason": "属上级管辖"}
        )

    def extend(self) -> None:
        handling = [p for p in self.store.get_many(Petition, self.ids_in("triaged")) if p.deadline("handle")]
        if not handling:
            raise NotApplicable()
        pid = self.rng.choice(handling).id
        handlers.extend(self.store, STAFF, pid, "情况复杂需延长", self.rng.randint(1, 30), calendar=self.calendar)

    def feedback(self) -> None:
        owed = [p.id for p in self.store.get_many(Petition, self.ids_in("closed")) if p.deadline("feedback")]
        if not owed:
            raise NotApplicable()
        handlers.record_feedback(self.store, self.clock, STAFF, self.rng.choice(owed), {"method": "sms", "note": ""})

    def clock_runs(self) -> None:
        self.clock.advance(days=self.rng.randrange(1, 12))
        handlers.check_deadlines(self.store, self.clock, self.calendar)

    def import_history(self) -> None:
        rng, today = self.rng, self.clock.today()
        received = today - timedelta(days=rng.randrange(30, 500))
        accepted = datetime.combine(received + timedelta(days=rng.randrange(1, 20)), datetime.min.time(), UTC)
        closed = rng.random() < 0.5
        anonymous = rng.random() < 0.5
        report = {
            "petition_id": f"OLD-{rng.getrandbits(40):010x}",
            "channel": "letter",
            "category": rng.choice(list(CATEGORIES)),
            "county": rng.choice(COUNTIES),
            "kind": rng.choice(("discipline_report", "petition")),
            "content": "原系统登记的反映材料，内容完整。",
            "subjects": [{"kind": "official", "name": "周某", "id": None}],
            "anonymous": anonymous,
            "reporter": None if anonymous else dict(REPORTER),
            "received_on": received,
            "status": "closed" if closed else "triaged",
            "triage": {
                "outcome": "no_substance",
                "severity": "low",
                "subjects": [],
                "note": "",
                "triaged_at": accepted,
                "triaged_by": None,
            },
            "closure": {"answer": "已答复", "closed_at": accepted + timedelta(days=40), "closed_by": None}
            if closed
            else None,
            "acknowledged_on": None if anonymous else received + timedelta(days=3),
            "fed_back_on": None,
        }
        handlers.import_reports(self.store, self.clock, self.calendar, self.keyring, STAFF, [report])
        self.ids.append(report["petition_id"])

    OPERATIONS = (
        "submit",
        "submit",
        "triage",
        "close",
        "merge",
        "send_up",
        "extend",
        "feedback",
        "clock_runs",
        "import_history",
    )

    def run(self, steps: int) -> None:
        for _ in range(steps):
            name = self.rng.choice(self.OPERATIONS)
            try:
                getattr(self, name)()
            except (NotApplicable, RuleBroken, WuyingError):
                continue  # not applicable now (nothing to pick, a rule refuses it): nothing written
            self.done[name] = self.done.get(name, 0) + 1


def statistics(store, scope, today, since=None, until=None) -> dict:
    query = {"county": scope, "since": since, "until": until}
    stats = handlers.statistics(store, STAFF, query, today)
    assert stats.pop("county") == scope
    return stats


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_statistics_from_tallies_equal_a_scan_of_the_reports_after_any_sequence_of_operations(
    real_store, clock, calendar, keyring, seed
):
    scenario = Scenario(real_store, clock, calendar, keyring, random.Random(seed))
    scenario.run(150)
    # every kind of write happened, so the comparison covers each path
    assert set(scenario.done) == set(Scenario.OPERATIONS), scenario.done
    petitions = real_store.get_many(Petition, scenario.ids)
    assert len(petitions) == len(scenario.ids)
    for today in (*TODAYS, clock.today()):
        for since, until in RANGES:
            expected = scanned(petitions, CITY_COUNTIES, calendar, today, since, until)
            assert statistics(real_store, "130400", today, since, until) == expected
            county = expected["counties"][1]
            assert statistics(real_store, "130403", today, since, until)["overdue"] == county["overdue"]
    assert sum(statistics(real_store, "130400", d)["overdue"] for d in TODAYS) > 0  # overdue was exercised


def test_a_rebuild_gives_back_the_tallies_the_writes_kept_and_mends_a_damaged_one(real_store, clock, calendar, keyring):
    scenario = Scenario(real_store, clock, calendar, keyring, random.Random(7))
    scenario.run(80)
    keys = [f"{c}:{y}" for c in COUNTIES for y in (2025, 2026, 2027)] + [YEARS_KEY]
    kept = real_store.tallies(ReportTally, keys)
    assert sum(len(v) for k, v in kept.items() if k != YEARS_KEY) == len(scenario.ids)
    victim = scenario.ids[0]
    damaged = real_store.get_petition(victim)
    key = f"{damaged.county}:{damaged.received_on.year}"
    real_store.set_entry(ReportTally, key, victim, None)  # lost
    real_store.set_entry(ReportTally, key, "ghost", {"received_on": "2026-11-20", "status": "received"})
    assert real_store.rebuild_tallies([damaged.county])["reports"] > 0
    assert real_store.tallies(ReportTally, keys) == kept
    assert real_store.rebuild_tallies()["reports"] == len(scenario.ids)
    assert real_store.tallies(ReportTally, keys) == kept


def test_an_entry_holds_the_working_days_and_the_first_open_deadline(calendar):
    entry = report_entry(
        received_on=date(2026, 9, 28),
        status="closed",
        channel="letter",
        category="key_sectors",
        accepted_on=date(2026, 10, 9),  # National Day week between: 4 working days (28-30 Sep, 9 Oct)
        closed_on=None,
        open_dues=[date(2026, 12, 1), date(2026, 11, 3)],
        calendar=calendar,
    )
    assert entry == {
        "received_on": "2026-09-28",
        "status": "closed",
        "channel": "letter",
        "category": "key_sectors",
        "to_acceptance": 4,
        "open_due": "2026-11-03",
    }
    assert "to_closure" not in entry
