"""Duplicates (seeds/001 黑龙江): confirming a proposed duplicate by merging it, or closing a repeat
without new facts, each after a collective review."""

from __future__ import annotations

import logging

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock

from ...domain.duplicates import (
    MERGED_OUTCOME,
    REPEATED_ANSWER,
    REPEATED_OUTCOME,
    Report,
    check_collective_review,
    check_merge,
    check_repeated_close,
    merge_answer,
)
from ...domain.petition import CLOSED, MERGED, VERIFICATION_OPEN
from ...domain.routing import CLOSE_REPEATED, MERGE
from ...persistence import IntakeStore, Petition
from ..common import load_for, load_petition
from .closing import _close_with, _record_review

# the family's logger, named as before the split (``wuying_intake.handlers.casework``)
log = logging.getLogger(__package__)


def _rules_report(petition: Petition) -> Report:
    return Report(
        id=petition.id,
        county=petition.county,
        status=petition.status,
        received_at=petition.received_at,
        merged_into=petition.merged_into,
        candidates=frozenset(c.petition_id for c in petition.duplicate_candidates),
        verification_open=bool(petition.verification and petition.verification.status == VERIFICATION_OPEN),
        outcome=petition.triage.outcome if petition.triage else None,
    )


def merge(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    calendar: WorkingDayCalendar | None = None,
) -> Petition:
    """合并办理: confirm a proposed duplicate. The later report closes as ``merged`` with an answer
    naming the earlier one; the earlier lists it (derived from ``merged_into``: one write)."""
    later = load_for(store, principal, petition_id, MERGE)
    earlier = load_petition(store, principal, payload["into"]) if payload["into"] != petition_id else later
    check_merge(_rules_report(later), _rules_report(earlier))
    review = payload["collective_review"]  # a duplicate closes only after a collective review
    check_collective_review(review["meeting_date"], review["participants"], review["conclusion"], clock.today())
    now = clock.now()
    _record_review(later, review, principal, now)
    later.status, later.merged_into, later.merged_by = MERGED, earlier.id, payload["confirmed_by"].strip()
    answer = merge_answer(earlier.id)
    envelope = _close_with(later, now, principal, MERGED_OUTCOME, answer, payload.get("note", ""), calendar)
    store.save(later)
    log.info(
        "petition %s merged into %s",
        later.id,
        earlier.id,
        extra={"event_id": envelope["id"], "county": later.county},
    )
    return later


def close_repeated(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    calendar: WorkingDayCalendar | None = None,
) -> Petition:
    """重复举报了结 (seeds/001 黑龙江): a repeat without new facts closes after a collective review on
    record; ``petition.closed`` with outcome ``repeated_no_new_facts``."""
    petition = load_for(store, principal, petition_id, CLOSE_REPEATED)
    review = payload["collective_review"]
    check_repeated_close(
        _rules_report(petition), review["meeting_date"], review["participants"], review["conclusion"], clock.today()
    )
    now = clock.now()
    _record_review(petition, review, principal, now)
    petition.status = CLOSED
    answer = (payload.get("answer") or "").strip() or REPEATED_ANSWER
    envelope = _close_with(petition, now, principal, REPEATED_OUTCOME, answer, payload.get("note", ""), calendar)
    store.save(petition)
    log.info(
        "petition %s closed as repeated", petition.id, extra={"event_id": envelope["id"], "county": petition.county}
    )
    return petition
