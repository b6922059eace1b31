"""Supervision reminders (监督提醒) and what raises and times them: the nightly sweep, the
province's calendar years, and the store's dossier and reminder reads and writes."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import date

from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.queryset.visitor import Q

from wuying_common.calendar_years import StoredCalendarYear
from wuying_common.embedded import embedded_documents
from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument, OutboxEntry
from wuying_common.paging import Page
from wuying_common.store import Store, checked_row

from .common import ALIAS, _chunks, _county_q
from .dossiers import Dossier, DossierView, SignalDoc, dossier_row


class StepDoc(EmbeddedDocument):
    """One step of a reminder's trail (留痕): who did what, when."""

    step = StringField(required=True)  # assigned, acknowledge, verify, close, escalated, reassign
    by = StringField(required=True)
    on = StringField(required=True)
    at = DateTimeField(required=True)
    result = StringField(null=True)
    note = StringField(default="")
    to = StringField(null=True)


class Reminder(OutboxDocument):
    """A supervision-reminder task (监督提醒); ``_id`` ``<official>/<condition>/<round>``: one per
    person and condition at a time, a new round only for new evidence after closure."""

    meta = {
        "db_alias": ALIAS,
        "collection": "reminders",
        "indexes": [
            "official_id",
            "county",
            "state",
            "condition_code",
            "escalate_on",
            "department",
            "outbox_pending",
            "due_provisional",
        ],
    }
    subject_kind = "reminder"
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    official_name = StringField(default="")
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    condition_code = StringField(required=True)
    rule_version = StringField(required=True)
    round = IntField(required=True, min_value=1)
    evidence = ListField(StringField())
    department = StringField(required=True)
    state = StringField(required=True, default="assigned")
    result = StringField(null=True)
    created_on = StringField(required=True)
    due_on = StringField(null=True)
    due_provisional = BooleanField(default=False)
    escalate_on = StringField(null=True)  # the due date until the step is escalated, then None
    escalation_level = IntField(default=0)
    escalated_step = StringField(null=True)
    ever_overdue = BooleanField(default=False)
    verified_by = StringField(null=True)
    closed_on = StringField(null=True)
    steps = ListField(EmbeddedDocumentField(StepDoc))


class SweepRun(Document):
    """The nightly sweep of one day (``_id`` the date): claimed by one replica, resumable."""

    meta = {"db_alias": ALIAS, "collection": "sweeps"}
    id = StringField(primary_key=True)
    started_at = DateTimeField(required=True)
    after = StringField(default="")
    evaluated = IntField(default=0)
    reminders = IntField(default=0)
    finished_at = DateTimeField(null=True)


class CalendarYear(StoredCalendarYear):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``
    from warning), by year: every replica refreshes its calendar from this small collection."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}


def _reminder_q(
    counties: tuple[str, ...],
    state: str | None = None,
    condition: str | None = None,
    department: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
) -> Q:
    q = _county_q(counties)
    if state:
        q &= Q(state=state)
    if condition:
        q &= Q(condition_code=condition)
    if department:
        q &= Q(department=department)
    if created_from:
        q &= Q(created_on__gte=created_from.isoformat())
    if created_to:
        q &= Q(created_on__lte=created_to.isoformat())
    return q


class ReminderStore(Store):
    """Dossiers, reminders and the calendar in the store; part of ``ArchiveStore``."""

    # -- dossiers and reminders ------------------------------------------------------------------
    def dossiers(self, ids: Iterable[str]) -> list[Dossier]:
        """Dossiers by key (in short ``$in`` chunks)."""
        found: list[Dossier] = []
        for chunk in _chunks(list(ids)):
            found += self.get_many(Dossier, chunk)
        return found

    def dossier_views(self, ids: Iterable[str]) -> dict[str, DossierView]:
        """The dossiers stored for ``ids`` as evaluating reads them, by key, without building
        their documents (on the embedded store from the collection's dict; on MongoDB in short
        ``$in`` chunks)."""
        if self.mode == "embedded":
            documents = embedded_documents(Dossier)
            rows = [row for key in ids if (row := documents.get(key)) is not None]
        else:
            collection = Dossier._get_collection()
            rows = [row for chunk in _chunks(list(ids)) for row in collection.find({"_id": {"$in": chunk}})]
        return {row["_id"]: DossierView.of_row(row) for row in rows}

    def write_dossiers(
        self, writes: Iterable[tuple[DossierView, dict | None, dict | None, Sequence[dict]]]
    ) -> set[str]:
        """What evaluating decided, per dossier ONE write by key: (the dossier as read, its hit
        records, its credit, the credit's events in ``OutboxEntry``'s stored form), each of the
        three only when given. Conditional on the version read: dossiers read at version 0 are
        inserted in bulk, the others updated one by one. Returns the ids not written (another
        writer came first: the caller reads them again). Checked as the documents' fields would
        be; the version moved."""
        fresh: dict[str, dict] = {}
        updates: list[tuple[DossierView, dict, list[dict]]] = []
        for read, hits, credit, events in writes:
            sets = {k: v for k, v in (("hits", hits), ("credit", credit)) if v is not None}
            entries = [checked_row(OutboxEntry, entry) for entry in events]
            row = checked_row(Dossier, dossier_row(read.id, read.county, **sets))
            if read.version == 0:
                fresh[read.id] = dict(row, outbox=entries, outbox_pending=bool(entries))
            else:
                updates.append((read, sets, entries))
        lost = self.insert_rows(Dossier, list(fresh.values()))
        written = [key for key, row in fresh.items() if key not in lost and row["outbox"]]
        for read, sets, entries in updates:
            if self._update_dossier(read, sets, entries):
                written += [read.id] if entries else []
            else:
                lost.add(read.id)
        for key in written:
            self.events_written(Dossier, key)
        return lost

    def _update_dossier(self, read: DossierView, sets: dict, entries: list[dict]) -> bool:
        if self.mode == "embedded":  # the collection's dict: nothing yields in between
            stored = embedded_documents(Dossier).get(read.id)
            if stored is None or stored.get("version") != read.version:
                return False
            stored.update(copy.deepcopy(sets), version=read.version + 1)
            if entries:
                stored["outbox"] = [*(stored.get("outbox") or []), *entries]
                stored["outbox_pending"] = True
            return True
        update: dict = {"$set": dict(sets, version=read.version + 1)}
        if entries:
            update["$set"]["outbox_pending"] = True
            update["$push"] = {"outbox": {"$each": entries}}
        return bool(
            Dossier._get_collection().update_one({"_id": read.id, "version": read.version}, update).matched_count
        )

    def insert_reminders(self, rows: list[dict]) -> set[str]:
        """Insert new reminders in their stored form (each with its event in the outbox), in
        bulk; one whose key exists (raised already, before a crash) is skipped. Returns the keys
        inserted; the relay is told about them by key."""
        inserted = self._insert_new(Reminder, rows)
        for key in inserted:
            self.events_written(Reminder, key)
        return inserted

    def insert_dossiers(self, rows: list[dict]) -> set[str]:
        """Insert new dossiers in bulk; returns the keys that existed already (not written)."""
        inserted = self._insert_new(Dossier, rows)
        return {r["_id"] for r in rows} - inserted

    def add_signal(self, official_id: str, county: str, signal: dict, keep: int) -> bool:
        """Add a fact learnt from an event (a ``SignalDoc`` in its stored form) to a dossier,
        created if there is none, keeping the last ``keep``; once per event id (False when the
        dossier has it already). One write by key, without loading the dossier; the version is
        moved, so a writer that read the dossier before it gets a ``Conflict`` and reads again."""
        row = checked_row(SignalDoc, signal)
        collection = Dossier._get_collection()
        for _ in range(3):
            if self.mode == "embedded":  # the collection's dict: nothing yields in between
                stored = embedded_documents(Dossier).get(official_id)
                if stored is not None:
                    signals = stored.get("signals") or []
                    if any(s.get("event_id") == row["event_id"] for s in signals):
                        return False
                    stored["signals"] = [*signals, dict(row)][-keep:]
                    stored["version"] = stored.get("version", 0) + 1
                    return True
            else:
                moved = collection.update_one(
                    {"_id": official_id, "signals.event_id": {"$ne": row["event_id"]}},
                    {"$push": {"signals": {"$each": [row], "$slice": -keep}}, "$inc": {"version": 1}},
                )
                if moved.matched_count:
                    return True
                if collection.find_one({"_id": official_id}, {"_id": 1}) is not None:
                    return False
            if not self.insert_dossiers([dossier_row(official_id, county, signals=[dict(row)])]):
                return True
        raise Conflict("档案正被同时修改，请重试", code="concurrent_update")

    def _insert_new(self, cls, rows: list[dict]) -> set[str]:
        """The keys of ``rows`` written (a key taken is skipped; no unique index but ``_id``)."""
        return {r["_id"] for r in rows} - self.insert_rows(cls, rows)

    def add_reminders(self, reminders: Iterable[Reminder]) -> list[Reminder]:
        """Insert new reminders, each with its event; one whose key exists (raised already, before
        a crash) is left as it is. Returns those inserted."""
        added = []
        for reminder in reminders:
            try:
                added.append(self.add(reminder))
            except Conflict:
                continue
        return added

    def reminders_of(self, official_id: str, limit: int = 500) -> list[Reminder]:
        return list(Reminder.objects(official_id=official_id).order_by("id").limit(limit))

    def reminders(self, counties: tuple[str, ...], *, after: str = "", limit: int = 50, **filters) -> list[Reminder]:
        """The reminder side of a search (``_reminder_q``'s filters), by id after ``after``."""
        q = _reminder_q(counties, **filters)
        if after:
            q &= Q(id__gt=after)
        return list(Reminder.objects(q).order_by("id").limit(limit))

    def reminder_page(self, counties: tuple[str, ...], page: dict, **filters) -> Page:
        """A page of a department's worklist (``state``, ``condition``, ``department``,
        ``created_from``, ``created_to``), by key."""
        return self.paged(Reminder.objects(_reminder_q(counties, **filters)), page)

    def reminders_due(self, today: date, limit: int = 500) -> list[Reminder]:
        """Open reminders whose current step is past due and not yet escalated (the timer's scan,
        by due date)."""
        return list(Reminder.objects(escalate_on__lt=today.isoformat()).order_by("escalate_on", "id").limit(limit))

    def provisional_reminders(self, after: str = "", limit: int = 500) -> list[Reminder]:
        """Open reminders whose deadline was counted on a year not loaded (a loaded year recounts
        them), by id after ``after``."""
        query = Reminder.objects(due_provisional=True, state__ne="closed")
        if after:
            query = query(id__gt=after)
        return list(query.order_by("id").limit(limit))

    # -- the province's calendar -------------------------------------------------------------
    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        """Every loaded year (a handful of small documents: read whole by the refresh timer)."""
        return list(CalendarYear.objects.order_by("id"))

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)

    def reminder_figures_rows(self, counties: tuple[str, ...]) -> list[tuple]:
        """(department, county, state, due_on, ever_overdue, result) of every reminder in
        ``counties``: the completion figures (a list for people)."""
        rows = []
        fields = ("department", "county", "state", "due_on", "ever_overdue", "result")
        for r in Reminder.objects(_county_q(counties)).only(*fields).as_pymongo():
            due = r.get("due_on")
            rows.append(
                (
                    r["department"],
                    r["county"],
                    r["state"],
                    date.fromisoformat(due) if due else None,
                    bool(r.get("ever_overdue")),
                    r.get("result"),
                )
            )
        return rows
