"""MongoDB store provider, and the base of every service's store: the only door to mongoengine.

MongoDB is used when ``MONGODB_URI`` is set. Otherwise the service runs on an embedded
in-memory store (mongomock through mongoengine) and says so loudly: it is for local runs and
tests only; data is lost at exit, and mongomock emulates but does not guarantee MongoDB's
behaviour under concurrency (see the README).

Handlers change state only through a store's methods: ``add`` (insert), ``save`` (write a
loaded aggregate, conditional on its version) and ``delete``, plus the repository methods a
service adds. They never call ``.save()`` or ``.objects(...)`` and never see mongoengine's
errors: a lost update or a unique clash is a ``Conflict``.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Iterable
from typing import Any

import mongoengine
import mongomock
from mongoengine import DictField, Document, IntField, ListField, Q
from mongoengine.base.datastructures import BaseList
from mongoengine.errors import NotUniqueError, SaveConditionError, ValidationError
from nameko.extensions import DependencyProvider
from pymongo.errors import BulkWriteError, DuplicateKeyError

from .embedded import FREEZER, embedded_documents, embedded_key_page, freeze_survivors, install_id_fast_path
from .errors import Conflict
from .paging import DEFAULT_LIMIT, Page, cursor_mismatch, page_from, value_at

log = logging.getLogger(__name__)


def connect_store(alias: str, db_name: str, uri: str | None) -> str:
    """Connect ``alias``; returns ``"mongodb"`` or ``"embedded"``."""
    mongoengine.disconnect(alias)
    if uri:
        mongoengine.connect(db=db_name, alias=alias, host=uri, uuidRepresentation="standard", tz_aware=False)
        return "mongodb"
    log.warning(
        "MONGODB_URI is not set: %s uses the EMBEDDED IN-MEMORY store (mongomock). "
        "Data is lost when the process exits. Never run a commission on this.",
        alias,
    )
    install_id_fast_path()
    mongoengine.connect(db=db_name, alias=alias, mongo_client_class=mongomock.MongoClient)
    return "embedded"


class PendingKeys:
    """Which aggregates hold unpublished events, by key: what the relay publishes next.

    Every write that pushes outbox entries marks its aggregate here (``OutboxDocument`` does it
    itself; a store method that writes events with its own update calls
    ``Store.events_written``). The relay reads the aggregates by ``_id`` and forgets a key once
    its events are out, so finding work never counts or scans a collection. A key written by
    another process (a replica, or this one before a crash) is found by the relay's sweep.
    """

    def __init__(self) -> None:
        # key -> how many times it was marked: a key marked again while the relay publishes
        # its earlier events survives the relay's ``done``.
        self._keys: dict[tuple[str, str], dict] = {}

    @staticmethod
    def _slot(doc_cls: type[Document]) -> tuple[str, str]:
        return (doc_cls._meta.get("db_alias", "default"), doc_cls._get_collection_name())

    def mark(self, doc_cls: type[Document], key) -> None:
        slot = self._keys.setdefault(self._slot(doc_cls), {})
        slot[key] = slot.get(key, 0) + 1

    def keys(self, doc_cls: type[Document], limit: int) -> dict:
        """Up to ``limit`` keys with their mark counts, oldest first."""
        return dict(itertools.islice(self._keys.get(self._slot(doc_cls), {}).items(), limit))

    def done(self, doc_cls: type[Document], key, marks: int) -> None:
        """Forget ``key`` unless it was marked again since ``keys`` returned ``marks``."""
        slot = self._keys.get(self._slot(doc_cls), {})
        if slot.get(key) == marks:
            del slot[key]

    def count(self, documents: tuple[type[Document], ...]) -> int:
        return sum(len(self._keys.get(self._slot(d), ())) for d in documents)


PENDING = PendingKeys()


# -- aggregates ------------------------------------------------------------------------------
class ValueListField(ListField):
    """A ``ListField`` of values or embedded documents without references, never dereferenced.

    mongoengine runs its dereferencer over a list field on every read through the attribute
    whose list it has not walked yet (each load, each assignment), whatever the list holds:
    for a profile's 64 embedded signals and 200 recent keys, 8% of risk's CPU per event for
    nothing to find. Same storage, validation and change tracking as ``ListField``; only for
    fields whose items can hold no ``ReferenceField`` (nor a DBRef in a dict).
    """

    def __get__(self, instance, owner):
        if instance is not None:
            value = instance._data.get(self.name)
            if isinstance(value, list):
                if not isinstance(value, BaseList):
                    value = instance._data[self.name] = BaseList(value, instance, self.name)
                value._dereferenced = True
        return super().__get__(instance, owner)


class VersionedDocument(Document):
    """Optimistic concurrency: a save only writes if nobody wrote in between.

    MongoDB applies a single-document update atomically; the version condition turns a lost
    update between two workers into a ``Conflict`` the caller can retry. Only the store calls
    ``save_versioned``.
    """

    meta: dict[str, Any] = {"abstract": True}
    version = IntField(default=0, required=True)

    def save_versioned(self):
        if self.pk is None or self._created:
            self.version = 1
            try:
                return self.save(force_insert=True)
            except NotUniqueError as exc:
                raise Conflict("记录已存在", code="duplicate") from exc
        expected = self.version
        self.version = expected + 1
        try:
            return self.save(save_condition={"version": expected})
        except SaveConditionError as exc:
            self.version = expected
            raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update") from exc
        except NotUniqueError as exc:
            self.version = expected
            raise Conflict("记录已存在", code="duplicate") from exc


def checked_row(cls: type[Document], row: dict) -> dict:
    """``row``, a document's stored form built by the store, checked as ``Document.validate``
    checks the document (each field's type, choices and bounds; required fields present)
    without building it: hot paths write rows by key. Raises mongoengine's ``ValidationError``."""
    errors = {}
    for name, db_field, field, empty_ok in _row_checks(cls):  # type: ignore[arg-type]  # a class is hashable
        value = row.get(db_field)
        if value is None:
            if field.required:
                errors[name] = ValidationError("Field is required", field_name=name)
            continue
        if type(value) is empty_ok and not value:  # an optional list or dict left empty: valid
            continue
        try:
            field._validate(value)
        except ValidationError as exc:
            errors[name] = exc
    if errors:
        raise ValidationError(f"ValidationError ({cls.__name__}:{row.get('_id')})", errors=errors)
    return row


@functools.cache
def _row_checks(cls: type[Document]) -> tuple:
    """(name, stored name, field, the container type an empty value of it is valid as) of each
    field of ``cls``: most of a new aggregate's fields are empty lists and dicts (its default),
    which no optional list or dict field refuses."""
    checks = []
    for name, field in cls._fields.items():
        empty_ok = None
        if not field.required and isinstance(field, ListField | DictField):
            empty_ok = list if isinstance(field, ListField) else dict
        checks.append((name, field.db_field, field, empty_ok))
    return tuple(checks)


class Store:
    """Base of each service's repository: generic writes here, repository methods in subclasses.

    ``add``, ``save`` and ``delete`` take the service's aggregates (mongoengine Documents);
    nothing outside the store calls mongoengine. A service's fake store in ``tests/`` offers
    the same methods over dicts.
    """

    documents: tuple[type[Document], ...] = ()

    def __init__(self, alias: str, mode: str) -> None:
        self.alias = alias
        self.mode = mode

    def db(self):
        return mongoengine.get_db(self.alias)

    def ping(self) -> None:
        """Raise if the store cannot answer (used by ``GET /health``)."""
        self.db().command("ping") if self.mode == "mongodb" else self.db().list_collection_names()

    def ensure_indexes(self) -> None:
        for doc in self.documents:
            doc.ensure_indexes()

    # -- generic writes ----------------------------------------------------------------------
    def add(self, aggregate: Document) -> Document:
        """Insert a new aggregate (with its pending events); ``Conflict("duplicate")`` if its
        key or a unique key is taken."""
        if isinstance(aggregate, VersionedDocument):
            aggregate._created = True
            return aggregate.save_versioned()
        try:
            return aggregate.save(force_insert=True)
        except NotUniqueError as exc:
            raise Conflict("记录已存在", code="duplicate") from exc

    def save(self, aggregate: Document) -> Document:
        """Write a loaded aggregate's changes (and push its new events). Versioned aggregates
        are written only if unchanged since they were read: else ``Conflict``."""
        if isinstance(aggregate, VersionedDocument):
            return aggregate.save_versioned()
        try:
            return aggregate.save()
        except NotUniqueError as exc:
            raise Conflict("记录已存在", code="duplicate") from exc

    def insert(self, document: Document) -> bool:
        """Insert a new unversioned document, validated as ``save`` would; False when its key
        (or a unique key) is taken. For hot paths that write an append-only record per event:
        straight to the collection, without ``save``'s change tracking."""
        document.validate()
        try:
            document._get_collection().insert_one(document.to_mongo())
        except DuplicateKeyError:
            return False
        document._created = False
        return True

    def insert_son(self, cls: type[Document], son: dict) -> bool:
        """Insert one document in its stored form (checked by the caller: ``checked_row``);
        False when its ``_id`` is taken, and only then: any other refusal raises. On the
        embedded store straight into the collection's dict (mongomock's insert deep-copies and
        walks it), which then holds ``son`` itself: the caller no longer changes it."""
        if self.mode == "embedded":  # nothing yields between the check and the set
            documents = embedded_documents(cls)
            if son["_id"] in documents:
                return False
            documents[son["_id"]] = son
            return True
        try:
            cls._get_collection().insert_one(son)
        except DuplicateKeyError:
            return False
        return True

    def insert_rows(self, cls: type[Document], rows: list[dict]) -> set:
        """Insert new documents in their stored form (a batch job's rows, built from checked
        input), in bulk; returns the keys that were taken (not written). On the embedded store
        they go into the collection's dict: mongomock's insert deep-copies and walks each one,
        most of a province import. Only for collections whose one unique index is ``_id``."""
        if not rows:
            return set()
        if self.mode == "embedded":  # nothing yields between a key's check and its set
            documents, taken = embedded_documents(cls), set()
            for row in rows:
                if row["_id"] in documents:
                    taken.add(row["_id"])
                else:
                    documents[row["_id"]] = dict(row)
            return taken
        try:
            cls._get_collection().insert_many(rows, ordered=False)
        except BulkWriteError as exc:
            return {rows[e["index"]]["_id"] for e in exc.details.get("writeErrors", [])}
        return set()

    def add_or_replace(self, document: Document) -> Document:
        """Write an unversioned document whole, whether or not it exists (reference data)."""
        return document.save()

    def events_written(self, doc_cls: type[Document], key) -> None:
        """Tell the outbox relay that a store method's own update pushed events onto ``key``."""
        PENDING.mark(doc_cls, key)

    def delete(self, aggregate: Document) -> None:
        aggregate.delete()

    def get(self, cls: type[Document], key) -> Document | None:
        """One document by its ``_id`` (a key lookup on both stores)."""
        if cls._meta.get("allow_inheritance"):
            return cls.objects(pk=key).first()
        # The collection asked directly: a queryset (built, cloned, transformed) costs as much
        # as the lookup itself, and hot paths read several documents per event by key.
        son = cls._get_collection().find_one({"_id": _id_value(cls, key)})
        return None if son is None else cls._from_son(son)

    def get_many(self, cls: type[Document], keys: Iterable) -> list[Document]:
        """Documents by their ``_id``s, in the order of ``keys``, missing ones left out."""
        keys = list(keys)
        if not keys:
            return []
        if cls._meta.get("allow_inheritance"):
            found = {doc.pk: doc for doc in cls.objects(pk__in=keys)}
        else:
            values = [_id_value(cls, k) for k in keys]
            docs = (cls._from_son(son) for son in cls._get_collection().find({"_id": {"$in": values}}))
            found = {doc.pk: doc for doc in docs}
        return [found[k] for k in keys if k in found]

    def paged(self, queryset, query: dict, order: str | None = None) -> Page:
        """One page of a filtered queryset (``paging``): by ``_id`` from the cursor on
        (``_id > last``), or by ``order`` (one field, ``-`` for descending) then ``_id``; read
        as ``limit + 1`` rows, never counted. ``query`` holds the loaded ``limit`` and ``cursor``."""
        limit, after = query.get("limit", DEFAULT_LIMIT), query.get("cursor")
        if order is None:
            if after is not None and len(after) != 1:
                raise cursor_mismatch()
            if self.mode == "embedded":
                after_key = _id_value(queryset._document, after[0]) if after else None
                return embedded_key_page(queryset, limit, after_key)
            if after is not None:
                queryset = queryset.filter(pk__gt=after[0])
            return page_from(list(queryset.order_by("pk").limit(limit + 1)), limit, lambda doc: (doc.pk,))
        name = order.lstrip("-")
        path = name.replace(".", "__")
        if after is not None:
            if len(after) != 2:
                raise cursor_mismatch()
            value, key = after
            beyond = Q(**{f"{path}__{'lt' if order.startswith('-') else 'gt'}": value})
            queryset = queryset.filter(beyond | (Q(**{path: value}) & Q(pk__gt=key)))
        rows = list(queryset.order_by(order, "pk").limit(limit + 1))
        return page_from(rows, limit, lambda doc: (value_at(doc, name), doc.pk))


def _id_value(cls: type[Document], key):
    """``key`` as the ``_id`` is stored (an ObjectId from its string, say), as a queryset's
    ``pk=key`` would put it."""
    return cls._fields[cls._meta["id_field"]].prepare_query_value(None, key)


class StoreProvider(DependencyProvider):
    """Connects in ``setup()``, disconnects in ``stop()``; injects the service's ``Store``."""

    def __init__(self, store_cls: type[Store], alias: str, **kwargs) -> None:
        self.store_cls = store_cls
        self.alias = alias
        super().__init__(**kwargs)

    def setup(self) -> None:
        config = self.container.config
        uri = config.get("MONGODB_URI") or None
        # The suffix lets a test run use throw-away databases on a real server.
        db_name = (config.get("MONGODB_DATABASE") or f"wuying_{self.alias}") + (
            config.get("MONGODB_DATABASE_SUFFIX") or ""
        )
        mode = connect_store(self.alias, db_name, uri)
        # A Document caches its collection object: forget one cached under an earlier
        # connection of this alias (several containers in one process, as in tests).
        for document in self.store_cls.documents:
            document._collection = None
        self.store = self.store_cls(self.alias, mode)
        self.store.ensure_indexes()
        if freeze_survivors(config.get("GC_FREEZE_SURVIVORS"), embedded=uri is None):
            FREEZER.install()

    def stop(self) -> None:
        mongoengine.disconnect(self.alias)

    def get_dependency(self, worker_ctx) -> Store:
        return self.store
