"""``ArchiveStore`` over dicts, for the archive's handler tests.

Documents are kept as their mongo form and rebuilt on every read, so a test sees only what was
written, and a versioned save of a stale copy is a ``Conflict`` as on the real store. Appends
run the real ``FileChain`` algorithm on by-key steps over dicts.
"""

from __future__ import annotations

from wuying_archive.domain.file import FileSubject
from wuying_archive.persistence import (
    FileChain,
    FileEntry,
    FileHead,
    Official,
    RecordedEvent,
    entry_key,
    head_key,
    recorded_key,
)

from .memory import MemoryStore


class FakeArchiveStore(MemoryStore, FileChain):
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
