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
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, beijing_date, naive_utc, rfc3339
from wuying_common.errors import Conflict, PayloadTooLarge, ValidationFailed

from .domain.attachments import AttachmentRuleError, Limits, check_attachments
from .domain.catalog import (
    CATEGORY_SHORT_ZH,
    CHANNELS,
    OUTCOMES,
    REPORTER_STATUSES_ZH,
    STATUSES_ZH,
    TRANSFERS_ZH,
)
from .domain.deadlines import (
    DISCIPLINE_REPORT,
    FEEDBACK,
    FROM_ACCEPTED,
    FROM_CLOSED,
    FROM_FORWARDED_RECEIVED,
    FROM_RECEIVED,
    HANDLE,
    ON_CLOSE,
    ON_FEEDBACK,
    ON_SEND_UP,
    ON_TRIAGE,
    OVERDUE,
    RECEIPT_KEYS,
    REMINDER_DAYS,
    REPORT_KIND_RULES_ZH,
    REPORT_KINDS_ZH,
    RULES_BY_KEY,
    RULES_VERSION,
    SEND_UP,
    UNITS_ZH,
    WORKING_DAYS,
    OpenDeadline,
    compute_deadline,
    due_notices,
    extend_deadline,
    rules_starting,
)
from .domain.duplicates import (
    MERGED_OUTCOME,
    REPEATED_ANSWER,
    REPEATED_OUTCOME,
    DuplicateRuleError,
    Report,
    check_merge,
    check_repeated_close,
    merge_answer,
)
from .domain.identity import (
    ACCESSED,
    ALLOWED,
    APPROVED,
    DENIED,
    PENDING,
    REFUSED,
    REQUEST_STATUSES_ZH,
    REQUESTED,
    Actor,
    IdentityRuleError,
    check_access,
    check_decision,
    check_request,
    recusal_problem,
)
from .domain.petition import (
    CLOSED,
    MERGED,
    RECEIVED,
    SENT_UP,
    TRIAGED,
    VERIFICATION_CONFIRMED,
    VERIFICATION_NOT_CONFIRMED,
    VERIFICATION_OPEN,
    IntakeRuleError,
    TransitionNotAllowed,
    check_transition,
    decide_triage,
    verification_problem,
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
from .domain.statistics import csv_rows, durations, tally
from .exceptions import (
    AttachmentNotFound,
    EncryptionUnavailable,
    IdentityForbidden,
    IdentityRequestNotFound,
    InvalidTransition,
    PetitionNotFound,
    ReceiptNotFound,
    RegistryUnavailable,
    SubjectRecused,
)
from .persistence import (
    Addition,
    AttachmentMeta,
    Clarification,
    Closure,
    CollectiveReview,
    DuplicateCandidate,
    Feedback,
    IdentityRequest,
    IntakeStore,
    Petition,
    Receipt,
    Reply,
    ReportDeadline,
    ReportedSubject,
    ResolvedSubject,
    SealedReporter,
    SendUp,
    Triage,
    Verification,
)
from .schemas import (
    CLUE_TRANSFERRED,
    PETITION_CLOSED,
    PETITION_DEADLINE_APPROACHING,
    PETITION_OVERDUE,
    PETITION_RECEIVED,
    PETITION_SENT_UP,
    PETITION_TRIAGED,
)

log = logging.getLogger(__name__)


class Registry(Protocol):
    """archive's registry of officials, over RPC (``dependencies.ArchiveRegistry``)."""

    def get_official(self, official_id: str) -> dict | None: ...

    def find_officials(self, county: str, name: str) -> list[dict]: ...


@functools.cache
def _decoy_receipt():
    """Spent on a lookup whose prefix matches nothing, so response time does not reveal whether
    a prefix exists."""
    return hash_receipt_code("0000-0000-0000-0000")


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
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> dict:
    """Receive a report (受理登记); anonymous reporters get their receipt code, once.

    With a ``registry`` (staff entry) subjects given by id must be registered officials, and a
    subject given by name only is resolved when exactly one registered official matches."""
    anonymous = payload["anonymous"]
    if not anonymous and keyring is None:
        raise EncryptionUnavailable(fields={"reporter": "实名举报人信息无法加密保存"})
    today = clock.today()
    received_on = payload.get("received_on") or today
    if received_on > today:
        raise ValidationFailed(fields={"received_on": "收件日期不能晚于今天"})
    attachments = payload.get("attachments") or []
    try:
        check_attachments(attachments, limits or Limits())
    except AttachmentRuleError as exc:
        raise (PayloadTooLarge if exc.too_large else ValidationFailed)(fields={exc.field: str(exc)}) from None
    now = clock.now()
    kind = payload.get("kind") or DISCIPLINE_REPORT
    forwarded = bool(payload.get("forwarded"))
    if forwarded and payload.get("forwarded_on") and payload["forwarded_on"] > received_on:
        raise ValidationFailed(fields={"forwarded_on": "转来日期不能晚于收件日期"})
    subjects = [dict(s) for s in payload["subjects"]]
    if registry is not None:
        subjects = resolve_reported_subjects(registry, payload["county"], subjects)
    keys = subject_keys(subjects)
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
                registered=bool(s.get("registered")),
            )
            for s in subjects
        ],
        subject_keys=keys,
        routing=route_for(subjects),
        duplicate_candidates=[
            DuplicateCandidate(petition_id=c.petition_id, similarity=c.similarity) for c in candidates
        ],
        anonymous=anonymous,
        received_on=received_on,
        received_at=naive_utc(now),
        recorded_by=recorded_by,
        kind=kind,
        forwarded=forwarded,
        forwarded_from=(payload.get("forwarded_from") or "").strip() or None if forwarded else None,
        forwarded_on=payload.get("forwarded_on") if forwarded else None,
        rules_version=RULES_VERSION,
        status=RECEIVED,
        attachments=[
            AttachmentMeta(
                n=n,
                file_name=a["file_name"],
                content_type=a["content_type"],
                size=len(a["content"]),
                sha256=a["sha256"].lower(),
            )
            for n, a in enumerate(attachments)
        ],
    )
    _start_deadlines(petition, FROM_RECEIVED, received_on, calendar)
    _start_deadlines(petition, FROM_FORWARDED_RECEIVED, received_on, calendar)
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
            "received_at": rfc3339(now),
            "anonymous": anonymous,
            "subject_count": len(petition.subjects),
        },
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    # Attachments first, then the petition; if the petition is not stored, neither are they.
    try:
        if attachments:
            store.put_attachments(petition.id, attachments)
        petition.save_versioned()
    except BaseException:
        if attachments:
            store.delete_attachments(petition.id)
        raise
    log.info(
        "petition %s received via %s",
        petition.id,
        channel,
        extra={"event_id": envelope["id"], "county": petition.county},
    )
    receipt_deadline = _receipt_deadline(petition)
    result = {
        "petition_id": petition.id,
        "status": RECEIVED,
        "status_zh": STATUSES_ZH[RECEIVED],
        "kind": petition.kind,
        "kind_zh": REPORT_KINDS_ZH[petition.kind],
        "acknowledge_due": receipt_deadline.due,
        "acknowledge_due_provisional": bool(receipt_deadline.provisional),
        "deadlines": [deadline_view(d) for d in petition.deadlines],
    }
    if receipt_code:
        result["receipt_code"] = receipt_code
    return result


# -- deadlines under the rule of the report's kind (domain/deadlines.py) ---------------------------
def _start_deadlines(petition: Petition, counts_from: str, start: date, calendar: WorkingDayCalendar | None) -> None:
    """Add the deadlines of the report's rule that start with ``counts_from`` on ``start``."""
    rules = rules_starting(petition.kind, counts_from, named=not petition.anonymous, forwarded=bool(petition.forwarded))
    for rule in rules:
        if petition.deadline(rule.key):
            continue
        if rule.unit == WORKING_DAYS and calendar is None:
            calendar = WorkingDayCalendar.official()
        deadline = compute_deadline(rule, start, calendar)
        petition.deadlines.append(
            ReportDeadline(
                key=rule.key,
                label_zh=rule.label_zh,
                amount=rule.amount,
                unit=rule.unit,
                counts_from=rule.counts_from,
                start=start,
                due=deadline.due,
                provisional=deadline.provisional,
                watched=rule.watched,
            )
        )


def _settle(petition: Petition, action: str, today: date) -> None:
    """The action answers the open deadlines its rule says it meets, and makes moot those it
    waives (the send-up deadline of a report accepted here)."""
    for d in petition.deadlines:
        if not d.open:
            continue
        rule = RULES_BY_KEY[d.key]
        if action in rule.met_by:
            d.met_on, d.met_by, d.on_time = today, action, today <= d.due
        elif action in rule.waived_by:
            d.waived = True


def _receipt_deadline(petition: Petition) -> ReportDeadline | None:
    """The deadline that answers receipt (受理 / 登记受理), shown as ``acknowledge_due``."""
    return next((d for d in petition.deadlines if d.key in RECEIPT_KEYS), None)


def _due(petition: Petition, key: str) -> date | None:
    d = petition.deadline(key)
    return d.due if d else None


def deadline_view(d: ReportDeadline) -> dict:
    rule = RULES_BY_KEY[d.key]
    return {
        "key": d.key,
        "label_zh": d.label_zh,
        "amount": d.amount,
        "unit": d.unit,
        "unit_zh": UNITS_ZH[d.unit],
        "counts_from": d.counts_from,
        "start": d.start,
        "due": d.due,
        "provisional": bool(d.provisional),
        "watched": bool(d.watched),
        "met_on": d.met_on,
        "met_by": d.met_by,
        "on_time": d.on_time,
        "waived": bool(d.waived),
        "reminded": bool(d.reminded),
        "overdue_notified": bool(d.overdue_notified),
        "extendable": rule.extension is not None and (d.extensions or 0) < rule.extension.times,
        "extensions": d.extensions or 0,
        "extension_reason": d.extension_reason,
        "original_due": d.original_due,
    }


def _load(store: IntakeStore, principal: Principal | None, petition_id: str) -> Petition:
    petition = store.get(petition_id)
    if petition is None:
        raise PetitionNotFound(fields={"petition_id": "不存在"})
    if principal is not None:
        principal.require_county(petition.county)
        if recusal_problem(principal.subject, petition.subject_official_ids()):
            raise SubjectRecused(fields={"petition_id": "您是该件的被反映人，须回避"})
    return petition


def resolve_reported_subjects(registry: Registry, county: str, subjects: list[dict]) -> list[dict]:
    """Check subjects given by id against the registry; resolve those given by name only when
    exactly one registered official matches (otherwise a clerk resolves them at triage)."""
    resolved = []
    for i, s in enumerate(subjects):
        s = dict(s)
        if s["kind"] == "official":
            if s.get("id"):
                official = registry.get_official(s["id"])
                if official is None:
                    raise ValidationFailed(fields={f"subjects.{i}.id": "人员登记库中没有该编号"})
                s["name"] = s.get("name") or official.get("name")
            else:
                try:
                    matches = registry.find_officials(county, s["name"])
                except RegistryUnavailable:
                    matches = []  # a name can wait for the clerk; the report must not
                official = matches[0] if len(matches) == 1 else None
                if official:
                    s["id"] = official["id"]
            if official:
                s["registered"] = True
                s["commission_staff"] = bool(s.get("commission_staff") or official.get("commission_staff"))
        resolved.append(s)
    return resolved


def check_triaged_subjects(registry: Registry, subjects: list[dict]) -> None:
    """Every official confirmed at triage must be registered, in the county given."""
    for i, s in enumerate(subjects):
        if s["kind"] != "official":
            continue
        official = registry.get_official(s["id"])
        if official is None:
            raise ValidationFailed(fields={f"subjects.{i}.id": "人员登记库中没有该编号"})
        if official.get("county") and official["county"] != s["county"]:
            raise ValidationFailed(fields={f"subjects.{i}.county": "与人员登记库中的地区不一致"})


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


def triage(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    registry: Registry | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> dict:
    """研判: received → triaged, emitting ``petition.triaged`` in the same write; a case clue
    also emits ``clue.transferred``, a suspected malicious report opens a verification."""
    petition = _load(store, principal, petition_id)
    _transition(petition, TRIAGED)
    try:
        decision = decide_triage(payload["outcome"], payload["severity"], payload["subjects"], payload["note"])
    except IntakeRuleError as exc:
        raise ValidationFailed(fields={exc.field: str(exc)}) from None
    if registry is not None:
        check_triaged_subjects(registry, [dict(s) for s in decision.subjects])
    now = clock.now()
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
    _settle(petition, ON_TRIAGE, clock.today())
    _start_deadlines(petition, FROM_ACCEPTED, clock.today(), calendar)
    petition.status = TRIAGED
    petition.subject_keys = sorted(set(petition.subject_keys) | set(subject_keys(decision.subjects)))
    if decision.outcome == "suspected_malicious":
        petition.verification = Verification(status=VERIFICATION_OPEN, opened_at=naive_utc(now))
    envelope = petition.record_event(
        PETITION_TRIAGED,
        {
            "petition_id": petition.id,
            "outcome": decision.outcome,
            "category": petition.category,
            "category_zh": CATEGORY_SHORT_ZH[petition.category],
            "severity": decision.severity,
            "subjects": [dict(s) for s in decision.subjects],
            "triaged_at": rfc3339(now),
        },
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    if decision.transferred_to == "case_handling":
        petition.record_event(
            CLUE_TRANSFERRED,
            {
                "petition_id": petition.id,
                "county": petition.county,
                "subjects": [dict(s) for s in decision.subjects],
                "transferred_to": "case_handling",
                "transferred_at": rfc3339(now),
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


def close(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    calendar: WorkingDayCalendar | None = None,
) -> dict:
    """办结 with an answer the reporter can read: triaged → closed, emitting ``petition.closed``."""
    petition = _load(store, principal, petition_id)
    _transition(petition, CLOSED)
    if petition.verification and petition.verification.status == VERIFICATION_OPEN:
        raise InvalidTransition(
            "疑似恶意举报须先作出核实结论再办结", code="verification_open", fields={"verification": "open"}
        )
    now = clock.now()
    answer = payload["answer"].strip()
    petition.closure = Closure(
        answer=answer, note=payload.get("note", ""), closed_at=naive_utc(now), closed_by=principal.subject
    )
    petition.replies.append(Reply(text=answer, at=naive_utc(now)))
    petition.status = CLOSED
    _close_deadlines(petition, now, calendar)
    envelope = petition.record_event(
        PETITION_CLOSED,
        {"petition_id": petition.id, "outcome": petition.triage.outcome, "closed_at": rfc3339(now), "answered": True},
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    petition.save_versioned()
    log.info("petition %s closed", petition.id, extra={"event_id": envelope["id"], "county": petition.county})
    return report_view(petition)


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


def _duplicate_error(exc: DuplicateRuleError):
    if exc.code in ("not_open", "verification_open", "merged_already"):
        return InvalidTransition(str(exc), code=exc.code, fields={exc.field: str(exc)})
    return ValidationFailed(str(exc), code=exc.code, fields={exc.field: str(exc)})


def _close_deadlines(petition: Petition, now: datetime, calendar: WorkingDayCalendar | None) -> None:
    """Closing answers the open deadlines (受理, 办理) and starts those counted from closing (检举控告:
    a named reporter is told the result within 15 working days)."""
    closed_on = beijing_date(now)
    _settle(petition, ON_CLOSE, closed_on)
    _start_deadlines(petition, FROM_CLOSED, closed_on, calendar)


def _close_with(
    petition: Petition,
    now: datetime,
    principal: Principal,
    kind: str,
    answer: str,
    note: str,
    calendar: WorkingDayCalendar | None = None,
) -> dict:
    """Close with an answer the reporter reads; ``petition.closed`` in the same write."""
    _close_deadlines(petition, now, calendar)
    petition.closure = Closure(
        kind=kind, answer=answer, note=note, closed_at=naive_utc(now), closed_by=principal.subject
    )
    petition.replies.append(Reply(text=answer, at=naive_utc(now)))
    return petition.record_event(
        PETITION_CLOSED,
        {"petition_id": petition.id, "outcome": kind, "closed_at": rfc3339(now), "answered": True},
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )


def merge(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    calendar: WorkingDayCalendar | None = None,
) -> dict:
    """合并办理: confirm a proposed duplicate. The later report closes as ``merged`` with an answer
    naming the earlier one; the earlier lists it (derived from ``merged_into``: one write)."""
    later = _load(store, principal, petition_id)
    earlier = _load(store, principal, payload["into"]) if payload["into"] != petition_id else later
    try:
        check_merge(_rules_report(later), _rules_report(earlier))
    except DuplicateRuleError as exc:
        raise _duplicate_error(exc) from None
    now = clock.now()
    later.status, later.merged_into, later.merged_by = MERGED, earlier.id, payload["confirmed_by"].strip()
    envelope = _close_with(
        later, now, principal, MERGED_OUTCOME, merge_answer(earlier.id), payload.get("note", ""), calendar
    )
    later.save_versioned()
    log.info(
        "petition %s merged into %s",
        later.id,
        earlier.id,
        extra={"event_id": envelope["id"], "county": later.county},
    )
    return report_view(later)


def close_repeated(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal,
    petition_id: str,
    payload: dict,
    calendar: WorkingDayCalendar | None = None,
) -> dict:
    """重复举报了结 (seeds/001 黑龙江): a repeat without new facts closes after a collective review on
    record; ``petition.closed`` with outcome ``repeated_no_new_facts``."""
    petition = _load(store, principal, petition_id)
    review = payload["collective_review"]
    try:
        check_repeated_close(
            _rules_report(petition),
            review["meeting_date"],
            review["participants"],
            review["conclusion"],
            clock.today(),
        )
    except DuplicateRuleError as exc:
        raise _duplicate_error(exc) from None
    now = clock.now()
    petition.collective_review = CollectiveReview(
        meeting_date=review["meeting_date"],
        participants=[p.strip() for p in review["participants"] if p.strip()],
        conclusion=review["conclusion"].strip(),
        recorded_by=principal.subject,
        recorded_at=naive_utc(now),
    )
    petition.status = CLOSED
    answer = (payload.get("answer") or "").strip() or REPEATED_ANSWER
    envelope = _close_with(petition, now, principal, REPEATED_OUTCOME, answer, payload.get("note", ""), calendar)
    petition.save_versioned()
    log.info(
        "petition %s closed as repeated", petition.id, extra={"event_id": envelope["id"], "county": petition.county}
    )
    return report_view(petition)


def record_feedback(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict
) -> dict:
    """反馈: the result was fed back to the named reporter (how, when, by whom, on time or not)."""
    petition = _load(store, principal, petition_id)
    due = petition.deadline(FEEDBACK)
    if due is None:
        raise InvalidTransition(
            "只有已办结的实名检举控告需要反馈结果", code="no_feedback_due", fields={"status": petition.status}
        )
    if petition.feedback:
        raise InvalidTransition("已记录反馈", code="already_fed_back", fields={"feedback": "已记录"})
    now = clock.now()
    petition.feedback = Feedback(
        method=payload["method"],
        note=payload.get("note", "").strip(),
        at=naive_utc(now),
        by=principal.subject,
        on_time=clock.today() <= due.due,
    )
    _settle(petition, ON_FEEDBACK, clock.today())
    petition.save_versioned()
    log.info("petition %s feedback recorded", petition.id, extra={"county": petition.county})
    return report_view(petition)


def extend(store: IntakeStore, principal: Principal, petition_id: str, reason: str, days: int | None = None) -> dict:
    """延期: the handling deadline of an accepted, open 信访 moves once, by at most 30 days, with a
    reason (信访工作条例). A 检举控告 has no extendable deadline."""
    petition = _load(store, principal, petition_id)
    if petition.status != TRIAGED:
        raise InvalidTransition("只有已受理、未办结的件可以延期", code="not_open", fields={"status": petition.status})
    d = next((d for d in petition.deadlines if d.open and RULES_BY_KEY[d.key].extension), None)
    if d is None:
        raise InvalidTransition(
            f"{REPORT_KINDS_ZH[petition.kind]}没有可以延长的期限", code="not_extendable", fields={"kind": petition.kind}
        )
    try:
        due = extend_deadline(RULES_BY_KEY[d.key], d.due, d.extensions or 0, reason, days)
    except IntakeRuleError as exc:
        if exc.field == "extension":
            raise InvalidTransition(str(exc), code="already_extended", fields={"extension": str(exc)}) from None
        raise ValidationFailed(fields={exc.field: str(exc)}) from None
    # An extended deadline is a new one: it gets its own reminder and overdue notice.
    d.original_due = d.original_due or d.due
    d.due, d.extensions = due, (d.extensions or 0) + 1
    d.extension_reason, d.extended_by = reason.strip(), principal.subject
    d.reminded = d.overdue_notified = False
    petition.save_versioned()
    return report_view(petition)


def statistics(store: IntakeStore, principal: Principal, query: dict, calendar: WorkingDayCalendar) -> dict:
    """Counts, plus working days from receipt to acceptance (triage) and to closure."""
    principal.require_county(query["county"])
    rows = store.tally_rows(query["county"], query.get("since"), query.get("until"))

    def working_days(row, key):
        return calendar.working_days_between(row["received_on"], beijing_date(row[key]))[0]

    return {
        "county": query["county"],
        **tally(rows),
        "working_days_to_acceptance": durations(working_days(r, "triaged_at") for r in rows if r["triaged_at"]),
        "working_days_to_closure": durations(working_days(r, "closed_at") for r in rows if r["closed_at"]),
    }


def statistics_csv(stats: dict) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(stats["county"], stats))
    return buffer.getvalue()


def get_report(store: IntakeStore, principal: Principal, petition_id: str) -> dict:
    petition = _load(store, principal, petition_id)
    return dict(report_view(petition), merged_reports=store.merged_reports(petition.id))


def get_attachment(store: IntakeStore, principal: Principal, petition_id: str, n: str):
    """An attachment's content for staff of the county (recusal applies): (meta, bytes)."""
    petition = _load(store, principal, petition_id)
    stored = store.attachment(petition.id, int(n)) if n.isdigit() else None
    if stored is None:
        raise AttachmentNotFound(fields={"n": "不存在"})
    return stored


def list_reports(store: IntakeStore, principal: Principal, query: dict) -> list[dict]:
    principal.require_county(query["county"])
    petitions = store.search(
        query["county"],
        status=query.get("status"),
        channel=query.get("channel"),
        category=query.get("category"),
        limit=query.get("limit", 100),
        offset=query.get("offset", 0),
        not_about=principal.subject,
    )
    return [report_view(p) for p in petitions]


def report_view(petition: Petition) -> dict:
    """Staff view. Built field by field so the sealed reporter and receipt can never leak."""
    triage_view = None
    handle = petition.deadline(HANDLE)
    receipt = _receipt_deadline(petition)
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
            "handle_due": handle.due if handle else None,
            "extended": bool(handle and handle.extensions),
            "extension_reason": handle.extension_reason if handle else None,
        }
    closure_view = None
    if petition.closure:
        c = petition.closure
        closure_view = {
            "kind": c.kind or "answered",
            "answer": c.answer,
            "note": c.note,
            "closed_at": c.closed_at,
            "closed_by": c.closed_by,
        }
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
                "registered": bool(s.registered),
            }
            for s in petition.subjects
        ],
        "about_commission_staff": any(s.commission_staff or s.commission_leader for s in petition.subjects),
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
        "kind": petition.kind,
        "kind_zh": REPORT_KINDS_ZH[petition.kind],
        "rules_zh": REPORT_KIND_RULES_ZH[petition.kind],
        "rules_version": petition.rules_version,
        "forwarded": bool(petition.forwarded),
        "forwarded_from": petition.forwarded_from,
        "forwarded_on": petition.forwarded_on,
        "deadlines": [deadline_view(d) for d in petition.deadlines],
        "acknowledge_due": receipt.due if receipt else None,
        "acknowledge_due_provisional": bool(receipt and receipt.provisional),
        "triage": triage_view,
        "closure": closure_view,
        "send_up_due": _due(petition, SEND_UP),
        "sent_up": _embedded(petition.sent_up, ("organ", "reason", "due", "on_time", "sent_at", "sent_by")),
        "verification": _verification_view(petition.verification),
        "clarification": _embedded(petition.clarification, ("text", "by", "at")),
        "deadline_notices": list(petition.notices),
        "additions": [{"text": a.text, "at": a.at} for a in petition.additions],
        "feedback_due": _due(petition, FEEDBACK),
        "feedback": _embedded(petition.feedback, ("method", "note", "at", "by", "on_time")),
        "merged_into": petition.merged_into,
        "merged_by": petition.merged_by,
        "merged_reports": [],
        "collective_review": _embedded(
            petition.collective_review, ("meeting_date", "participants", "conclusion", "recorded_by", "recorded_at")
        ),
        "attachments": [
            {"n": a.n, "file_name": a.file_name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in petition.attachments
        ],
    }


VERIFICATION_ZH = {
    VERIFICATION_OPEN: "核实中",
    VERIFICATION_CONFIRMED: "经核实属恶意举报，已为被反映人澄清正名",
    VERIFICATION_NOT_CONFIRMED: "经核实不属恶意举报",
}


def _embedded(doc, keys) -> dict | None:
    return {k: getattr(doc, k) for k in keys} if doc else None


def _verification_view(v) -> dict | None:
    view = _embedded(v, ("status", "opened_at", "concluded_at", "concluded_by", "note"))
    if view:
        view["status_zh"] = VERIFICATION_ZH[v.status]
    return view


def _by_receipt(store: IntakeStore, receipt_code: str) -> Petition:
    prefix = lookup_prefix(receipt_code)
    candidates = store.by_receipt_prefix(prefix) if prefix else []
    if not candidates:
        verify_receipt_code(receipt_code, _decoy_receipt())
    for petition in candidates:
        if verify_receipt_code(receipt_code, petition.receipt.to_domain()):
            return petition
    raise ReceiptNotFound()


def _due_receipt(petition: Petition) -> date | None:
    receipt = _receipt_deadline(petition)
    return receipt.due if receipt else None


def _receipt_view(petition: Petition) -> dict:
    return {
        "status": petition.status,
        "status_zh": REPORTER_STATUSES_ZH[petition.status],
        "category_zh": CATEGORY_SHORT_ZH[petition.category],
        "received_on": petition.received_on,
        "acknowledge_due": _due_receipt(petition),
        "replies": [{"text": r.text, "at": r.at} for r in petition.replies],
        "additions": len(petition.additions),
    }


def lookup_receipt(store: IntakeStore, receipt_code: str) -> dict:
    """What an anonymous reporter may see: status and replies, never the triage outcome."""
    return _receipt_view(_by_receipt(store, receipt_code))


MAX_ADDITIONS = 20


def add_information(store: IntakeStore, clock: SystemClock, receipt_code: str, text: str) -> dict:
    """补充材料: with the receipt code an anonymous reporter adds information to an open report;
    appended to it and shown to staff. Nothing about the reporter is recorded."""
    petition = _by_receipt(store, receipt_code)
    if petition.status not in (RECEIVED, TRIAGED):
        raise InvalidTransition(
            "该件已办结或已转送，如有新的问题请重新举报", code="not_open", fields={"status": petition.status}
        )
    if len(petition.additions) >= MAX_ADDITIONS:
        raise InvalidTransition(
            f"每件最多补充 {MAX_ADDITIONS} 次", code="too_many_additions", fields={"content": "补充次数已满"}
        )
    petition.additions.append(Addition(text=text.strip(), at=naive_utc(clock.now())))
    petition.save_versioned()
    log.info("petition %s supplemented", petition.id, extra={"county": petition.county})
    return _receipt_view(petition)


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


# -- routing: sending a report up --------------------------------------------------------------
def send_up(store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict) -> dict:
    """转送上级: a report that belongs to the level above goes there within 5 working days of
    receipt; the reporter is told where it went (their answer), ``petition.sent_up`` emitted."""
    petition = _load(store, principal, petition_id)
    if petition.status != RECEIVED:
        raise InvalidTransition("只有尚未受理的件可以转送上级", code="not_received", fields={"status": petition.status})
    now, today = clock.now(), clock.today()
    organ = payload["organ"].strip()
    due = (petition.deadline(SEND_UP) or _receipt_deadline(petition)).due
    _settle(petition, ON_SEND_UP, today)
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
        subject=f"petition/{petition.id}",
        county=petition.county,
        now=now,
    )
    petition.save_versioned()
    log.info("petition %s sent up", petition.id, extra={"event_id": envelope["id"], "county": petition.county})
    return report_view(petition)


# -- suspected malicious reports -----------------------------------------------------------------
def conclude_verification(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, payload: dict
) -> dict:
    """核实结论 (seeds/003): when a malicious report is confirmed, the accused is cleared on the
    record (澄清正名: who, when, the text)."""
    petition = _load(store, principal, petition_id)
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
    petition.save_versioned()
    log.info("petition %s verification concluded", petition.id, extra={"county": petition.county})
    return report_view(petition)


# -- clocks ----------------------------------------------------------------------------------------
def check_deadlines(
    store: IntakeStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar,
    reminder_days: dict[str, int] | None = None,
) -> dict:
    """Early reminders before each open deadline (N days before, in the deadline's own unit) and
    one ``petition.overdue`` per missed deadline, for every kind of report; each written with the
    petition (the deadline's flags, the note of what was sent and the event: one write)."""
    reminder_days = dict(REMINDER_DAYS, **(reminder_days or {}))
    today, now = clock.today(), clock.now()
    longest = max(reminder_days.values())
    cutoff = max(calendar.add_working_days(today, longest).date, today + timedelta(days=longest))

    def between(a: date, b: date) -> int:
        return calendar.working_days_between(a, b)[0]

    reminded, overdue = 0, []
    for petition in store.open_deadlines(cutoff):
        watched = {d.key: d for d in petition.deadlines if d.open and d.watched}
        sent = set(petition.notices)
        for d in watched.values():  # the flags say what was sent for the deadline as it is now
            if d.reminded:
                sent.add(f"reminder:{d.key}:{d.due.isoformat()}")
            if d.overdue_notified:
                sent.add(f"overdue:{d.key}:{d.due.isoformat()}")
        open_ = [OpenDeadline(d.key, d.due, d.unit) for d in watched.values()]
        notices = due_notices(today, open_, sent, between, reminder_days)
        if not notices:
            continue
        for n in notices:
            common = {
                "petition_id": petition.id,
                "county": petition.county,
                "kind": n.kind,
                "report_kind": petition.kind,
                "label_zh": watched[n.kind].label_zh,
                "unit": n.unit,
                "due": n.due.isoformat(),
            }
            if n.action == OVERDUE:
                data = dict(
                    common,
                    working_days_overdue=max(n.working_days, 1),
                    days_overdue=max(n.days, 1),
                    detected_at=rfc3339(now),
                )
                petition.record_event(
                    PETITION_OVERDUE, data, subject=f"petition/{petition.id}", county=petition.county, now=now
                )
                watched[n.kind].overdue_notified = True
            else:
                data = dict(common, working_days_left=n.working_days, days_left=n.days)
                petition.record_event(
                    PETITION_DEADLINE_APPROACHING,
                    data,
                    subject=f"petition/{petition.id}",
                    county=petition.county,
                    now=now,
                )
                watched[n.kind].reminded = True
            petition.notices.append(n.key)
        try:
            petition.save_versioned()
        except Conflict:
            continue  # changed meanwhile (perhaps answered): looked at again on the next tick
        for n in notices:
            if n.action == OVERDUE:
                overdue.append((petition.county, n.kind))
            else:
                reminded += 1
    return {"reminded": reminded, "overdue": overdue}


# -- opening a named reporter's identity ---------------------------------------------------------
def _actor(principal: Principal) -> Actor:
    return Actor(principal.subject, frozenset(principal.roles))


IDENTITY_RULE_STATUS = {"reason_required": ValidationFailed, "not_pending": InvalidTransition}


def _refuse(
    store: IntakeStore, clock: SystemClock, exc: IdentityRuleError, request: IdentityRequest | None = None, **entry
) -> None:
    """Audit the refused attempt (in the request when there is one, else on its own: either way
    one write), then raise the matching error (the message names no one)."""
    at = naive_utc(clock.now())
    if request is not None:
        store.push_audit(request, at=at, actor=entry["actor"], action=entry["action"], outcome=DENIED, code=exc.code)
    else:
        store.audit(at=at, outcome=DENIED, code=exc.code, **entry)
    error = IDENTITY_RULE_STATUS.get(exc.code, IdentityForbidden)
    if exc.code == "no_identity_on_file":
        error = InvalidTransition
    raise error(str(exc), code=exc.code, fields={exc.field: str(exc)})


def request_identity(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, reason: str
) -> dict:
    petition = store.get(petition_id)
    if petition is None:
        raise PetitionNotFound(fields={"petition_id": "不存在"})
    principal.require_county(petition.county)
    entry = {"actor": principal.subject, "action": REQUESTED, "petition_id": petition.id, "county": petition.county}
    try:
        check_request(_actor(principal), petition.subject_official_ids(), petition.reporter is None, reason)
    except IdentityRuleError as exc:
        _refuse(store, clock, exc, **entry)
    now = naive_utc(clock.now())
    request = IdentityRequest(
        id=f"IR-{secrets.token_hex(6).upper()}",
        petition_id=petition.id,
        county=petition.county,
        reason=reason.strip(),
        status=PENDING,
        requested_by=principal.subject,
        requested_at=now,
    )
    request.add_audit(now, principal.subject, REQUESTED, ALLOWED)
    request.save_versioned()  # the request and its audit entry: one insert
    log.info("identity request %s for petition %s", request.id, petition.id, extra={"county": petition.county})
    return identity_request_view(request)


def _load_request(store: IntakeStore, principal: Principal, request_id: str) -> tuple[IdentityRequest, Petition]:
    request = store.get_request(request_id)
    if request is None:
        raise IdentityRequestNotFound(fields={"request_id": "不存在"})
    principal.require_county(request.county)
    return request, store.get(request.petition_id)


def decide_identity_request(
    store: IntakeStore, clock: SystemClock, principal: Principal, request_id: str, approve: bool, note: str = ""
) -> dict:
    """A second, different supervisor approves or refuses."""
    request, petition = _load_request(store, principal, request_id)
    action = APPROVED if approve else REFUSED
    entry = {
        "actor": principal.subject,
        "action": action,
        "petition_id": request.petition_id,
        "request_id": request.id,
        "county": request.county,
    }
    try:
        check_decision(_actor(principal), request.requested_by, request.status, petition.subject_official_ids())
    except IdentityRuleError as exc:
        _refuse(store, clock, exc, request, **entry)
    now = naive_utc(clock.now())
    request.status, request.decided_by, request.decided_at, request.decision_note = (
        action,
        principal.subject,
        now,
        note.strip(),
    )
    request.add_audit(now, principal.subject, action, ALLOWED)
    request.save_versioned()  # the decision and its audit entry: one write
    log.info("identity request %s %s", request.id, action, extra={"county": request.county})
    return identity_request_view(request)


def open_identity(
    store: IntakeStore, clock: SystemClock, keyring: Keyring | None, principal: Principal, request_id: str
) -> dict:
    """The requester reads the reporter's details once approved. The access is audited before
    anything is decrypted (no audit, no access); the details are never logged."""
    request, petition = _load_request(store, principal, request_id)
    entry = {
        "actor": principal.subject,
        "action": ACCESSED,
        "petition_id": request.petition_id,
        "request_id": request.id,
        "county": request.county,
    }
    try:
        check_access(_actor(principal), request.requested_by, request.status, petition.subject_official_ids())
    except IdentityRuleError as exc:
        _refuse(store, clock, exc, request, **entry)
    if keyring is None:
        raise EncryptionUnavailable()
    request.add_audit(naive_utc(clock.now()), principal.subject, ACCESSED, ALLOWED)
    request.accesses = (request.accesses or 0) + 1
    request.save_versioned()  # audited (and counted) before anything is decrypted; a conflict: no access
    details = keyring.open(petition.id, petition.reporter.to_domain())
    return {"request_id": request.id, "petition_id": petition.id, "reporter": details}


def identity_request_view(request: IdentityRequest) -> dict:
    return {
        "request_id": request.id,
        "petition_id": request.petition_id,
        "county": request.county,
        "reason": request.reason,
        "status": request.status,
        "status_zh": REQUEST_STATUSES_ZH[request.status],
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "decision_note": request.decision_note or "",
    }


def audit_log(store: IntakeStore, principal: Principal, query: dict) -> list[dict]:
    principal.require_county(query["county"])
    since = datetime.combine(query["since"], datetime.min.time()) if query.get("since") else None
    until = datetime.combine(query["until"] + timedelta(days=1), datetime.min.time()) if query.get("until") else None
    entries = store.audit_entries(query["county"], since, until, query.get("limit", 100), query.get("offset", 0))
    return [{k: v for k, v in e.items() if k != "key"} for e in entries]


# -- RPC for other services: status and deadlines, never identity or content ------------------------
def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _outcome(petition: Petition) -> str | None:
    if petition.closure and (petition.closure.kind or "answered") != "answered":
        return petition.closure.kind
    return petition.triage.outcome if petition.triage else None


def report_status(store: IntakeStore, petition_id: str) -> dict | None:
    """A report's status and deadlines for another service; None when unknown."""
    petition = store.get(petition_id)
    if petition is None:
        return None
    receipt = _receipt_deadline(petition)
    handle = petition.deadline(HANDLE)
    return {
        "petition_id": petition.id,
        "county": petition.county,
        "category": petition.category,
        "kind": petition.kind,
        "status": petition.status,
        "outcome": _outcome(petition),
        "received_on": _iso(petition.received_on),
        "acknowledge_due": _iso(receipt.due) if receipt else None,
        "acknowledge_due_provisional": bool(receipt and receipt.provisional),
        "send_up_due": _iso(_due(petition, SEND_UP)) if petition.status == RECEIVED else None,
        "handle_due": _iso(handle.due) if handle else None,
        "extended": bool(handle and handle.extensions),
        "closed_at": rfc3339(petition.closure.closed_at.replace(tzinfo=UTC)) if petition.closure else None,
        "feedback_due": _iso(_due(petition, FEEDBACK)),
        "fed_back": petition.feedback is not None,
        "rules_version": petition.rules_version,
        "deadlines": [
            {
                "key": d.key,
                "label_zh": d.label_zh,
                "unit": d.unit,
                "due": _iso(d.due),
                "provisional": bool(d.provisional),
                "met_on": _iso(d.met_on),
                "waived": bool(d.waived),
                "overdue_notified": bool(d.overdue_notified),
            }
            for d in petition.deadlines
        ],
        "merged_into": petition.merged_into,
        "overdue_notices": [n for n in petition.notices if n.startswith("overdue:")],
    }


def reports_about(store: IntakeStore, official_id: str, limit: int = 500) -> list[dict]:
    """Reports naming an official: ids, categories, statuses, outcomes. No identity, no content."""
    return [
        {
            "petition_id": p.id,
            "county": p.county,
            "category": p.category,
            "status": p.status,
            "outcome": _outcome(p),
            "received_on": _iso(p.received_on),
            "closed_at": rfc3339(p.closure.closed_at.replace(tzinfo=UTC)) if p.closure else None,
        }
        for p in store.about_official(official_id, limit)
    ]
