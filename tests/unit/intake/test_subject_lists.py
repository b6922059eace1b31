"""The duplicate check on arrival by key (issue 15 item 2c; seeds/001 黑龙江): ``IntakeStore`` keeps
each county's reports about a subject in a list read by ``_id`` (``SubjectReports``) and must
answer ``about_subjects_since`` exactly as a scan of every petition does (``FakeIntakeStore``
scans). Here on the real store (embedded, or MongoDB when ``MONGODB_URI`` is set): the same
operations on both stores give the same answers, and the crash windows between a petition and
its lists never hide a report."""

import random
from datetime import date, datetime, timedelta

import pytest

from wuying_common.errors import Conflict
from wuying_intake.domain.screening import DUPLICATE_LOOKBACK, subject_index_key
from wuying_intake.persistence import Petition, ReportedSubject, SubjectReports
from wuying_testing.fakes.intake import FakeIntakeStore

SUBJECTS = [f"official:id:o{i}" for i in range(5)] + ["official:name:王某", "unit:name:某局"]
COUNTIES = ["130402", "130403"]
START = date(2025, 6, 1)


def petition(pid, received_on, keys, county="130402", content=None) -> Petition:
    return Petition(
        id=pid,
        channel="portal",
        category="other",
        county=county,
        content=content or f"关于{pid}反映的问题",
        subjects=[ReportedSubject(kind="official", name="王某")],
        subject_keys=sorted(keys),
        anonymous=True,
        received_on=received_on,
        received_at=datetime.combine(received_on, datetime.min.time()),
    )


def answers(store, queries):
    return [store.about_subjects_since(county, keys, since, limit) for county, keys, since, limit in queries]


def random_queries(rng, n=150):
    return [
        (
            rng.choice(COUNTIES),
            rng.sample(SUBJECTS, rng.choice([1, 2, 3])),
            START + timedelta(days=rng.randrange(-20, 560)),
            rng.choice([1, 5, DUPLICATE_LOOKBACK]),
        )
        for _ in range(n)
    ]


def test_the_lists_answer_as_a_scan_of_every_petition_through_arrivals_triage_and_purges(real_store):
    rng = random.Random(15)
    fake = FakeIntakeStore()
    for n in range(400):
        keys = rng.sample(SUBJECTS, rng.choice([1, 1, 2]))
        report = (f"XF{n:04d}", START + timedelta(days=rng.randrange(540)), keys, rng.choice(COUNTIES))
        for store in (real_store, fake):
            store.add(petition(*report))
        if n % 7 == 3:  # triage resolves another subject; a purge drops the names
            pid = f"XF{rng.randrange(n + 1):04d}"
            extra = rng.choice(SUBJECTS)
            for store in (real_store, fake):
                triaged = store.get_petition(pid)
                triaged.subject_keys = sorted({*triaged.subject_keys, extra})
                store.save(triaged)
        if n % 11 == 5:
            pid = f"XF{rng.randrange(n + 1):04d}"
            for store in (real_store, fake):
                purged = store.get_petition(pid)
                purged.subject_keys = [k for k in purged.subject_keys if ":name:" not in k]
                store.save(purged)
    queries = random_queries(rng)
    expected = answers(fake, queries)
    assert answers(real_store, queries) == expected
    assert sum(len(a) > 1 for a in expected) > 50  # the queries found reports to order
    for (county, keys, since, limit), found in zip(queries, expected, strict=True):  # the query it replaces
        before = Petition.objects(county=county, subject_keys__in=keys, received_on__gte=since)
        newest = sorted(before.only("id", "content", "received_on"), key=lambda p: (p.received_on, p.id))[::-1]
        assert [(p.id, p.content) for p in newest[:limit]] == found


def test_a_subject_with_more_reports_than_the_lookback_keeps_the_newest_and_answers_as_the_scan(real_store):
    fake = FakeIntakeStore()
    for n in range(DUPLICATE_LOOKBACK + 30):
        for store in (real_store, fake):
            store.add(petition(f"XF{n:04d}", START + timedelta(days=n % 90), ["official:id:o1"]))
    index = real_store.get(SubjectReports, subject_index_key("130402", "official:id:o1"))
    assert len(index.entries) == DUPLICATE_LOOKBACK
    assert index.entries == sorted(index.entries, reverse=True)
    queries = [("130402", ["official:id:o1"], START + timedelta(days=d), DUPLICATE_LOOKBACK) for d in (0, 30, 80)]
    assert answers(real_store, queries) == answers(fake, queries)
    assert len(answers(real_store, queries)[0]) == DUPLICATE_LOOKBACK


def test_an_entry_whose_petition_was_never_written_or_lost_its_key_is_skipped(real_store):
    """Crash windows: the entry is written before its petition and dropped after it, so a crash
    in between leaves an entry without its report, never a report without its entry; reads check
    each entry against the petition."""
    day = date(2026, 11, 20)
    real_store.add(petition("A", day, ["official:name:王某"]))
    real_store._enter_subjects(petition("LOST", day, ["official:name:王某"]), ["official:name:王某"])
    since = day - timedelta(days=180)
    assert [p for p, _ in real_store.about_subjects_since("130402", ["official:name:王某"], since)] == ["A"]

    class Crash(Exception):
        pass

    def crash(*args):
        raise Crash

    real_store._leave_subjects = crash  # the purge is written, then the process dies
    purged = real_store.get_petition("A")
    purged.subject_keys = []
    with pytest.raises(Crash):
        real_store.save(purged)
    assert real_store.get_petition("A").subject_keys == []
    assert real_store.about_subjects_since("130402", ["official:name:王某"], since) == []


def test_a_petition_is_entered_once_however_often_it_is_written(real_store):
    day = date(2026, 11, 20)
    real_store.add(petition("A", day, ["official:id:o1"]))
    with pytest.raises(Conflict):
        real_store.add(petition("A", day, ["official:id:o1"]))
    stored = real_store.get_petition("A")
    stored.subject_keys = ["official:id:o1", "official:id:o2"]
    real_store.save(stored)
    stale = real_store.get_petition("A")
    stale.version = 1  # a writer holding the report from before the triage
    stale.subject_keys = ["official:id:o1", "official:id:o3"]
    with pytest.raises(Conflict):
        real_store.save(stale)
    lists = real_store.get_many(SubjectReports, [subject_index_key("130402", f"official:id:o{i}") for i in (1, 2, 3)])
    assert [s.entries for s in lists] == [["2026-11-20 A"]] * 3  # o3: left by the refused write
    assert real_store.about_subjects_since("130402", ["official:id:o3"], day) == []


def test_petitions_stored_before_the_lists_are_entered_at_start_up(real_store):
    rng = random.Random(7)
    fake = FakeIntakeStore()
    for n in range(120):
        report = (
            f"XF{n:04d}",
            START + timedelta(days=rng.randrange(300)),
            rng.sample(SUBJECTS, 2),
            rng.choice(COUNTIES),
        )
        for store in (real_store, fake):
            store.add(petition(*report))
    real_store.db()["subject_reports"].delete_many({})  # as stored by the version before the lists
    assert real_store.about_subjects_since("130402", SUBJECTS[:2], START) == []
    real_store.ensure_indexes()
    queries = random_queries(rng, 60)
    assert answers(real_store, queries) == answers(fake, queries)
    assert real_store.build_subject_lists() == 0  # built once
    assert real_store.build_subject_lists(force=True) == 120
    assert answers(real_store, queries) == answers(fake, queries)
