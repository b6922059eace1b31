"""Archive use cases: (command, store, clock) -> result. No nameko here.

One person, one file (一人一档, 004/4 深圳龙岗): the registry of officials and units, the file
updated on hire, transfer, leave and retirement, and every platform event about a person or
unit appended to their tamper-evident timeline (DESIGN.md §4 Archive).
"""

from __future__ import annotations

from dataclasses import dataclass

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.events import short_name

from .domain.file import subjects_of, summarise, verify_chain
from .domain.personnel import Posting, personnel_change
from .exceptions import FileNotFound
from .persistence import ArchiveStore, FileEntry, Official, Unit
from .schemas import OFFICIAL_CHANGED


@dataclass(frozen=True)
class Registered:
    units: int
    officials: int


@dataclass(frozen=True)
class IntegrityFile:
    subject_kind: str
    subject_id: str
    county: str
    name: str | None
    entries: list[FileEntry]
    intact: bool


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


def register(store: ArchiveStore, clock: SystemClock, units: list[dict], officials: list[dict]) -> Registered:
    """Register or update units and officials; each new or changed official emits
    ``official.changed`` in the same write."""
    _register_units(store, units)
    known = {o.id: o for o in store.get_many(Official, [raw["id"] for raw in officials])}
    for raw in officials:
        official = known.get(raw["id"])
        status = raw.get("status", "serving")
        before = Posting(official.unit_id, official.status) if official is not None else None
        change = personnel_change(before, Posting(raw["unit_id"], status))
        if change is None:
            continue  # nothing changed: no write, no event
        if official is None:
            official = Official(id=raw["id"])
        for key in ("name", "county", "unit_id", "post", "rank"):
            setattr(official, key, raw[key])
        official.status = status
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
            now=clock.now(),
        )
        # The same id twice in one payload: the second sees the first as registered.
        known[official.id] = store.add(official) if change == "registered" else store.save(official)
    return Registered(units=len(units), officials=len(officials))


def _register_units(store: ArchiveStore, units: list[dict]) -> None:
    """Units are reference data: written whole, no event."""
    known = {u.id: u for u in store.get_many(Unit, [raw["id"] for raw in units])}
    for raw in units:
        unit = known.get(raw["id"])
        if unit is None:
            unit = Unit(id=raw["id"])
        for key in ("name", "county", "kind", "zone"):
            setattr(unit, key, raw.get(key))
        known[unit.id] = store.add_or_replace(unit)


def get_official(store: ArchiveStore, official_id: str) -> Official | None:
    return store.get(Official, official_id)


def find_officials(store: ArchiveStore, county: str, name: str | None = None, limit: int = 100) -> list[Official]:
    return store.officials(county=county, name=name, limit=limit)


def integrity_file(store: ArchiveStore, principal: Principal | None, kind: str, subject_id: str) -> IntegrityFile:
    """The timeline of one file, with its hash chain verified."""
    owner = store.get(Official if kind == "official" else Unit, subject_id)
    entries = store.entries(kind, subject_id)
    if owner is None and not entries:
        raise FileNotFound(fields={"id": subject_id})
    county = owner.county if owner is not None else entries[0].county
    if principal is not None:
        principal.require_county(county)
    check = verify_chain([(e.seq, e.content(), e.prev_hash, e.hash) for e in entries])
    return IntegrityFile(
        subject_kind=kind,
        subject_id=subject_id,
        county=county,
        name=owner.name if owner is not None else None,
        entries=entries,
        intact=check.intact,
    )
