"""Records in the file (issue 11 item 3; ``domain.records``): pledges, family pledges, home visits
and supervision talks on an official; integrity lectures on a unit, with compliance per unit and
per leader; special supervisors, their appointments and what they reported.

The content stays in the record (archive and supervision roles read it); the file gets one
``archive.supervision_recorded`` per record and step, carrying the SHA-256 of the content, so the
tamper-evident timeline covers the record without showing it to every reader of the file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.rules import InvalidInput, RuleBroken

from ..domain.records import (
    EDUCATION_RULES,
    Session,
    UnitCompliance,
    check_details,
    digest,
    route_of,
    unit_compliance,
)
from ..exceptions import OfficialNotFound, RecordNotFound
from ..persistence import ArchiveStore, Official, SupervisionRecord, Supervisor, TrailStep, Unit
from ..schemas import SUPERVISION_RECORDED

#: Who writes each kind (there is no supervision-department role: ``auditor``, as in issue 10).
WRITERS = {
    "pledge": ("archive_keeper",),
    "family_pledge": ("archive_keeper",),
    "home_visit": ("archive_keeper",),
    "education": ("archive_keeper",),
    "supervision_talk": ("auditor", "commission_leader"),
    "supervisor_report": ("auditor",),
}
READERS = ("archive_keeper", "auditor", "commission_leader")
LEADER_TAGS = {"principal": "principal", "key_minority": "other_leader"}


@dataclass(frozen=True)
class Education:
    compliance: UnitCompliance
    sessions: list[SupervisionRecord]


def _event(record: SupervisionRecord, clock: SystemClock, step: str) -> None:
    record.record_event(
        SUPERVISION_RECORDED,
        {
            "record_id": record.id,
            "official_id": record.subject_id if record.subject_kind == "official" else None,
            "unit_id": record.subject_id if record.subject_kind == "unit" else None,
            "county": record.county,
            "kind": record.kind,
            "step": step,
            "state": record.state,
            "result": None,
            "on": record.on,
            "digest": digest(record.details),
        },
        now=clock.now(),
    )


def add_record(
    store: ArchiveStore,
    clock: SystemClock,
    principal: Principal,
    subject_kind: str,
    subject_id: str,
    kind: str,
    on: date | None,
    details: dict,
) -> SupervisionRecord:
    principal.require_role(*WRITERS[kind])
    owner = store.get(Official if subject_kind == "official" else Unit, subject_id)
    if owner is None:
        raise OfficialNotFound(fields={"id": subject_id})
    principal.require_county(owner.county)
    check_details(kind, details)
    if kind == "supervisor_report":
        supervisor = store.get(Supervisor, details["supervisor_id"])
        if supervisor is None:
            # the state of things (appoint the supervisor first), not the input: 409
            raise RuleBroken("supervisor_id", "未聘任该特邀监督员", "unknown_supervisor")
        details = dict(details, routed_to=route_of(bool(details.get("about_leader"))))
    record = SupervisionRecord(
        id=f"rec-{uuid.uuid4().hex[:16]}",
        subject_kind=subject_kind,
        subject_id=subject_id,
        county=owner.county,
        kind=kind,
        on=(on or beijing_date(clock.now())).isoformat(),
        details=details,
        by=principal.subject,
        entered_at=naive_utc(clock.now()),
        state="received" if kind == "supervisor_report" else "recorded",
    )
    record.trail = [TrailStep(step=record.state, by=principal.subject, at=naive_utc(clock.now()))]
    _event(record, clock, "recorded")
    return store.add(record)


def follow_up(
    store: ArchiveStore, clock: SystemClock, principal: Principal, record_id: str, note: str, step: str | None = None
) -> SupervisionRecord:
    """A follow-up (a talk's measures, a visit's reply to the family: 事事有回音), or the next step of
    a special supervisor's report (proposed → approved → decided → published, 000/H)."""
    principal.require_role(*READERS)
    record = store.get(SupervisionRecord, record_id)
    if record is None:
        raise RecordNotFound(fields={"record_id": record_id})
    principal.require_county(record.county)
    if record.kind == "supervisor_report":
        order = ["received", "proposed", "approved", "decided", "published"]
        expected = order[order.index(record.state) + 1] if record.state in order[:-1] else None
        if step != expected:
            raise InvalidInput("step", f"下一步应为 {expected}", "step_out_of_order")
        if step in ("approved", "decided"):
            principal.require_role("commission_leader")
        record.state = step
    else:
        record.state = "followed_up"
    record.trail = [
        *record.trail,
        TrailStep(step=step or "follow_up", by=principal.subject, at=naive_utc(clock.now()), note=note),
    ]
    _event(record, clock, step or "follow_up")
    return store.save(record)


def records_of(store: ArchiveStore, principal: Principal, official_id: str) -> list[SupervisionRecord]:
    principal.require_role(*READERS)
    official = store.get(Official, official_id)
    if official is None:
        raise OfficialNotFound(fields={"id": official_id})
    principal.require_county(official.county)
    return store.records_of("official", official_id)


def education(store: ArchiveStore, clock: SystemClock, principal: Principal, unit_id: str, year: int) -> Education:
    """Compliance with 000/F for a unit and each of its leaders (tags ``principal``, ``key_minority``)."""
    principal.require_role(*READERS)
    unit = store.get(Unit, unit_id)
    if unit is None:
        raise OfficialNotFound(fields={"unit_id": unit_id})
    principal.require_county(unit.county)
    found = store.education_sessions(unit_id, year)
    sessions = [
        Session(
            date.fromisoformat(r.on),
            float(r.details.get("hours", 0)),
            str(r.details.get("lecturer_id", "")),
            str(r.details.get("lecturer_role", "other")),
        )
        for r in found
    ]
    leaders = []
    for official in store.get_many(Official, store.unit_members(unit_id)):
        role = next((LEADER_TAGS[t] for t in ("principal", "key_minority") if t in (official.tags or [])), None)
        if role and official.unit_id == unit_id and official.status in ("serving", "seconded"):
            leaders.append((official.id, official.name, role))
    return Education(
        unit_compliance(unit_id, year, sessions, leaders, beijing_date(clock.now()), EDUCATION_RULES), found
    )


def appoint(store: ArchiveStore, principal: Principal, raw: dict) -> Supervisor:
    principal.require_role("archive_keeper")
    principal.require_county(raw["county"])
    supervisor = Supervisor(
        id=raw.get("id") or f"sup-{uuid.uuid4().hex[:10]}",
        name=raw["name"],
        county=raw["county"],
        appointed_on=raw["appointed_on"].isoformat(),
        term_to=raw["term_to"].isoformat() if raw.get("term_to") else None,
        letter_no=raw.get("letter_no") or "",
        scope=list(raw.get("scope") or []),
    )
    return store.add(supervisor)
