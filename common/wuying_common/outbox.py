"""Transactional outbox, embedded in the aggregate (DESIGN.md §3: nothing is lost).

A state change and the events it causes are written in ONE single-document write: the
aggregate carries its pending events in ``outbox``. MongoDB applies a single-document write
atomically on any deployment (standalone, replica set, sharded), so there is no moment where
the state is saved and its event is not, and no multi-document transaction is needed.

``OutboxRelay`` publishes pending events to ``<service>.events`` with publisher confirms and
only then removes them from the document. A crash between publishing and removing publishes
the event again: delivery is at-least-once, and consumers are idempotent on the event id.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import eventlet
from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    ListField,
    StringField,
)
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange

from .clock import naive_utc
from .errors import Conflict
from .events import EventType, build_event
from .metrics import service_metrics
from .store import PENDING, VersionedDocument

log = logging.getLogger(__name__)


class OutboxEntry(EmbeddedDocument):
    id = StringField(required=True)
    service = StringField(required=True)
    routing_key = StringField(required=True)
    envelope = DictField(required=True)
    created_at = DateTimeField(required=True)


class OutboxDocument(VersionedDocument):
    """Base for aggregates that emit events."""

    meta: dict[str, Any] = {"abstract": True}
    outbox = ListField(EmbeddedDocumentField(OutboxEntry))
    outbox_pending = BooleanField(default=False)

    #: "<kind>/{id}": the CloudEvents ``subject`` of this aggregate's events.
    subject_kind: str = ""

    @property
    def event_subject(self) -> str:
        return f"{self.subject_kind or self._meta['collection']}/{self.pk}"

    def record_event(
        self,
        event_type: EventType,
        data: dict,
        *,
        now: datetime | None = None,
        subject: str | None = None,
        county: str | None = None,
    ) -> dict:
        """Append an event to this aggregate's outbox; it is written with the aggregate.

        Subject and county come from the aggregate (``event_subject``, ``county``); pass them
        only for an event about something else (a unit's event recorded on a plan, say).
        """
        now = now or datetime.now(UTC)
        envelope = build_event(
            event_type,
            data,
            subject=subject or self.event_subject,
            county=county or self.county,
            now=now,
        )
        self.outbox.append(
            OutboxEntry(
                id=envelope["id"],
                service=event_type.service,
                routing_key=event_type.name,
                envelope=envelope,
                created_at=naive_utc(now),
            )
        )
        self.outbox_pending = True
        self.__dict__.setdefault("_unsaved_events", []).append(self.outbox[-1])
        return envelope

    def save_versioned(self):
        """Save the state change and push its new events in ONE conditional update.

        The relay edits ``outbox`` concurrently (it removes published entries), so the outbox is
        never written whole from memory: new entries are ``$push``-ed and ``outbox_pending`` is
        set in the same update as the state, under the version condition.
        """
        new_events = self.__dict__.pop("_unsaved_events", [])
        if self.pk is None or self._created:
            saved = super().save_versioned()
            if new_events:
                PENDING.mark(type(self), self.pk)
            return saved
        self.validate()
        expected = self.version
        sets, unsets = self._delta()
        for changes in (sets, unsets):
            for key in [k for k in changes if k.split(".")[0] in ("outbox", "outbox_pending")]:
                del changes[key]
        sets["version"] = expected + 1
        update: dict = {"$set": sets}
        if unsets:
            update["$unset"] = unsets
        if new_events:
            sets["outbox_pending"] = True
            update["$push"] = {"outbox": {"$each": [entry.to_mongo() for entry in new_events]}}
        result = self._get_collection().update_one({"_id": self.pk, "version": expected}, update)
        if result.matched_count == 0:
            self.__dict__["_unsaved_events"] = new_events
            raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
        self.version = expected + 1
        self._clear_changed_fields()
        if new_events:
            PENDING.mark(type(self), self.pk)
        return self


def new_id() -> str:
    return uuid.uuid4().hex


class OutboxRelay(DependencyProvider):
    """Publishes pending outbox events of the given document classes.

    Runs in a managed background thread: it wakes after every worker finishes and polls every
    ``interval`` seconds otherwise. Work is found by key (``PENDING``); every
    ``OUTBOX_SWEEP_INTERVAL`` seconds (and at start) one query for ``outbox_pending`` finds
    events written by other processes or before a restart (on MongoDB an index scan; on the
    embedded store a collection scan, once per sweep, never per event).
    """

    _gt = None
    _running = False

    def __init__(self, *documents: type[OutboxDocument], interval: float = 0.5, **kwargs) -> None:
        self.documents = documents
        self.interval = interval
        super().__init__(**kwargs)

    def setup(self) -> None:
        config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.publisher = Publisher(
            config[AMQP_URI_CONFIG_KEY], serializer="json", declare=[self.exchange], use_confirms=True
        )
        self.sweep_interval = float(config.get("OUTBOX_SWEEP_INTERVAL", 30))
        self.metrics = service_metrics(self.container)
        self._wake = eventlet.event.Event()
        self._running = False
        self._gt = None
        self._next_sweep = 0.0

    def start(self) -> None:
        self._running = True
        self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self) -> None:
        self._running = False
        if self._gt is not None:
            self._gt.kill()
            self._gt = None

    kill = stop

    def worker_teardown(self, worker_ctx) -> None:
        if not self._wake.ready():
            self._wake.send(True)

    def get_dependency(self, worker_ctx):
        return self

    def _run(self) -> None:
        while self._running:
            try:
                self.flush()
            except Exception:  # broker or store down: keep the events, try again
                log.exception("outbox relay failed; events stay pending and will be retried")
                eventlet.sleep(2)
            with eventlet.Timeout(self.interval, False):
                self._wake.wait()
            self._wake = eventlet.event.Event()

    def sweep(self, limit: int = 1000) -> int:
        """Find aggregates with pending events that no write of this process marked."""
        found = 0
        for doc_cls in self.documents:
            for doc in doc_cls.objects(outbox_pending=True).only("id").limit(limit):
                PENDING.mark(doc_cls, doc.pk)
                found += 1
        return found

    def flush(self, limit: int = 200) -> int:
        """Publish what is pending; returns how many events were published."""
        if time.monotonic() >= getattr(self, "_next_sweep", 0.0):
            self.sweep()
            self._next_sweep = time.monotonic() + getattr(self, "sweep_interval", 30.0)
        # Set before publishing: while the broker is unreachable, publish() blocks reconnecting,
        # and the gauge is how an operator sees the backlog (in-flight keys stay counted).
        self.metrics.outbox_pending.set(PENDING.count(self.documents))
        published = 0
        for doc_cls in self.documents:
            keys = PENDING.keys(doc_cls, limit)
            if not keys:
                continue
            for doc in doc_cls.objects(pk__in=list(keys)).only("id", "outbox"):
                for entry in doc.outbox:
                    self.publisher.publish(
                        entry.envelope,
                        exchange=self.exchange,
                        routing_key=entry.routing_key,
                        message_id=entry.id,
                        type=entry.envelope["type"],
                    )
                    doc_cls._get_collection().update_one({"_id": doc.pk}, {"$pull": {"outbox": {"id": entry.id}}})
                    self.metrics.events_published.labels(entry.envelope["type"], entry.envelope["county"]).inc()
                    published += 1
                # Cleared only if nothing new was pushed meanwhile (a new push sets it again).
                doc_cls._get_collection().update_one(
                    {"_id": doc.pk, "outbox": {"$size": 0}}, {"$set": {"outbox_pending": False}}
                )
            for key, marks in keys.items():
                PENDING.done(doc_cls, key, marks)
        self.metrics.outbox_pending.set(PENDING.count(self.documents))
        return published
