"""The conditions and the credit evaluated on stored rows decide what the document path decided
(issue 15 item 2b). ``reference_*`` below is the path as it was before (340567e): mongoengine
documents of the officials and dossiers, the hits written by ``store.save``, then the credit read,
recomputed and saved again with its event. The row path (``conditions.evaluate`` with ``credit``)
reads views by key, computes facts and hits once for both and writes each dossier once. On the
same randomized officials and dossiers, for the event path (stored rows), the nightly sweep
(documents) and the officials import (rows, no credit), both must raise the same reminders with
the same events and leave the same hit records, credit and credit events, on the embedded store,
on the MongoDB branch of the store (run over mongomock) and on the tests' fake."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest

from wuying_archive.domain.conditions import Facts, new_evidence
from wuying_archive.domain.credit import CREDIT_RULES, integrity_credit
from wuying_archive.domain.matters import SANCTION_MONTHS
from wuying_archive.handlers import conditions
from wuying_archive.handlers.conditions import Evaluator, evaluate
from wuying_archive.persistence import (
    ALIAS,
    ArchiveStore,
    Dossier,
    DossierView,
    MatterDoc,
    OccupancyDoc,
    Official,
    Reminder,
    SignalDoc,
    dossier_row,
)
from wuying_archive.schemas import INTEGRITY_CREDIT_CHANGED, ReminderCreatedEnvelopes
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import beijing_date
from wuying_common.store import connect_store
from wuying_testing.fakes.archive import FakeArchiveStore

TODAY = date(2026, 11, 20)  # the clock fixture's day
COUNTY = "130402"
TAGS = ("finance", "procurement", "education", "sensitive_post")
SIGNAL_KINDS = ("report", "warning_overdue", "warning_lifted", "warning_superseded", "warning_issued", "finding")


# -- the document path as it was (the reference) ------------------------------------------------
def reference_facts(official: Official, dossier: Dossier | None) -> Facts:
    return Facts(
        official.id,
        official.status,
        frozenset(official.tags or ()),
        official.occupancies(),
        dossier.matter_records() if dossier else (),
        dossier.signal_facts() if dossier else (),
    )


def reference_evaluate(store, clock, evaluator, officials: list[Official]) -> list[str]:
    dossiers = {d.id: d for d in store.dossiers([o.id for o in officials])}
    today = beijing_date(clock.now())
    envelopes = ReminderCreatedEnvelopes(clock.now())
    created, fresh = [], {}
    for official in officials:
        person = conditions._person(official)
        dossier = dossiers.get(official.id)
        hits_now = dict(dossier.hits) if dossier else {}
        changed = False
        for hit in evaluator.rules.evaluate(reference_facts(official, dossier), today, evaluator.calendar):
            state = hits_now.get(hit.code) or {}
            if state and (not state.get("closed") or not new_evidence(hit, tuple(state.get("evidence", ())))):
                continue
            son = conditions._reminder(person, hit, state.get("round", 0) + 1, evaluator, today, clock, envelopes)
            created.append(son)
            hits_now[hit.code] = {
                "round": son["round"],
                "evidence": list(hit.evidence),
                "reminder_id": son["_id"],
                "closed": False,
            }
            changed = True
        if changed and dossier is None:
            fresh[official.id] = dossier_row(official.id, official.county, hits=hits_now)
        elif changed:
            dossier.hits = hits_now
            store.save(dossier)
    inserted = store.insert_reminders(created)
    store.insert_dossiers(list(fresh.values()))
    return sorted(son["_id"] for son in created if son["_id"] in inserted)


def reference_refresh_credit(store, clock, evaluator, officials: list[Official]) -> None:
    today, rules = beijing_date(clock.now()), CREDIT_RULES
    for official in officials:
        dossier = store.get(Dossier, official.id)
        facts = reference_facts(official, dossier)
        credit = integrity_credit(facts, evaluator.rules.evaluate(facts, today, evaluator.calendar), today, rules)
        stored = dict(dossier.credit) if dossier and dossier.credit else None
        fresh = {
            "score": credit.score,
            "level": credit.level,
            "level_zh": credit.level_zh,
            "rule_version": credit.rule_version,
            "factors": [f.to_dict() for f in credit.factors],
        }
        if stored == fresh or (stored is None and credit.score == rules.base and not credit.factors):
            continue
        dossier = dossier or Dossier(id=official.id, county=official.county)
        dossier.credit = fresh
        data = dict(
            fresh,
            official_id=official.id,
            county=official.county,
            previous_score=stored["score"] if stored else rules.base,
            computed_on=today.isoformat(),
        )
        dossier.record_event(INTEGRITY_CREDIT_CHANGED, data, now=clock.now())
        store.save(dossier) if dossier.version else store.add(dossier)


# -- randomized officials and dossiers ------------------------------------------------------------
def _day(rng: random.Random, years_back: float) -> str:
    return (TODAY - timedelta(days=rng.randint(0, int(365 * years_back)))).isoformat()


def _record(rng: random.Random, n: int, relatives: list[str]) -> dict:
    kind = rng.choice(
        ["spouse", "child", "child_spouse", "business", "directorship", "side_job", "foreign_status"]
        + ["residence_abroad", "personal_report", "report_check", "sanction", "assessment"]
    )
    record = {"id": f"m{n}", "kind": kind, "source": "personal_report", "recorded_on": _day(rng, 3)}
    if kind in ("spouse", "child", "child_spouse"):
        record.update(name=f"亲属{n}", settled_abroad=rng.random() < 0.4)
        if rng.random() < 0.3:
            record["foreign_status"] = rng.choice(["nationality", "permanent_residency"])
        if kind == "child_spouse" and relatives:
            record["relative_of"] = rng.choice(relatives)
    elif kind in ("business", "directorship", "side_job"):
        record.update(
            holder=rng.choice(["self", *relatives]) if relatives else "self",
            company=f"公司{n}",
            within_remit=rng.random() < 0.5,
            paid=rng.random() < 0.5,
            approved=rng.random() < 0.5,
        )
    elif kind == "foreign_status":
        record["foreign_status"] = rng.choice(["nationality", "permanent_residency"])
    elif kind == "personal_report":
        record.update(year=rng.randint(2023, 2026), on_time=rng.random() < 0.6)
    elif kind == "report_check":
        record["check_result"] = rng.choice(["consistent", "omission", "concealment"])
    elif kind == "sanction":
        record.update(sanction=rng.choice(sorted(SANCTION_MONTHS)), decided_on=_day(rng, 2.5))
    else:
        record.update(
            year=rng.randint(2024, 2025),
            grade=rng.choice(["excellent", "competent", "basically_competent", "incompetent"]),
            satisfaction=rng.choice([0, 55, 75, 85, 95]),
        )
    if rng.random() < 0.15:
        record["ended_on"] = _day(rng, 1)
    return record


def _signal(rng: random.Random, warnings: list[str]) -> dict:
    kind = rng.choice(SIGNAL_KINDS)
    ref = rng.choice(warnings) if kind.startswith("warning") else f"ref-{rng.randint(1, 5)}"
    detail = rng.choice(["blue", "yellow", "red"]) if kind == "warning_issued" else ""
    if kind == "finding":
        detail = rng.choice(["early_sign", "general", "serious"])
    event_id = str(uuid.UUID(int=rng.getrandbits(128)))
    return {"event_id": event_id, "kind": kind, "on": _day(rng, 2.5), "ref": ref, "detail": detail}


def world(seed: int, count: int = 40) -> tuple[list[Official], list[Dossier]]:
    rng = random.Random(seed)
    officials, dossiers = [], []
    for i in range(count):
        oid = f"off-{seed}-{i:03d}"
        postings = [
            OccupancyDoc(
                unit_id=f"unit-{rng.randint(1, 3)}",
                post=rng.choice(["局长", "科长", "主任"]),
                rank="正科级",
                kind="post",
                start=_day(rng, 14),
                end=None if j == 0 else _day(rng, 1),
            )
            for j in range(rng.randint(0, 2))
        ]
        officials.append(
            Official(
                id=oid,
                name=f"官员{i}",
                county=COUNTY,
                unit_id="unit-1",
                post="局长",
                rank="正科级",
                status=rng.choice(["serving", "serving", "seconded", "retired"]),
                commission_staff=rng.choice([0, 1]),
                postings=postings,
                tags=rng.sample(TAGS, rng.randint(0, 2)),
            )
        )
        if rng.random() < 0.2:
            continue  # no dossier yet
        records = []
        for n in range(1, rng.randint(0, 6) + 1):
            relatives = [r["id"] for r in records if r["kind"] in ("child",)]
            records.append(_record(rng, n, relatives))
        warnings = [f"w-{i}-{k}" for k in range(3)]
        signals = [_signal(rng, warnings) for _ in range(rng.randint(0, 8))]
        dossier = Dossier(
            id=oid,
            county=COUNTY,
            records=[MatterDoc(**r) for r in records],
            next_record=len(records) + 1,
            signals=[SignalDoc(**s) for s in signals],
        )
        for code in rng.sample(["side_job", "repeated_reports", "long_tenure", "warning_unrectified"], 2):
            if rng.random() < 0.5:
                evidence = ["record:m1"] if rng.random() < 0.5 else []
                dossier.hits[code] = {
                    "round": rng.randint(1, 2),
                    "evidence": evidence,
                    "reminder_id": f"{oid}/{code}/1",
                    "closed": rng.random() < 0.6,
                }
        if rng.random() < 0.4:
            dossier.credit = rng.choice(
                [
                    {"score": 100, "level": "good", "level_zh": "良好", "rule_version": "2026.1", "factors": []},
                    {"score": 55, "level": "focus", "level_zh": "重点关注", "rule_version": "2026.1", "factors": []},
                ]
            )
        dossiers.append(dossier)
    return officials, dossiers


def more_signals(seed: int, officials: list[Official]) -> list[tuple[str, dict]]:
    """A second round: signals learnt since, for some officials (the same on both stores)."""
    rng = random.Random(seed + 1)
    return [
        (o.id, _signal(rng, [f"w-{o.id[-3:]}-{k}" for k in range(3)]))
        for o in officials
        for _ in range(rng.choice([0, 0, 1, 3]))
    ]


# -- the stores --------------------------------------------------------------------------------
def fresh_store(kind: str):
    if kind == "fake":
        return FakeArchiveStore()
    connect_store(ALIAS, f"wuying_paths_{uuid.uuid4().hex[:8]}", None)  # mongomock, a database of its own
    return ArchiveStore(ALIAS, kind)  # "mongodb": the store's MongoDB branch, run over mongomock


def load(store, officials: list[Official], dossiers: list[Dossier]) -> None:
    for doc in officials + dossiers:
        store.add(type(doc)._from_son(doc.to_mongo().to_dict()))


def _event(entry: dict) -> tuple:
    envelope = entry["envelope"]
    return (entry["routing_key"], envelope["type"], envelope["subject"], envelope["county"], envelope["data"])


def outcome(store) -> dict:
    """What evaluating left: every reminder (its event without its id) and every dossier's hit
    records, credit and events (the version aside: the row path writes once, the reference twice)."""
    if isinstance(store, FakeArchiveStore):
        reminders, dossiers = store._table(Reminder).values(), store._table(Dossier).values()
    else:
        reminders, dossiers = Reminder._get_collection().find(), Dossier._get_collection().find()
    found = {}
    for row in reminders:
        found[row["_id"]] = {k: v for k, v in row.items() if k not in ("outbox", "_cls")}
        found[row["_id"]]["events"] = [_event(e) for e in row["outbox"]]
    for row in dossiers:
        view = DossierView.of_row(row)
        found[row["_id"]] = {
            "hits": dict(view.hits),
            "credit": view.credit,
            "records": view.records,
            "signals": view.signals,
            "events": [_event(e) for e in row.get("outbox") or ()],
        }
    return found


@pytest.fixture
def connections(embedded_store):
    embedded_store(ALIAS)  # disconnected after the test


@pytest.mark.parametrize("kind", ["embedded", "mongodb", "fake"])
@pytest.mark.parametrize("path", ["event", "sweep", "import"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_row_path_decides_what_the_document_path_decided(connections, clock, kind, path, seed):
    evaluator = Evaluator(WorkingDayCalendar.official())
    officials, dossiers = world(seed)
    with_credit = path != "import"  # an officials import evaluates the conditions only
    results = {}
    for side in ("reference", "rows"):
        store = fresh_store(kind)
        load(store, officials, dossiers)
        raised = []
        for round_ in (1, 2):
            if round_ == 2:
                for oid, signal in more_signals(seed, officials):
                    store.add_signal(oid, COUNTY, signal, conditions.MAX_SIGNALS)
            ids = [o.id for o in officials]
            if side == "reference":
                docs = store.get_many(Official, ids)
                raised.append(reference_evaluate(store, clock, evaluator, docs))
                if with_credit:
                    reference_refresh_credit(store, clock, evaluator, docs)
                continue
            given = store.get_many(Official, ids) if path == "sweep" else store.stored_officials(ids).values()
            credit = CREDIT_RULES if with_credit else None
            new = evaluate(store, clock, evaluator, given, credit=credit, documents=path != "import")
            raised.append(sorted(r.id for r in new) if path != "import" else len(new))
        results[side] = (raised, outcome(store))
    (ref_raised, ref_outcome), (row_raised, row_outcome) = results["reference"], results["rows"]
    if path == "import":
        ref_raised = [len(r) for r in ref_raised]
    assert row_raised == ref_raised
    assert row_outcome == ref_outcome
    # the randomized world exercises what it must: reminders raised in both rounds, credits sent
    assert all(ref_raised)
    sent = [e for v in ref_outcome.values() if "hits" in v for e in v["events"]]
    assert bool(sent) == with_credit
