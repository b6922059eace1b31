"""Escalation by the level's authority (seeds/002 篇5 七(一) "经调查问题属实的，可转…" — a decision,
not an automatism; 篇5 三(一)2 authority per level; 篇8 第十八条(二)1①/(三)1①; ``domain.escalation``).

- A missed step (the deadline timer) or a verified new report yields a PROPOSAL of the next level
  carrying its evidence, keyed by the lower warning and the evidence (so the timer's repeated
  ticks and a retried request propose once); an open proposal of the matter collects further
  evidence instead of a second proposal.
- A new report about an official with an open blue or yellow warning is attached to it "pending
  verification"; a warning officer records the finding with reasons; only a substantiated one
  proposes the escalation.
- When the higher warning is issued, every open lower warning of the matter is closed as
  ``superseded`` (linked both ways, ``warning.superseded``). The issuing write sets
  ``supersede_pending``; the deadline timer finishes the closing after a crash.
"""

from __future__ import annotations

import uuid
from datetime import date

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc, parse_rfc3339
from wuying_common.errors import Conflict, ValidationFailed
from wuying_common.events import schema_of
from wuying_common.http import marshmallow_fields

from ..domain.escalation import ESCALATION_TRIGGERS, MissedStep, VerifiedReport, next_level
from ..domain.levels import level, trigger_label
from ..domain.lifecycle import OPEN
from ..exceptions import FindingAlreadyRecorded, ReportNotFound, WarningStateConflict
from ..persistence import WarningRecord, WarningStore
from ..schemas import WARNING_SUPERSEDED, PetitionTriagedReader
from .support import advance, event_ref, get_warning, history_entry, matter_of, record_history

_ESCALATION_NAMESPACE = uuid.UUID("0b7d1c5e-9a34-5f7e-8c1d-657363616c61")
# Statuses of a warning in force a new report can be attached to (篇5 七(一): 预警后…仍有反映).
REPORTABLE = frozenset({"issued", "answered", "rectifying", "rectified", "revisited"})
TIMER = "system:deadline-timer"


def escalation_id(lower_id: str, key: str) -> str:
    """The id of the proposal an evidence ``key`` of ``lower_id`` makes: the same however often
    the timer ticks or a request is retried (the insert is the record that it was proposed)."""
    return uuid.uuid5(_ESCALATION_NAMESPACE, f"{lower_id}/{key}").hex


def propose_escalation(
    store: WarningStore,
    clock: SystemClock,
    lower: WarningRecord,
    evidence: dict,
    reason_zh: str,
    proposer: str,
) -> WarningRecord | None:
    """Propose the next level for ``lower``'s matter with ``evidence`` (which names its
    ``reason`` and ``key``). Writes the proposal (or adds the evidence to the matter's open
    proposal); links it on ``lower`` in memory: the caller saves ``lower`` in the same write as
    what made the evidence (the timer's marker, the finding). None when the matter already has
    an issued warning of that level or higher (nothing left to propose)."""
    target = next_level(lower.level)
    if target is None:
        return None
    matter = matter_of(lower)
    holders = [
        w
        for w in store.warnings_of(lower.official_id)
        if w.id != lower.id and matter_of(w) == matter and w.status in OPEN and w.level <= target
    ]
    proposal = next((w for w in holders if w.status == "proposed"), None)
    if holders and proposal is None:
        record_history(lower, "escalation_not_needed", proposer, clock, held_by=holders[0].id, key=evidence["key"])
        return None
    if proposal is not None:
        keys = {e.get("key") for e in (proposal.escalation or {}).get("evidence", [])}
        if evidence["key"] not in keys:
            proposal.escalation = {
                **(proposal.escalation or {}),
                "evidence": [*(proposal.escalation or {}).get("evidence", []), evidence],
            }
            proposal.escalation.setdefault("reason", evidence["reason"])
            proposal.reasons = list(dict.fromkeys([*proposal.reasons, reason_zh]))
            if not proposal.escalated_from:
                proposal.escalated_from = lower.id
            record_history(proposal, "evidence_added", proposer, clock, key=evidence["key"], lower=lower.id)
            store.save(proposal)
    else:
        lvl = level(target)
        trigger = ESCALATION_TRIGGERS[target]
        proposal = WarningRecord(
            id=escalation_id(lower.id, evidence["key"]),
            official_id=lower.official_id,
            unit_id=lower.unit_id,
            county=lower.county,
            level=lvl.number,
            colour=lvl.colour,
            trigger=trigger,
            trigger_zh=trigger_label(lvl.number, trigger),
            reasons=[reason_zh],
            risk_point=lower.risk_point,
            matter=matter,
            proposer=proposer,
            proposed_at=naive_utc(clock.now()),
            status="proposed",
            escalated_from=lower.id,
            escalation={"reason": evidence["reason"], "evidence": [evidence]},
        )
        record_history(proposal, "escalation_proposed", proposer, clock, escalated_from=lower.id)
        try:
            store.add(proposal)
        except Conflict as exc:  # proposed before a crash, or by another replica's timer
            if exc.code != "duplicate":
                raise
            proposal = store.warning(proposal.id) or proposal
    if proposal.id not in (lower.escalation_ids or []):
        lower.escalation_ids.append(proposal.id)
        record_history(lower, "escalation_proposed", proposer, clock, proposal_id=proposal.id, key=evidence["key"])
    return proposal


def missed_step_escalation(
    store: WarningStore, clock: SystemClock, lower: WarningRecord, missed: MissedStep
) -> WarningRecord | None:
    """The deadline timer's evidence (篇5 七(一); 篇8 第十八条(二)1①, (三)1①): which step, its
    due date, days overdue. Blue and yellow only; red goes to organisational handling."""
    evidence = {**missed.as_evidence(lower.id, lower.level), "key": missed.due_kind}
    return propose_escalation(store, clock, lower, evidence, missed.reason_zh(lower.level), TIMER)


# -- new reports about a warned official ---------------------------------------------------------
def report_from_triage(store: WarningStore, clock: SystemClock, envelope: dict) -> str:
    """对廉情预警告知对象，预警后群众仍有反映，经调查问题属实的，可转… (篇5 七(一)): intake's
    ``petition.triaged`` with outcome integrity_information about an official with an open blue
    or yellow warning is attached to it as pending verification — nothing more until a warning
    officer records the finding (``record_finding``).

    Idempotent on the event id, per warning, by key: the id goes into ``report_event_ids`` in
    the same write as the attachment; a redelivery after a crash between two warnings' writes
    attaches the ones still missing. Decided on the stored rows of the official's warnings and
    written as one conditional merge per warning (no ``WarningRecord`` built per report)."""
    try:
        data = schema_of(PetitionTriagedReader).load(envelope.get("data") or {})
    except ValidationError as exc:
        raise ValidationFailed("研判事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    if data["outcome"] != "integrity_information":
        return "processed"
    event_id = envelope["id"]
    reported_at = parse_rfc3339(envelope.get("time"))
    reported_on = beijing_date(reported_at) if reported_at else clock.today()
    seen = changed = False
    for subject in data["subjects"]:
        if subject["kind"] != "official":
            continue
        for warning in store.warning_rows_of(subject["id"]):
            if event_id in (warning.report_event_ids or []):
                seen = True
                continue
            if warning.level not in (3, 2) or warning.status not in REPORTABLE:
                continue
            # Only a report made after the notice is "预警后…仍有反映".
            if not warning.issued_on or reported_on < date.fromisoformat(warning.issued_on):
                continue
            sets: dict = {}
            pushes: dict[str, list] = {"report_event_ids": [event_id]}
            if not any(r.get("petition_id") == data["petition_id"] for r in warning.pending_reports or []):
                pushes["pending_reports"] = [
                    {
                        "petition_id": data["petition_id"],
                        "event_id": event_id,
                        "reported_on": reported_on.isoformat(),
                        "attached_at": clock.now().isoformat(),
                        "status": "pending_verification",
                        "finding": None,
                        "escalation_id": None,
                    }
                ]
                sets["reports_pending"] = True
                pushes["history"] = [
                    history_entry("report_attached", "system:intake-report", clock, petition_id=data["petition_id"])
                ]
            store.merge_into_warning(warning, sets, pushes)
            changed = True
    return "duplicate" if seen and not changed else "processed"


def record_finding(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, petition_id: str, payload: dict
) -> WarningRecord:
    """经调查问题属实的 (篇5 七(一)): the warning officer's finding on an attached report, with
    reasons; a substantiated one proposes the next level with the report as its evidence."""
    warning = get_warning(store, principal, warning_id)
    report = next((r for r in warning.pending_reports if r.get("petition_id") == petition_id), None)
    if report is None:
        raise ReportNotFound(fields={"petition_id": petition_id})
    if report.get("status") != "pending_verification":
        raise FindingAlreadyRecorded(fields={"petition_id": report.get("status")})
    if warning.status not in OPEN or warning.status == "proposed":
        raise WarningStateConflict(
            f"预警当前状态为 {warning.status}，不能据此提出升级", fields={"status": warning.status}
        )
    substantiated = bool(payload["substantiated"])
    found_at = clock.now().isoformat()
    finding = {"substantiated": substantiated, "by": principal.subject, "at": found_at, "reasons": payload["reasons"]}
    index = warning.pending_reports.index(report)
    report = {**report, "status": "substantiated" if substantiated else "unsubstantiated", "finding": finding}
    if substantiated:
        verified = VerifiedReport(petition_id, principal.subject, found_at, tuple(payload["reasons"]))
        evidence = {**verified.as_evidence(warning.id, warning.level), "key": f"report:{petition_id}"}
        proposal = propose_escalation(
            store, clock, warning, evidence, verified.reason_zh(warning.level), principal.subject
        )
        report["escalation_id"] = proposal.id if proposal is not None else None
    warning.pending_reports[index] = report
    warning.reports_pending = any(r.get("status") == "pending_verification" for r in warning.pending_reports)
    record_history(
        warning, "report_finding", principal.subject, clock, petition_id=petition_id, substantiated=substantiated
    )
    store.save(warning)
    return warning


# -- the higher warning issued: the lower ones are closed ------------------------------------------
def supersede_lower(store: WarningStore, clock: SystemClock, higher: WarningRecord) -> list[WarningRecord]:
    """Close every open lower warning of ``higher``'s official and matter as superseded, linked
    both ways (一事一例, 篇5 七(四)); then clear ``supersede_pending``. Safe to repeat."""
    closed: list[WarningRecord] = []
    matter = matter_of(higher)
    today = clock.today()
    for _ in range(3):  # a lost update with a concurrent write: read again and redo
        lower = [
            w
            for w in store.warnings_of(higher.official_id)
            if w.id != higher.id and matter_of(w) == matter and w.status in OPEN and w.level > higher.level
        ]
        try:
            for warning in lower:
                closed.append(_supersede(store, clock, warning, higher, today))
            break
        except Conflict as exc:
            if exc.code != "concurrent_update":
                raise
    store.clear_supersede_pending(higher.id)
    return closed


def _supersede(
    store: WarningStore, clock: SystemClock, warning: WarningRecord, higher: WarningRecord, today: date
) -> WarningRecord:
    previous = warning.status
    advance(warning, "supersede")
    warning.superseded_by, warning.superseded_on = higher.id, today.isoformat()
    warning.paused_on = None
    reason = "higher_level_proposal"
    if higher.escalated_from == warning.id:
        reason = (higher.escalation or {}).get("reason") or reason
    record_history(warning, "superseded", higher.approved_by or "system", clock, superseded_by=higher.id)
    warning.record_event(
        WARNING_SUPERSEDED,
        {
            **event_ref(warning),
            "superseded_by": higher.id,
            "superseded_on": today,
            "by_level": higher.level,
            "by_colour": higher.colour,
            "reason": reason,
            "previous_status": previous,
        },
        now=clock.now(),
    )
    store.save(warning)
    return warning
