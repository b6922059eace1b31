"""Evaluating the twelve warning conditions and raising supervision reminders.

004/4 深圳龙岗: 符合预警条件的，系统将……生成监督提醒任务. Conditions are evaluated on every relevant
change (a registry change, a family-and-interests record, an event about the person) and in a
nightly sweep (time makes some true: a tenure reaches its years, a sanction runs out). A hit
creates one reminder per person and condition: none while one is open, a new round after
closure only when the hit shows evidence the closed one did not cover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict

from ..domain.conditions import ConditionRules, Facts, Hit, Signal, condition_rules, new_evidence
from ..domain.reminders import DEPARTMENTS_ZH, REMINDER_RULES, ReminderRules, due_after, responsible_department
from ..persistence import ArchiveStore, Dossier, Official, Reminder, SweepRun, dossier_row
from ..schemas import ReminderCreatedEnvelopes

#: Facts learnt from events are kept this long (the longest look-back of a condition is 12
#: months; a year more keeps the portrait's history), and at most this many per person.
MAX_SIGNALS = 200


@dataclass(frozen=True)
class Evaluator:
    """What evaluating needs besides the store: the calendar and the rules in force."""

    calendar: WorkingDayCalendar
    rules: ConditionRules = field(default_factory=condition_rules)
    reminder_rules: ReminderRules = REMINDER_RULES


def facts_of(official: Official | dict, dossier: Dossier | None) -> Facts:
    """The facts of one official, from the stored official (document or its raw form)."""
    if isinstance(official, dict):
        from .registry import _occupancies

        return Facts(
            official["_id"],
            official.get("status", "serving"),
            frozenset(official.get("tags", ())),
            _occupancies(official),
            dossier.matter_records() if dossier else (),
            dossier.signal_facts() if dossier else (),
        )
    return Facts(
        official.id,
        official.status,
        frozenset(official.tags or ()),
        official.occupancies(),
        dossier.matter_records() if dossier else (),
        dossier.signal_facts() if dossier else (),
    )


def _person(official: Official | dict) -> dict:
    if isinstance(official, dict):
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


def evaluate(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    officials: Iterable[Official | dict],
    dossiers: dict[str, Dossier] | None = None,
    *,
    documents: bool = True,
) -> list[Reminder]:
    """Evaluate every condition for ``officials`` and create the reminders their hits call for.

    Reads each official's dossier by key; inserts the new reminders in bulk (each with its
    ``archive.reminder_created``), then writes the dossiers' hit records. Idempotent: a
    reminder's key is ``<official>/<condition>/<round>``, so evaluating again after a crash
    between the two writes finds the reminder there and only records the hit. Returns the new
    reminders (as documents unless ``documents`` is False: then only their count matters and
    the list holds None per reminder, which spares a province import building them)."""
    officials = list(officials)
    if dossiers is None:
        dossiers = {d.id: d for d in store.dossiers([_person(o)["id"] for o in officials])}
    today = beijing_date(clock.now())
    envelopes = ReminderCreatedEnvelopes(clock.now())
    created: list[dict] = []
    fresh: dict[str, dict] = {}  # new dossiers, in their stored form
    touched: dict[str, Dossier] = {}
    for official in officials:
        person = _person(official)
        dossier = dossiers.get(person["id"])
        hits_now = dict(dossier.hits) if dossier else dict(fresh.get(person["id"], {}).get("hits", {}))
        changed = False
        for hit in evaluator.rules.evaluate(facts_of(official, dossier), today, evaluator.calendar):
            state = hits_now.get(hit.code) or {}
            if state and (not state.get("closed") or not new_evidence(hit, tuple(state.get("evidence", ())))):
                continue
            son = _reminder(person, hit, state.get("round", 0) + 1, evaluator, today, clock, envelopes)
            created.append(son)
            hits_now[hit.code] = {
                "round": son["round"],
                "evidence": list(hit.evidence),
                "reminder_id": son["_id"],
                "closed": False,
            }
            changed = True
        if not changed:
            continue
        if dossier is None:
            fresh[person["id"]] = dossier_row(person["id"], person["county"], hits=hits_now)
        else:
            dossier.hits = hits_now
            touched[person["id"]] = dossier
    inserted = store.insert_reminders(created)
    for key in store.insert_dossiers(list(fresh.values())):  # created meanwhile by another writer
        dossier = store.get(Dossier, key)
        if dossier is not None:
            dossier.hits = dict(fresh[key]["hits"])
            touched[key] = dossier
    for dossier in touched.values():
        _save_dossier(store, dossier)
    if not documents:
        return [None] * len(inserted)  # type: ignore[list-item]
    return [Reminder._from_son(son) for son in created if son["_id"] in inserted]


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


def _save_dossier(store: ArchiveStore, dossier: Dossier) -> None:
    """Write a dossier's hit records; on a concurrent change, merge them into the fresh copy."""
    for _ in range(3):
        try:
            if dossier.version:
                store.save(dossier)
            else:
                store.add(dossier)
            return
        except Conflict:
            fresh = store.get(Dossier, dossier.id)
            if fresh is None:
                continue
            fresh.hits = dict(
                fresh.hits,
                **{k: v for k, v in dossier.hits.items() if v.get("round", 0) >= fresh.hits.get(k, {}).get("round", 0)},
            )
            dossier = fresh
    raise Conflict("档案正被同时修改，请重试", code="concurrent_update")


def evaluate_ids(store: ArchiveStore, clock: SystemClock, evaluator: Evaluator, ids: Iterable[str]) -> list[Reminder]:
    """Evaluate the officials ``ids`` (registered ones; others are skipped)."""
    found: list[Reminder] = []
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found += evaluate(store, clock, evaluator, store.official_rows(chunk).values())
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
        run.reminders += len(evaluate(store, clock, evaluator, page))
        from .credit import refresh_credit  # credit imports this module

        refresh_credit(store, clock, evaluator, page)
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
