"""``WarningStore``: the only code that reads or writes the warning service's collections."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mongoengine import Document
from pymongo import ReturnDocument

from wuying_common.auth import counties_covered
from wuying_common.embedded import embedded_documents
from wuying_common.errors import Conflict
from wuying_common.paging import Page
from wuying_common.store import Store, checked_row
from wuying_common.tallies import tally_key

from ..domain.quarterly import entry_years
from .documents import (
    CalendarYear,
    InboxMessage,
    OfficialWarnings,
    OrganisationalTask,
    SmsDelivery,
    WarningRecord,
)
from .rows import _WRITTEN, ROW_FIELDS, WarningRow, checked_changes
from .tallies import QuarterTally, TallyStore, WarningTally, warning_quarter_entry


class WarningStore(TallyStore, Store):
    """The warning service's repository: the only code that reads or writes its collections.

    Every write of a ``WarningRecord`` (``add``, ``save``, ``delete``) sets the warning's entry
    in its county's ``WarningTally`` right after the record, by key and idempotently; the
    store's other warning updates (``clear_notices_pending``, ``clear_supersede_pending``)
    change flags no entry holds."""

    documents = (
        WarningRecord,
        OfficialWarnings,
        OrganisationalTask,
        CalendarYear,
        InboxMessage,
        SmsDelivery,
        WarningTally,
        QuarterTally,
    )

    # -- warnings by key ---------------------------------------------------------------------
    def warning(self, warning_id: str) -> WarningRecord | None:
        return self.get(WarningRecord, warning_id)

    def add(self, aggregate: Document) -> Document:
        """Insert; a new warning is first listed under its official (``OfficialWarnings``).

        Listed before it is inserted: a crash in between leaves an id that ``warnings_of``
        skips and a redelivery (or the next proposal) completes, never a warning its
        official's list does not show.
        """
        if isinstance(aggregate, WarningRecord):
            self._list_under_official(aggregate.official_id, aggregate.pk)
        added = super().add(aggregate)
        self._count_in_tally(aggregate)
        return added

    def save(self, aggregate: Document) -> Document:
        """``Store.save``; a warning's tally entry follows its write."""
        saved = super().save(aggregate)
        self._count_in_tally(aggregate)
        return saved

    def delete(self, aggregate: Document) -> None:
        super().delete(aggregate)
        if isinstance(aggregate, WarningRecord):
            self.set_entry(WarningTally, tally_key(aggregate.county), aggregate.pk, None)
            for year in entry_years(warning_quarter_entry(aggregate)):
                self.set_entry(QuarterTally, tally_key(aggregate.county, year), aggregate.pk, None)

    def _list_under_official(self, official_id: str, warning_id: str) -> None:
        """``$addToSet`` the warning to its official's list, by key (created if missing)."""
        if self.mode == "embedded":
            # The collection's dict, as mongomock's update would leave it (nothing yields here):
            # its update copies and walks the document, most of the cost of a proposal's insert.
            lists = embedded_documents(OfficialWarnings)
            held = lists.get(official_id)
            if held is None:
                lists[official_id] = {"_id": official_id, "warning_ids": [warning_id]}
            elif warning_id not in held.get("warning_ids", ()):
                held["warning_ids"] = [*held.get("warning_ids", ()), warning_id]
            return
        # On the collection, as the queryset would write it: a queryset is built, cloned and
        # transformed for each call, twice the cost of the update itself.
        OfficialWarnings._get_collection().update_one(
            {"_id": official_id}, {"$addToSet": {"warning_ids": warning_id}}, upsert=True
        )

    # -- the per-event paths: stored rows by key (issue 15 item 2b) ------------------------------
    # A consumed proposal or report reads and writes the stored form by key: building and
    # change-tracking a ``WarningRecord`` (and every warning of its official) was most of the
    # service's CPU per drained report. The same checks (``checked_row``, ``checked_changes``),
    # one single-document write conditional on the version read, then the tally entry.
    def has_warning(self, warning_id: str) -> bool:
        """Whether a warning is stored under ``warning_id`` (a consumed proposal's idempotency)."""
        if self.mode == "embedded":
            return warning_id in embedded_documents(WarningRecord)
        return WarningRecord._get_collection().find_one({"_id": warning_id}, {"_id": 1}) is not None

    def warning_rows_of(self, official_id: str) -> list[WarningRow]:
        """``warnings_of`` as rows: the ``ROW_FIELDS`` of an official's warnings, oldest first,
        two reads by key."""
        if self.mode == "embedded":
            index = embedded_documents(OfficialWarnings).get(official_id)
            stored = embedded_documents(WarningRecord)
            found = [stored[k] for k in (index or {}).get("warning_ids", ()) if k in stored]
            rows = [WarningRow({"_id": doc["_id"], **{f: doc.get(f) for f in ROW_FIELDS}}) for doc in found]
        else:
            index = OfficialWarnings._get_collection().find_one({"_id": official_id})
            keys = (index or {}).get("warning_ids") or []
            cursor = WarningRecord._get_collection().find({"_id": {"$in": keys}}, dict.fromkeys(ROW_FIELDS, 1))
            rows = [WarningRow({f: None for f in ROW_FIELDS}, **doc) for doc in cursor] if keys else []
        return sorted(rows, key=lambda row: (row["proposed_at"], row["_id"]))

    def add_warning_row(self, row: WarningRow) -> bool:
        """``add`` for a new warning in its stored form (``new_warning_row``), checked as the
        document would be: listed under its official first, inserted by key, then its tally
        entry. False when its ``_id`` is taken (the event that makes it was processed)."""
        checked_row(WarningRecord, row)
        if row.get("outbox"):
            raise ValueError("a new warning row carries no events (add a WarningRecord instead)")
        self._list_under_official(row["official_id"], row["_id"])
        if not self.insert_son(WarningRecord, row):
            return False
        self._count_in_tally(row)
        return True

    def merge_into_warning(self, row: WarningRow, sets: dict, pushes: dict[str, list]) -> WarningRow:
        """One conditional single-document write of the warning read as ``row`` (its ``_id``,
        ``version`` and ``ROW_FIELDS``): ``sets`` replace fields, ``pushes`` append to list
        fields, both checked (``checked_changes``); the version moves on. ``Conflict
        ("concurrent_update")`` when it was written since ``row`` was read. Then its tally
        entries, from the warning as written (the write's own answer: never a stale row).
        Returns that row (READ ONLY; every ``ROW_FIELDS``, never its outbox or history on
        MongoDB). No events: a write with events goes through ``save``. The store keeps the
        values given (the caller does not change them afterwards)."""
        if {"_id", "version", "outbox", "outbox_pending"} & (set(sets) | set(pushes)):
            raise ValueError("the key, version and outbox are the store's")
        checked_changes(sets, pushes)
        key, version = row["_id"], row["version"]
        if self.mode == "embedded":  # the collection's dict (nothing yields between check and set)
            stored = embedded_documents(WarningRecord).get(key)
            if stored is None or stored.get("version") != version:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            stored.update(sets)
            for name, items in pushes.items():
                stored[name] = [*stored.get(name, ()), *items]
            stored["version"] = version + 1
            written = WarningRow(stored)
        else:
            update: dict = {"$set": {**sets, "version": version + 1}}
            if pushes:
                update["$push"] = {name: {"$each": items} for name, items in pushes.items()}
            after = WarningRecord._get_collection().find_one_and_update(
                {"_id": key, "version": version}, update, projection=_WRITTEN, return_document=ReturnDocument.AFTER
            )
            if after is None:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            written = WarningRow(after)
        self._count_in_tally(written)
        return written

    def warnings_of(self, official_id: str, statuses: Iterable[str] | None = None) -> list[WarningRecord]:
        """An official's warnings (of ``statuses`` if given), oldest first: two reads by key."""
        index = self.get(OfficialWarnings, official_id)
        if index is None:
            return []
        found = self.get_many(WarningRecord, index.warning_ids)
        if statuses is not None:
            wanted = set(statuses)
            found = [w for w in found if w.status in wanted]
        return sorted(found, key=lambda w: (w.proposed_at, w.id))

    # -- lists for people (indexed on MongoDB; scans on the embedded store) -------------------
    def find(self, counties: Iterable[str], page: dict, status: str | None = None, level: int | None = None) -> Page:
        """A page of the warnings of some counties, the newest proposal first."""
        query = WarningRecord.objects(county__in=list(counties))
        if status:
            query = query(status=status)
        if level:
            query = query(level=level)
        return self.paged(query, page, order="-proposed_at")

    def red_issued_in_year(self, unit_id: str, year: int) -> list[WarningRecord]:
        return list(
            WarningRecord.objects(
                unit_id=unit_id,
                level=1,
                issued_on__gte=f"{year}-01-01",
                issued_on__lte=f"{year}-12-31",
                status__nin=["revoked", "rejected"],
            ).order_by("issued_on", "id")
        )

    def worklist(
        self,
        scopes: Iterable[str],
        statuses: Iterable[str],
        order: str,
        limit: int,
        level: int | None = None,
        reports_pending: bool = False,
    ) -> list[WarningRecord]:
        """Warnings of the caller's counties (``scopes``: county, city or province codes) in
        ``statuses`` (and of ``level``, or with a report pending verification), most urgent
        first by ``order`` (a field name), at most ``limit``."""
        query = WarningRecord.objects(status__in=list(statuses)).filter(__raw__=county_scope(scopes))
        if level:
            query = query(level=level)
        if reports_pending:
            query = query(reports_pending=True)
        return list(query.order_by(order, "id").limit(limit))

    # -- organisational handling -----------------------------------------------------------------
    def task(self, task_id: str) -> OrganisationalTask | None:
        return self.get(OrganisationalTask, task_id)

    def tasks(self, scopes: Iterable[str], status: str | None, limit: int) -> list[OrganisationalTask]:
        """Tasks of the caller's counties, the earliest due first (a worklist for people)."""
        query = OrganisationalTask.objects().filter(__raw__=county_scope(scopes))
        if status:
            query = query(status=status)
        return list(query.order_by("due_on", "id").limit(limit))

    def task_page(self, scopes: Iterable[str], status: str | None, page: dict) -> Page:
        """A page of the tasks of the caller's counties, the earliest due first."""
        query = OrganisationalTask.objects().filter(__raw__=county_scope(scopes))
        return self.paged(query(status=status) if status else query, page, order="due_on")

    # -- the deadline timer (per tick, not per event) ------------------------------------------
    def overdue_candidates(self, today: str, limit: int = 500) -> list[WarningRecord]:
        """Issued warnings past their answer date, and warnings not rectified (issued or
        rectifying) past their fix date."""
        answer = WarningRecord.objects(status="issued", answer_due__lt=today).limit(limit)
        fix = WarningRecord.objects(status__in=["issued", "rectifying"], fix_due__lt=today).limit(limit)
        found = {w.pk: w for w in answer}
        for w in fix:
            found.setdefault(w.pk, w)
        return list(found.values())

    def supersede_pending(self, limit: int = 200) -> list[WarningRecord]:
        """Issued warnings whose lower warnings are not closed yet (a crash in between)."""
        return list(WarningRecord.objects(supersede_pending=True).limit(limit))

    def clear_supersede_pending(self, warning_id: str) -> None:
        # By key; repeating it is harmless (the lower warnings are closed, or were before).
        WarningRecord.objects(id=warning_id).update_one(set__supersede_pending=False)

    def provisional_dues(self, statuses: Iterable[str], limit: int = 5000) -> list[WarningRecord]:
        """Warnings in ``statuses`` with a provisional answer or fix date: what a newly loaded
        calendar year recomputes (once per loaded year, never per request)."""
        wanted = list(statuses)
        answer = WarningRecord.objects(status__in=wanted, answer_due_provisional=True).limit(limit)
        fix = WarningRecord.objects(status__in=wanted, fix_due_provisional=True).limit(limit)
        found = {w.pk: w for w in answer}
        for w in fix:
            found.setdefault(w.pk, w)
        return sorted(found.values(), key=lambda w: w.pk)

    def notices_pending(self, limit: int = 200) -> list[WarningRecord]:
        return list(WarningRecord.objects(notices_pending=True).limit(limit))

    def clear_notices_pending(self, warning_id: str, version: int) -> None:
        # Only if nothing was queued since: a later write may have added a notice.
        WarningRecord.objects(id=warning_id, version=version).update_one(set__notices_pending=False)

    # -- delivery ------------------------------------------------------------------------------
    def deliver_inbox(self, message: InboxMessage) -> bool:
        """False if the notice was delivered before (its id is the message's ``_id``)."""
        return self._add_once(message)

    def record_sms(self, sms: SmsDelivery) -> bool:
        return self._add_once(sms)

    def _add_once(self, document: Document) -> bool:
        try:
            self.add(document)
        except Conflict as exc:
            if exc.code != "duplicate":
                raise
            return False
        return True

    def inbox(self, official_id: str, page: dict) -> Page:
        """A page of an official's messages, the newest first."""
        return self.paged(InboxMessage.objects(official_id=official_id), page, order="-delivered_at")

    def inbox_message(self, message_id: str) -> InboxMessage | None:
        return self.get(InboxMessage, message_id)

    def mark_read(self, message_id: str, at: datetime) -> None:
        # The first read counts; reading again changes nothing.
        InboxMessage.objects(id=message_id, read_at=None).update_one(set__read_at=at)

    # -- calendar years (a handful of small documents) -----------------------------------------
    def calendar_years(self) -> list[dict]:
        return [c.data for c in CalendarYear.objects.only("year", "data").order_by("year")]

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)


def county_scope(scopes: Iterable[str]) -> dict:
    """A raw filter for the counties a token covers, rolled up by the platform's one helper
    (``auth.counties_covered``); on MongoDB index points on ``county``."""
    counties = counties_covered(scopes)
    return {} if counties is None else {"county": {"$in": list(counties)}}
