"""``FakeRiskStore``: the methods of ``wuying_risk.persistence.RiskStore`` over dicts.

It keeps the same mongoengine Documents (building and validating them needs no database) as
plain copies, so an aggregate changed by a handler but not written is not changed in the store,
and it raises the same ``Conflict``s: ``duplicate`` on a taken key, ``concurrent_update`` when a
versioned aggregate changed since it was read. ``tests/unit/risk/test_store.py`` runs the same
checks against both stores.
"""

from __future__ import annotations

from datetime import datetime

from wuying_common.clock import naive_utc
from wuying_risk.persistence import (
    SEEN_EVENTS_KEPT,
    HighRiskTally,
    PowerItem,
    Profile,
    ProposalRecord,
    RegisteredOfficial,
    RiskPoint,
    Signal,
)

from .memory import MemoryStore


class FakeRiskStore(MemoryStore):
    # -- catalogue -------------------------------------------------------------------------
    def get_power(self, power_id: str) -> PowerItem | None:
        return self.get(PowerItem, power_id)

    def save_power(self, power: PowerItem) -> PowerItem:
        return self.save(power)

    def powers(self, county: str, unit_id: str | None = None, post: str | None = None) -> list[PowerItem]:
        found = [
            p
            for p in self.all(PowerItem)
            if p.county == county and (not unit_id or p.unit_id == unit_id) and (not post or p.post == post)
        ]
        return sorted(found, key=lambda p: (p.unit_id, p.post, p.name))[:1000]

    def get_risk_point(self, risk_id: str) -> RiskPoint | None:
        return self.get(RiskPoint, risk_id)

    def save_risk_point(self, point: RiskPoint) -> RiskPoint:
        return self.save(point)

    def risk_points(self, county: str, unit_id: str | None = None) -> list[RiskPoint]:
        found = [p for p in self.all(RiskPoint) if p.county == county and (not unit_id or p.unit_id == unit_id)]

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

    def reserve_high(self, unit_id: str, cap: int) -> bool:
        tally = self.get(HighRiskTally, unit_id)
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

    def move_profile(self, official_id: str, unit_id: str, county: str) -> None:
        profile = self.get(Profile, official_id)
        if profile is not None:
            profile.unit_id, profile.county = unit_id, county
            profile.version += 1
            self._put(profile)

    # -- profiles --------------------------------------------------------------------------
    def get_profile(self, official_id: str) -> Profile | None:
        return self.get(Profile, official_id)

    def top_profiles(self, county: str, limit: int = 50) -> list[Profile]:
        found = [p for p in self.all(Profile) if p.county == county]
        return sorted(found, key=lambda p: (-p.score, p.id))[:limit]

    def add_signal(
        self,
        official_id: str,
        *,
        expected_version: int,
        signal: Signal,
        set_fields: dict,
        points: int,
        outbox: list,
        proposal: ProposalRecord | None,
        now: datetime,
    ) -> bool:
        profile = self.get(Profile, official_id)
        if profile is None:
            if expected_version != 0:
                return False
            profile = Profile(id=official_id, version=0, score=0, created_at=naive_utc(now))
        elif profile.version != expected_version or profile.has_signal(signal.event_id):
            return False
        for key, value in set_fields.items():
            setattr(profile, key, value)
        profile.updated_at = naive_utc(now)
        profile.score += points
        profile.version += 1
        profile.signals.append(signal)
        profile.outbox.extend(outbox)
        profile.outbox_pending = True
        if proposal is not None:
            profile.proposals.append(proposal)
        self._put(profile)
        self.events_written(Profile, official_id)
        return True
