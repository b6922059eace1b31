"""``ArchiveStore`` over dicts, for the archive's handler tests.

Documents are kept as their mongo form and rebuilt on every read, so a test sees only what was
written, and a versioned save of a stale copy is a ``Conflict`` as on the real store. Appends
run the real ``FileChain`` algorithm on by-key steps over dicts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from mongoengine import Document

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
from wuying_common.errors import Conflict
from wuying_common.store import VersionedDocument


class FakeArchiveStore(FileChain):
    def __init__(self) -> None:
        self.rows: dict[type[Document], dict] = {}

    # -- generic, as ``wuying_common.store.Store`` -----------------------------------------------
    def _table(self, cls: type[Document]) -> dict:
        return self.rows.setdefault(cls, {})

    def _put(self, document: Document) -> Document:
        document.validate()
        document.__dict__.pop("_unsaved_events", None)  # "pushed" with the document
        self._table(type(document))[document.pk] = copy.deepcopy(document.to_mongo())
        document._created = False
        document._clear_changed_fields()
        return document

    def add(self, aggregate: Document) -> Document:
        if aggregate.pk in self._table(type(aggregate)):
            raise Conflict("记录已存在", code="duplicate")
        if isinstance(aggregate, VersionedDocument):
            aggregate.version = 1
        return self._put(aggregate)

    def save(self, aggregate: Document) -> Document:
        if isinstance(aggregate, VersionedDocument):
            stored = self._table(type(aggregate)).get(aggregate.pk)
            if stored is None or stored["version"] != aggregate.version:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            aggregate.version += 1
        return self._put(aggregate)

    def add_or_replace(self, document: Document) -> Document:
        return self._put(document)

    def delete(self, aggregate: Document) -> None:
        self._table(type(aggregate)).pop(aggregate.pk, None)

    def get(self, cls: type[Document], key) -> Document | None:
        son = self._table(cls).get(key)
        return cls._from_son(copy.deepcopy(son)) if son is not None else None

    def get_many(self, cls: type[Document], keys: Iterable) -> list[Document]:
        return [doc for doc in (self.get(cls, k) for k in dict.fromkeys(keys)) if doc is not None]

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
