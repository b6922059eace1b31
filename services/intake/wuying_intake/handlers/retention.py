"""Retention (issue 8 item 11; rule data in ``domain/retention.py``): a closed report is kept for its
kind's period, then the retention timer purges the reporter's identity first, then the content and
attachments, unless it is under legal hold (set and released by an ``intake_supervisor`` with a
reason). Each purge leaves an audit record with no content, and is resumable: every step is
written on its own and skipped once done, so a crash between two steps is finished on the next
run."""

from __future__ import annotations

import logging
from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Conflict
from wuying_common.paging import Page

from ..domain.retention import PURGED_TEXT, RETENTION_VERSION, check_hold, retain_until
from ..persistence import IntakeStore, LegalHoldChange, Petition, PurgeRecord, PurgeState
from .common import load_petition

log = logging.getLogger(__name__)


def start_retention(petition: Petition, ended_on: date) -> None:
    """The report ended here (closed, merged, sent up): its retention runs from that day."""
    petition.retain_until = retain_until(petition.kind, ended_on)
    petition.retention_version = RETENTION_VERSION


def set_legal_hold(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, setting: bool, reason: str
) -> Petition:
    """依法保全: no purge while it is on; set or released with a reason, recorded."""
    petition = load_petition(store, principal, petition_id)
    purged = bool(petition.purge and petition.purge.completed_at)
    reason = check_hold(setting, bool(petition.legal_hold), purged, reason)
    petition.legal_hold = setting
    petition.legal_holds.append(
        LegalHoldChange(
            action="set" if setting else "released", reason=reason, by=principal.subject, at=naive_utc(clock.now())
        )
    )
    store.save(petition)
    log.info(
        "petition %s legal hold %s", petition.id, "set" if setting else "released", extra={"county": petition.county}
    )
    return petition


def purge_expired(store: IntakeStore, clock: SystemClock, limit: int = 100) -> list[str]:
    """The retention timer: purge the reports past their retention (a batch at a time); the
    counties of those completed."""
    done = []
    for petition in store.due_for_purge(clock.today(), limit):
        try:
            if purge(store, clock, petition):
                done.append(petition.county)
        except Conflict:
            continue  # changed meanwhile (a hold set, say): looked at again on the next run
    return done


def purge(store: IntakeStore, clock: SystemClock, petition: Petition) -> bool:
    """Identity, then content and attachments, then the audit record: each written on its own and
    skipped once done."""
    if petition.legal_hold:
        return False
    state = petition.purge or PurgeState()
    petition.purge = state
    if not state.identity_purged_at:
        petition.reporter = None
        petition.receipt = None
        state.identity_purged_at = naive_utc(clock.now())
        store.save(petition)
    attachments = len(petition.attachments)
    if not state.content_purged_at:
        if attachments:
            store.delete_attachments(petition.id, attachments)
        _purge_content(petition)
        state.content_purged_at = naive_utc(clock.now())
        store.save(petition)
    now = naive_utc(clock.now())
    store.record_purge(
        PurgeRecord(
            id=petition.id,
            county=petition.county,
            kind=petition.kind,
            status=petition.status,
            retain_until=petition.retain_until,
            retention_version=petition.retention_version,
            identity_purged_at=state.identity_purged_at,
            content_purged_at=state.content_purged_at,
            attachments_deleted=attachments,
            completed_at=now,
        )
    )
    state.completed_at = now
    store.save(petition)
    log.info("petition %s purged after its retention", petition.id, extra={"county": petition.county})
    return True


def _purge_content(petition: Petition) -> None:
    """Everything a person wrote about the matter; the ids, dates, categories, outcomes and
    deadlines stay (statistics, the audit)."""
    petition.content = PURGED_TEXT
    petition.additions = []
    petition.internal_notes = []
    petition.attachments = []
    petition.subject_keys = [k for k in petition.subject_keys if ":name:" not in k]
    for s in petition.subjects:
        s.name = s.unit_name = None
    for r in petition.replies:
        r.text = PURGED_TEXT
    for embedded, attr in (
        (petition.triage, "note"),
        (petition.closure, "answer"),
        (petition.closure, "note"),
        (petition.sent_up, "reason"),
        (petition.verification, "note"),
        (petition.clarification, "text"),
        (petition.collective_review, "conclusion"),
        (petition.feedback, "note"),
    ):
        if embedded is not None and getattr(embedded, attr, None):
            setattr(embedded, attr, PURGED_TEXT)
    for d in petition.deadlines:
        if d.extension_reason:
            d.extension_reason = PURGED_TEXT


def purge_log(store: IntakeStore, principal: Principal, query: dict) -> Page:
    return store.purge_records(principal.counties_in(query["county"]), query)
