"""``FakeInspectionStore``: the inspection store over dicts, for handler unit tests.

It is an ``InspectionStore`` whose primitives (``add``, ``save``, ``get``...) and list queries
keep documents in memory instead of calling mongoengine; the key-based repository methods
(``plan_for``, ``cross_assignment_covering``, ``upsert_unit``...) are the real ones, built on
those primitives. Documents are kept as their MongoDB form and rebuilt on every read, so a
handler that changes an aggregate and fails before ``save`` leaves the store as it was, and a
stale copy's ``save`` is a ``Conflict`` exactly as on MongoDB.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from mongoengine import Document

from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument
from wuying_common.store import VersionedDocument
from wuying_inspection.persistence import InspectionStore, Plan, SpecialistMember, Unit, region_prefix


class FakeInspectionStore(InspectionStore):
    def __init__(self) -> None:
        super().__init__("fake", "fake")
        self.collections: dict[type[Document], dict] = {}
        #: keys whose writes pushed outbox events, per document class (what the relay would publish)
        self.events_pending: dict[type[Document], set] = {}

    # -- what the real store asks of mongoengine -------------------------------------------
    def ping(self) -> None:
        pass

    def ensure_indexes(self) -> None:
        pass

    def _rows(self, cls: type[Document]) -> dict:
        return self.collections.setdefault(cls, {})

    def _write(self, aggregate: Document) -> Document:
        if isinstance(aggregate, OutboxDocument) and aggregate.__dict__.pop("_unsaved_events", None):
            self.events_written(type(aggregate), aggregate.pk)
        self._rows(type(aggregate))[aggregate.pk] = copy.deepcopy(aggregate.to_mongo().to_dict())
        aggregate._created = False
        aggregate._clear_changed_fields()
        return aggregate

    def _read(self, cls: type[Document], son: dict) -> Document:
        return cls._from_son(copy.deepcopy(son))

    def _all(self, cls: type[Document]) -> list:
        return [self._read(cls, son) for son in self._rows(cls).values()]

    # -- the generic writes and reads (same contract as ``Store``) -------------------------
    def add(self, aggregate: Document) -> Document:
        aggregate.validate()
        if aggregate.pk in self._rows(type(aggregate)):
            raise Conflict("记录已存在", code="duplicate")
        if isinstance(aggregate, VersionedDocument):
            aggregate.version = 1
        return self._write(aggregate)

    def save(self, aggregate: Document) -> Document:
        aggregate.validate()
        if isinstance(aggregate, VersionedDocument):
            stored = self._rows(type(aggregate)).get(aggregate.pk)
            if stored is None or stored.get("version") != aggregate.version:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            aggregate.version += 1
        return self._write(aggregate)

    def add_or_replace(self, document: Document) -> Document:
        document.validate()
        return self._write(document)

    def events_written(self, doc_cls: type[Document], key) -> None:
        self.events_pending.setdefault(doc_cls, set()).add(key)

    def delete(self, aggregate: Document) -> None:
        self._rows(type(aggregate)).pop(aggregate.pk, None)

    def get(self, cls: type[Document], key) -> Document | None:
        son = self._rows(cls).get(key)
        return None if son is None else self._read(cls, son)

    def get_many(self, cls: type[Document], keys: Iterable) -> list[Document]:
        rows = self._rows(cls)
        return [self._read(cls, rows[k]) for k in keys if k in rows]

    # -- the list queries ------------------------------------------------------------------
    def plans(self, county: str, year: int | None = None, limit: int = 200) -> list[Plan]:
        found = [p for p in self._all(Plan) if p.county == county and (year is None or p.year == year)]
        return sorted(found, key=lambda p: (p.year, p.unit_id))[:limit]

    def zones_in(self, region: str) -> list[str]:
        prefix = region_prefix(region)
        return sorted({u.zone for u in self._all(Unit) if u.county.startswith(prefix) and u.zone})

    def specialists_in(self, region: str) -> list[SpecialistMember]:
        prefix = region_prefix(region)
        return sorted((m for m in self._all(SpecialistMember) if m.county.startswith(prefix)), key=lambda m: m.id)

    def plans_booking(self, specialist_ids: list[str], year: int) -> list[Plan]:
        wanted = set(specialist_ids)
        return [p for p in self._all(Plan) if p.year == year and wanted & set(p.specialist_ids)]
