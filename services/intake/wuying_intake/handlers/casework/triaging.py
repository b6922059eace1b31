"""Triage (研判, seeds/002 篇5 三 预警信息分析: a case clue is not a warning matter, 三(一)3): received
→ triaged, the subjects confirmed against the registry and the routing moved up when one of
them is the commission's (seeds/000 H)."""

from __future__ import annotations

import logging

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, naive_utc, rfc3339
from wuying_common.rules import RuleBroken

from ...domain.catalog import CATEGORY_SHORT_ZH
from ...domain.deadlines import FROM_ACCEPTED, ON_TRIAGE
from ...domain.petition import TRIAGED, VERIFICATION_OPEN, check_transition, decide_triage
from ...domain.routing import TRIAGE, check_handler, is_commission_leader, stronger
from ...domain.screening import route_for, subject_keys
from ...persistence import IntakeStore, Petition, ResolvedSubject, Triage, Verification
from ...schemas import CLUE_KINDS, CLUE_TRANSFERRED, PETITION_TRIAGED
from ..common import Registry, load_petition, settle, start_deadlines
from .assignment import _reroute

# the family's logger, named as before the split (``wuying_intake.handlers.casework``)
log = logging.getLogger(__package__)


def triage(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    registry: Registry | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Petition:
    """研判: received → triaged, emitting ``petition.triaged`` in the same write; a case clue
    also emits ``clue.transferred``, a suspected malicious report opens a verification. A
    subject the registry shows to be one of the commission's leaders re-routes the report to the
    principal leader before anyone else may triage it (seeds/000 H)."""
    petition = load_petition(store, principal, petition_id)
    check_transition(petition.status, TRIAGED)
    decision = decide_triage(payload["outcome"], payload["severity"], payload["subjects"], payload["note"])
    routing = petition.routing
    if registry is not None:
        officials = check_triaged_subjects(registry, [dict(s) for s in decision.subjects])
        found = route_for(
            {"commission_staff": bool(o.get("commission_staff")), "commission_leader": is_commission_leader(o)}
            for o in officials
        )
        routing = stronger(routing, found)
    check_handler(routing, principal.roles, TRIAGE)
    now, today = clock.now(), clock.today()
    if routing != petition.routing:
        _reroute(petition, routing, principal, now, "研判时经人员登记库确认被反映人身份，按规定改报")
    petition.triage = Triage(
        outcome=decision.outcome,
        severity=decision.severity,
        subjects=[ResolvedSubject(**s) for s in decision.subjects],
        note=decision.note,
        transferred_to=decision.transferred_to,
        triaged_at=naive_utc(now),
        triaged_by=principal.subject,
    )
    # Accepting the report answers the receipt deadlines (受理 / 登记受理 / 转来件受理) and starts
    # those counted from acceptance (信访: 办理期限).
    settle(petition, ON_TRIAGE, today)
    start_deadlines(petition, FROM_ACCEPTED, today, calendar)
    petition.status = TRIAGED
    petition.subject_keys = sorted(set(petition.subject_keys) | set(subject_keys(decision.subjects)))
    if decision.outcome == "suspected_malicious":
        petition.verification = Verification(status=VERIFICATION_OPEN, opened_at=naive_utc(now))
    subjects = [dict(s) for s in decision.subjects]
    envelope = petition.record_event(
        PETITION_TRIAGED,
        {
            "petition_id": petition.id,
            "outcome": decision.outcome,
            "category": petition.category,
            "category_zh": CATEGORY_SHORT_ZH[petition.category],
            "severity": decision.severity,
            "subjects": subjects,
            "triaged_at": rfc3339(now),
        },
        now=now,
    )
    if decision.transferred_to == "case_handling":
        petition.record_event(
            CLUE_TRANSFERRED,
            {
                "petition_id": petition.id,
                "county": petition.county,
                "subjects": subjects,
                "transferred_to": "case_handling",
                "transferred_at": rfc3339(now),
                "kind": "case_clue",
                "reason_zh": CLUE_KINDS["case_clue"],
            },
            now=now,
        )
    store.save(petition)
    log.info(
        "petition %s triaged as %s",
        petition.id,
        decision.outcome,
        extra={"event_id": envelope["id"], "county": petition.county},
    )
    return petition


def check_triaged_subjects(registry: Registry, subjects: list[dict]) -> list[dict]:
    """Every official confirmed at triage must be registered, in the county given; their
    registry records are returned (the routing reads who is commission staff or a leader)."""
    found = []
    for i, s in enumerate(subjects):
        if s["kind"] != "official":
            continue
        official = registry.get_official(s["id"])
        if official is None:
            # what the registry holds, not the input: 409 (register or correct the official first)
            raise RuleBroken(f"subjects.{i}.id", "人员登记库中没有该编号", "unknown_official")
        if official.get("county") and official["county"] != s["county"]:
            raise RuleBroken(f"subjects.{i}.county", "与人员登记库中的地区不一致", "registry_county_differs")
        found.append(official)
    return found
