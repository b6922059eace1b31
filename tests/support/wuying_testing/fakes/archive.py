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
    Dossier,
    FileChain,
    FileEntry,
    FileHead,
    Official,
    OfficialQuery,
    RecordedEvent,
    Reminder,
    Unit,
    county_prefixes,
    entry_key,
    head_key,
    recorded_key,
)
from wuying_common.errors import Conflict

from .memory import MemoryStore


def _in_counties(county: str, scopes: Iterable[str]) -> bool:
    prefixes = county_prefixes(scopes)
    return prefixes is None or any(county.startswith(p) for p in prefixes)


class FakeArchiveStore(MemoryStore, FileChain):
    # -- the registry at province scale ----------------------------------------------------------
    def official_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        table = self._table(Official)
        return {k: copy.deepcopy(table[k]) for k in ids if k in table}

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

    def insert_reminders(self, rows) -> set[str]:
        inserted = self._insert_new(Reminder, rows)
        for key in inserted:
            self.events_written(Reminder, key)
        return inserted

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

    def reminders_due(self, today: date, limit: int = 500) -> list[Reminder]:
        due = [r for r in self._sorted(Reminder) if r.escalate_on and r.escalate_on < today.isoformat()]
        return sorted(due, key=lambda r: (r.escalate_on, r.id))[:limit]

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
        self._put(
            FileHead(
                id=head_key(subject.kind, subject.id),
                subject_kind=subject.kind,
                subject_id=subject.id,
                county=subject.county,
                seq=seq,
                hash=digest,
            )
        )
