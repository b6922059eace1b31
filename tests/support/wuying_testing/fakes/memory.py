"""``MemoryStore``: the generic half of ``wuying_common.store.Store`` over dicts.

Each service's fake (``fakes/<service>.py``) subclasses it (before the service's own store
class, when it reuses that store's key-based repository methods) and adds the repository
methods it needs. Documents are the service's own mongoengine Documents, kept in their MongoDB
form and rebuilt on every read: a handler that changes an aggregate and fails before saving
leaves the store as it was, a stale copy's versioned save is a ``Conflict("concurrent_update")``,
a taken key a ``Conflict("duplicate")``, exactly as on the real store.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from bson import ObjectId
from mongoengine import Document

from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument
from wuying_common.paging import Page, keyset_page
from wuying_common.store import VersionedDocument


class MemoryStore:
    alias = "memory"
    mode = "memory"

    def __init__(self, *args, **kwargs) -> None:
        self.rows: dict[type[Document], dict] = {}
        #: (document class, key) of every write that pushed outbox events: what the relay is told
        self.events_marked: list[tuple[type[Document], object]] = []

    # -- what tests read ---------------------------------------------------------------------
    def all(self, cls: type[Document]) -> list:
        """Every stored document of ``cls``, as fresh copies, in insertion order."""
        return [self._from(cls, son) for son in self._table(cls).values()]

    def count(self, cls: type[Document]) -> int:
        return len(self._table(cls))

    def marked(self, cls: type[Document]) -> set:
        return {key for doc_cls, key in self.events_marked if doc_cls is cls}

    # -- plumbing ------------------------------------------------------------------------------
    def _table(self, cls: type[Document]) -> dict:
        return self.rows.setdefault(cls, {})

    @staticmethod
    def _from(cls: type[Document], son: dict) -> Document:
        return cls._from_son(copy.deepcopy(son))

    @staticmethod
    def _son(document) -> dict:
        return copy.deepcopy(document.to_mongo().to_dict())

    def _put(self, document: Document) -> Document:
        document.validate()
        if document.pk is None:  # an auto ``_id``, as mongoengine gives on insert
            document.pk = ObjectId()
        son = self._son(document)
        new_events = document.__dict__.pop("_unsaved_events", None)
        stored = self._table(type(document)).get(document.pk)
        if isinstance(document, OutboxDocument) and stored is not None:
            # As on the real store: the stored outbox is only appended to (the relay edits it).
            son["outbox"] = stored.get("outbox", []) + [self._son(e) for e in new_events or []]
            son["outbox_pending"] = bool(new_events) or stored.get("outbox_pending", False)
        self._table(type(document))[document.pk] = son
        if new_events:
            self.events_written(type(document), document.pk)
        document._created = False
        document._clear_changed_fields()
        return document

    # -- the Store contract --------------------------------------------------------------------
    def ping(self) -> None:
        return None

    def ensure_indexes(self) -> None:
        return None

    def events_written(self, doc_cls: type[Document], key) -> None:
        self.events_marked.append((doc_cls, key))

    def add(self, aggregate: Document) -> Document:
        aggregate.validate()
        if aggregate.pk in self._table(type(aggregate)):
            raise Conflict("记录已存在", code="duplicate")
        if isinstance(aggregate, VersionedDocument):
            aggregate.version = 1
        return self._put(aggregate)

    def save(self, aggregate: Document) -> Document:
        if aggregate.pk is None:
            return self.add(aggregate)
        if isinstance(aggregate, VersionedDocument):
            if aggregate._created:
                return self.add(aggregate)
            aggregate.validate()
            stored = self._table(type(aggregate)).get(aggregate.pk)
            if stored is None or stored.get("version") != aggregate.version:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            aggregate.version += 1
        return self._put(aggregate)

    def add_or_replace(self, document: Document) -> Document:
        return self._put(document)

    def delete(self, aggregate: Document) -> None:
        self._table(type(aggregate)).pop(aggregate.pk, None)

    def get(self, cls: type[Document], key) -> Document | None:
        son = self._table(cls).get(key)
        return None if son is None else self._from(cls, son)

    def get_many(self, cls: type[Document], keys: Iterable) -> list[Document]:
        table = self._table(cls)
        return [self._from(cls, table[k]) for k in dict.fromkeys(keys) if k in table]

    def paged(self, found: Iterable, query: dict, order: str | None = None) -> Page:
        """``Store.paged`` over documents a fake's repository method has filtered."""
        return keyset_page(found, query, order)

    # -- wuying_common.tallies.TallyWrites over dicts ------------------------------------------
    def set_entry(self, cls: type[Document], key: str, record: str, entry: Mapping | None) -> None:
        self.set_entries(cls, key, {record: entry})

    def set_entries(self, cls: type[Document], key: str, entries: Mapping[str, Mapping | None]) -> None:
        if not entries:
            return
        tally = self._table(cls).setdefault(key, {"_id": key, "entries": {}})["entries"]
        for record, entry in entries.items():
            if entry is None:
                tally.pop(record, None)
            else:
                tally[record] = copy.deepcopy(dict(entry))

    def replace_tally(self, cls: type[Document], key: str, entries: Mapping[str, Mapping]) -> None:
        self._table(cls)[key] = {"_id": key, "entries": {r: copy.deepcopy(dict(e)) for r, e in entries.items()}}

    def tallies(self, cls: type[Document], keys: Iterable[str]) -> dict[str, dict[str, dict]]:
        table = self._table(cls)
        return {key: copy.deepcopy(table.get(key, {}).get("entries", {})) for key in dict.fromkeys(keys)}
