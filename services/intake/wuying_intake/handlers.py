"""Intake use cases: (payload, store, clock, calendar, keyring) -> result. No nameko here.

Each state change and its event are one document write (``record_event`` then
``save_versioned``). Log lines carry the petition id, event id and county only.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import secrets
from datetime import date, datetime, timedelta

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock
from wuying_common.errors import ValidationFailed

from .domain.catalog import (
    CATEGORY_SHORT_ZH,
    CHANNELS,
    OUTCOMES,
    REPORTER_STATUSES_ZH,
    STATUSES_ZH,
    TRANSFERS_ZH,
)
from .domain.petition import (
    CLOSED,
    RECEIVED,
    TRIAGED,
    IntakeRuleError,
    TransitionNotAllowed,
    acknowledge_deadline,
    check_transition,
    decide_triage,
    extend_deadline,
    handle_deadline,
)
from .domain.protection import (
    Keyring,
    hash_receipt_code,
    lookup_prefix,
    new_receipt_code,
    verify_receipt_code,
)
from .domain.screening import (
    DUPLICATE_WINDOW_DAYS,
    ROUTES_ZH,
    duplicate_candidates,
    route_for,
    subject_keys,
)
from .domain.statistics import csv_rows, tally
from .exceptions import EncryptionUnavailable, InvalidTransition, PetitionNotFound, ReceiptNotFound
from .persistence import (
    Closure,
    DuplicateCandidate,
    IntakeStore,
    Petition,
    Receipt,
    Reply,
    ReportedSubject,
    ResolvedSubject,
    SealedReporter,
    Triage,
)
from .schemas import PETITION_CLOSED, PETITION_RECEIVED, PETITION_TRIAGED

log = logging.getLogger(__name__)


@functools.cache
def _decoy_receipt():
    """Spent on a lookup whose prefix matches nothing, so response time does not reveal whether
    a prefix exists."""
    return hash_receipt_code("0000-0000-0000-0000")


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _naive_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def new_petition_id(county: str, today: date) -> str:
    """Readable and unguessable: ``XF130402-20261120-9F2C61AB``."""
    return f"XF{county}-{today:%Y%m%d}-{secrets.token_hex(4).upper()}"


def submit_report(
    store: IntakeStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    keyring: Keyring | None,
    payload: dict,
    *,
    channel: str,
    recorded_by: str | None = None,
) -> dict:
    """Receive a report (受理登记); anonymous reporters get their receipt code, once."""
    anonymous = payload["anonymous"]
    if not anonymous and keyring is None:
        raise EncryptionUnavailable(fields={"reporter": "实名举报人信息无法加密保存"})
    today = clock.today()
    received_on = payload.get("received_on") or today
    if received_on > today:
        raise ValidationFailed(fields={"received_on": "收件日期不能晚于今天"})
    now = clock.now()
    deadline = acknowledge_deadline(calendar, received_on)
    keys = subject_keys(payload["subjects"])
    earlier = store.about_subjects_since(payload["county"], keys, received_on - timedelta(days=DUPLICATE_WINDOW_DAYS))
    candidates = duplicate_candidates(payload["content"], earlier)
    petition = Petition(
        id=new_petition_id(payload["county"], today),
        channel=channel,
        category=payload["category"],
        county=payload["county"],
        content=payload["content"].strip(),
        subjects=[
            ReportedSubject(
                kind=s["kind"],
                id=s.get("id"),
                name=s.get("name"),
                unit_name=s.get("unit_name"),
                commission_staff=bool(s.get("commission_staff")),
                commission_leader=bool(s.get("commission_leader")),
            )
            for s in payload["subjects"]
        ],
        subject_keys=keys,
        routing=route_for(payload["subjects"]),
        duplicate_candidates=[
            DuplicateCandidate(petition_id=c.petition_id, similarity=c.similarity) for c in candidates
        ],
        anonymous=anonymous,
        received_on=received_on,
        received_at=_naive_utc(now),
        recorded_by=recorded_by,
        acknowledge_due=deadline.due,
        acknowledge_due_provisional=deadline.provisional,
        status=RECEIVED,
    )
    receipt_code = None
    if anonymous:
        receipt_code = new_receipt_code()
        petition.receipt = Receipt.from_domain(hash_receipt_code(receipt_code))
    else:
        details = {k: v for k, v in payload["reporter"].items() if v is not None}
        petition.reporter = SealedReporter.from_domain(keyring.seal(petition.id, details))
    envelope = petition.record_event(
        PETITION_RECEIVED,
        {
            "petition_id": petition.id,
            "channel": channel,
            "category": petition.category,
            "county": petition.county,
            "received_at": _rfc3339(now),
            "anonymous": anonymous,
            "subject_count": len(petition.subjects),
        },
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    petition.save_versioned()
    log.info(
        "petition %s received via %s",
        petition.id,
        channel,
        extra={"event_id": envelope["id"], "county": petition.county},
    )
    result = {
        "petition_id": petition.id,
        "status": RECEIVED,
        "status_zh": STATUSES_ZH[RECEIVED],
        "acknowledge_due": deadline.due,
        "acknowledge_due_provisional": deadline.provisional,
    }
    if receipt_code:
        result["receipt_code"] = receipt_code
    return result


def _load(store: IntakeStore, principal: Principal | None, petition_id: str) -> Petition:
    petition = store.get(petition_id)
    if petition is None:
        raise PetitionNotFound(fields={"petition_id": "不存在"})
    if principal is not None:
        principal.require_county(petition.county)
    return petition


def _transition(petition: Petition, target: str) -> None:
    try:
        check_transition(petition.status, target)
    except TransitionNotAllowed:
        code = {TRIAGED: "already_triaged", CLOSED: "already_closed"}.get(petition.status, "invalid_transition")
        if petition.status == RECEIVED and target == CLOSED:
            code = "not_triaged"
        message = {
            "already_triaged": "该件已研判，不能重复研判",
            "already_closed": "该件已办结",
            "not_triaged": "该件尚未研判，不能办结",
        }.get(code)
        raise InvalidTransition(message, code=code, fields={"status": petition.status}) from None


def triage(store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict) -> dict:
    """研判: received → triaged, emitting ``petition.triaged`` in the same write."""
    petition = _load(store, principal, petition_id)
    _transition(petition, TRIAGED)
    try:
        decision = decide_triage(payload["outcome"], payload["severity"], payload["subjects"], payload["note"])
    except IntakeRuleError as exc:
        raise ValidationFailed(fields={exc.field: str(exc)}) from None
    now = clock.now()
    petition.triage = Triage(
        outcome=decision.outcome,
        severity=decision.severity,
        subjects=[ResolvedSubject(**s) for s in decision.subjects],
        note=decision.note,
        transferred_to=decision.transferred_to,
        triaged_at=_naive_utc(now),
        triaged_by=principal.subject,
        handle_due=handle_deadline(clock.today()),
    )
    petition.status = TRIAGED
    envelope = petition.record_event(
        PETITION_TRIAGED,
        {
            "petition_id": petition.id,
            "outcome": decision.outcome,
            "category": petition.category,
            "category_zh": CATEGORY_SHORT_ZH[petition.category],
            "severity": decision.severity,
            "subjects": [dict(s) for s in decision.subjects],
            "triaged_at": _rfc3339(now),
        },
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    petition.save_versioned()
    log.info(
        "petition %s triaged as %s",
        petition.id,
        decision.outcome,
        extra={"event_id": envelope["id"], "county": petition.county},
    )
    return report_view(petition)


def close(store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict) -> dict:
    """办结 with an answer the reporter can read: triaged → closed, emitting ``petition.closed``."""
    petition = _load(store, principal, petition_id)
    _transition(petition, CLOSED)
    now = clock.now()
    answer = payload["answer"].strip()
    petition.closure = Closure(
        answer=answer, note=payload.get("note", ""), closed_at=_naive_utc(now), closed_by=principal.subject
    )
    petition.replies.append(Reply(text=answer, at=_naive_utc(now)))
    petition.status = CLOSED
    envelope = petition.record_event(
        PETITION_CLOSED,
        {"petition_id": petition.id, "outcome": petition.triage.outcome, "closed_at": _rfc3339(now), "answered": True},
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    petition.save_versioned()
    log.info("petition %s closed", petition.id, extra={"event_id": envelope["id"], "county": petition.county})
    return report_view(petition)


def extend(store: IntakeStore, principal: Principal, petition_id: str, reason: str) -> dict:
    """延期: the handling deadline of a triaged, open report moves once by 30 days."""
    petition = _load(store, principal, petition_id)
    if petition.status != TRIAGED:
        raise InvalidTransition("只有已受理、未办结的件可以延期", code="not_open", fields={"status": petition.status})
    t = petition.triage
    try:
        t.handle_due = extend_deadline(t.handle_due, bool(t.extended), reason)
    except IntakeRuleError as exc:
        if exc.field == "extension":
            raise InvalidTransition(str(exc), code="already_extended", fields={"extension": str(exc)}) from None
        raise ValidationFailed(fields={exc.field: str(exc)}) from None
    t.extended, t.extension_reason, t.extended_by = True, reason.strip(), principal.subject
    petition.save_versioned()
    return report_view(petition)


def statistics(store: IntakeStore, principal: Principal, query: dict) -> dict:
    principal.require_county(query["county"])
    return {
        "county": query["county"],
        **tally(store.tally_rows(query["county"], query.get("since"), query.get("until"))),
    }


def statistics_csv(stats: dict) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(stats["county"], stats))
    return buffer.getvalue()


def get_report(store: IntakeStore, principal: Principal, petition_id: str) -> dict:
    return report_view(_load(store, principal, petition_id))


def list_reports(store: IntakeStore, principal: Principal, query: dict) -> list[dict]:
    principal.require_county(query["county"])
    petitions = store.search(
        query["county"],
        status=query.get("status"),
        channel=query.get("channel"),
        category=query.get("category"),
        limit=query.get("limit", 100),
        offset=query.get("offset", 0),
    )
    return [report_view(p) for p in petitions]


def report_view(petition: Petition) -> dict:
    """Staff view. Built field by field so the sealed reporter and receipt can never leak."""
    triage_view = None
    if petition.triage:
        t = petition.triage
        triage_view = {
            "outcome": t.outcome,
            "outcome_zh": OUTCOMES[t.outcome],
            "severity": t.severity,
            "subjects": [{"kind": s.kind, "id": s.id, "county": s.county} for s in t.subjects],
            "note": t.note,
            "transferred_to": t.transferred_to,
            "transferred_to_zh": TRANSFERS_ZH.get(t.transferred_to) if t.transferred_to else None,
            "triaged_at": t.triaged_at,
            "triaged_by": t.triaged_by,
            "handle_due": t.handle_due,
            "extended": bool(t.extended),
            "extension_reason": t.extension_reason,
        }
    closure_view = None
    if petition.closure:
        c = petition.closure
        closure_view = {"answer": c.answer, "note": c.note, "closed_at": c.closed_at, "closed_by": c.closed_by}
    return {
        "petition_id": petition.id,
        "channel": petition.channel,
        "channel_zh": CHANNELS[petition.channel],
        "category": petition.category,
        "category_zh": CATEGORY_SHORT_ZH[petition.category],
        "county": petition.county,
        "content": petition.content,
        "subjects": [
            {
                "kind": s.kind,
                "id": s.id,
                "name": s.name,
                "unit_name": s.unit_name,
                "commission_staff": s.commission_staff,
                "commission_leader": s.commission_leader,
            }
            for s in petition.subjects
        ],
        "anonymous": petition.anonymous,
        "reporter_on_file": petition.reporter is not None,
        "routing": petition.routing,
        "routing_zh": ROUTES_ZH[petition.routing],
        "duplicate_candidates": [
            {"petition_id": c.petition_id, "similarity": c.similarity} for c in petition.duplicate_candidates
        ],
        "status": petition.status,
        "status_zh": STATUSES_ZH[petition.status],
        "received_on": petition.received_on,
        "received_at": petition.received_at,
        "acknowledge_due": petition.acknowledge_due,
        "acknowledge_due_provisional": petition.acknowledge_due_provisional,
        "triage": triage_view,
        "closure": closure_view,
    }


def lookup_receipt(store: IntakeStore, receipt_code: str) -> dict:
    """What an anonymous reporter may see: status and replies, never the triage outcome."""
    prefix = lookup_prefix(receipt_code)
    candidates = store.by_receipt_prefix(prefix) if prefix else []
    if not candidates:
        verify_receipt_code(receipt_code, _decoy_receipt())
    for petition in candidates:
        if verify_receipt_code(receipt_code, petition.receipt.to_domain()):
            return {
                "status": petition.status,
                "status_zh": REPORTER_STATUSES_ZH[petition.status],
                "category_zh": CATEGORY_SHORT_ZH[petition.category],
                "received_on": petition.received_on,
                "acknowledge_due": petition.acknowledge_due,
                "replies": [{"text": r.text, "at": r.at} for r in petition.replies],
            }
    raise ReceiptNotFound()


def reseal_reporters(store: IntakeStore, keyring: Keyring | None, limit: int = 500) -> dict:
    """Key rotation: move sealed reporter details to the current key, a batch at a time."""
    if keyring is None:
        raise EncryptionUnavailable()
    resealed = 0
    for petition in store.sealed_under_old_keys(keyring.current, limit):
        fresh = keyring.reseal(petition.id, petition.reporter.to_domain())
        if fresh is None:
            continue
        petition.reporter = SealedReporter.from_domain(fresh)
        petition.save_versioned()
        resealed += 1
    return {"resealed": resealed, "current_kid": keyring.current}
