"""``FakeRiskStore``: the methods of ``wuying_risk.persistence.RiskStore`` over dicts.

It keeps the same mongoengine Documents (building and validating them needs no database) as
plain copies, so an aggregate changed by a handler but not written is not changed in the store,
and it raises the same ``Conflict``s: ``duplicate`` on a taken key, ``concurrent_update`` when a
versioned aggregate changed since it was read. ``tests/unit/risk/test_store.py`` runs the same
checks against both stores.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime

from wuying_common.clock import naive_utc
from wuying_common.errors import Conflict
from wuying_common.paging import Page
from wuying_risk.domain.rulebook import commission_chain
from wuying_risk.persistence import (
    RECENT_KEYS_KEPT,
    SEEN_EVENTS_KEPT,
    BusinessRecord,
    CalendarYear,
    HighRiskTally,
    MonitoringHit,
    PowerItem,
    PowerRevision,
    Profile,
    RegisteredOfficial,
    RiskPoint,
    RuleInForce,
    RuleVersion,
    SignalRecord,
    SupplierTie,
    UnitProfile,
)
from wuying_risk.persistence.store import PROFILE_KINDS, check_profile_fields, check_signal_row

from .memory import MemoryStore


class FakeRiskStore(MemoryStore):
    # -- catalogue -------------------------------------------------------------------------
    def get_power(self, power_id: str) -> PowerItem | None:
        return self.get(PowerItem, power_id)

    def save_power(self, power: PowerItem) -> PowerItem:
        return self.save(power)

    def powers(self, counties, page: dict, unit_id: str | None = None, post: str | None = None) -> Page:
        found = [
            p
            for p in self.all(PowerItem)
            if p.county in counties and (not unit_id or p.unit_id == unit_id) and (not post or p.post == post)
        ]
        return self.paged(found, page)

    def add_power_revision(self, revision: PowerRevision) -> None:
        self.add_or_replace(revision)

    def power_revisions(self, power_id: str, page: dict) -> Page:
        return self.paged((r for r in self.all(PowerRevision) if r.power_id == power_id), page, order="revision")

    def published_powers(self, county: str, limit: int = 500) -> list[PowerItem]:
        found = [p for p in self.all(PowerItem) if p.status == "published" and p.county == county]
        return sorted(found, key=lambda p: (p.unit_id, p.post, p.name))[:limit]

    def published_risk_points(self, county: str, limit: int = 1000) -> list[RiskPoint]:
        found = [p for p in self.all(RiskPoint) if p.status == "published" and p.county == county]
        return sorted(found, key=lambda p: (p.unit_id, p.id))[:limit]

    def reviews_due(self, on_or_before: str, county: str | None = None, limit: int = 1000) -> list[RiskPoint]:
        found = [
            p
            for p in self.all(RiskPoint)
            if p.next_review_on and p.next_review_on <= on_or_before and (not county or p.county == county)
        ]
        return sorted(found, key=lambda p: (p.next_review_on, p.id))[:limit]

    def colleagues(self, unit_id: str, excluding: str, limit: int = 3) -> list[str]:
        if not unit_id:
            return []
        found = sorted(
            o.id
            for o in self.all(RegisteredOfficial)
            if o.unit_id == unit_id and o.status == "serving" and o.id != excluding
        )
        return found[:limit]

    def get_risk_point(self, risk_id: str) -> RiskPoint | None:
        return self.get(RiskPoint, risk_id)

    def save_risk_point(self, point: RiskPoint) -> RiskPoint:
        return self.save(point)

    def risk_point_page(self, counties, page: dict, unit_id: str | None = None) -> Page:
        found = [p for p in self.all(RiskPoint) if p.county in counties and (not unit_id or p.unit_id == unit_id)]
        return self.paged(found, page)

    def overdue_page(self, counties, before: str, page: dict) -> Page:
        found = [p for p in self.all(RiskPoint) if p.county in counties and (p.next_review_on or "~") < before]
        return self.paged(found, page, order="next_review_on")

    def risk_points(self, counties, unit_id: str | None = None) -> list[RiskPoint]:
        found = [p for p in self.all(RiskPoint) if p.county in counties and (not unit_id or p.unit_id == unit_id)]

        # MongoDB's order: unit, then index descending with unevaluated points last, then id.
        def order(p: RiskPoint):
            index = p.evaluation.index if p.evaluation is not None else None
            return (p.unit_id, index is None, -(index or 0), p.id)

        return sorted(found, key=order)[:1000]

    def add_risk_point(self, point: RiskPoint) -> RiskPoint:
        self.add(point)
        tally = self.get(HighRiskTally, point.unit_id) or HighRiskTally(id=point.unit_id)
        tally.total += 1
        self._put(tally)
        return point

    def department_tally(self, unit_id: str) -> tuple[int, int]:
        tally = self.get(HighRiskTally, unit_id)
        return (tally.total, tally.high) if tally is not None else (0, 0)

    def reserve_high(self, unit_id: str, cap: int, *, exception: bool = False) -> bool:
        tally = self.get(HighRiskTally, unit_id)
        if exception:
            tally = tally or HighRiskTally(id=unit_id)
            tally.high += 1
            tally.exceptions += 1
            self._put(tally)
            return True
        if cap <= 0 or tally is None or tally.high >= cap:
            return False
        tally.high += 1
        self._put(tally)
        return True

    def release_high(self, unit_id: str) -> None:
        tally = self.get(HighRiskTally, unit_id)
        if tally is not None and tally.high > 0:
            tally.high -= 1
            self._put(tally)

    # -- registry --------------------------------------------------------------------------
    def get_official(self, official_id: str) -> RegisteredOfficial | None:
        return self.get(RegisteredOfficial, official_id)

    def record_official(self, data: dict, event_id: str, now: datetime) -> bool:
        official = self.get(RegisteredOfficial, data["official_id"])
        if official is None:
            official = RegisteredOfficial(id=data["official_id"], version=0)
        elif event_id in official.seen_event_ids:
            return False
        official.county = data["county"]
        official.unit_id = data.get("unit_id", "")
        official.post = data.get("post", "")
        official.status = data.get("status", "serving")
        official.updated_at = naive_utc(now)
        official.seen_event_ids = [*official.seen_event_ids, event_id][-SEEN_EVENTS_KEPT:]
        official.version += 1
        self._put(official)
        return True

    def record_officials(self, changes: list[dict], event_id: str, now: datetime) -> list[dict]:
        applied = [data for data in changes if self.record_official(data, event_id, now)]
        for data in applied:
            self.move_profile(data["official_id"], data["unit_id"], data["county"])
        return applied

    def move_profile(self, official_id: str, unit_id: str, county: str) -> None:
        profile = self.get(Profile, official_id)
        if profile is not None:
            profile.unit_id, profile.county = unit_id, county
            profile.version += 1
            self._put(profile)

    # -- signals and profiles --------------------------------------------------------------
    def record_signal(self, record: SignalRecord) -> bool:
        if record.pk in self._table(SignalRecord):
            return False
        self._put(record)
        return True

    def official_placement(self, official_id: str) -> tuple[str, str] | None:
        son = self._table(RegisteredOfficial).get(official_id)
        return None if son is None else (son["county"], son.get("unit_id") or "")

    def record_signal_row(self, row: dict) -> bool:
        check_signal_row(row)
        return self.record_signal(SignalRecord._from_son(copy.deepcopy(row)))  # validated as a document too

    def profile_row(self, kind: str, key: str) -> dict | None:
        son = self._table(PROFILE_KINDS[kind]).get(key)
        return None if son is None else copy.deepcopy(son)

    def write_profile_row(self, kind: str, key: str, version: int | None, fields: dict, outbox: list[dict]) -> None:
        check_profile_fields(fields)
        cls = PROFILE_KINDS[kind]
        table = self._table(cls)
        stored = table.get(key)
        fields = copy.deepcopy({**fields, "recent_keys": list(fields["recent_keys"])[-RECENT_KEYS_KEPT:]})
        if version is None:
            if stored is not None:
                raise Conflict("记录已存在", code="duplicate")
            son = {"_id": key, "version": 1, **fields, "outbox": copy.deepcopy(outbox), "outbox_pending": bool(outbox)}
        else:
            if stored is None or stored.get("version") != version:
                raise Conflict("记录已被他人修改，请刷新后重试", code="concurrent_update")
            son = {**stored, **fields, "version": version + 1}
            if outbox:
                son["outbox"] = [*stored.get("outbox", []), *copy.deepcopy(outbox)]
                son["outbox_pending"] = True
        cls._from_son(copy.deepcopy(son)).validate()  # the stored form is a valid document
        table[key] = son
        if outbox:
            self.events_written(cls, key)

    def get_signal(self, key: str) -> SignalRecord | None:
        return self.get(SignalRecord, key)

    def signals_of(self, subject_id: str, page: dict) -> Page:
        return self.paged((s for s in self.all(SignalRecord) if s.subject_id == subject_id), page, order="-occurred_at")

    def get_profile(self, official_id: str) -> Profile | None:
        return self.get(Profile, official_id)

    def get_unit_profile(self, unit_id: str) -> UnitProfile | None:
        return self.get(UnitProfile, unit_id)

    def save_profile(self, profile) -> None:
        profile.recent_keys = list(profile.recent_keys)[-RECENT_KEYS_KEPT:]
        self.save(profile)

    def top_profiles(self, counties, page: dict) -> Page:
        return self.paged((p for p in self.all(Profile) if p.county in counties), page, order="-score")

    def top_unit_profiles(self, counties, page: dict) -> Page:
        return self.paged((p for p in self.all(UnitProfile) if p.county in counties), page, order="-score")

    def profile_batches(self, county_prefix: str, batch_size: int = 5000) -> Iterator[list[dict]]:
        rows = [
            copy.deepcopy(son)
            for key, son in sorted(self._table(Profile).items())
            if son.get("county", "").startswith(county_prefix)
        ]
        for start in range(0, len(rows), batch_size):
            yield rows[start : start + batch_size]

    def write_recomputed(self, updates: list[tuple[str, int, dict, list]]) -> int:
        written = 0
        table = self._table(Profile)
        for key, version, fields, outbox in updates:
            son = table.get(key)
            if son is None or son.get("version") != version:
                continue
            son.update(copy.deepcopy(fields))
            son["version"] = version + 1
            if outbox:
                son["outbox"] = [*son.get("outbox", []), *copy.deepcopy(outbox)]
                son["outbox_pending"] = True
                self.events_written(Profile, key)
            written += 1
        return written

    # -- versioned rule data ---------------------------------------------------------------
    def add_rule_version(self, version: RuleVersion) -> RuleVersion:
        return self.add(version)

    def get_rule_version(self, kind: str, commission: str, rule_version: str) -> RuleVersion | None:
        return self.get(RuleVersion, f"{kind}:{commission}:{rule_version}")

    def save_rule_version(self, version: RuleVersion) -> RuleVersion:
        return self.save(version)

    def rule_versions(self, kind: str, commission: str, page: dict) -> Page:
        found = [v for v in self.all(RuleVersion) if v.kind == kind and v.commission == commission]
        return self.paged(found, page, order="created_at")

    def put_in_force(self, kind: str, commission: str, rule_version: str, body: dict, by: str, now: datetime) -> None:
        self.add_or_replace(
            RuleInForce(
                id=f"{kind}:{commission}",
                rule_version=rule_version,
                body=body,
                activated_at=naive_utc(now),
                activated_by=by,
            )
        )

    def freeze_rule_version(self, kind: str, commission: str, rule_version: str, now: datetime) -> None:
        version = self.get_rule_version(kind, commission, rule_version)
        if version is not None and not version.frozen:
            version.frozen, version.frozen_at = True, naive_utc(now)
            version.version += 1
            self._put(version)

    def rules_in_force(self, kind: str, county: str):
        for commission in commission_chain(county):
            doc = self.get(RuleInForce, f"{kind}:{commission}")
            if doc is not None:
                return commission, doc
        return None

    # -- business-data monitoring -----------------------------------------------------------
    def write_records(self, rows: list[dict]) -> int:
        for row in rows:
            self.add_or_replace(BusinessRecord._from_son(copy.deepcopy(row)))
        return len(rows)

    def records_in_window(self, county: str, start: str, end: str, limit: int = 500_000) -> list[dict]:
        rows = []
        for son in self._table(BusinessRecord).values():
            if son["county"] == county and start <= son["awarded_on"] <= end:
                row = copy.deepcopy(son)
                row.pop("imported_at", None)
                rows.append(row)
        return rows[:limit]

    def records(self, counties, page: dict, unit_id=None, supplier_id=None) -> Page:
        found = [
            r
            for r in self.all(BusinessRecord)
            if r.county in counties
            and (not unit_id or r.buyer_unit_id == unit_id)
            and (not supplier_id or r.supplier_id == supplier_id)
        ]
        return self.paged(found, page, order="-awarded_on")

    def write_ties(self, ties: list[SupplierTie]) -> int:
        for tie in ties:
            self.add_or_replace(tie)
        return len(ties)

    def ties_of_suppliers(self, supplier_ids) -> list[SupplierTie]:
        wanted = set(supplier_ids)
        return [t for t in self.all(SupplierTie) if t.supplier_id in wanted]

    def add_hit(self, hit: MonitoringHit) -> bool:
        if hit.pk in self._table(MonitoringHit):
            return False
        self._put(hit)
        return True

    def get_hit(self, hit_id: str) -> MonitoringHit | None:
        return self.get(MonitoringHit, hit_id)

    def hits(self, counties, page: dict, unit_id=None) -> Page:
        found = [h for h in self.all(MonitoringHit) if h.county in counties and (not unit_id or h.unit_id == unit_id)]
        return self.paged(found, page, order="-found_at")

    # -- the province's calendar ------------------------------------------------------------
    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        return sorted(self.all(CalendarYear), key=lambda y: y.id)

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)
