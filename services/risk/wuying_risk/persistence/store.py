"""``RiskStore``: every family's repository methods, plus the registry copy, signals and profiles,
and the batch recompute."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from mongoengine.errors import ValidationError
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from wuying_common.clock import naive_utc
from wuying_common.embedded import embedded_documents
from wuying_common.errors import Conflict
from wuying_common.paging import Page

from .calendar import CalendarStore, CalendarYear
from .catalogue import CatalogueStore, HighRiskTally, PowerItem, PowerRevision, RiskPoint
from .common import RECENT_KEYS_KEPT, SEEN_EVENTS_KEPT, SIGNALS_KEPT
from .monitoring import BusinessRecord, MonitoringHit, MonitoringStore, SupplierTie
from .profiles import Profile, RegisteredOfficial, SignalRecord, UnitProfile, _ProfileBase
from .rules import RuleInForce, RuleStore, RuleVersion

# The profile collections by the kind of subject they are about.
PROFILE_KINDS: dict[str, type[_ProfileBase]] = {"official": Profile, "unit": UnitProfile}
COUNTY = re.compile(r"^\d{6}$")
# What the raw rows of the per-signal path must hold (the documents' required fields).
_SIGNAL_REQUIRED = ("subject_id", "factor", "severity", "occurred_at", "source", "source_event_id", "recorded_at")
_SIGNAL_ITEM_REQUIRED = ("factor", "points", "event_id", "explanation")


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, field_name=field, errors={field: message})


def check_signal_row(row: dict) -> None:
    """``SignalRecord.validate()`` for a row in its stored form: the rules its fields declare."""
    for name in _SIGNAL_REQUIRED:
        if row.get(name) is None:
            raise _invalid(name, "Field is required")
    if row.get("subject_kind") not in ("official", "unit"):
        raise _invalid("subject_kind", "Value must be one of ('official', 'unit')")
    if not COUNTY.match(row.get("county") or ""):
        raise _invalid("county", "String value did not match validation regex")
    if len(row.get("evidence") or ()) > 50:
        raise _invalid("evidence", "List is too long")


def check_profile_fields(fields: dict) -> None:
    """``Profile.validate()`` for the fields one signal's rewrite sets (stored form)."""
    if not COUNTY.match(fields.get("county") or ""):
        raise _invalid("county", "String value did not match validation regex")
    if not fields.get("rule_version"):
        raise _invalid("rule_version", "Field is required")
    signals = fields.get("signals") or ()
    if len(signals) > SIGNALS_KEPT:
        raise _invalid("signals", "List is too long")
    for item in signals:
        missing = next((name for name in _SIGNAL_ITEM_REQUIRED if item.get(name) is None), None)
        if missing is not None:
            raise _invalid(f"signals.{missing}", "Field is required")


def _set_in_place(documents: dict, key: str, version: int, fields: dict, outbox: list[dict]) -> bool:
    """An embedded store's document set in place if still at ``version`` (False otherwise):
    mongomock's update machinery copies every document it touches. Nothing yields between
    the check and the set, so it is as atomic as MongoDB's conditional update."""
    doc = documents.get(key)
    if doc is None or doc.get("version") != version:
        return False
    doc.update(fields)
    doc["version"] = version + 1
    if outbox:
        doc["outbox"] = [*doc.get("outbox", []), *outbox]
        doc["outbox_pending"] = True
    return True


def _versioned_update(version: int, fields: dict, outbox: list[dict]) -> dict:
    """The MongoDB update of a profile read at ``version``: its fields, its new events pushed
    (the relay edits the outbox concurrently, so it is never written whole)."""
    update: dict = {"$set": {**fields, "version": version + 1}}
    if outbox:
        update["$set"]["outbox_pending"] = True
        update["$push"] = {"outbox": {"$each": outbox}}
    return update


def _registry_fields(data: dict, stamp: datetime) -> dict:
    """What risk's registry copy keeps of an ``official.changed``."""
    return {
        "county": data["county"],
        "unit_id": data.get("unit_id", ""),
        "post": data.get("post", ""),
        "status": data.get("status", "serving"),
        "updated_at": stamp,
    }


class RiskStore(CatalogueStore, RuleStore, MonitoringStore, CalendarStore):
    documents = (
        RegisteredOfficial,
        Profile,
        UnitProfile,
        SignalRecord,
        RuleVersion,
        RuleInForce,
        PowerItem,
        PowerRevision,
        RiskPoint,
        HighRiskTally,
        BusinessRecord,
        SupplierTie,
        MonitoringHit,
        CalendarYear,
    )

    # -- registry --------------------------------------------------------------------------
    def get_official(self, official_id: str) -> RegisteredOfficial | None:
        return self.get(RegisteredOfficial, official_id)

    def record_official(self, data: dict, event_id: str, now: datetime) -> bool:
        """Upsert an official from ``official.changed``; False when this event was applied already.

        One conditional write: the filter refuses an event id already seen, so a redelivery
        matches nothing and the upsert collides with the existing ``_id``.
        """
        try:
            RegisteredOfficial._get_collection().update_one(
                {"_id": data["official_id"], "seen_event_ids": {"$ne": event_id}},
                {
                    "$set": _registry_fields(data, naive_utc(now)),
                    "$push": {"seen_event_ids": {"$each": [event_id], "$slice": -SEEN_EVENTS_KEPT}},
                    "$inc": {"version": 1},
                    "$setOnInsert": {"outbox": [], "outbox_pending": False},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    def record_officials(self, changes: list[dict], event_id: str, now: datetime) -> list[dict]:
        """``record_official`` for the changes of one ``officials.imported``, in bulk: the
        changes not applied before under ``event_id`` are written (the same fields, the same
        idempotency record) and their officials' profiles moved. Returns those applied."""
        applied: list[dict] = []
        stamp = naive_utc(now)
        if self.mode == "embedded":
            # The embedded store's documents, written in place (as ``write_recomputed``): two
            # mongomock update calls per official cost more than the consumer's whole budget.
            # Nothing yields to another green thread in this loop.
            officials, profiles = embedded_documents(RegisteredOfficial), embedded_documents(Profile)
            for data in changes:
                key = data["official_id"]
                doc = officials.get(key)
                if doc is None:
                    doc = officials[key] = {"_id": key, "version": 0, "seen_event_ids": [], "outbox": []}
                    doc["outbox_pending"] = False
                elif event_id in doc.get("seen_event_ids", ()):
                    continue
                doc.update(_registry_fields(data, stamp))
                doc["seen_event_ids"] = [*doc.get("seen_event_ids", []), event_id][-SEEN_EVENTS_KEPT:]
                doc["version"] = doc.get("version", 0) + 1
                profile = profiles.get(key)
                if profile is not None:
                    profile.update(unit_id=data["unit_id"], county=data["county"], version=profile["version"] + 1)
                applied.append(data)
            return applied
        ops = [
            UpdateOne(
                {"_id": data["official_id"], "seen_event_ids": {"$ne": event_id}},
                {
                    "$set": _registry_fields(data, stamp),
                    "$push": {"seen_event_ids": {"$each": [event_id], "$slice": -SEEN_EVENTS_KEPT}},
                    "$inc": {"version": 1},
                    "$setOnInsert": {"outbox": [], "outbox_pending": False},
                },
                upsert=True,
            )
            for data in changes
        ]
        refused: set[int] = set()
        try:
            RegisteredOfficial._get_collection().bulk_write(ops, ordered=False)
        except BulkWriteError as exc:  # 11000: applied under this event id already
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            refused = {e["index"] for e in errors}
        applied = [data for i, data in enumerate(changes) if i not in refused]
        if applied:
            Profile._get_collection().bulk_write(
                [
                    UpdateOne(
                        {"_id": d["official_id"]},
                        {"$set": {"unit_id": d["unit_id"], "county": d["county"]}, "$inc": {"version": 1}},
                    )
                    for d in applied
                ],
                ordered=False,
            )
        return applied

    def move_profile(self, official_id: str, unit_id: str, county: str) -> None:
        """Keep an existing profile's unit and county in step with the registry."""
        # The version bump makes a signal scored on the old unit/county retry instead of undoing this.
        Profile._get_collection().update_one(
            {"_id": official_id}, {"$set": {"unit_id": unit_id, "county": county}, "$inc": {"version": 1}}
        )

    # -- signals and profiles --------------------------------------------------------------
    def record_signal(self, record: SignalRecord) -> bool:
        """Write a signal once (by its key); False when it was written before."""
        record.validate()
        try:
            SignalRecord._get_collection().insert_one(record.to_mongo().to_dict())
        except DuplicateKeyError:
            return False
        return True

    def get_signal(self, key: str) -> SignalRecord | None:
        return self.get(SignalRecord, key)

    def signals_of(self, subject_id: str, page: dict) -> Page:
        """A page of every signal of a subject, newest first (a list for people)."""
        return self.paged(SignalRecord.objects(subject_id=subject_id), page, order="-occurred_at")

    def get_profile(self, official_id: str) -> Profile | None:
        return self.get(Profile, official_id)

    def get_unit_profile(self, unit_id: str) -> UnitProfile | None:
        return self.get(UnitProfile, unit_id)

    def save_profile(self, profile: _ProfileBase) -> None:
        """Insert a new profile or write a changed one with its new events, conditional on the
        version it was read at (``Conflict`` when someone wrote in between)."""
        profile.recent_keys = list(profile.recent_keys)[-RECENT_KEYS_KEPT:]
        self.save(profile)

    # -- one signal's path, by key in the stored form (no document built or change-tracked) ----
    def official_placement(self, official_id: str) -> tuple[str, str] | None:
        """(county, unit) of a registered official, or None: the registry read of every signal,
        by key, without building the document (its idempotency list and outbox unread)."""
        if self.mode == "embedded":
            doc = embedded_documents(RegisteredOfficial).get(official_id)
        else:
            doc = RegisteredOfficial._get_collection().find_one({"_id": official_id}, {"county": 1, "unit_id": 1})
        return None if doc is None else (doc["county"], doc.get("unit_id") or "")

    def record_signal_row(self, row: dict) -> bool:
        """``record_signal`` for a row in its stored form (checked as the document would be);
        False when its key was written before."""
        check_signal_row(row)
        return self.insert_son(SignalRecord, row)

    def profile_row(self, kind: str, key: str) -> dict | None:
        """A profile (``kind`` official or unit) in its stored form, for one signal's rewrite:
        READ ONLY (on the embedded store it is the stored dict itself). Never its outbox on
        MongoDB (the relay's, and not needed)."""
        doc_cls = PROFILE_KINDS[kind]
        if self.mode == "embedded":
            return embedded_documents(doc_cls).get(key)
        return doc_cls._get_collection().find_one({"_id": key}, {"outbox": 0})

    def write_profile_row(self, kind: str, key: str, version: int | None, fields: dict, outbox: list[dict]) -> None:
        """One signal's rewrite of a profile in ONE single-document write with its new events:
        an insert when ``version`` is None, else conditional on the version read. ``Conflict``
        when the key was taken meanwhile or the profile written since it was read (the caller
        re-reads and retries); the relay is told by key."""
        check_profile_fields(fields)
        doc_cls = PROFILE_KINDS[kind]
        fields = {**fields, "recent_keys": list(fields.get("recent_keys") or ())[-RECENT_KEYS_KEPT:]}
        if version is None:
            son = {"_id": key, "version": 1, **fields, "outbox": outbox, "outbox_pending": bool(outbox)}
            if not self.insert_son(doc_cls, son):
                raise Conflict("记录已存在", code="duplicate")
        elif self.mode == "embedded":
            # The stored dict, set in place (as ``write_recomputed``).
            if not _set_in_place(embedded_documents(doc_cls), key, version, fields, outbox):
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
        else:
            update = _versioned_update(version, fields, outbox)
            if not doc_cls._get_collection().update_one({"_id": key, "version": version}, update).matched_count:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
        if outbox:
            self.events_written(doc_cls, key)

    def top_profiles(self, counties: Iterable[str], page: dict) -> Page:
        """A page of the profiles of some counties, the highest score first."""
        return self.paged(Profile.objects(county__in=list(counties)).exclude("outbox"), page, order="-score")

    def top_unit_profiles(self, counties: Iterable[str], page: dict) -> Page:
        return self.paged(UnitProfile.objects(county__in=list(counties)).exclude("outbox"), page, order="-score")

    # -- the batch recompute -----------------------------------------------------------------
    def profile_batches(self, county_prefix: str, batch_size: int = 5000) -> Iterator[list[dict]]:
        """Raw profiles (id, version, county, score, level, signals) whose county starts with
        ``county_prefix`` ("" = all), batch by batch (a batch job's scan). Read-only rows."""
        fields = ("_id", "version", "county", "unit_id", "score", "level", "signals")
        if self.mode == "embedded":
            rows: Iterable[dict] = (
                {k: doc.get(k) for k in fields}
                for doc in list(embedded_documents(Profile).values())
                if doc.get("county", "").startswith(county_prefix)
            )
        else:
            query: dict = {"county": {"$regex": f"^{county_prefix}"}} if county_prefix else {}
            rows = Profile._get_collection().find(query, dict.fromkeys(fields, 1)).sort("_id", 1)
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def write_recomputed(self, updates: list[tuple[str, int, dict, list]]) -> int:
        """(id, version read, fields to set, outbox entries) per profile, in one bulk write;
        a profile changed since it was read is left alone (the next event re-scores it).
        Returns how many were written."""
        if not updates:
            return 0
        written = 0
        if self.mode == "embedded":
            # The embedded store's documents, updated in place (``_set_in_place``): a
            # province-wide batch cannot afford mongomock's copies.
            documents = embedded_documents(Profile)
            for key, version, fields, outbox in updates:
                if not _set_in_place(documents, key, version, fields, outbox):
                    continue
                if outbox:
                    self.events_written(Profile, key)
                written += 1
            return written
        ops = [UpdateOne({"_id": k, "version": v}, _versioned_update(v, f, o)) for k, v, f, o in updates]
        result = Profile._get_collection().bulk_write(ops, ordered=False)
        for key, _, _, outbox in updates:
            if outbox:
                self.events_written(Profile, key)
        return result.modified_count
