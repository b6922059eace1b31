"""Family and interests at province scale: a JSON-lines import of personal-matters records
(issue 15 item 1: the simulated province's 200,000 officials' families and interests).

One line is one record as ``POST /api/v1/officials/<id>/matters`` takes it, plus its
``official_id`` (001 湖南 个人有关事项; 004/4 兼职、裸官、子女经商办企业). Each line is checked alone
(a bad one is reported with its line number and field, the rest imports). A chunk's records are
numbered after the dossier's last (``m1``, ``m2`` … in line order in a new dossier, so a
``holder`` or ``relative_of`` names an earlier line's record); new dossiers are written in one
bulk insert, the others one conditional write each (on a concurrent change, each record goes
through ``append_record``, the one-record path). A record equal to one already on file is not
written again, so importing the same file twice is the same as once. Conditions are then
evaluated and the integrity credit refreshed for every official the import wrote to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from marshmallow import ValidationError

from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict
from wuying_common.rules import RuleBroken

from ..domain.credit import CREDIT_RULES
from ..domain.importing import LineError, parse_lines
from ..domain.matters import SYSTEM_KINDS, MatterRecord, check_record, check_reference
from ..persistence import ArchiveStore, Dossier, MatterDoc, Official
from ..schemas.matters import MatterRecordInSchema
from .conditions import Evaluator, evaluate
from .matters import append_record

NOTED_BY = "import"
_SCHEMA = MatterRecordInSchema()


def _checked(raw: dict) -> dict:
    """The record of one line, typed as the one-record route types it; raises ``LineError``-able
    ``(field, message)`` as ``ValueError``."""
    try:
        record = _SCHEMA.load({k: v for k, v in raw.items() if k != "official_id"})
    except ValidationError as exc:
        name, messages = next(iter(exc.normalized_messages().items()))
        raise ValueError(name, "；".join(map(str, messages)) if isinstance(messages, list) else str(messages)) from None
    if record["kind"] in SYSTEM_KINDS:
        raise ValueError("kind", "该类记录由谈话函询核实流程生成，不能导入")
    try:
        check_record(record)
    except RuleBroken as exc:
        raise ValueError(exc.field, exc.message) from None
    return record


def _same(stored: dict, record: dict) -> bool:
    """The record is already on file (every field it gives is equal to the stored one's)."""
    return all(
        stored.get(k, _DEFAULTS.get(k)) == (v.isoformat() if isinstance(v, date) else v)
        for k, v in record.items()
        if v is not None
    )


def import_matters(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    lines: Iterable[str],
    summary,
    *,
    first_line: int = 1,
    counties: Callable[[str], bool] | None = None,
    fail: Callable,
) -> None:
    """Import one chunk of JSON lines into ``summary`` (``handlers.importing.ImportSummary``):
    ``created`` counts records written, ``unchanged`` records already on file."""
    rows: list[tuple[int, str, dict]] = []
    for number, raw in parse_lines("jsonl", lines, first_line):
        summary.lines += 1
        if isinstance(raw, LineError):
            fail(summary, raw)
            continue
        official_id = str(raw.get("official_id") or "").strip()
        if not official_id:
            fail(summary, LineError(number, "official_id", "必填"))
            continue
        try:
            rows.append((number, official_id, _checked(raw)))
        except ValueError as exc:
            fail(summary, LineError(number, *exc.args))
    ids = list(dict.fromkeys(oid for _, oid, _ in rows))
    officials = store.official_rows(ids)  # raw rows: what the checks, conditions and credit read
    existing = {d.id: d for d in store.dossiers(ids)}
    today = beijing_date(clock.now()).isoformat()
    entered = naive_utc(clock.now())
    on_file: dict[str, list[dict]] = {}  # per official: its records in stored form, old then new
    accepted: dict[str, list[tuple[int, str, dict]]] = {}
    for number, oid, record in rows:
        official = officials.get(oid)
        if official is None:
            fail(summary, LineError(number, "official_id", "人员未登记"))
            continue
        if counties is not None and not counties(official["county"]):
            fail(summary, LineError(number, "official_id", "不在令牌授权的地区范围内"))
            continue
        if oid not in on_file:
            on_file[oid] = [doc.to_mongo().to_dict() for doc in existing[oid].records] if oid in existing else []
        records = on_file[oid]
        try:
            check_reference(tuple(_domain(r) for r in records), record)
        except RuleBroken as exc:
            fail(summary, LineError(number, exc.field, exc.message))
            continue
        if any(_same(r, record) for r in records):
            summary.unchanged += 1
            continue
        on = record.get("recorded_on")
        next_record = (existing[oid].next_record if oid in existing else 1) + len(accepted.get(oid, ()))
        records.append(
            {
                **{k: v for k, v in record.items() if v is not None},
                "id": f"m{next_record}",
                "noted_by": NOTED_BY,
                "recorded_on": on.isoformat() if on else today,
                "entered_at": entered,
            }
        )
        accepted.setdefault(oid, []).append((number, oid, record))
    # New dossiers in one bulk insert, the others one conditional write each; a dossier written
    # meanwhile by another writer takes its records through the one-record path.
    fresh = [
        {"_id": oid, "version": 1, "county": officials[oid]["county"], "records": on_file[oid]}
        | {"next_record": len(on_file[oid]) + 1, "signals": [], "hits": {}}
        for oid in accepted
        if oid not in existing
    ]
    later = list(store.insert_dossiers(fresh))
    for oid in accepted:
        if oid in existing:
            dossier = existing[oid]
            new = on_file[oid][len(dossier.records) :]
            dossier.records = [*dossier.records, *(MatterDoc(**r) for r in new)]
            dossier.next_record += len(new)
            try:
                store.save(dossier)
            except Conflict:
                later.append(oid)
    bulk = [officials[oid] for oid in accepted if oid not in later]
    summary.created += sum(len(accepted[o["_id"]]) for o in bulk)
    for number, oid, record in (row for key in later for row in accepted[key]):
        stored = store.get(Dossier, oid)
        if stored is not None and any(_same(doc.to_mongo().to_dict(), record) for doc in stored.records):
            summary.unchanged += 1
            continue
        holder = store.get(Official, oid)
        if holder is None:  # removed from the registry since the chunk was read
            fail(summary, LineError(number, "official_id", "人员未登记"))
            continue
        try:  # evaluates the conditions and refreshes the credit itself
            added = append_record(store, clock, evaluator, holder, record, NOTED_BY)
        except RuleBroken as exc:
            fail(summary, LineError(number, exc.field, exc.message))
            continue
        summary.created += 1
        summary.reminders += len(added.reminders)
    if bulk:
        # the conditions and the credit in one pass (the dossiers read once by key, each written once)
        summary.reminders += len(evaluate(store, clock, evaluator, bulk, credit=CREDIT_RULES, documents=False))


_DEFAULTS = {name: MatterDoc._fields[name].default for name in MatterDoc.FIELDS}


def _domain(stored: dict) -> MatterRecord:
    return MatterRecord(**{name: stored.get(name, default) for name, default in _DEFAULTS.items()})
