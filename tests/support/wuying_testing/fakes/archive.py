"""``ArchiveStore`` over dicts, for the archive's handler tests.

Documents are kept as their mongo form and rebuilt on every read, so a test sees only what was
written, and a versioned save of a stale copy is a ``Conflict`` as on the real store. Appends
run the real ``FileChain`` algorithm on by-key steps over dicts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date

from wuying_archive.domain.file import FileSubject
from wuying_archive.domain.personnel import Occupancy
from wuying_archive.persistence import (
    AccessLog,
    CalendarYear,
    Checkpoint,
    CheckpointChain,
    Dossier,
    DossierView,
    FileChain,
    FileEntry,
    FileHead,
    ImportBatch,
    Inquiry,
    Official,
    OfficialQuery,
    RecordedEvent,
    Reminder,
    ReportCheck,
    Review,
    SupervisionRecord,
    Supervisor,
    Unit,
    dossier_row,
    entry_key,
    head_key,
    recorded_key,
)
from wuying_common.auth import counties_covered
from wuying_common.errors import Conflict
from wuying_common.paging import Page

from .memory import MemoryStore


def _in_counties(county: str, scopes: Iterable[str]) -> bool:
    counties = counties_covered(scopes)
    return counties is None or county in counties


class FakeArchiveStore(MemoryStore, FileChain):
    # -- the registry at province scale ----------------------------------------------------------
    def official_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        table = self._table(Official)
        return {k: copy.deepcopy(table[k]) for k in ids if k in table}

    def stored_officials(self, ids: Iterable[str]) -> dict[str, dict]:
        return self.official_rows(ids)

    def unit_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        table = self._table(Unit)
        return {k: copy.deepcopy(table[k]) for k in ids if k in table}

    def write_officials(self, inserts, updates) -> set[str]:
        table = self._table(Official)
        lost: set[str] = set()
        for son in inserts:
            if son["_id"] in table:
                lost.add(son["_id"])
                continue
            Official._from_son(copy.deepcopy(son)).validate()
            table[son["_id"]] = copy.deepcopy(son)
            if son.get("outbox"):
                self.events_written(Official, son["_id"])
        for key, version, sets, events in updates:
            stored = table.get(key)
            if stored is None or stored.get("version") != version:
                lost.add(key)
                continue
            son = dict(copy.deepcopy(stored), **copy.deepcopy(sets), version=version + 1)
            if events:
                son["outbox"] = [*son.get("outbox", []), *copy.deepcopy(events)]
                son["outbox_pending"] = True
            Official._from_son(copy.deepcopy(son)).validate()
            table[key] = son
            if events:
                self.events_written(Official, key)
        return lost

    def begin_batches(self, batches: list[dict]) -> None:
        for batch in batches:
            son = dict(copy.deepcopy(batch), version=1, ready=False, outbox=[], outbox_pending=False)
            ImportBatch._from_son(copy.deepcopy(son)).validate()
            self._table(ImportBatch)[batch["_id"]] = son

    def finish_batch(self, batch_id: str, entry: dict | None) -> None:
        table = self._table(ImportBatch)
        if entry is None:
            table.pop(batch_id, None)
            return
        son = table.get(batch_id)
        if son is None or son["ready"]:
            return
        son.update(ready=True, changes=[], outbox_pending=True, version=son["version"] + 1)
        son["outbox"] = [*son["outbox"], copy.deepcopy(entry)]
        self.events_written(ImportBatch, batch_id)

    def stale_batches(self, before, limit: int = 100) -> list[dict]:
        rows = self._table(ImportBatch).values()
        return [copy.deepcopy(r) for r in rows if not r["ready"] and r["created_at"] < before][:limit]

    def write_units(self, rows) -> None:
        for row in rows:
            self._table(Unit)[row["_id"]] = copy.deepcopy(row)

    def holders(self, unit_id: str, post: str | None, on: date) -> list[tuple[Official, Occupancy]]:
        found = []
        for official in self._sorted(Official):
            for o in official.occupancies():
                if o.unit_id == unit_id and (post is None or o.post == post) and o.held_on(on):
                    found.append((official, o))
        return found

    def search_officials(self, query: OfficialQuery) -> list[Official]:
        found = []
        ranged = query.held_from is not None or query.held_to is not None
        for o in self._sorted(Official):
            if o.id <= query.after or not _in_counties(o.county, query.counties):
                continue
            if query.official_ids is not None and o.id not in query.official_ids:
                continue
            if any(
                value is not None and getattr(o, key) != value
                for key, value in (("name", query.name), ("rank", query.rank))
            ):
                continue
            if not ranged and any(
                value is not None and getattr(o, key) != value
                for key, value in (("unit_id", query.unit_id), ("post", query.post))
            ):
                continue
            if query.tag and query.tag not in (o.tags or []):
                continue
            if query.posting_matches(o.occupancies()):
                found.append(o)
        return found[: query.limit]

    def official_page(self, after: str, limit: int) -> list[Official]:
        return [o for o in self._sorted(Official) if o.id > after][:limit]

    def _sorted(self, cls):
        return [self.get(cls, k) for k in sorted(self._table(cls))]

    # -- dossiers and reminders --------------------------------------------------------------------
    def dossiers(self, ids: Iterable[str]) -> list[Dossier]:
        return self.get_many(Dossier, ids)

    def dossier_views(self, ids: Iterable[str]) -> dict[str, DossierView]:
        table = self._table(Dossier)
        return {k: DossierView.of_row(copy.deepcopy(table[k])) for k in dict.fromkeys(ids) if k in table}

    def write_dossiers(self, writes) -> set[str]:
        table, lost = self._table(Dossier), set()
        for read, hits, credit, events in writes:
            stored = table.get(read.id)
            if (stored.get("version") if stored else 0) != read.version:
                lost.add(read.id)
                continue
            son = copy.deepcopy(stored) if stored else dossier_row(read.id, read.county)
            son.update({k: copy.deepcopy(v) for k, v in (("hits", hits), ("credit", credit)) if v is not None})
            son["version"] = read.version + 1
            if events:
                son["outbox"] = [*son.get("outbox", []), *copy.deepcopy(list(events))]
                son["outbox_pending"] = True
            Dossier._from_son(copy.deepcopy(son)).validate()
            table[read.id] = son
            if events:
                self.events_written(Dossier, read.id)
        return lost

    def insert_reminders(self, rows) -> set[str]:
        inserted = self._insert_new(Reminder, rows)
        for key in inserted:
            self.events_written(Reminder, key)
        return inserted

    def add_signal(self, official_id: str, county: str, signal: dict, keep: int) -> bool:
        table = self._table(Dossier)
        stored = table.get(official_id)
        if stored is None:
            son = dossier_row(official_id, county, signals=[dict(signal)])
        elif any(s["event_id"] == signal["event_id"] for s in stored.get("signals", [])):
            return False
        else:
            son = dict(
                stored, signals=[*stored.get("signals", []), dict(signal)][-keep:], version=stored["version"] + 1
            )
        Dossier._from_son(copy.deepcopy(son)).validate()
        table[official_id] = copy.deepcopy(son)
        return True

    def insert_dossiers(self, rows) -> set[str]:
        return {r["_id"] for r in rows} - self._insert_new(Dossier, rows)

    def _insert_new(self, cls, rows) -> set[str]:
        table, inserted = self._table(cls), set()
        for row in rows:
            if row["_id"] in table:
                continue
            cls._from_son(copy.deepcopy(row)).validate()
            table[row["_id"]] = copy.deepcopy(row)
            inserted.add(row["_id"])
        return inserted

    def add_reminders(self, reminders) -> list[Reminder]:
        added = []
        for reminder in reminders:
            try:
                added.append(self.add(reminder))
            except Conflict:
                continue
        return added

    def reminders_of(self, official_id: str, limit: int = 500) -> list[Reminder]:
        return [r for r in self._sorted(Reminder) if r.official_id == official_id][:limit]

    def reminders(
        self,
        counties,
        *,
        state=None,
        condition=None,
        department=None,
        created_from=None,
        created_to=None,
        after="",
        limit=50,
    ) -> list[Reminder]:
        found = [
            r
            for r in self._sorted(Reminder)
            if _in_counties(r.county, counties)
            and (state is None or r.state == state)
            and (condition is None or r.condition_code == condition)
            and (department is None or r.department == department)
            and (created_from is None or r.created_on >= created_from.isoformat())
            and (created_to is None or r.created_on <= created_to.isoformat())
            and r.id > after
        ]
        return found[:limit]

    def reminder_page(self, counties, page: dict, **filters) -> Page:
        return self.paged(self.reminders(counties, limit=10**9, **filters), page)

    def reminders_due(self, today: date, limit: int = 500) -> list[Reminder]:
        due = [r for r in self._sorted(Reminder) if r.escalate_on and r.escalate_on < today.isoformat()]
        return sorted(due, key=lambda r: (r.escalate_on, r.id))[:limit]

    def provisional_reminders(self, after: str = "", limit: int = 500) -> list[Reminder]:
        return [r for r in self._sorted(Reminder) if r.due_provisional and r.state != "closed" and r.id > after][:limit]

    def log_access(self, entry: AccessLog) -> None:
        self.add(entry)

    def access_log(self, counties, page: dict, *, subject=None, by=None) -> Page:
        found = [
            e
            for e in self.all(AccessLog)
            if _in_counties(e.county, counties)
            and (subject is None or e.subject == subject)
            and (by is None or e.by == by)
        ]
        return self.paged(found, page, order="-at")

    # -- the integrity review --------------------------------------------------------------------
    def officials_named(self, names) -> dict[str, list[dict]]:
        wanted, found = set(names), {}
        for key in sorted(self._table(Official)):
            row = self._table(Official)[key]
            if row["name"] in wanted:
                found.setdefault(row["name"], []).append(copy.deepcopy(row))
        return found

    def unit_members(self, unit_id: str, limit: int = 20000) -> list[str]:
        return [o.id for o in self._sorted(Official) if any(p.unit_id == unit_id for p in o.postings)][:limit]

    def review_material(self, ids):
        officials = self.official_rows(ids)
        dossiers = {k: copy.deepcopy(self._table(Dossier)[k]) for k in ids if k in self._table(Dossier)}
        entries = {}
        for key in ids:
            head = self._table(FileHead).get(head_key("official", key))
            if head is None:
                continue
            table = self._table(FileEntry)
            rows = [table.get(entry_key("official", key, n)) for n in range(1, head["seq"] + 1)]
            entries[key] = [copy.deepcopy(r) for r in rows if r is not None]
        return officials, dossiers, entries

    def reviews_to_run(self, limit: int = 5) -> list[Review]:
        found = [r for r in self.all(Review) if r.state in ("queued", "running")]
        return sorted(found, key=lambda r: r.requested_at)[:limit]

    # -- records in the file ------------------------------------------------------------------------
    def records_of(self, subject_kind: str, subject_id: str, limit: int = 500) -> list[SupervisionRecord]:
        found = [r for r in self.all(SupervisionRecord) if (r.subject_kind, r.subject_id) == (subject_kind, subject_id)]
        return sorted(found, key=lambda r: (r.on, r.id))[:limit]

    def education_sessions(self, unit_id: str, year: int) -> list[SupervisionRecord]:
        return [r for r in self.records_of("unit", unit_id) if r.kind == "education" and r.on[:4] == str(year)]

    def supervisors(self, counties, page: dict) -> Page:
        return self.paged([s for s in self._sorted(Supervisor) if _in_counties(s.county, counties)], page)

    def supervisor_reports(self, supervisor_id: str, limit: int = 500) -> list[SupervisionRecord]:
        found = [
            r
            for r in self.all(SupervisionRecord)
            if r.kind == "supervisor_report" and r.details.get("supervisor_id") == supervisor_id
        ]
        return sorted(found, key=lambda r: (r.on, r.id))[:limit]

    # -- supervision records ---------------------------------------------------------------------
    def reporters(self, commission: str, year: int) -> list[str]:
        return sorted(
            d.id
            for d in self.all(Dossier)
            if _in_counties(d.county, (commission,))
            and any(r.kind == "personal_report" and r.year == year for r in d.records)
        )

    def answered_undrawn_inquiries(self, commission: str, limit: int = 10000) -> list[str]:
        return sorted(
            i.id
            for i in self.all(Inquiry)
            if _in_counties(i.county, (commission,)) and i.answered_on is not None and i.sample_draw is None
        )[:limit]

    def set_sample_draw(self, ids, draw_id: str, selected) -> None:
        for key in ids:
            inquiry = self.get(Inquiry, key)
            if inquiry is not None and inquiry.sample_draw is None:
                inquiry.sample_draw, inquiry.sampled = draw_id, key in selected
                inquiry.version += 1
                self._put(inquiry)

    def report_checks(self, counties, page: dict, *, year=None, state=None) -> Page:
        found = [
            c
            for c in self._sorted(ReportCheck)
            if _in_counties(c.county, counties)
            and (year is None or c.year == year)
            and (state is None or c.state == state)
        ]
        return self.paged(found, page)

    def inquiries_of(self, official_id: str, limit: int = 200) -> list[Inquiry]:
        return [i for i in self._sorted(Inquiry) if i.official_id == official_id][:limit]

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        return self._sorted(CalendarYear)

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)

    def reminder_figures_rows(self, counties) -> list[tuple]:
        return [
            (
                r.department,
                r.county,
                r.state,
                date.fromisoformat(r.due_on) if r.due_on else None,
                bool(r.ever_overdue),
                r.result,
            )
            for r in self._sorted(Reminder)
            if _in_counties(r.county, counties)
        ]

    # -- repository methods ----------------------------------------------------------------------
    def officials(self, county: str | None = None, name: str | None = None, limit: int = 100) -> list[Official]:
        found = [
            o
            for o in (self.get(Official, k) for k in sorted(self._table(Official)))
            if (not county or o.county == county) and (not name or o.name == name)
        ]
        return found[:limit]

    def official_list(self, counties, page: dict, name: str | None = None) -> Page:
        return self.paged([o for o in self.officials(name=name, limit=10**9) if o.county in counties], page)

    def head(self, kind: str, subject_id: str) -> FileHead | None:
        return self.get(FileHead, head_key(kind, subject_id))

    def entry_at(self, kind: str, subject_id: str, seq: int) -> FileEntry | None:
        return self.get(FileEntry, entry_key(kind, subject_id, seq))

    def entries_at(self, kind: str, subject_id: str, seqs: range) -> list[FileEntry]:
        return self.get_many(FileEntry, [entry_key(kind, subject_id, seq) for seq in seqs])

    def is_recorded(self, event_id: str, subject: FileSubject) -> bool:
        return recorded_key(event_id, subject.kind, subject.id) in self._table(RecordedEvent)

    def insert_entry(self, entry: FileEntry) -> bool:
        if entry.pk in self._table(FileEntry):
            return False
        self._put(entry)
        return True

    def record(self, event_id: str, subject: FileSubject, seq: int) -> None:
        key = recorded_key(event_id, subject.kind, subject.id)
        if key not in self._table(RecordedEvent):
            self._put(
                RecordedEvent(id=key, event_id=event_id, subject_kind=subject.kind, subject_id=subject.id, seq=seq)
            )

    def advance_head(self, subject: FileSubject, seq: int, digest: str) -> None:
        head = self.head(subject.kind, subject.id)
        if head is not None and head.seq >= seq:
            return  # never backwards
        if head is None:
            head = FileHead(
                id=head_key(subject.kind, subject.id),
                subject_kind=subject.kind,
                subject_id=subject.id,
                county=subject.county,
            )
        head.seq, head.hash, head.pending = seq, digest, True
        self._put(head)

    # -- signed checkpoints ------------------------------------------------------------------------
    def pending_heads(self, limit: int = 5000) -> list[FileHead]:
        return [h for h in self._sorted(FileHead) if h.pending and not h.broken][:limit]

    def mark_signed(self, leaves) -> None:
        for key, seq, digest in leaves:
            head = self.get(FileHead, key)
            if head is not None and head.seq == seq:
                head.pending, head.signed_seq, head.signed_hash = False, seq, digest
                self._put(head)

    def mark_broken(self, key: str) -> None:
        head = self.get(FileHead, key)
        if head is not None:
            head.broken = True
            self._put(head)

    def checkpoint_chains(self) -> list[CheckpointChain]:
        return self._sorted(CheckpointChain)

    def checkpoints(self, county: str, after: int = 0, limit: int = 100) -> list[Checkpoint]:
        found = [c for c in self.all(Checkpoint) if c.county == county and c.number > after]
        return sorted(found, key=lambda c: c.number)[:limit]

    def export_entries(self, counties, after: str = "", limit: int = 1000) -> list[dict]:
        table = self._table(FileEntry)
        keys = [k for k in sorted(table) if k > after and _in_counties(table[k]["county"], counties)]
        return [copy.deepcopy(table[k]) for k in keys[:limit]]
