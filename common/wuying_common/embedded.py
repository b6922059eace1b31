"""The embedded store's accelerations (mongomock has no indexes): key lookups answered from the
collection's dict, key pages, batch reads and writes of raw documents, a by-value index of one
field, and the GC freezer. MongoDB never goes through any of this; ``store.Store`` picks the
embedded branch only when its mode is ``"embedded"``.
"""

from __future__ import annotations

import bisect
import copy
import functools
import gc
import itertools
import re
from collections.abc import Hashable, Iterable, Iterator

from mongomock import collection as mongomock_collection
from mongomock import filtering
from mongomock.collection import Collection as _MockCollection

from .paging import Page, page_from


# -- the embedded store's key lookups --------------------------------------------------------
def keys_of(spec) -> list | None:
    """The ``_id`` values a filter can only match, or None when it is not a lookup by key.

    ``{"_id": k, ...}`` and ``{"_id": {"$in": [k, ...]}, ...}`` qualify when every key is
    hashable (strings, numbers, ObjectIds); anything else (operators, sub-documents) does not.
    """
    if not isinstance(spec, dict) or "_id" not in spec:
        return None
    value = spec["_id"]
    if isinstance(value, dict):
        if set(value) != {"$in"} or not isinstance(value["$in"], list | tuple):
            return None
        values = list(value["$in"])
    else:
        values = [value]
    if not all(isinstance(v, Hashable) and not isinstance(v, re.Pattern) for v in values):
        return None
    return list(dict.fromkeys(values))


def _iter_documents_by_key(self, filter) -> Iterator[dict]:
    """mongomock's ``Collection._iter_documents`` with a fast path for lookups by ``_id``.

    mongomock keeps a collection as an ordered dict keyed by ``_id`` but answers every query,
    ``find_one({"_id": k})`` included, by testing each document. A filter that names its
    ``_id`` values is answered from the dict instead; the whole filter is still applied to the
    candidates, so the result is the same. ``$in`` lookups come back in the list's order
    (MongoDB promises no order without a sort either).
    """
    keys = keys_of(filter)
    if keys is None:
        return _SCAN(self, filter)
    found = []
    store = self._store
    # A filter on ``_id`` alone is answered by the dict itself: testing it again costs a scan of
    # the ``$in`` list per document (5,000 keys read in one batch: 25 million comparisons).
    only_keys = len(filter) == 1
    for key in keys:
        try:
            document = store[key]
        except (KeyError, TypeError):
            continue
        if only_keys or filtering.filter_applies(filter, document):
            found.append(document)
    return iter(found)


_SCAN = _MockCollection._iter_documents


def embedded_key_page(queryset, limit: int, after) -> Page:
    """``Store.paged`` by ``_id`` on the embedded store: the collection's keys in order from the
    cursor on, each document tested against the query until ``limit + 1`` match. mongomock would
    test and sort every document of the collection for every page; this reads as far as the page
    reaches. Projections are not applied (whole documents are loaded, as a read by key does)."""
    documents = queryset._collection._store._documents
    spec = queryset._query
    keys = sorted(documents)
    start = bisect.bisect_right(keys, after) if after is not None else 0
    rows = []
    for key in itertools.islice(keys, start, None):
        document = documents[key]
        if filtering.filter_applies(spec, document):
            rows.append(queryset._document._from_son(copy.deepcopy(document)))
            if len(rows) > limit:
                break
    return page_from(rows, limit, lambda doc: (doc.pk,))


def embedded_documents(doc_cls) -> dict:
    """The embedded store's own ``_id`` → document dict of a collection, for batch jobs that
    read or rewrite a whole collection (a province's profiles after a rule change): going
    through mongomock's update calls per document costs minutes at 200,000 documents. Only
    valid when the store is embedded; the mongomock internals live here and nowhere else."""
    return doc_cls._get_collection()._store._documents


def stored_documents(collection) -> dict | None:
    """``embedded_documents`` for a pymongo-like collection: its ``_id`` → document dict when
    it is the embedded store's (mongomock), None on MongoDB. For a hot path that reads or sets
    a few fields by key (the outbox relay) without mongomock's copies of whole documents."""
    return collection._store._documents if isinstance(collection, _MockCollection) else None


def flagged_keys(doc_cls, field: str, limit: int) -> list:
    """The ``_id``s of up to ``limit`` documents whose boolean ``field`` is true (the outbox
    relay's sweep for ``outbox_pending``). On MongoDB a query (on the field's index); on the
    embedded store a walk of the collection's dict (100,000 documents: 29 ms of CPU, where
    mongomock's filter took 106 ms), every sweep of every outbox collection."""
    collection = doc_cls._get_collection()
    if not isinstance(collection, _MockCollection) or doc_cls._meta.get("allow_inheritance"):
        return [doc.pk for doc in doc_cls.objects(**{field: True}).only("id").limit(limit)]
    name = doc_cls._fields[field].db_field
    found = (key for key, doc in collection._store._documents.items() if doc.get(name) is True)
    return list(itertools.islice(found, limit))


class EmbeddedIndex:
    """A by-value index of one field of an embedded collection, for a batch that reads the
    collection slice by slice (a scan county by county): the embedded store has no indexes, so
    each slice would otherwise read every document (100 counties x 100,000 records).

    The store method that is the collection's only writer calls ``add`` for what it writes. The
    index is rebuilt from the collection when it was not built from this collection object (a
    new connection) or the collection's size moved without it; ``documents`` re-checks the
    field of what it returns, so a document changed behind the index is never returned for a
    value it no longer has. Only valid when the store is embedded, as ``embedded_documents``.
    """

    def __init__(self, doc_cls, field: str) -> None:
        self.doc_cls, self.field = doc_cls, field
        self._source: dict | None = None
        self._keys: dict = {}  # value -> {_id: None}, in insertion order
        self._size = 0

    def _current(self) -> dict:
        documents = embedded_documents(self.doc_cls)
        if documents is not self._source or len(documents) != self._size:
            self._keys = {}
            for key, doc in documents.items():
                self._keys.setdefault(doc.get(self.field), {})[key] = None
            self._source, self._size = documents, len(documents)
        return documents

    def add(self, rows: Iterable[dict]) -> None:
        """Index rows the collection's writer has just written (their ``_id`` and field)."""
        documents = embedded_documents(self.doc_cls)
        if documents is not self._source:
            self._current()  # built from the collection, these rows included
            return
        for row in rows:
            self._keys.setdefault(row.get(self.field), {})[row["_id"]] = None
        self._size = len(documents)

    def documents(self, value) -> list[dict]:
        """The stored documents whose field is ``value`` (the collection's own dicts: read only)."""
        documents = self._current()
        found = (documents.get(key) for key in self._keys.get(value, ()))
        return [doc for doc in found if doc is not None and doc.get(self.field) == value]


class _ParsedVersions:
    """``packaging.version`` for mongomock's collection module, with ``parse`` remembered.

    mongomock compares the pymongo version (``version.parse('3.6')``, ``'4.0'``) inside every
    insert and every ``$set`` field: ~80 µs each, a third of an archive file append. A parsed
    version is immutable, so remembering it changes nothing but the cost."""

    def __init__(self, module) -> None:
        self._module = module
        self.parse = functools.lru_cache(maxsize=64)(module.parse)

    def __getattr__(self, name: str):
        return getattr(self._module, name)


def install_id_fast_path() -> None:
    """Patch mongomock once per process (idempotent). Written to go upstream as is."""
    if _MockCollection._iter_documents is not _iter_documents_by_key:
        _MockCollection._iter_documents = _iter_documents_by_key  # type: ignore[method-assign]
    if not isinstance(mongomock_collection.version, _ParsedVersions):
        mongomock_collection.version = _ParsedVersions(mongomock_collection.version)  # type: ignore[assignment]


class SurvivorFreezer:
    """Freezes (``gc.freeze``) what survives each full collection of the cyclic GC.

    A service's heap is mostly long-lived (modules, and on the embedded store every stored
    document), and a full collection walks all of it: 100 ms or more once archive's files
    hold a province's events, a pause every consumer waits through (the p99 of report →
    archive). Right after a full collection every object left is reachable, so freezing then
    hides only live objects from later collections, which walk what is new since. The cost:
    a frozen object that later dies inside a reference cycle is never freed (plain objects are
    still freed by their reference counts). Opt-in per process (``GC_FREEZE_SURVIVORS``).
    """

    def __init__(self) -> None:
        self.installed = False
        self.frozen = 0

    def _after_collection(self, phase: str, info: dict) -> None:
        if phase == "stop" and info.get("generation") == OLDEST:
            gc.freeze()  # the collection is over; the young generations are empty
            self.frozen += 1

    def install(self) -> None:
        """Collect and freeze now (at start-up: what is loaded so far lives as long as the
        process), then after every full collection."""
        if not self.installed:
            gc.callbacks.append(self._after_collection)
            self.installed = True
            gc.collect()

    def uninstall(self) -> None:
        if self.installed:
            gc.callbacks.remove(self._after_collection)
            self.installed = False


FREEZER = SurvivorFreezer()


def freeze_survivors(setting, *, embedded: bool) -> bool:
    """Whether to install the freezer: ``true``/``false``, or ``embedded`` (the default in the
    services' configs): only on the embedded store, whose heap holds every stored document. On
    MongoDB the heap stays small, so a long-running process does not trade cyclic garbage that
    is never freed for shorter pauses."""
    value = str(setting or "").lower()
    if value == "embedded":
        return embedded
    return value in ("1", "true", "yes")


OLDEST = 2  # the cyclic GC's oldest generation: a full collection
