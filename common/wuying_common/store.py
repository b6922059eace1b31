"""MongoDB store provider: one connection alias and database per service.

MongoDB is used when ``MONGODB_URI`` is set. Otherwise the service runs on an embedded
in-memory store (mongomock through mongoengine) and says so loudly: it is for local runs and
tests only; data is lost at exit, and mongomock emulates but does not guarantee MongoDB's
behaviour under concurrency (see the README).
"""

from __future__ import annotations

import logging

import mongoengine
import mongomock
from mongoengine import Document, IntField
from mongoengine.errors import NotUniqueError, SaveConditionError
from nameko.extensions import DependencyProvider

from .errors import Conflict

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
    mongoengine.connect(db=db_name, alias=alias, mongo_client_class=mongomock.MongoClient)
    return "embedded"


class VersionedDocument(Document):
    """Optimistic concurrency: ``save_versioned`` only writes if nobody wrote in between.

    MongoDB applies a single-document update atomically; the version condition turns a lost
    update between two workers into a ``Conflict`` the caller can retry.
    """

    meta = {"abstract": True}
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


class Store:
    """Base of each service's repository. Services subclass it with their own methods."""

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
        self.store = self.store_cls(self.alias, mode)
        self.store.ensure_indexes()

    def stop(self) -> None:
        mongoengine.disconnect(self.alias)

    def get_dependency(self, worker_ctx) -> Store:
        return self.store
