"""Casework on a received report: triage (研判, seeds/002 篇5 三 预警信息分析: a case clue is not a
warning matter, 三(一)3), sending up to the level above (seeds/000 H), closing with an answer and
feeding the result back (件件有着落，事事有回音, seeds/000 B), confirming duplicates by merging or
closing a repeat after a collective review (seeds/001 黑龙江), and concluding the verification of
a suspected malicious report with the accused cleared on the record (seeds/003 澄清正名).

Each step and its event are one write of the petition (``store.save``)."""

from __future__ import annotations

import logging
from datetime import datetime

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc, rfc3339
from wuying_common.errors import ValidationFailed
from wuying_common.rules import WorkingDays

from ..domain.catalog import CATEGORY_SHORT_ZH
from ..domain.deadlines import (
    FEEDBACK,
    FROM_ACCEPTED,
    FROM_CLOSED,
    ON_CLOSE,
    ON_FEEDBACK,
    ON_SEND_UP,
    ON_TRIAGE,
    SEND_UP,
)
from ..domain.duplicates import (
    MERGED_OUTCOME,
    REPEATED_ANSWER,
    REPEATED_OUTCOME,
    Report,
    check_collective_review,
    check_merge,
    check_repeated_close,
    check_reviewed_close,
    merge_answer,
)
from ..domain.petition import (
    CLOSED,
    MERGED,
    RECEIVED,
    SENT_UP,
    TRIAGED,
    VERIFICATION_CONFIRMED,
    VERIFICATION_NOT_CONFIRMED,
    VERIFICATION_OPEN,
    check_transition,
    decide_triage,
    verification_problem,
)
from ..domain.routing import (
    ASSIGN,
    CLOSE,
    CLOSE_REPEATED,
    MERGE,
    TRIAGE,
    VERIFY,
    check_assignment,
    check_handler,
    is_commission_leader,
    stronger,
)
from ..domain.routing import FEEDBACK as FEEDBACK_ACTION
from ..domain.routing import SEND_UP as SEND_UP_ACTION
from ..domain.screening import ROUTES_ZH, route_for, subject_keys
from ..exceptions import InvalidTransition
from ..persistence import (
    Assignment,
    Clarification,
    Closure,
    CollectiveReview,
    Disposal,
    Feedback,
    IntakeStore,
    Petition,
    Reply,
    ResolvedSubject,
    SendUp,
    Triage,
    Verification,
)
from ..schemas import (
    CLUE_KINDS,
    CLUE_TRANSFERRED,
    PETITION_CLARIFIED,
    PETITION_CLOSED,
    PETITION_SENT_UP,
    PETITION_TRIAGED,
)
from .common import Registry, load_for, load_petition, settle, start_deadlines
from .retention import start_retention

log = logging.getLogger(__name__)


# -- triage ------------------------------------------------------------------------------------
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
            raise ValidationFailed(fields={f"subjects.{i}.id": "人员登记库中没有该编号"})
        if official.get("county") and official["county"] != s["county"]:
            raise ValidationFailed(fields={f"subjects.{i}.county": "与人员登记库中的地区不一致"})
        found.append(official)
    return found


# -- closing -----------------------------------------------------------------------------------
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


# -- duplicates (seeds/001 黑龙江) -----------------------------------------------------------------
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


def _record_review(petition: Petition, review: dict, principal: Principal, now: datetime) -> None:
    """The collective review (集体研判) on record, written with the closure it allows."""
    petition.collective_review = CollectiveReview(
        meeting_date=review["meeting_date"],
        participants=list(dict.fromkeys(p.strip() for p in review["participants"] if p.strip())),
        conclusion=review["conclusion"].strip(),
        recorded_by=principal.subject,
        recorded_at=naive_utc(now),
    )


# -- sending up (seeds/000 H) ---------------------------------------------------------------------
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


# -- suspected malicious reports (seeds/003) -----------------------------------------------------
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


# -- assignment (seeds/000 H) ----------------------------------------------------------------------
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
