"""Concluding the verification of a suspected malicious report, the accused cleared on the
record (seeds/003 澄清正名) and the false reporter's disposal transferred to case handling."""

from __future__ import annotations

import logging
from datetime import datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc, rfc3339

from ...domain.petition import VERIFICATION_CONFIRMED, VERIFICATION_NOT_CONFIRMED, verification_problem
from ...domain.routing import VERIFY
from ...exceptions import InvalidTransition
from ...persistence import Clarification, Disposal, IntakeStore, Petition
from ...schemas import CLUE_KINDS, CLUE_TRANSFERRED, PETITION_CLARIFIED
from ..common import load_for

# the family's logger, named as before the split (``wuying_intake.handlers.casework``)
log = logging.getLogger(__package__)


CLARIFIED_SUMMARY = "经核实，该件反映的问题系恶意举报，已为被反映人澄清正名。"


def _clarify_and_dispose(petition: Petition, principal: Principal, now: datetime) -> None:
    """澄清正名 announced, and the false reporter's disposal transferred to case handling (seeds/003)."""
    at = rfc3339(now)
    petition.record_event(
        PETITION_CLARIFIED,
        {
            "petition_id": petition.id,
            "county": petition.county,
            "official_ids": sorted(petition.subject_official_ids()),
            "clarified_at": at,
            "summary_zh": CLARIFIED_SUMMARY,
        },
        now=now,
    )
    petition.disposal = Disposal(
        kind="false_accusation", transferred_to="case_handling", at=naive_utc(now), by=principal.subject
    )
    petition.record_event(
        CLUE_TRANSFERRED,
        {
            "petition_id": petition.id,
            "county": petition.county,
            "subjects": [],
            "transferred_to": "case_handling",
            "transferred_at": at,
            "kind": "false_accusation",
            "reason_zh": CLUE_KINDS["false_accusation"],
        },
        now=now,
    )


def conclude_verification(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict
) -> Petition:
    """核实结论 (seeds/003 恶意举报的认定、处置、澄清和责任追究): when a malicious report is confirmed,
    the accused is cleared on the record (澄清正名: who, when, the text) and announced
    (``petition.clarified``: the officials, a fixed summary; the accused's file records it and
    they get a message), and the false reporter's disposal is recorded as a clue transferred to
    case handling (``clue.transferred``, kind ``false_accusation``, no subjects, no identity):
    one write."""
    petition = load_for(store, principal, petition_id, VERIFY)
    outcome = petition.triage.outcome if petition.triage else None
    status = petition.verification.status if petition.verification else None
    problem = verification_problem(outcome, status, payload["confirmed"], payload.get("clarification", ""))
    if problem:
        raise InvalidTransition(problem, code="verification_not_open", fields={"verification": problem})
    now = naive_utc(clock.now())
    v = petition.verification
    v.status = VERIFICATION_CONFIRMED if payload["confirmed"] else VERIFICATION_NOT_CONFIRMED
    v.concluded_at, v.concluded_by, v.note = now, principal.subject, payload.get("note", "")
    if payload["confirmed"]:
        petition.clarification = Clarification(text=payload["clarification"].strip(), by=principal.subject, at=now)
        _clarify_and_dispose(petition, principal, clock.now())
    store.save(petition)
    log.info("petition %s verification concluded", petition.id, extra={"county": petition.county})
    return petition
