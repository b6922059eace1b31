"""Sending a report up to the organ one level above that is entitled to handle it (seeds/000 H)."""

from __future__ import annotations

import logging

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc, rfc3339

from ...domain.deadlines import ON_SEND_UP, SEND_UP
from ...domain.petition import RECEIVED, SENT_UP
from ...domain.routing import SEND_UP as SEND_UP_ACTION
from ...exceptions import InvalidTransition
from ...persistence import IntakeStore, Petition, Reply, SendUp
from ...schemas import PETITION_SENT_UP
from ..common import load_for, settle
from ..retention import start_retention

# the family's logger, named as before the split (``wuying_intake.handlers.casework``)
log = logging.getLogger(__package__)


def send_up(store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict) -> Petition:
    """转送上级: a report that belongs to the level above goes there within 5 working days of
    receipt; the reporter is told where it went (their answer), ``petition.sent_up`` emitted. A
    report for the principal leader may be sent up by a clerk too (seeds/000 H)."""
    petition = load_for(store, principal, petition_id, SEND_UP_ACTION)
    if petition.status != RECEIVED:
        raise InvalidTransition("只有尚未受理的件可以转送上级", code="not_received", fields={"status": petition.status})
    now, today = clock.now(), clock.today()
    organ = payload["organ"].strip()
    deadline = petition.deadline(SEND_UP) or petition.receipt_deadline
    if deadline is None:  # every report has a receipt deadline from its rule
        raise InvalidTransition("该件没有可转送的期限", code="not_received", fields={"status": petition.status})
    due = deadline.due
    settle(petition, ON_SEND_UP, today)
    petition.sent_up = SendUp(
        organ=organ,
        reason=payload["reason"].strip(),
        due=due,
        on_time=today <= due,
        sent_at=naive_utc(now),
        sent_by=principal.subject,
    )
    petition.replies.append(Reply(text=f"您反映的问题属于{organ}管辖，已转送该机关办理。", at=naive_utc(now)))
    petition.status = SENT_UP
    start_retention(petition, today)
    envelope = petition.record_event(
        PETITION_SENT_UP,
        {
            "petition_id": petition.id,
            "county": petition.county,
            "organ": organ,
            "due": due.isoformat(),
            "on_time": today <= due,
            "sent_at": rfc3339(now),
        },
        now=now,
    )
    store.save(petition)
    log.info("petition %s sent up", petition.id, extra={"event_id": envelope["id"], "county": petition.county})
    return petition
