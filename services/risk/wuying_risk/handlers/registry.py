"""Risk's copy of the official registry (DESIGN.md §2: archive owns officials and publishes
``official.changed``; risk keeps only the unit and county that scoring and access checks need)."""

from __future__ import annotations

from wuying_common.clock import SystemClock

from ..persistence import RiskStore
from ..schemas import OFFICIAL_CHANGED_IN, OFFICIALS_IMPORTED_IN


def record_official(store: RiskStore, clock: SystemClock, envelope: dict) -> str:
    """Keep each official's unit and county; idempotent on the event id."""
    data = OFFICIAL_CHANGED_IN.load(envelope.get("data", {}))
    if not store.record_official(data, envelope["id"], clock.now()):
        return "duplicate"
    store.move_profile(data["official_id"], data["unit_id"], data["county"])
    return "processed"


def record_imported(store: RiskStore, clock: SystemClock, envelope: dict) -> tuple[str, int]:
    """archive's ``officials.imported``: each change as an ``official.changed`` (the same copy,
    the same profile move), in one bulk write; idempotent per (event id, official). Returns the
    outcome and how many officials it applied."""
    data = OFFICIALS_IMPORTED_IN.load(envelope.get("data", {}))
    applied = store.record_officials(data["changes"], envelope["id"], clock.now())
    return ("processed" if applied else "duplicate"), len(applied)
