"""What the supervision use cases share: the roles, the official read under the caller's scope,
the trail, and the events of a record's step and of a case clue."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc

from ...exceptions import OfficialNotFound
from ...persistence import ArchiveStore, Official, TrailStep
from ...schemas import CASE_CLUE_RAISED, SUPERVISION_RECORDED

SUPERVISORS = ("auditor",)  # 监督检查 / 干部监督室: no supervision-department role (issue 10 used auditor)
LEADERS = ("commission_leader",)
READERS = ("auditor", "commission_leader", "commission_secretary", "archive_keeper")


def _today(clock: SystemClock) -> date:
    return beijing_date(clock.now())


def _official(store: ArchiveStore, principal: Principal | None, official_id: str) -> Official:
    official = store.get(Official, official_id)
    if official is None:
        raise OfficialNotFound(fields={"id": official_id})
    if principal is not None:
        principal.require_county(official.county)
    return official


def _step(doc, clock: SystemClock, step: str, by: str, note: str = "") -> None:
    doc.trail = [*doc.trail, TrailStep(step=step, by=by, at=naive_utc(clock.now()), note=note)]


def _recorded(doc, clock: SystemClock, kind: str, step: str, result: str | None = None) -> None:
    doc.record_event(
        SUPERVISION_RECORDED,
        {
            "record_id": doc.id,
            "official_id": doc.official_id,
            "unit_id": None,
            "county": doc.county,
            "kind": kind,
            "step": step,
            "state": doc.state,
            "result": result,
            "on": _today(clock).isoformat(),
            "digest": None,
        },
        now=clock.now(),
    )


def _clue(doc, clock: SystemClock, source: str, reason: str) -> None:
    doc.clue_id = f"{source}/{doc.id}"
    doc.record_event(
        CASE_CLUE_RAISED,
        {
            "clue_id": doc.clue_id,
            "official_id": doc.official_id,
            "county": doc.county,
            "source": source,
            "source_ref": doc.id,
            "reason": reason,
            "raised_on": _today(clock).isoformat(),
        },
        now=clock.now(),
    )
