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
from datetime import datetime

from mongoengine import Document

from wuying_common.auth import covers
from wuying_common.errors import Conflict
from wuying_common.paging import Page
from wuying_common.store import checked_row
from wuying_common.tallies import tally_key
from wuying_warning.domain.quarterly import entry_years
from wuying_warning.persistence import (
    ITEM_FIELDS,
    ROW_FIELDS,
    CalendarYear,
    InboxMessage,
    OfficialWarnings,
    OrganisationalTask,
    QuarterTally,
    SmsDelivery,
    WarningRecord,
    WarningRow,
    WarningStore,
    WarningTally,
    checked_changes,
    warning_entry,
    warning_quarter_entry,
)

from .memory import MemoryStore


def _in_scope(county: str, scopes: Iterable[str]) -> bool:
    return any(covers(scope, county) for scope in scopes)


class FakeWarningStore(MemoryStore):
    alias = "warning"

    # Every write of a warning (add, save) sets its county's tally entry right after it, by
    # WarningStore's own code over MemoryStore's tallies.
    _count_in_tally = WarningStore._count_in_tally
    _count_in_quarters = WarningStore._count_in_quarters
    warning_tallies = WarningStore.warning_tallies  # and ``rebuild_tallies`` below
    quarter_tallies = WarningStore.quarter_tallies

    def _put(self, document: Document) -> Document:
        put = super()._put(document)
        self._count_in_tally(document)
        return put

    def delete(self, aggregate: Document) -> None:
        super().delete(aggregate)
        if isinstance(aggregate, WarningRecord):
            self.set_entry(WarningTally, aggregate.county, aggregate.pk, None)
            for year in entry_years(warning_quarter_entry(aggregate)):
                self.set_entry(QuarterTally, tally_key(aggregate.county, year), aggregate.pk, None)

    def add(self, aggregate: Document) -> Document:
        if isinstance(aggregate, WarningRecord):
            # As WarningStore.add: the official's list of warnings is written just before.
            index = self.get(OfficialWarnings, aggregate.official_id) or OfficialWarnings(
                official_id=aggregate.official_id, warning_ids=[]
            )
            if aggregate.pk not in index.warning_ids:
                index.warning_ids.append(aggregate.pk)
            self._put(index)
        return super().add(aggregate)

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

    # -- the per-event paths' rows (WarningStore's answers and checks, over the stored sons) ----
    def has_warning(self, warning_id: str) -> bool:
        return warning_id in self._table(WarningRecord)

    def warning_rows_of(self, official_id: str) -> list[WarningRow]:
        index = self._table(OfficialWarnings).get(official_id) or {}
        table = self._table(WarningRecord)
        rows = [
            WarningRow({"_id": k, **{f: copy.deepcopy(table[k].get(f)) for f in ROW_FIELDS}})
            for k in index.get("warning_ids", ())
            if k in table
        ]
        return sorted(rows, key=lambda row: (row["proposed_at"], row["_id"]))

    def add_warning_row(self, row: WarningRow) -> bool:
        checked_row(WarningRecord, row)
        try:  # as a document: listed under its official, then inserted (each a ``_put``)
            self.add(WarningRecord._from_son(copy.deepcopy(dict(row))))
        except Conflict:
            return False
        return True

    def merge_into_warning(self, row: WarningRow, sets: dict, pushes: dict[str, list]) -> WarningRow:
        if {"_id", "version", "outbox", "outbox_pending"} & (set(sets) | set(pushes)):
            raise ValueError("the key, version and outbox are the store's")
        checked_changes(sets, pushes)
        stored = self._table(WarningRecord).get(row["_id"])
        if stored is None or stored.get("version") != row["version"]:
            raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
        son = {**copy.deepcopy(stored), **copy.deepcopy(sets), "version": row["version"] + 1}
        for name, items in pushes.items():
            son[name] = [*son.get(name, []), *copy.deepcopy(items)]
        self._put(WarningRecord._from_son(son))  # validated as a document too; its tally entries
        return WarningRow(copy.deepcopy(self._table(WarningRecord)[row["_id"]]))

    def find(self, counties, page: dict, status: str | None = None, level: int | None = None) -> Page:
        found = [
            w
            for w in self.all(WarningRecord)
            if w.county in counties and (not status or w.status == status) and (not level or w.level == level)
        ]
        return self.paged(found, page, order="-proposed_at")

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

    rebuild_tallies = WarningStore.rebuild_tallies

    def _tally_keys(self) -> list[str]:
        return list(self._table(WarningTally))

    def warning_items(self, warning_ids) -> list[WarningRow]:
        table = self._table(WarningRecord)
        keys = [k for k in dict.fromkeys(warning_ids) if k in table]
        return [WarningRow({"_id": k, **{f: copy.deepcopy(table[k].get(f)) for f in ITEM_FIELDS}}) for k in keys]

    def _quarter_tally_keys(self, county: str | None) -> list[str]:
        return [k for k in self._table(QuarterTally) if county is None or k.startswith(f"{county}:")]

    def _tally_sources(self, county: str | None):
        return (
            (w.county, w.pk, warning_entry(w), warning_quarter_entry(w))
            for w in self.all(WarningRecord)
            if county in (None, w.county)
        )

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

    def task_page(self, scopes: Iterable[str], status: str | None, page: dict) -> Page:
        return self.paged(self.tasks(scopes, status, 10**9), page, order="due_on")

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
        son = self._table(WarningRecord).get(warning_id)
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
        son = self._table(WarningRecord).get(warning_id)
        if son is not None and son.get("version") == version:
            son["notices_pending"] = False

    def deliver_inbox(self, message: InboxMessage) -> bool:
        return self._add_once(message)

    def record_sms(self, sms: SmsDelivery) -> bool:
        return self._add_once(sms)

    def inbox(self, official_id: str, page: dict) -> Page:
        return self.paged(
            [m for m in self.all(InboxMessage) if m.official_id == official_id], page, order="-delivered_at"
        )

    def inbox_message(self, message_id: str) -> InboxMessage | None:
        return self.get(InboxMessage, message_id)

    def mark_read(self, message_id: str, at: datetime) -> None:
        son = self._table(InboxMessage).get(message_id)
        if son is not None and son.get("read_at") is None:
            son["read_at"] = at

    def calendar_years(self) -> list[dict]:
        return [c.data for c in sorted(self.all(CalendarYear), key=lambda c: c.year)]

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    # -- plumbing --------------------------------------------------------------------------------
    def _add_once(self, document: Document) -> bool:
        try:
            self.add(document)
        except Conflict:
            return False
        return True
