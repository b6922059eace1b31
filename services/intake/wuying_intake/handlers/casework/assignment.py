"""Assignment (分办 / 改派, seeds/000 H): assigning or reassigning a report, and moving its
routing up (recorded like an assignment)."""

from __future__ import annotations

import logging
from datetime import datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc

from ...domain.petition import RECEIVED, TRIAGED
from ...domain.routing import ASSIGN, check_assignment
from ...domain.screening import ROUTES_ZH
from ...exceptions import InvalidTransition
from ...persistence import Assignment, IntakeStore, Petition
from ..common import load_for

# the family's logger, named as before the split (``wuying_intake.handlers.casework``)
log = logging.getLogger(__package__)


def assign(store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict) -> Petition:
    """分办 / 改派: an ``intake_supervisor`` assigns or reassigns a report; a report about the
    commission's leaders only the principal leader assigns, within the commission. Every change
    is recorded (who, when, why, from whom to whom)."""
    petition = load_for(store, principal, petition_id, ASSIGN)
    if petition.status not in (RECEIVED, TRIAGED):
        raise InvalidTransition("只有尚未办结的件可以分办或改派", code="not_open", fields={"status": petition.status})
    assignee, reason = payload["assignee"].strip(), payload["reason"].strip()
    recused = assignee in petition.subject_official_ids()
    check_assignment(assignee, reason, petition.assignee, recused)
    now = naive_utc(clock.now())
    petition.assignments.append(
        Assignment(
            assignee=assignee,
            previous=petition.assignee,
            routing=petition.routing,
            by=principal.subject,
            at=now,
            reason=reason,
        )
    )
    petition.assignee = assignee
    store.save(petition)
    log.info("petition %s assigned", petition.id, extra={"county": petition.county})
    return petition


def _reroute(petition: Petition, routing: str, principal: Principal, now: datetime, reason: str) -> None:
    """The routing moves up (recorded like an assignment); the assignee of an ordinary report
    gives it back to the one who may now handle it."""
    petition.assignments.append(
        Assignment(
            assignee=None,
            previous=petition.assignee,
            routing=routing,
            by=principal.subject,
            at=naive_utc(now),
            reason=f"{reason}：{ROUTES_ZH[routing]}",
        )
    )
    petition.routing, petition.assignee = routing, None
