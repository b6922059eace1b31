"""The registry (人员与单位登记): officials and units, diffed against what is stored.

One person, one file (004/4 深圳龙岗: 根据干部入职、离职、退休等情况对档案进行动态更新). A row is
the registry's current word on a person; only a real change is written, as ONE document write
carrying its ``official.changed`` event (which then lands in the file). A re-sent row changes
nothing and emits nothing. The same code serves a registration request and a province import.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict
from wuying_common.rules import InvalidInput

from ..domain.file import FileSubject, summarise
from ..domain.importing import LineError, RowInvalid, check_official, check_unit
from ..domain.personnel import Occupancy, Posting, apply_change, personnel_change
from ..domain.tags import CURRENT_VERSION, vocabulary
from ..persistence import ArchiveStore, Official, Unit
from ..schemas import IMPORTED_MAX, OFFICIAL_CHANGED, OfficialChangedEnvelopes, officials_imported_entry


@dataclass(frozen=True)
class Registered:
    units: int
    officials: int
    #: the officials this registration created or changed (to evaluate their conditions)
    changed: tuple[str, ...] = field(default=(), compare=False)


@dataclass
class Applied:
    """What one batch of official rows did."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    events: int = 0
    errors: list[LineError] = field(default_factory=list)
    #: the written officials in their stored form (what evaluating their conditions reads)
    rows: dict[str, dict] = field(default_factory=dict)


_OCCUPANCY_KEYS = ("unit_id", "post", "rank", "kind", "start", "end")


def _occupancies(son: Mapping) -> tuple[Occupancy, ...]:
    return tuple(Occupancy(*(p.get(k) for k in _OCCUPANCY_KEYS)) for p in son.get("postings", ()))


def _posting(son: dict) -> Posting:
    return Posting(son["unit_id"], son.get("status", "serving"), son["post"], son["rank"], son.get("seconded_to"))


def _details(son: dict) -> tuple:
    return (son["name"], son["county"], bool(son.get("commission_staff")), tuple(son.get("tags", ())))


def _row_details(row: dict) -> tuple:
    return (row["name"], row["county"], bool(row["commission_staff"]), tuple(row["tags"]))


def diff_official(before: dict | None, row: dict, today: date) -> tuple[str, dict] | None:
    """The change a checked row makes to a stored official (its MongoDB form), and the fields it
    sets; None when the row says what is stored already."""
    after = Posting(row["unit_id"], row["status"], row["post"], row["rank"], row["seconded_to"])
    change = personnel_change(_posting(before) if before else None, after)
    if change is None:
        if _details(before) == _row_details(row):  # type: ignore[arg-type]
            return None
        change = "updated"
    effective = row["since"] or today
    occupancies = _occupancies(before) if before else ()
    if change != "updated":
        occupancies = apply_change(occupancies, change, after, effective)
    sets = {
        "name": row["name"],
        "county": row["county"],
        "unit_id": row["unit_id"],
        "post": row["post"],
        "rank": row["rank"],
        "status": row["status"],
        "seconded_to": row["seconded_to"],
        "commission_staff": int(bool(row["commission_staff"])),
        "tags": list(row["tags"]),
        "tag_version": CURRENT_VERSION,
        "postings": [
            dict(zip(_OCCUPANCY_KEYS, (o.unit_id, o.post, o.rank, o.kind, o.start, o.end), strict=True))
            for o in occupancies
        ],
    }
    data = {
        "official_id": row["id"],
        "county": row["county"],
        "unit_id": row["unit_id"],
        "post": row["post"],
        "rank": row["rank"],
        "status": row["status"],
        "change": change,
        "commission_staff": bool(row["commission_staff"]),
        "effective_on": effective.isoformat(),
        "previous_unit_id": before["unit_id"] if before else None,
        "previous_post": before["post"] if before else None,
        "previous_rank": before["rank"] if before else None,
        "previous_status": before.get("status", "serving") if before else None,
        "seconded_to_unit_id": row["seconded_to"],
        "tags": list(row["tags"]),
    }
    return change, {"sets": sets, "data": data}


def apply_officials(
    store: ArchiveStore,
    clock: SystemClock,
    rows: list[tuple[int, dict]],
    *,
    today: date | None = None,
    batched: bool = False,
) -> Applied:
    """Write a batch of checked official rows: read the stored ones by key, diff, write the
    changed ones in bulk (each one document with its events), diff again the few a concurrent
    writer took, and report those that still lost as line errors (nothing half-written).

    ``batched`` (an import): the changes are announced as ``officials.imported``, one event per
    county and 500 changes (``ImportBatch``), instead of one ``official.changed`` each."""
    today = today or beijing_date(clock.now())
    applied = Applied()
    pending = rows
    for _ in range(2):
        lost = _apply_once(store, clock, pending, today, applied, batched)
        if not lost:
            return applied
        pending = [(line, row) for line, row in pending if row["id"] in lost]
    applied.errors.extend(LineError(line, "id", "该人员正被同时修改，请重新导入此行") for line, _ in pending)
    return applied


def _apply_once(
    store: ArchiveStore, clock: SystemClock, rows, today: date, applied: Applied, batched: bool = False
) -> set[str]:
    stored = store.official_rows(dict.fromkeys(row["id"] for _, row in rows))
    envelopes = OfficialChangedEnvelopes(clock.now())
    inserts: dict[str, dict] = {}
    updates: dict[str, tuple[str, int, dict, list[dict]]] = {}
    changes: list[dict] = []  # batched: the changes' data, in order
    for _, row in rows:
        key = row["id"]
        before = inserts.get(key) or (_merged(stored[key], updates[key]) if key in updates else stored.get(key))
        diff = diff_official(before, row, today)
        if diff is None:
            applied.unchanged += 1
            continue
        _, what = diff
        if batched:
            changes.append(what["data"])
            entries = []
        else:
            entries = [envelopes.outbox_entry(what["data"])]
        if key in inserts:
            inserts[key].update(what["sets"])
            inserts[key]["outbox"].extend(entries)
        elif key in stored:
            _, version, sets, events = updates.get(key, (key, stored[key]["version"], {}, []))
            updates[key] = (key, version, dict(sets, **what["sets"]), [*events, *entries])
        else:
            inserts[key] = {"_id": key, "version": 1, "outbox_pending": bool(entries), "outbox": entries}
            inserts[key].update(what["sets"])
    batches = _batches(changes, clock) if batched else []
    if batches:
        for batch in batches:  # each official names the batch of its (last) change, in its own write
            for change in batch["changes"]:
                key = change["official_id"]
                (inserts[key] if key in inserts else updates[key][2])["import_batch"] = batch["_id"]
        store.begin_batches(batches)
    lost = store.write_officials(list(inserts.values()), list(updates.values()))
    for batch in batches:
        finish_batch(store, clock, batch, lambda change: change["official_id"] not in lost)
    if batched:
        applied.events += sum(1 for change in changes if change["official_id"] not in lost)
    for key, son in inserts.items():
        if key not in lost:
            applied.created.append(key)
            applied.events += len(son["outbox"])
            applied.rows[key] = son
    for key, update in updates.items():
        if key not in lost:
            applied.changed.append(key)
            applied.events += len(update[3])
            applied.rows[key] = _merged(stored[key], update)
    return lost


def _merged(son: dict, update: tuple[str, int, dict, list[dict]]) -> dict:
    return dict(son, **update[2])


def _batches(changes: list[dict], clock: SystemClock) -> list[dict]:
    """The import batches of some changes: by county, at most ``IMPORTED_MAX`` each, in order."""
    by_county: dict[str, list[dict]] = {}
    for change in changes:
        by_county.setdefault(change["county"], []).append(change)
    created = naive_utc(clock.now())
    return [
        {"_id": uuid.uuid4().hex, "county": county, "changes": items[i : i + IMPORTED_MAX], "created_at": created}
        for county, items in by_county.items()
        for i in range(0, len(items), IMPORTED_MAX)
    ]


def finish_batch(store: ArchiveStore, clock: SystemClock, batch: dict, written) -> None:
    """Announce the changes of a begun batch whose officials were written (``written(change)``)."""
    changes = [c for c in batch["changes"] if written(c)]
    entry = officials_imported_entry(batch["_id"], batch["county"], changes, clock.now()) if changes else None
    store.finish_batch(batch["_id"], entry)


#: An import batch still unready this long after it began was left by a crash between its writes.
STALE_BATCH = timedelta(minutes=5)


def finish_stale_batches(store: ArchiveStore, clock: SystemClock) -> int:
    """Finish the batches a crash left unready: announce the changes whose officials carry the
    batch's id (they were written), drop the others. Returns how many batches it finished."""
    stale = store.stale_batches(naive_utc(clock.now() - STALE_BATCH))
    for batch in stale:
        carried = {
            key
            for key, row in store.official_rows(c["official_id"] for c in batch["changes"]).items()
            if row.get("import_batch") == batch["_id"]
        }
        finish_batch(store, clock, batch, lambda c, carried=carried: c["official_id"] in carried)
    return len(stale)


def apply_units(store: ArchiveStore, rows: list[tuple[int, dict]]) -> tuple[int, int]:
    """Write the units that are new or changed (reference data, no events): (written, unchanged)."""
    stored = store.unit_rows(dict.fromkeys(row["id"] for _, row in rows))
    changed: dict[str, dict] = {}
    unchanged = 0
    for _, row in rows:
        son = {"_id": row["id"], "name": row["name"], "county": row["county"], "kind": row["kind"]}
        if row.get("zone"):
            son["zone"] = row["zone"]
        before = changed.get(row["id"]) or stored.get(row["id"])
        if before == son:
            unchanged += 1
            continue
        changed[row["id"]] = son
    store.write_units(list(changed.values()))
    return len(changed), unchanged


def record_imported(store: ArchiveStore, clock: SystemClock, envelope: dict) -> str:
    """archive's own ``officials.imported``: each change lands in its official's file as the
    ``official.changed`` it stands for (same title and summary; the entry names the batch event
    as its source). Idempotent per (event, official), as every file append is."""
    items = [
        (
            FileSubject("official", change["official_id"], change["county"]),
            OFFICIAL_CHANGED.name,
            summarise(OFFICIAL_CHANGED.name, change),
            {"id": envelope["id"], "type": envelope["type"], "time": envelope["time"], "data": change},
        )
        for change in envelope["data"]["changes"]
    ]
    return "processed" if store.append_many(items, clock.now()) else "duplicate"


def register(store: ArchiveStore, clock: SystemClock, units: list[dict], officials: list[dict]) -> Registered:
    """Register or update units and officials (a request's worth); each new or changed official
    emits ``official.changed`` in the same write."""
    tags = vocabulary()
    try:
        unit_rows = [(i, check_unit(raw)) for i, raw in enumerate(units, start=1)]
        rows = [(i, check_official(raw, tags)) for i, raw in enumerate(officials, start=1)]
    except RowInvalid as exc:
        raise InvalidInput(exc.field, exc.message) from None
    apply_units(store, unit_rows)
    applied = apply_officials(store, clock, rows)
    if applied.errors:
        raise Conflict("人员记录正被同时修改，请重试", code="concurrent_update")
    return Registered(units=len(units), officials=len(officials), changed=tuple(applied.created + applied.changed))


def get_official(store: ArchiveStore, official_id: str) -> Official | None:
    return store.get(Official, official_id)


def find_officials(store: ArchiveStore, county: str, name: str | None = None, limit: int = 100) -> list[Official]:
    return store.officials(county=county, name=name, limit=limit)


def get_unit(store: ArchiveStore, unit_id: str) -> Unit | None:
    return store.get(Unit, unit_id)
