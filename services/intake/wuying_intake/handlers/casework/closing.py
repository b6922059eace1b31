"""Closing with an answer and feeding the result back (件件有着落，事事有回音, seeds/000 B), with
the collective review on record where a closure needs one (seeds/001 黑龙江)."""

from __future__ import annotations

import logging
from datetime import datetime

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc, rfc3339
from wuying_common.rules import WorkingDays

from ...domain.deadlines import FEEDBACK, FROM_CLOSED, ON_CLOSE, ON_FEEDBACK
from ...domain.duplicates import check_reviewed_close
from ...domain.petition import CLOSED, VERIFICATION_OPEN, check_transition
from ...domain.routing import CLOSE
from ...domain.routing import FEEDBACK as FEEDBACK_ACTION
from ...exceptions import InvalidTransition
from ...persistence import Closure, CollectiveReview, Feedback, IntakeStore, Petition, Reply
from ...schemas import PETITION_CLOSED
from ..common import load_for, settle, start_deadlines
from ..retention import start_retention

# the family's logger, named as before the split (``wuying_intake.handlers.casework``)
log = logging.getLogger(__package__)


def close(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    calendar: WorkingDayCalendar | None = None,
) -> Petition:
    """办结 with an answer the reporter can read: triaged → closed, emitting ``petition.closed``
    with the triage outcome. A report triaged as no substance or duplicate closes only with a
    collective review on record (seeds/001 黑龙江; issue 8 item 5: nothing closes unreviewed)."""
    petition = load_for(store, principal, petition_id, CLOSE)
    check_transition(petition.status, CLOSED)
    if petition.verification and petition.verification.status == VERIFICATION_OPEN:
        raise InvalidTransition(
            "疑似恶意举报须先作出核实结论再办结", code="verification_open", fields={"verification": "open"}
        )
    review = payload.get("collective_review")
    check_reviewed_close(petition.triage.outcome, review, clock.today())
    now = clock.now()
    if review is not None:
        _record_review(petition, review, principal, now)
    petition.status = CLOSED
    answer, note = payload["answer"].strip(), payload.get("note", "")
    envelope = _close_with(
        petition, now, principal, "answered", answer, note, calendar, outcome=petition.triage.outcome
    )
    store.save(petition)
    log.info("petition %s closed", petition.id, extra={"event_id": envelope["id"], "county": petition.county})
    return petition


def _close_with(
    petition: Petition,
    now: datetime,
    principal: Principal,
    kind: str,
    answer: str,
    note: str,
    calendar: WorkingDays | None = None,
    *,
    outcome: str | None = None,
) -> dict:
    """Close with an answer the reporter reads; ``petition.closed`` (its ``outcome`` the closure's
    kind unless given) in the same write. Closing answers the open deadlines (受理, 办理) and
    starts those counted from closing (检举控告: a named reporter is told the result within 15
    working days)."""
    closed_on = beijing_date(now)
    start_retention(petition, closed_on)
    settle(petition, ON_CLOSE, closed_on)
    start_deadlines(petition, FROM_CLOSED, closed_on, calendar)
    petition.closure = Closure(
        kind=kind, answer=answer, note=note, closed_at=naive_utc(now), closed_by=principal.subject
    )
    petition.replies.append(Reply(text=answer, at=naive_utc(now)))
    return petition.record_event(
        PETITION_CLOSED,
        {"petition_id": petition.id, "outcome": outcome or kind, "closed_at": rfc3339(now), "answered": True},
        now=now,
    )


def record_feedback(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict
) -> Petition:
    """反馈: the result was fed back to the named reporter (how, when, by whom, on time or not)."""
    petition = load_for(store, principal, petition_id, FEEDBACK_ACTION)
    due = petition.deadline(FEEDBACK)
    if due is None:
        raise InvalidTransition(
            "只有已办结的实名检举控告需要反馈结果", code="no_feedback_due", fields={"status": petition.status}
        )
    if petition.feedback:
        raise InvalidTransition("已记录反馈", code="already_fed_back", fields={"feedback": "已记录"})
    petition.feedback = Feedback(
        method=payload["method"],
        note=payload.get("note", "").strip(),
        at=naive_utc(clock.now()),
        by=principal.subject,
        on_time=clock.today() <= due.due,
    )
    settle(petition, ON_FEEDBACK, clock.today())
    store.save(petition)
    log.info("petition %s feedback recorded", petition.id, extra={"county": petition.county})
    return petition


def _record_review(petition: Petition, review: dict, principal: Principal, now: datetime) -> None:
    """The collective review (集体研判) on record, written with the closure it allows."""
    petition.collective_review = CollectiveReview(
        meeting_date=review["meeting_date"],
        participants=list(dict.fromkeys(p.strip() for p in review["participants"] if p.strip())),
        conclusion=review["conclusion"].strip(),
        recorded_by=principal.subject,
        recorded_at=naive_utc(now),
    )
