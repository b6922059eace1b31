"""mongoengine documents of the warning service (connection alias ``warning``).

Dates of the warning's life (issue date, deadlines) are ISO strings (``YYYY-MM-DD``): they are
Beijing calendar dates, not instants, and ISO strings compare in date order for queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    IntField,
    ListField,
    StringField,
    ValidationError,
)
from pymongo import ReturnDocument

from wuying_common.auth import counties_covered
from wuying_common.embedded import embedded_documents
from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument, new_id
from wuying_common.paging import Page
from wuying_common.store import Store, checked_row
from wuying_common.tallies import TallyDocument, TallyWrites, tally_key

from .domain.quarterly import entry_years, quarter_entry
from .domain.statistics import tally_entry

ALIAS = "warning"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


class WarningRecord(OutboxDocument):
    """One warning matter (一事一例, 篇5 七(四)): proposal, approval, notice and deadlines.

    ``_id``: a random id for a staff proposal; for a proposal consumed from risk, a name-based
    UUID of the event id (``proposal_warning_id``), so the insert itself is the idempotency
    record of that event.
    """

    subject_kind = "warning"
    meta = {
        "db_alias": ALIAS,
        "collection": "warnings",
        # No secondary unique index: warnings are written per event, and the event's
        # idempotency lives in the natural ``_id`` (and in ``merged_event_ids`` /
        # ``report_event_ids`` of the warning the event changed), read by key.
        "indexes": [
            ("county", "status", "-proposed_at"),
            ("status", "answer_due"),
            ("status", "fix_due"),
            "outbox_pending",
            "unit_id",
            "notices_pending",
            "supersede_pending",
            ("county", "reports_pending"),
            # The quarterly report's three ranges (``touching_period``).
            ("county", "issued_on"),
            ("county", "lifted_on"),
            ("county", "proposed_at"),
            ("status", "answer_due_provisional"),
            ("status", "fix_due_provisional"),
        ],
    }
    id = StringField(primary_key=True, default=new_id)
    source_event_id = StringField()
    proposal_id = StringField()
    official_id = StringField(required=True)
    unit_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    level = IntField(required=True, choices=(1, 2, 3))
    colour = StringField(required=True, choices=("blue", "yellow", "red"))
    trigger = StringField()
    trigger_zh = StringField()
    reasons = ListField(StringField())
    risk_point = StringField()
    score = FloatField()
    cause_event_ids = ListField(StringField())
    proposer = StringField(required=True)
    proposed_at = DateTimeField(required=True)
    proposal_rule_version = StringField()  # the proposer's (risk's) rule version, if any
    paper_issued_on = StringField(regex=ISO_DATE)
    status = StringField(required=True, default="proposed")
    approved_by = StringField()
    approved_at = DateTimeField()
    approval_note = StringField()
    issued_on = StringField(regex=ISO_DATE)
    notice_kind = StringField()
    notice_zh = StringField()
    answer_due = StringField(regex=ISO_DATE)
    answer_due_provisional = BooleanField()
    fix_due = StringField(regex=ISO_DATE)
    fix_due_provisional = BooleanField()
    max_extensions = IntField(default=0)
    extensions = IntField(default=0)
    # The rule set, issue date and due dates the warning was issued under: written once, on
    # issue (an appeal's pause, an extension and a newly loaded calendar year move the dues,
    # each recorded in ``history``); never rewritten by an escalation (issue 8).
    rule_version = StringField()
    appealed_from = StringField()
    overdue_notices = ListField(StringField())  # "answer:3", "fix:2": each told once
    # 一事一例 (篇5 七(四)): the matter (risk point, or trigger), shared by its escalations.
    matter = StringField()
    # Escalation (篇5 七(一), 三(一)2): a proposal of the next level links the lower warning and
    # carries the evidence (missed steps, verified reports) and the decision with its reasons.
    escalated_from = StringField()
    escalation = DictField()  # {"reason": …, "evidence": [{…}, …]}
    decision = DictField()  # {"outcome": approved|rejected, "by", "at", "reasons"}
    superseded_by = StringField()  # the higher warning that closed this one
    superseded_on = StringField(regex=ISO_DATE)
    escalation_ids = ListField(StringField())  # proposals made from this warning
    supersede_pending = BooleanField(default=False)  # issued; lower warnings not closed yet
    # New reports about the official while this warning is open, pending verification
    # (篇5 七(一): 经调查问题属实的); each with its finding once recorded.
    pending_reports = ListField(DictField())
    reports_pending = BooleanField(default=False)  # a report above still awaits its finding
    responses = ListField(DictField())  # the official's own words stay here, never in an event
    revisits = ListField(DictField())
    lifted_on = StringField(regex=ISO_DATE)
    lifted_by = StringField()
    history = ListField(DictField())  # who did what when: the matter's own record
    # 申诉 (篇5 七(三)): the clock stops while an appeal is pending.
    paused_on = StringField(regex=ISO_DATE)
    appeals = ListField(DictField())
    extension_records = ListField(DictField())
    transfer = DictField()  # 案件线索移送 (篇5 三(一)3, 七(三))
    interviews = ListField(DictField())  # 约谈 (篇5 五(二)2)
    # Written notices to the official (篇5 五(二)); sent through the notifiers after the write,
    # retried by the timer while ``notices_pending`` (every send is idempotent on the notice id).
    notices = ListField(DictField())
    notices_pending = BooleanField(default=False)
    # 一事一例 (篇5 七(四)): later proposals for the same matter, and blue ones a stronger
    # warning covers; the event ids make redeliveries no-ops.
    attached_proposals = ListField(DictField())
    suppressed_proposals = ListField(DictField())
    merged_event_ids = ListField(StringField())
    report_event_ids = ListField(StringField())  # intake reports attached to this warning


class OrganisationalTask(OutboxDocument):
    """组织处理 of an ignored red warning (篇5 七(一); ``domain.organisational``): ``_id`` is
    ``oh-<warning id>``, so the timer opens it once however often it ticks."""

    subject_kind = "organisational_handling"
    meta = {
        "db_alias": ALIAS,
        "collection": "organisational_tasks",
        "indexes": [("county", "status", "due_on"), "outbox_pending"],
    }
    id = StringField(primary_key=True)
    warning_id = StringField(required=True)
    official_id = StringField(required=True)
    unit_id = StringField()
    county = StringField(required=True, regex=r"^\d{6}$")
    status = StringField(required=True, default="open", choices=("open", "closed"))
    owner = StringField(required=True)
    owner_zh = StringField(required=True)
    recorder_role = StringField(required=True)
    rule_version = StringField(required=True)
    opened_on = StringField(required=True, regex=ISO_DATE)
    opened_at = DateTimeField(required=True)
    due_on = StringField(required=True, regex=ISO_DATE)
    due_provisional = BooleanField(default=False)
    evidence = DictField()  # the missed step of the red warning
    outcome = DictField()  # {"measure", "measure_zh", "decided_on", "by", "at", "reasons"}
    closed_on = StringField(regex=ISO_DATE)
    history = ListField(DictField())


class CalendarYear(OutboxDocument):
    """A year's holiday arrangement loaded by an operator (PUT /api/v1/calendar/years/<year>);
    its ``calendar.year_loaded`` event is written with it. ``applied_event_ids``: the events
    whose consumption (recomputing provisional dues) finished, by key."""

    subject_kind = "calendar_year"
    meta = {"db_alias": ALIAS, "collection": "calendar_years", "indexes": ["outbox_pending"]}
    # ``_id`` is the year (the outbox relay reads aggregates by a primary key named ``id``).
    id = IntField(primary_key=True)
    year = IntField(required=True)
    data = DictField(required=True)
    county = StringField(regex=r"^\d{6}$")  # the loading operator's scope: the event's county
    loaded_at = DateTimeField(required=True)
    loaded_by = StringField()
    applied_event_ids = ListField(StringField())


class InboxMessage(Document):
    """A message in the official's platform inbox (篇1: 系统消息); id = the notice id."""

    meta = {"db_alias": ALIAS, "collection": "inbox", "indexes": [("official_id", "-delivered_at")]}
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    warning_id = StringField()  # none for a message about a report (澄清正名)
    county = StringField(required=True)
    kind = StringField(required=True)
    title = StringField(required=True)
    body = StringField(required=True)
    delivered_at = DateTimeField(required=True)
    read_at = DateTimeField()


class SmsDelivery(Document):
    """An SMS handed to the gateway (the local gateway only records it; no network)."""

    meta = {"db_alias": ALIAS, "collection": "sms_deliveries"}
    id = StringField(primary_key=True)
    recipient = StringField(required=True)  # the official's id; the gateway resolves the number
    county = StringField(required=True)
    text = StringField(required=True)
    gateway = StringField(required=True)
    sent_at = DateTimeField(required=True)


class WarningTally(TallyDocument):
    """A county's live warnings by id → entry (``domain.statistics.tally_entry``): ``_id`` is
    the county code; what ``GET /api/v1/statistics`` sums (issue 14 item 7). Set by
    ``WarningStore`` on every write of a warning (a warning's county never changes)."""

    meta = {"db_alias": ALIAS, "collection": "warning_tallies"}


class QuarterTally(TallyDocument):
    """A county's warnings of one year by id → entry (``domain.quarterly.quarter_entry``):
    ``_id`` is ``county:year`` (``tally_key``); an entry for every warning proposed (Beijing
    date), issued or lifted in the year, so one that spans two years is in both. What ``GET
    /api/v1/reports/quarterly`` counts (issue 14 item 7); set by ``WarningStore`` with the
    county's ``WarningTally`` on every write of a warning."""

    meta = {"db_alias": ALIAS, "collection": "quarter_tallies"}


#: The record fields a quarter entry is built from (``domain.quarterly.quarter_entry``).
QUARTER_SOURCES = (
    "level",
    "colour",
    "status",
    "trigger",
    "trigger_zh",
    "proposed_at",
    "issued_on",
    "lifted_on",
    "responses",
    "overdue_notices",
    "escalated_from",
)


#: What a report's line shows of a warning (``schemas.WarningItemSchema``).
ITEM_FIELDS = ("official_id", "unit_id", "level", "colour", "status")


def warning_quarter_entry(warning) -> dict:
    """What a warning (a ``WarningRecord``, or its stored form: a dict) counts for in the
    quarterly report of the years it touches."""
    fields: dict[str, Any] = (
        {f: warning.get(f) for f in QUARTER_SOURCES}
        if isinstance(warning, dict)
        else {f: getattr(warning, f) for f in QUARTER_SOURCES}
    )
    return quarter_entry(**fields)


class OfficialWarnings(Document):
    """Which warnings an official has: ``_id`` = the official's id, so the per-event paths
    (one matter, one warning; a new verified report) find them by key, never by a query on
    ``official_id``. Append-only: a warning's official never changes."""

    meta = {"db_alias": ALIAS, "collection": "official_warnings"}
    official_id = StringField(primary_key=True)
    warning_ids = ListField(StringField())


_PROPOSAL_NAMESPACE = uuid.UUID("6f1f6a52-3c1e-5d0c-9a57-7761726e696e")


def proposal_warning_id(event_id: str) -> str:
    """The id of the warning a consumed ``warning.proposed`` event creates: the same for every
    delivery of the event, in the format of every other warning id (32 hex digits)."""
    return uuid.uuid5(_PROPOSAL_NAMESPACE, event_id).hex


def warning_entry(warning: WarningRecord | WarningRow) -> dict | None:
    """What a warning counts for in its county's tally (``domain.statistics.tally_entry``)."""
    return tally_entry(warning.status, warning.level, warning.answer_due, warning.fix_due)


# -- the per-event paths' stored rows (issue 15 item 2b) ----------------------------------------
#: What the per-event paths read of an official's warnings (one matter, one warning; a new
#: report about them): the matter, the life-cycle state, the idempotency lists and what a tally
#: entry is built from; never the history, notices, answers or outbox.
ROW_FIELDS = (
    "version",
    "source_event_id",
    "official_id",
    "county",
    "level",
    "colour",
    "status",
    "proposed_at",
    "proposer",
    "matter",
    "risk_point",
    "trigger",
    "issued_on",
    "answer_due",
    "fix_due",
    "reasons",
    "cause_event_ids",
    "merged_event_ids",
    "report_event_ids",
    "pending_reports",
)
#: What a merge reads back of the warning it wrote (on MongoDB): all but its long lists.
_WRITTEN = dict.fromkeys(("outbox", "history", "notices", "attached_proposals", "suppressed_proposals"), 0)
#: A new warning's stored defaults, as ``WarningRecord().to_mongo()`` writes them.
_ROW_DEFAULTS = tuple(
    (field.db_field, field.default)
    for name, field in WarningRecord._fields.items()
    if name not in ("id", "version") and field.default is not None
)


class WarningRow(dict):
    """A warning in its stored form (or the ``ROW_FIELDS`` of it), READ ONLY, read with the
    document's attribute names (``row.status``; ``row.id`` is ``_id``; a field not read is
    None): what the per-event paths decide on without building a ``WarningRecord``."""

    __slots__ = ()

    def __getattr__(self, name: str):
        if name in ("id", "pk"):
            return self["_id"]
        if name in WarningRecord._fields:
            return self.get(name)
        raise AttributeError(name)


def stored_time(moment: datetime) -> datetime:
    """A naive UTC time at the millisecond, as MongoDB stores it (a row written in its stored
    form holds on the embedded store what MongoDB would)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def new_warning_row(**fields) -> WarningRow:
    """A new warning in its stored form at version 1: what ``WarningRecord(**fields)`` is once
    added (the defaults of the fields not given; None values left out), without building it."""
    row = WarningRow(_id=fields.pop("id", None) or new_id(), version=1)
    for name, default in _ROW_DEFAULTS:
        row[name] = default() if callable(default) else default
    row.update((name, value) for name, value in fields.items() if value is not None)
    return row


def checked_changes(sets: dict, pushes: dict[str, list]) -> None:
    """Fields a write sets (``sets``) and items it appends to list fields (``pushes``), checked
    as ``WarningRecord.validate`` checks them. Raises mongoengine's ``ValidationError``."""
    errors = {}
    for name, value in sets.items():
        field = WarningRecord._fields[name]
        try:
            if value is None:
                if field.required:
                    raise ValidationError("Field is required", field_name=name)
            else:
                field._validate(value)
        except ValidationError as exc:
            errors[name] = exc
    for name, items in pushes.items():
        inner = WarningRecord._fields[name].field
        for item in items:
            try:
                inner._validate(item)
            except ValidationError as exc:
                errors[name] = exc
    if errors:
        raise ValidationError("ValidationError (WarningRecord)", errors=errors)


class WarningStore(TallyWrites, Store):
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

    def _count_in_tally(self, aggregate: Document | WarningRow) -> None:
        # After the record: a failure in between is mended by its next write or a rebuild.
        # A ``WarningRow`` is a whole warning as written (``add_warning_row``, ``merge_into_warning``).
        if isinstance(aggregate, WarningRecord | WarningRow):
            self.set_entry(WarningTally, tally_key(aggregate.county), aggregate.pk, warning_entry(aggregate))
            self._count_in_quarters(aggregate)

    def _count_in_quarters(self, warning) -> None:
        """The warning's (a ``WarningRecord`` or its stored form) entry in the ``QuarterTally``
        of every year it touches: by key, idempotent (its years only grow, ``domain.quarterly``)."""
        entry = warning_quarter_entry(warning)
        county, key = (warning["county"], warning["_id"]) if isinstance(warning, dict) else (warning.county, warning.pk)
        for year in entry_years(entry):
            self.set_entry(QuarterTally, tally_key(county, year), key, entry)

    # -- tallies (issue 14 item 7) -------------------------------------------------------------
    def warning_tallies(self, counties: Iterable[str]) -> dict[str, dict[str, dict]]:
        """The counties' tallies (county → warning id → entry), one read by keys."""
        counties = list(counties)
        found = self.tallies(WarningTally, [tally_key(c) for c in counties])
        return {c: found[tally_key(c)] for c in counties}

    def warning_items(self, warning_ids: Iterable[str]) -> list[WarningRow]:
        """Warnings by key as a report's lines (``ITEM_FIELDS``, read only), in the order of
        ``warning_ids``, missing ones left out: one read by keys, no document built (the
        quarterly report lists hundreds of a province's warnings)."""
        keys = list(dict.fromkeys(warning_ids))
        if self.mode == "embedded":  # the collection's dict, read without a copy of each warning
            stored = embedded_documents(WarningRecord)
            found = {k: stored[k] for k in keys if k in stored}
        elif keys:
            cursor = WarningRecord._get_collection().find({"_id": {"$in": keys}}, dict.fromkeys(ITEM_FIELDS, 1))
            found = {son["_id"]: son for son in cursor}
        else:
            found = {}
        return [WarningRow({"_id": k, **{f: found[k].get(f) for f in ITEM_FIELDS}}) for k in keys if k in found]

    def quarter_tallies(self, counties: Iterable[str], year: int) -> dict[str, dict]:
        """The counties' warnings touching ``year`` (warning id → quarter entry, the counties'
        tallies merged: a warning's county never changes), one read by keys."""
        found: dict[str, dict] = {}
        for entries in self.tallies(QuarterTally, [tally_key(c, year) for c in counties]).values():
            found.update(entries)
        return found

    def rebuild_tallies(self, county: str | None = None) -> dict[str, int]:
        """Rewrite one county's tally (or every county's: those with warnings or a tally) from
        its warnings (``replace_tally``); county → live warnings counted. An operator's
        repair after a failure between a record and its entry, or a migration: a scan of the
        warnings (indexed on ``county`` on MongoDB), never on a request's path. A warning
        written while it runs is set again by its next write or by running it again. The
        county's year tallies of the quarterly report (``QuarterTally``) are rewritten with it."""
        found: dict[str, dict[str, dict]] = {key: {} for key in ([county] if county else self._tally_keys())}
        years: dict[str, dict[str, dict]] = {key: {} for key in self._quarter_tally_keys(county)}
        for key, warning_id, entry, quarter in self._tally_sources(county):
            entries = found.setdefault(key, {})
            if entry is not None:
                entries[warning_id] = entry
            for year in entry_years(quarter):
                years.setdefault(tally_key(key, year), {})[warning_id] = quarter
        for key, entries in found.items():
            self.replace_tally(WarningTally, tally_key(key), entries)
        for key, entries in years.items():
            self.replace_tally(QuarterTally, key, entries)
        return {key: len(entries) for key, entries in sorted(found.items())}

    def _tally_keys(self) -> list[str]:
        return [son["_id"] for son in WarningTally._get_collection().find({}, {"_id": 1})]

    def _quarter_tally_keys(self, county: str | None) -> list[str]:
        keys = [son["_id"] for son in QuarterTally._get_collection().find({}, {"_id": 1})]
        return keys if county is None else [k for k in keys if k.startswith(f"{county}:")]

    def _tally_sources(self, county: str | None) -> Iterable[tuple[str, str, dict | None, dict]]:
        """(county, warning id, entry, quarter entry) of every warning (of ``county``), read
        raw: only the fields the entries are built from."""
        wanted = dict.fromkeys(("county", "status", "level", "answer_due", "fix_due", *QUARTER_SOURCES), 1)
        for son in WarningRecord._get_collection().find({} if county is None else {"county": county}, wanted):
            entry = tally_entry(son.get("status"), son.get("level"), son.get("answer_due"), son.get("fix_due"))
            yield son["county"], son["_id"], entry, warning_quarter_entry(son)

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

    def touching_period(self, counties: Iterable[str], first: date, last: date) -> list[WarningRecord]:
        """Some counties' warnings issued, proposed or lifted between ``first`` and ``last``
        (Beijing dates), oldest first: what the quarterly report read before its year tallies
        (``QuarterTally``), now the reference its tests compare with. Each branch of the ``$or``
        is a range on its own (county, day) index, so MongoDB reads the quarter's warnings
        only, never every warning the counties ever had (issue 15 item 3)."""
        # proposed_at is a UTC instant; a day either side covers every Beijing date in range.
        since = datetime.combine(first - timedelta(days=1), time())
        until = datetime.combine(last + timedelta(days=2), time())
        days = {"$gte": first.isoformat(), "$lte": last.isoformat()}
        query = WarningRecord.objects(county__in=list(counties)).filter(
            __raw__={
                "$or": [
                    {"issued_on": days},
                    {"lifted_on": days},
                    {"proposed_at": {"$gte": since, "$lt": until}},
                ]
            }
        )
        return list(query.order_by("proposed_at", "id"))

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
