"""``RiskStore``: every family's repository methods, plus the registry copy, signals and profiles,
and the batch recompute."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from wuying_common.clock import naive_utc
from wuying_common.embedded import embedded_documents
from wuying_common.paging import Page

from .calendar import CalendarStore, CalendarYear
from .catalogue import CatalogueStore, HighRiskTally, PowerItem, PowerRevision, RiskPoint
from .common import RECENT_KEYS_KEPT, SEEN_EVENTS_KEPT
from .monitoring import BusinessRecord, MonitoringHit, MonitoringStore, SupplierTie
from .profiles import Profile, RegisteredOfficial, SignalRecord, UnitProfile, _ProfileBase
from .rules import RuleInForce, RuleStore, RuleVersion


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
            # The embedded store's documents, updated in place: mongomock's update machinery
            # copies every document it touches, which a province-wide batch cannot afford.
            # Nothing yields to another green thread inside this loop, so each check-and-set
            # is as atomic as a conditional update.
            documents = embedded_documents(Profile)
            for key, version, fields, outbox in updates:
                doc = documents.get(key)
                if doc is None or doc.get("version") != version:
                    continue
                doc.update(fields)
                doc["version"] = version + 1
                if outbox:
                    doc["outbox"] = [*doc.get("outbox", []), *outbox]
                    doc["outbox_pending"] = True
                    self.events_written(Profile, key)
                written += 1
            return written
        ops = []
        for key, version, fields, outbox in updates:
            update: dict = {"$set": {**fields, "version": version + 1}}
            if outbox:
                update["$set"]["outbox_pending"] = True
                update["$push"] = {"outbox": {"$each": outbox}}
            ops.append(UpdateOne({"_id": key, "version": version}, update))
        result = Profile._get_collection().bulk_write(ops, ordered=False)
        for key, _, _, outbox in updates:
            if outbox:
                self.events_written(Profile, key)
        return result.modified_count
