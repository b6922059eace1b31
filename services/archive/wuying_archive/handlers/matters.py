"""Family and interests (家庭成员与利益关联), personal-matters reports and sanctions.

Archive roles only (``ARCHIVE_ROLES``), never on an event, never in the file's timeline (which
every staff member of the county may read): the records sit in the official's dossier, and the
conditions read them. Each record keeps its source and date (001 湖南: 个人有关事项; 000/D).
"""

from __future__ import annotations

from dataclasses import dataclass

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict
from wuying_common.rules import InvalidInput

from ..domain.credit import CREDIT_RULES
from ..domain.matters import SYSTEM_KINDS, check_record, check_reference
from ..exceptions import OfficialNotFound, RecordNotFound
from ..persistence import ArchiveStore, Dossier, MatterDoc, Official, Reminder
from .conditions import Evaluator, evaluate


@dataclass(frozen=True)
class RecordAdded:
    record: MatterDoc
    reminders: list[Reminder]


#: Who may read and write family and interests.
ARCHIVE_ROLES = ("archive_keeper",)


def _official(store: ArchiveStore, principal: Principal, official_id: str) -> Official:
    principal.require_role(*ARCHIVE_ROLES)
    official = store.get(Official, official_id)
    if official is None:
        raise OfficialNotFound(fields={"id": official_id})
    principal.require_county(official.county)
    return official


def dossier_of(store: ArchiveStore, principal: Principal, official_id: str) -> Dossier:
    official = _official(store, principal, official_id)
    return store.get(Dossier, official_id) or Dossier(id=official_id, county=official.county)


def add_record(
    store: ArchiveStore, clock: SystemClock, evaluator: Evaluator, principal: Principal, official_id: str, raw: dict
) -> RecordAdded:
    """Add one record, then evaluate the official's conditions (a relevant change)."""
    official = _official(store, principal, official_id)
    if raw["kind"] in SYSTEM_KINDS:
        raise InvalidInput("kind", "该类记录由谈话函询核实流程生成，不能手工登记", "system_record")
    check_record(raw)
    return append_record(store, clock, evaluator, official, raw, principal.subject)


def append_record(
    store: ArchiveStore, clock: SystemClock, evaluator: Evaluator, official: Official, raw: dict, noted_by: str
) -> RecordAdded:
    """Write one record into the official's dossier and evaluate the conditions. A record with a
    ``ref`` (a check's or an inquiry's result) is written once: again, it is answered as it was."""
    official_id = official.id
    for _ in range(3):
        dossier = store.get(Dossier, official_id) or Dossier(id=official_id, county=official.county)
        if raw.get("ref"):
            done = next((r for r in dossier.records if r.ref == raw["ref"]), None)
            if done is not None:
                return RecordAdded(done, evaluate(store, clock, evaluator, [official], {official_id: dossier.view()}))
        check_reference(dossier.matter_records(), raw)
        record = MatterDoc(
            id=f"m{dossier.next_record}",
            noted_by=noted_by,
            recorded_on=(raw.get("recorded_on") or beijing_date(clock.now())).isoformat(),
            entered_at=naive_utc(clock.now()),
            **{k: v for k, v in raw.items() if k != "recorded_on" and v is not None},
        )
        dossier.records = [*dossier.records, record]
        dossier.next_record += 1
        try:
            dossier = store.save(dossier) if dossier.version else store.add(dossier)
        except Conflict:
            continue
        return RecordAdded(
            record, evaluate(store, clock, evaluator, [official], {official_id: dossier.view()}, credit=CREDIT_RULES)
        )
    raise Conflict("档案正被同时修改，请重试", code="concurrent_update")


def end_record(
    store: ArchiveStore, clock: SystemClock, principal: Principal, official_id: str, record_id: str, ended_on
) -> MatterDoc:
    """A side job given up, a business closed, a relative come home: the record stays, ended."""
    _official(store, principal, official_id)
    for _ in range(3):
        dossier = store.get(Dossier, official_id)
        record = next((r for r in dossier.records if r.id == record_id), None) if dossier else None
        if dossier is None or record is None:
            raise RecordNotFound(fields={"record_id": record_id})
        record.ended_on = (ended_on or beijing_date(clock.now())).isoformat()
        dossier.records = list(dossier.records)
        try:
            store.save(dossier)
            return record
        except Conflict:
            continue
    raise Conflict("档案正被同时修改，请重试", code="concurrent_update")
