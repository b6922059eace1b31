"""Evaluating the twelve warning conditions and raising supervision reminders.

004/4 深圳龙岗: 符合预警条件的，系统将……生成监督提醒任务. Conditions are evaluated on every relevant
change (a registry change, a family-and-interests record, an event about the person) and in a
nightly sweep (time makes some true: a tenure reaches its years, a sanction runs out). A hit
creates one reminder per person and condition: none while one is open, a new round after
closure only when the hit shows evidence the closed one did not cover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict

from ..domain.conditions import ConditionRules, Facts, Hit, Signal, condition_rules, hit_record, to_raise
from ..domain.credit import CREDIT_RULES, CreditRules, credit_to_send, integrity_credit
from ..domain.reminders import DEPARTMENTS_ZH, REMINDER_RULES, ReminderRules, due_after, responsible_department
from ..persistence import ArchiveStore, Dossier, DossierView, Official, Reminder, SweepRun
from ..schemas import ReminderCreatedEnvelopes, integrity_credit_entry

#: Facts learnt from events are kept this long (the longest look-back of a condition is 12
#: months; a year more keeps the portrait's history), and at most this many per person.
MAX_SIGNALS = 200


@dataclass(frozen=True)
class Evaluator:
    """What evaluating needs besides the store: the calendar and the rules in force."""

    calendar: WorkingDayCalendar
    rules: ConditionRules = field(default_factory=condition_rules)
    reminder_rules: ReminderRules = REMINDER_RULES


def facts_of(official: Official | Mapping, dossier: DossierView | Dossier | None) -> Facts:
    """The facts of one official, from the stored official (document or its stored row) and
    its dossier (as read: a view, or a loaded document)."""
    if isinstance(dossier, Dossier):
        dossier = dossier.view()
    records, signals = (dossier.records, dossier.signals) if dossier else ((), ())
    if isinstance(official, Mapping):
        from .registry import _occupancies

        return Facts(
            official["_id"],
            official.get("status", "serving"),
            frozenset(official.get("tags", ())),
            _occupancies(official),
            records,
            signals,
        )
    return Facts(official.id, official.status, frozenset(official.tags or ()), official.occupancies(), records, signals)


def _person(official: Official | Mapping) -> dict:
    if isinstance(official, Mapping):
        return {
            "id": official["_id"],
            "name": official["name"],
            "county": official["county"],
            "unit_id": official["unit_id"],
            "commission_staff": bool(official.get("commission_staff")),
        }
    return {
        "id": official.id,
        "name": official.name,
        "county": official.county,
        "unit_id": official.unit_id,
        "commission_staff": bool(official.commission_staff),
    }


@dataclass
class _Decided:
    """What evaluating one official decided: the reminders to raise (stored form, each with its
    event), and what its dossier must keep, None where nothing changed."""

    reminders: list[dict]
    hits: dict | None
    credit: dict | None
    events: list[dict]


class _Evaluation:
    """One evaluation's fixed inputs (the day, the rules, the envelopes) and the decision for one
    official from the official and its dossier as read: its facts and hits computed once, read
    by the conditions (``to_raise``) and by the credit (``integrity_credit``, ``credit_to_send``)."""

    def __init__(self, clock: SystemClock, evaluator: Evaluator, credit: CreditRules | None) -> None:
        self.clock, self.evaluator, self.credit = clock, evaluator, credit
        self.today = beijing_date(clock.now())
        self.envelopes = ReminderCreatedEnvelopes(clock.now())

    def decide(self, official: Official | Mapping, read: DossierView) -> _Decided:
        person = _person(official)
        facts = facts_of(official, read)
        evaluator = self.evaluator
        hits = evaluator.rules.evaluate(facts, self.today, evaluator.calendar)
        reminders: list[dict] = []
        recorded = dict(read.hits)
        for hit, round_ in to_raise(hits, read.hits):
            son = _reminder(person, hit, round_, evaluator, self.today, self.clock, self.envelopes)
            reminders.append(son)
            recorded[hit.code] = hit_record(hit, round_, son["_id"])
        credit, events = None, []
        if self.credit is not None:
            credit = credit_to_send(integrity_credit(facts, hits, self.today, self.credit), read.credit, self.credit)
            if credit is not None:
                data = dict(
                    credit,
                    official_id=person["id"],
                    county=person["county"],
                    previous_score=read.credit["score"] if read.credit else self.credit.base,
                    computed_on=self.today.isoformat(),
                )
                subject = f"{Dossier.subject_kind}/{person['id']}"
                events.append(integrity_credit_entry(data, subject=subject, county=read.county, now=self.clock.now()))
        return _Decided(reminders, recorded if reminders else None, credit, events)


def evaluate(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    officials: Iterable[Official | Mapping],
    dossiers: Mapping[str, DossierView] | None = None,
    *,
    credit: CreditRules | None = None,
    documents: bool = True,
) -> list[Reminder]:
    """Evaluate every condition for ``officials`` (documents or their stored rows) and create
    the reminders their hits call for; with ``credit`` (its rules), recompute the integrity
    credit from the same facts and hits, sent to risk when it changed (``domain.credit``).

    The officials' dossiers are read once by key (or given: ``dossiers``, views by official id).
    The new reminders are inserted in bulk (each with its ``archive.reminder_created``), then
    each dossier's hit records and credit (with its ``archive.integrity_credit_changed``) in ONE
    write conditional on the version read. Idempotent: a reminder's key is
    ``<official>/<condition>/<round>``, so evaluating again after a crash between the two writes
    finds the reminder there and only records the hit; a dossier written meanwhile by another
    writer is read again and the official evaluated again from it. Returns the new reminders (as
    documents unless ``documents`` is False: then only their count matters and the list holds
    None per reminder, which spares a province import building them)."""
    unique: dict[str, Official | Mapping] = {}
    for official in officials:
        unique.setdefault(official["_id"] if isinstance(official, Mapping) else official.id, official)
    if dossiers is None:
        dossiers = store.dossier_views(list(unique))
    evaluation = _Evaluation(clock, evaluator, credit)
    decided: dict[str, tuple[DossierView, _Decided]] = {}
    for oid, official in unique.items():
        read = dossiers.get(oid) or DossierView(oid, _person(official)["county"], 0)
        decided[oid] = (read, evaluation.decide(official, read))
    created = store.insert_reminders([son for _, d in decided.values() for son in d.reminders])
    kept = [son for _, d in decided.values() for son in d.reminders if son["_id"] in created]
    lost = store.write_dossiers(
        (read, d.hits, d.credit, d.events) for read, d in decided.values() if d.hits is not None or d.credit is not None
    )
    for oid in lost:  # another writer came first: evaluated again from the dossier as it is now
        kept += _again(store, evaluation, unique[oid], decided[oid][0])
    if not documents:
        return [None] * len(kept)  # type: ignore[list-item]
    return [Reminder._from_son(son) for son in kept]


def _again(store: ArchiveStore, evaluation: _Evaluation, official: Official | Mapping, read: DossierView) -> list[dict]:
    """Evaluate one official again from its dossier as it is now, and write what that decides;
    returns the reminders it raised (one raised by the first try is found, not raised twice)."""
    raised: list[dict] = []
    for _ in range(3):
        read = store.dossier_views([read.id]).get(read.id) or DossierView(read.id, read.county, 0)
        decision = evaluation.decide(official, read)
        created = store.insert_reminders(decision.reminders)
        raised += [son for son in decision.reminders if son["_id"] in created]
        if decision.hits is None and decision.credit is None:
            return raised
        if not store.write_dossiers([(read, decision.hits, decision.credit, decision.events)]):
            return raised
    raise Conflict("档案正被同时修改，请重试", code="concurrent_update")


def _reminder(
    person: dict, hit: Hit, round_: int, evaluator: Evaluator, today: date, clock: SystemClock, envelopes
) -> dict:
    """A new reminder in its stored form, with its ``archive.reminder_created`` in the outbox."""
    condition = evaluator.rules.get(hit.code)
    department = responsible_department(person["commission_staff"])
    due = due_after(evaluator.calendar, today, "acknowledge", evaluator.reminder_rules)
    key = f"{person['id']}/{hit.code}/{round_}"
    data = {
        "reminder_id": key,
        "official_id": person["id"],
        "county": person["county"],
        "unit_id": person["unit_id"],
        "condition_code": hit.code,
        "condition_name_zh": condition.name_zh,
        "rule_version": evaluator.rules.version,
        "round": round_,
        "department": department,
        "created_on": today.isoformat(),
        "due_on": due.date.isoformat(),
        "due_provisional": due.provisional,
        "evidence_count": len(hit.evidence),
    }
    return {
        "_id": key,
        "version": 1,
        "outbox": [envelopes.outbox_entry(data)],
        "outbox_pending": True,
        "official_id": person["id"],
        "official_name": person["name"],
        "county": person["county"],
        "unit_id": person["unit_id"],
        "condition_code": hit.code,
        "rule_version": evaluator.rules.version,
        "round": round_,
        "evidence": list(hit.evidence),
        "department": department,
        "state": "assigned",
        "created_on": data["created_on"],
        "due_on": data["due_on"],
        "due_provisional": due.provisional,
        "escalate_on": data["due_on"],
        "escalation_level": 0,
        "ever_overdue": False,
        "steps": [
            {
                "step": "assigned",
                "by": "system",
                "on": data["created_on"],
                "at": naive_utc(clock.now()),
                "to": department,
                "note": f"{condition.name_zh} → {DEPARTMENTS_ZH[department]}",
            }
        ],
    }


def evaluate_ids(store: ArchiveStore, clock: SystemClock, evaluator: Evaluator, ids: Iterable[str]) -> list[Reminder]:
    """Evaluate the officials ``ids`` (registered ones; others are skipped)."""
    found: list[Reminder] = []
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found += evaluate(store, clock, evaluator, store.stored_officials(chunk).values())
    return found


# -- facts from events -----------------------------------------------------------------------
SIGNALS = {
    "petition.triaged": "report",
    "warning.overdue": "warning_overdue",
    "warning.lifted": "warning_lifted",
    "warning.superseded": "warning_superseded",
    # what the integrity credit reads (issue 11 item 4)
    "warning.issued": "warning_issued",
    "warning.escalated": "warning_issued",
    "inspection.finding_recorded": "finding",
    "organisational_handling.opened": "org_handling",
}
#: the ref and the detail of a signal, by event
_REFS = {
    "warning.issued": ("warning_id", "colour"),
    "warning.escalated": ("warning_id", "colour"),
    "inspection.finding_recorded": ("finding_id", "severity"),
    "organisational_handling.opened": ("task_id", ""),
}


def signals_of(name: str, envelope: dict) -> list[tuple[str, Signal]]:
    """(official id, signal) that an incoming event teaches the conditions."""
    kind = SIGNALS.get(name)
    data = envelope.get("data", {})
    if kind is None:
        return []
    on = str(envelope.get("time", ""))[:10]
    if name == "petition.triaged":
        if data.get("outcome") != "integrity_information":
            return []
        ref = str(data.get("petition_id", ""))
        return [
            (s["id"], Signal(envelope["id"], kind, on, ref))
            for s in data.get("subjects", [])
            if isinstance(s, dict) and s.get("kind") == "official" and s.get("id")
        ]
    if data.get("official_id"):
        ref_key, detail_key = _REFS.get(name, ("warning_id", ""))
        detail = str(data.get(detail_key, "")) if detail_key else ""
        return [(data["official_id"], Signal(envelope["id"], kind, on, str(data.get(ref_key, "")), detail))]
    return []


def learn(store: ArchiveStore, official_id: str, county: str, signal: Signal) -> bool:
    """Add one signal to a dossier, once per event id (a redelivery learns nothing new)."""
    son = {
        "event_id": signal.event_id,
        "kind": signal.kind,
        "on": signal.on,
        "ref": signal.ref,
        "detail": signal.detail,
    }
    return store.add_signal(official_id, county, son, MAX_SIGNALS)


# -- the nightly sweep -------------------------------------------------------------------------
SWEEP_PAGE = 500


def nightly_sweep(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    max_pages: int | None = None,
    between_pages: Callable[[], object] | None = None,
) -> dict:
    """Evaluate every official once a day (time makes some conditions true). One replica claims
    the day (``SweepRun`` keyed by the date); it walks the officials in id order and records
    where it is, so a stopped sweep resumes where it was. ``between_pages`` is called after each
    page (the service yields there: a province's 400 pages take minutes of CPU, during which the
    service's event consumers would otherwise not run at all)."""
    today = beijing_date(clock.now()).isoformat()
    run = store.get(SweepRun, today)
    if run is None:
        try:
            run = store.add(SweepRun(id=today, started_at=clock.now()))
        except Conflict:
            return {"day": today, "claimed": False}
    if run.finished_at is not None:
        return {"day": today, "claimed": False, "evaluated": run.evaluated}
    pages = 0
    while max_pages is None or pages < max_pages:
        page = store.official_page(run.after, SWEEP_PAGE)
        if not page:
            run.finished_at = clock.now()
            break
        run.reminders += len(evaluate(store, clock, evaluator, page, credit=CREDIT_RULES))
        run.evaluated += len(page)
        run.after = page[-1].id
        store.add_or_replace(run)
        pages += 1
        if between_pages is not None:
            between_pages()
    store.add_or_replace(run)
    return {
        "day": today,
        "claimed": True,
        "evaluated": run.evaluated,
        "reminders": run.reminders,
        "finished": run.finished_at is not None,
    }


def today_of(clock: SystemClock) -> date:
    return beijing_date(clock.now())
