"""The registry: units, officials and their time-bounded posts, the precise search (精准检索), and
the store's registry reads and bulk writes at province scale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.queryset.visitor import Q
from pymongo import ReplaceOne

from wuying_common.embedded import embedded_documents
from wuying_common.outbox import OutboxDocument
from wuying_common.paging import Page
from wuying_common.store import Store

from ..domain.personnel import Occupancy
from .common import ALIAS, _chunks, _county_q


class Unit(Document):
    """A unit (单位): commission organs, dispatched agencies, departments, townships."""

    meta = {"db_alias": ALIAS, "collection": "units", "indexes": ["county", "zone"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    kind = StringField(required=True)
    zone = StringField()


class OccupancyDoc(EmbeddedDocument):
    """A post held from ``start`` to ``end`` (ISO dates, inclusive; ``end`` None: still held)."""

    unit_id = StringField(required=True)
    post = StringField(required=True)
    rank = StringField(required=True)
    kind = StringField(required=True, choices=("post", "secondment"))
    start = StringField(required=True)
    end = StringField(null=True)

    def to_domain(self) -> Occupancy:
        return Occupancy(self.unit_id, self.post, self.rank, self.kind, self.start, self.end)

    @classmethod
    def of(cls, o: Occupancy) -> OccupancyDoc:
        return cls(unit_id=o.unit_id, post=o.post, rank=o.rank, kind=o.kind, start=o.start, end=o.end)


class Official(OutboxDocument):
    """An official under supervision; the owner of one integrity file.

    ``postings`` are the posts held, time-bounded (who held this post on this date); ``tags``
    are codes of the standard vocabulary ``tag_version``."""

    meta = {
        "db_alias": ALIAS,
        "collection": "officials",
        "indexes": ["county", "unit_id", "name", "outbox_pending", "post", "rank", "tags", "postings.unit_id"],
    }
    subject_kind = "official"
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    post = StringField(required=True)
    rank = StringField(required=True)
    status = StringField(required=True, default="serving")
    commission_staff = IntField(default=0)  # 1 when the official works for a commission
    seconded_to = StringField(null=True)
    postings = ListField(EmbeddedDocumentField(OccupancyDoc))
    tags = ListField(StringField())
    tag_version = StringField(null=True)
    #: the import batch that last wrote this official (``ImportBatch``), in the same write
    import_batch = StringField(null=True)

    def occupancies(self) -> tuple[Occupancy, ...]:
        return tuple(p.to_domain() for p in self.postings)


class ImportBatch(OutboxDocument):
    """One ``officials.imported`` of a registry import (one county, at most 500 changes),
    written BEFORE its officials (``ready`` False, the changes kept here), then made ready with
    the changes whose officials were written (each of them carries ``import_batch`` = this id
    in its own write) and its event in the outbox. A batch left unready by a crash in between is
    finished by ``finish_stale_batches`` from the officials that carry its id, so no written
    change goes unannounced and no unwritten one is announced. ``changes`` is emptied when the
    event is built (it then lives in the outbox until published)."""

    meta = {"db_alias": ALIAS, "collection": "import_batches", "indexes": ["ready", "outbox_pending"]}
    subject_kind = "import"
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    changes = ListField(DictField(), max_length=500)
    ready = BooleanField(default=False)
    created_at = DateTimeField(required=True)


@dataclass(frozen=True)
class OfficialQuery:
    """A precise search (精准检索) for people: every field narrows; ``counties`` are the caller's
    scopes (a county, a city ``xxxx00`` or a province ``xx0000``); ``after`` is the cursor (an id)."""

    counties: tuple[str, ...]
    name: str | None = None
    unit_id: str | None = None
    post: str | None = None
    rank: str | None = None
    tag: str | None = None
    official_ids: tuple[str, ...] | None = None  # from the reminder side of the search
    held_from: date | None = None  # a posting (unit/post when given) overlapping this range
    held_to: date | None = None
    after: str = ""
    limit: int = 50

    def posting_matches(self, occupancies: Iterable[Occupancy]) -> bool:
        if self.held_from is None and self.held_to is None:
            return True
        first, last = self.held_from or date.min, self.held_to or date.max
        return any(
            o.overlaps(first, last)
            and (self.unit_id is None or o.unit_id == self.unit_id)
            and (self.post is None or o.post == self.post)
            for o in occupancies
        )


class RegistryStore(Store):
    """The registry's reads and writes (officials, units, holders, the search); part of ``ArchiveStore``."""

    def officials(self, county: str | None = None, name: str | None = None, limit: int = 100) -> list[Official]:
        """A bounded list for people (indexed on MongoDB; a scan on the embedded store)."""
        query = Official.objects
        if county:
            query = query(county=county)
        if name:
            query = query(name=name)
        return list(query.order_by("id").limit(limit))

    def official_list(self, counties: Iterable[str], page: dict, name: str | None = None) -> Page:
        """A page of the officials of some counties (by name), by key."""
        query = Official.objects(county__in=list(counties))
        return self.paged(query(name=name) if name else query, page)

    # -- the registry at province scale: raw rows by key, bulk writes ----------------------------
    def official_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        """The stored officials' documents (their MongoDB form) by id, for diffing an import."""
        return self._rows(Official, list(ids))

    def stored_officials(self, ids: Iterable[str]) -> dict[str, dict]:
        """The stored officials by id, read only (evaluating reads them): on the embedded store
        the collection's own dicts, never to be changed (mongomock's ``find`` copies each one);
        on MongoDB ``official_rows``."""
        if self.mode != "embedded":
            return self.official_rows(ids)
        documents = embedded_documents(Official)
        return {key: row for key in ids if (row := documents.get(key)) is not None}

    def unit_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        return self._rows(Unit, list(ids))

    @staticmethod
    def _rows(cls, ids: list[str]) -> dict[str, dict]:
        collection = cls._get_collection()
        found: dict[str, dict] = {}
        for chunk in _chunks(ids):
            for row in collection.find({"_id": {"$in": chunk}}):
                found[row["_id"]] = row
        return found

    def write_officials(self, inserts: list[dict], updates: list[tuple[str, int, dict, list[dict]]]) -> set[str]:
        """Insert new officials whole and update changed ones, each ONE document write carrying
        its events (``$push`` onto the outbox, never rewriting it: the relay pulls from it).

        ``updates``: (id, version read, fields to set, outbox entries to push); the write is
        conditional on the version. Returns the ids not written: taken (a concurrent insert) or
        changed since they were read; the caller diffs them again.
        """
        collection = Official._get_collection()
        lost: set[str] = self.insert_rows(Official, inserts)
        for key, version, sets, events in updates:
            update: dict = {"$set": dict(sets, version=version + 1)}
            if events:
                update["$set"]["outbox_pending"] = True
                update["$push"] = {"outbox": {"$each": events}}
            if not collection.update_one({"_id": key, "version": version}, update).matched_count:
                lost.add(key)
        for row in inserts:
            if row["_id"] not in lost and row.get("outbox"):
                self.events_written(Official, row["_id"])
        for key, _, _, events in updates:
            if key not in lost and events:
                self.events_written(Official, key)
        return lost

    # -- import batches (``officials.imported``) ----------------------------------------------
    def begin_batches(self, batches: list[dict]) -> None:
        """Insert import batches, unready (``{_id, county, changes, created_at}``)."""
        self.insert_rows(
            ImportBatch, [dict(b, version=1, ready=False, outbox=[], outbox_pending=False) for b in batches]
        )

    def finish_batch(self, batch_id: str, entry: dict | None) -> None:
        """Make a batch ready with its event (``entry``, an outbox entry), or drop it when none
        of its changes was written (``entry`` None)."""
        collection = ImportBatch._get_collection()
        if entry is None:
            collection.delete_one({"_id": batch_id})
            return
        ready = {"ready": True, "changes": [], "outbox_pending": True}
        if self.mode == "embedded":
            # In place (as ``RiskStore.write_recomputed``): mongomock's ``$push`` walks the whole
            # envelope. Nothing yields to another green thread between the check and the set.
            doc = embedded_documents(ImportBatch).get(batch_id)
            if doc is None or doc.get("ready"):
                return
            doc.update(ready, outbox=[*doc["outbox"], entry], version=doc["version"] + 1)
        elif not collection.update_one(
            {"_id": batch_id, "ready": False},
            {"$set": ready, "$push": {"outbox": entry}, "$inc": {"version": 1}},
        ).matched_count:
            return
        self.events_written(ImportBatch, batch_id)

    def stale_batches(self, before: datetime, limit: int = 100) -> list[dict]:
        """Unready batches begun before ``before`` (a crash between their writes)."""
        rows = ImportBatch._get_collection().find({"ready": False, "created_at": {"$lt": before}})
        return list(rows.limit(limit))

    def write_units(self, rows: list[dict]) -> None:
        """Units are reference data: written whole (no events)."""
        if rows and self.mode == "embedded":  # into the dict: mongomock's upserts walk each one
            embedded_documents(Unit).update((r["_id"], dict(r)) for r in rows)
        elif rows:
            Unit._get_collection().bulk_write([ReplaceOne({"_id": r["_id"]}, r, upsert=True) for r in rows])

    def holders(self, unit_id: str, post: str | None, on: date) -> list[tuple[Official, Occupancy]]:
        """Who held ``post`` (any post when None) in ``unit_id`` on ``on`` (bounded by the unit)."""
        found = []
        for official in Official.objects(postings__unit_id=unit_id).order_by("id").limit(5000):
            for occupancy in official.occupancies():
                if occupancy.unit_id == unit_id and (post is None or occupancy.post == post) and occupancy.held_on(on):
                    found.append((official, occupancy))
        return found

    def search_officials(self, query: OfficialQuery) -> list[Official]:
        """One page of the precise search, in id order after the cursor (indexed fields)."""
        q = _county_q(query.counties)
        for key in ("name", "unit_id", "post", "rank"):
            value = getattr(query, key)
            if value is not None and not (key in ("unit_id", "post") and (query.held_from or query.held_to)):
                q &= Q(**{key: value})
        if query.tag:
            q &= Q(tags=query.tag)
        if query.official_ids is not None:
            q &= Q(id__in=list(query.official_ids))
        if query.unit_id and (query.held_from or query.held_to):
            q &= Q(postings__unit_id=query.unit_id)
        if query.after:
            q &= Q(id__gt=query.after)
        found: list[Official] = []
        # A time range is checked on the postings after the query: read on until a page is full.
        for official in Official.objects(q).order_by("id").limit(query.limit * 20):
            if query.posting_matches(official.occupancies()):
                found.append(official)
                if len(found) == query.limit:
                    break
        return found

    def official_page(self, after: str, limit: int) -> list[Official]:
        """Officials in id order after ``after``: the nightly sweep's walk."""
        return list(Official.objects(id__gt=after).order_by("id").limit(limit))
