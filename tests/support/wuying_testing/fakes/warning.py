"""``FakeWarningStore``: ``wuying_warning.persistence.WarningStore``'s methods over dicts.

It holds the service's own mongoengine Documents (building and validating them needs no
database) as snapshots, so a handler that changes an aggregate without saving it changes
nothing here either, and every read returns a fresh instance, as the real store does.
Versioned saves raise the same ``Conflict``s. ``tests/unit/warning/test_store.py`` runs the
same checks on this fake and on the real store, so the two cannot drift apart silently.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from mongoengine import Document

from wuying_common.auth import covers
from wuying_common.errors import Conflict
from wuying_common.store import VersionedDocument
from wuying_warning.persistence import (
    CalendarYear,
    InboxMessage,
    OfficialWarnings,
    OrganisationalTask,
    SmsDelivery,
    WarningRecord,
)


def _in_scope(county: str, scopes: Iterable[str]) -> bool:
    return any(covers(scope, county) for scope in scopes)


class FakeWarningStore:
    documents = (WarningRecord, OfficialWarnings, OrganisationalTask, CalendarYear, InboxMessage, SmsDelivery)

    def __init__(self) -> None:
        self.alias, self.mode = "warning", "fake"
        self._rows: dict[type, dict] = {cls: {} for cls in self.documents}

    # -- what tests read ---------------------------------------------------------------------
    def all(self, cls: type[Document]) -> list:
        return [self._load(cls, son) for son in self._rows[cls].values()]

    def count(self, cls: type[Document]) -> int:
        return len(self._rows[cls])

    # -- the Store interface -----------------------------------------------------------------
    def ping(self) -> None:
        return None

    def ensure_indexes(self) -> None:
        return None

    def events_written(self, doc_cls, key) -> None:
        return None

    def add(self, aggregate: Document) -> Document:
        aggregate.validate()
        if isinstance(aggregate, WarningRecord):
            index = self.get(OfficialWarnings, aggregate.official_id) or OfficialWarnings(
                official_id=aggregate.official_id, warning_ids=[]
            )
            if aggregate.pk not in index.warning_ids:
                index.warning_ids.append(aggregate.pk)
            self._put(index)
        if aggregate.pk in self._rows[type(aggregate)]:
            raise Conflict("记录已存在", code="duplicate")
        if isinstance(aggregate, VersionedDocument):
            aggregate.version = 1
        self._written(aggregate)
        return aggregate

    def save(self, aggregate: Document) -> Document:
        if isinstance(aggregate, VersionedDocument) and aggregate._created:
            return self.add(aggregate)
        aggregate.validate()
        if isinstance(aggregate, VersionedDocument):
            stored = self._rows[type(aggregate)].get(aggregate.pk)
            if stored is None or stored.get("version") != aggregate.version:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            aggregate.version += 1
        self._written(aggregate)
        return aggregate

    def add_or_replace(self, document: Document) -> Document:
        document.validate()
        self._put(document)
        return document

    def delete(self, aggregate: Document) -> None:
        self._rows[type(aggregate)].pop(aggregate.pk, None)

    def get(self, cls: type[Document], key):
        son = self._rows[cls].get(key)
        return None if son is None else self._load(cls, son)

    def get_many(self, cls: type[Document], keys: Iterable) -> list:
        return [doc for doc in (self.get(cls, k) for k in keys) if doc is not None]

    # -- repository methods (same names and answers as WarningStore) ---------------------------
    def warning(self, warning_id: str) -> WarningRecord | None:
        return self.get(WarningRecord, warning_id)

    def warnings_of(self, official_id: str, statuses: Iterable[str] | None = None) -> list[WarningRecord]:
        index = self.get(OfficialWarnings, official_id)
        found = self.get_many(WarningRecord, index.warning_ids) if index else []
        if statuses is not None:
            wanted = set(statuses)
            found = [w for w in found if w.status in wanted]
        return sorted(found, key=lambda w: (w.proposed_at, w.id))

    def find(self, county: str, status: str | None = None, level: int | None = None, limit: int = 100) -> list:
        found = [
            w
            for w in self.all(WarningRecord)
            if w.county == county and (not status or w.status == status) and (not level or w.level == level)
        ]
        found.sort(key=lambda w: w.id)
        found.sort(key=lambda w: w.proposed_at, reverse=True)
        return found[:limit]

    def red_issued_in_year(self, unit_id: str, year: int) -> list:
        found = [
            w
            for w in self.all(WarningRecord)
            if w.unit_id == unit_id
            and w.level == 1
            and w.issued_on
            and f"{year}-01-01" <= w.issued_on <= f"{year}-12-31"
            and w.status not in ("revoked", "rejected")
        ]
        return sorted(found, key=lambda w: (w.issued_on, w.id))

    def touching_period(self, county: str, first: date, last: date) -> list:
        since = datetime.combine(first - timedelta(days=1), time())
        until = datetime.combine(last + timedelta(days=2), time())

        def inside(day):
            return day is not None and first.isoformat() <= day <= last.isoformat()

        found = [
            w
            for w in self.all(WarningRecord)
            if w.county == county and (inside(w.issued_on) or inside(w.lifted_on) or since <= w.proposed_at < until)
        ]
        return sorted(found, key=lambda w: (w.proposed_at, w.id))

    def worklist(
        self,
        scopes: Iterable[str],
        statuses: Iterable[str],
        order: str,
        limit: int,
        level: int | None = None,
        reports_pending: bool = False,
    ) -> list:
        scopes, wanted = list(scopes), set(statuses)
        found = [
            w
            for w in self.all(WarningRecord)
            if w.status in wanted
            and _in_scope(w.county, scopes)
            and (not level or w.level == level)
            and (not reports_pending or w.reports_pending)
        ]
        # MongoDB sorts a missing value first, as here.
        found.sort(key=lambda w: ((getattr(w, order) is not None), getattr(w, order) or "", w.id))
        return found[:limit]

    def task(self, task_id: str) -> OrganisationalTask | None:
        return self.get(OrganisationalTask, task_id)

    def tasks(self, scopes: Iterable[str], status: str | None, limit: int) -> list:
        scopes = list(scopes)
        found = [
            t
            for t in self.all(OrganisationalTask)
            if _in_scope(t.county, scopes) and (not status or t.status == status)
        ]
        return sorted(found, key=lambda t: (t.due_on, t.id))[:limit]

    def overdue_candidates(self, today: str, limit: int = 500) -> list:
        warnings = self.all(WarningRecord)
        answer = [w for w in warnings if w.status == "issued" and w.answer_due and w.answer_due < today][:limit]
        fix = [w for w in warnings if w.status in ("issued", "rectifying") and w.fix_due and w.fix_due < today][:limit]
        found = {w.pk: w for w in answer}
        for w in fix:
            found.setdefault(w.pk, w)
        return list(found.values())

    def supersede_pending(self, limit: int = 200) -> list:
        return [w for w in self.all(WarningRecord) if w.supersede_pending][:limit]

    def clear_supersede_pending(self, warning_id: str) -> None:
        son = self._rows[WarningRecord].get(warning_id)
        if son is not None:
            son["supersede_pending"] = False

    def provisional_dues(self, statuses: Iterable[str], limit: int = 5000) -> list:
        wanted = set(statuses)
        found = [
            w
            for w in self.all(WarningRecord)
            if w.status in wanted and (w.answer_due_provisional or w.fix_due_provisional)
        ]
        return sorted(found, key=lambda w: w.pk)[:limit]

    def notices_pending(self, limit: int = 200) -> list:
        return [w for w in self.all(WarningRecord) if w.notices_pending][:limit]

    def clear_notices_pending(self, warning_id: str, version: int) -> None:
        son = self._rows[WarningRecord].get(warning_id)
        if son is not None and son.get("version") == version:
            son["notices_pending"] = False

    def deliver_inbox(self, message: InboxMessage) -> bool:
        return self._add_once(message)

    def record_sms(self, sms: SmsDelivery) -> bool:
        return self._add_once(sms)

    def inbox(self, official_id: str, limit: int = 200) -> list:
        found = [m for m in self.all(InboxMessage) if m.official_id == official_id]
        found.sort(key=lambda m: m.id)
        found.sort(key=lambda m: m.delivered_at, reverse=True)
        return found[:limit]

    def inbox_message(self, message_id: str) -> InboxMessage | None:
        return self.get(InboxMessage, message_id)

    def mark_read(self, message_id: str, at: datetime) -> None:
        son = self._rows[InboxMessage].get(message_id)
        if son is not None and son.get("read_at") is None:
            son["read_at"] = at

    def calendar_years(self) -> list[dict]:
        return [c.data for c in sorted(self.all(CalendarYear), key=lambda c: c.year)]

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    # -- the dicts -----------------------------------------------------------------------------
    def _add_once(self, document: Document) -> bool:
        try:
            self.add(document)
        except Conflict:
            return False
        return True

    def _written(self, aggregate: Document) -> None:
        # What the real save pushes to the outbox is on the snapshot; nothing is left pending.
        aggregate.__dict__.pop("_unsaved_events", None)
        self._put(aggregate)
        aggregate._created = False
        aggregate._clear_changed_fields()

    def _put(self, document: Document) -> None:
        self._rows[type(document)][document.pk] = copy.deepcopy(document.to_mongo().to_dict())

    @staticmethod
    def _load(cls: type[Document], son: dict):
        return cls._from_son(copy.deepcopy(son))
