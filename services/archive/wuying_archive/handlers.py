"""Archive use cases: (command, store, clock) -> result. No nameko here."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.events import short_name

from .domain.file import FileSubject, subjects_of, summarise, verify_chain
from .exceptions import FileNotFound
from .persistence import ArchiveStore, Official, Unit
from .schemas import OFFICIAL_CHANGED


def record_event(store: ArchiveStore, clock: SystemClock, envelope: dict) -> str:
    """Append an incoming event to every file it concerns. Idempotent on the event id."""
    name = short_name(envelope)
    data = envelope.get("data", {})
    subjects = subjects_of(name, data, envelope["county"])
    appended = [
        store.append(s, kind=name, summary=summarise(name, data), event=envelope, now=clock.now()) for s in subjects
    ]
    if subjects and not any(appended):
        return "duplicate"
    return "processed"


def register(store: ArchiveStore, clock: SystemClock, units: list[dict], officials: list[dict]) -> dict:
    """Register or update units and officials; each new or changed official emits
    ``official.changed`` in the same write."""
    for raw in units:
        unit = store.get_unit(raw["id"]) or Unit(id=raw["id"])
        for key in ("name", "county", "kind", "zone"):
            setattr(unit, key, raw.get(key))
        unit.save()
    for raw in officials:
        official = store.get_official(raw["id"])
        change = "registered"
        if official is None:
            official = Official(id=raw["id"])
        elif official.unit_id != raw["unit_id"]:
            change = "transferred"
        elif raw.get("status", "serving") != official.status:
            change = {"left": "left", "retired": "retired"}.get(raw.get("status"), "hired")
        else:
            continue  # nothing changed: no write, no event
        for key in ("name", "county", "unit_id", "post", "rank"):
            setattr(official, key, raw[key])
        official.status = raw.get("status", "serving")
        official.commission_staff = int(bool(raw.get("commission_staff")))
        official.record_event(
            OFFICIAL_CHANGED,
            {
                "official_id": official.id,
                "county": official.county,
                "unit_id": official.unit_id,
                "post": official.post,
                "rank": official.rank,
                "status": official.status,
                "change": change,
                "commission_staff": bool(official.commission_staff),
            },
            subject=f"official/{official.id}",
            county=official.county,
            now=clock.now(),
        )
        official.save_versioned()
    return {"units": len(units), "officials": len(officials)}


def integrity_file(store: ArchiveStore, principal: Principal | None, kind: str, subject_id: str) -> dict:
    """The timeline of one file, with its hash chain verified."""
    owner = store.get_official(subject_id) if kind == "official" else store.get_unit(subject_id)
    entries = store.entries(kind, subject_id)
    if owner is None and not entries:
        raise FileNotFound(fields={"id": subject_id})
    county = owner.county if owner else entries[0].county
    if principal is not None:
        principal.require_county(county)
    check = verify_chain([(e.seq, e.content(), e.prev_hash, e.hash) for e in entries])
    return {
        "subject_kind": kind,
        "subject_id": subject_id,
        "county": county,
        "name": owner.name if owner else None,
        "entries": entries,
        "intact": check.intact,
    }


def file_subject_for(official: Official) -> FileSubject:
    return FileSubject("official", official.id, official.county)
