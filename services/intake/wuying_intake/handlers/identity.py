"""Opening a named reporter's identity, four eyes and audited (seeds/003: the accused must never
learn who reported; seeds/000 H: who supervises the supervisors): a request with a reason, the
decision of a second supervisor, the requester's audited reading; the audit trail; and key
rotation (resealing reporters under the current key)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Forbidden
from wuying_common.paging import Page, page_of

from ..domain.identity import (
    ACCESSED,
    ALLOWED,
    APPROVED,
    DENIED,
    PENDING,
    REFUSED,
    REQUESTED,
    Actor,
    IdentityRuleError,
    check_access,
    check_decision,
    check_request,
    may_decide,
)
from ..domain.protection import Keyring
from ..exceptions import EncryptionUnavailable, IdentityRequestNotFound
from ..persistence import IdentityRequest, IntakeStore, Petition, SealedReporter
from .common import find_petition

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedIdentity:
    """The reporter's details for the approved requester (``IdentityOutSchema``); never logged."""

    request_id: str
    petition_id: str
    reporter: dict


def _actor(principal: Principal) -> Actor:
    return Actor(principal.subject, frozenset(principal.roles), principal.name)


def _refuse(
    store: IntakeStore, clock: SystemClock, exc: IdentityRuleError, request: IdentityRequest | None = None, **entry
) -> NoReturn:
    """Audit the refused attempt (in the request when there is one, else on its own: either way
    one write), then refuse with the rule itself: 403 when it is about who asks (its
    ``status``), else 400 or 409. The message names no one."""
    at = naive_utc(clock.now())
    if request is not None:
        store.push_audit(request, at=at, actor=entry["actor"], action=entry["action"], outcome=DENIED, code=exc.code)
    else:
        store.audit(at=at, outcome=DENIED, code=exc.code, **entry)
    raise exc


def audit_denied(
    store: IntakeStore,
    clock: SystemClock,
    principal: Principal | None,
    error: Exception,
    action: str,
    *,
    request_id: str | None = None,
    petition_id: str | None = None,
) -> NoReturn:
    """A refusal decided before the use case (no or bad token, a role or a token's scope the
    authorisation matrix does not grant, a county outside the token) is audited all the same,
    against the request or the report it aimed at; then it is raised. An id that names nothing
    is a 404 with nothing to audit."""
    actor = principal.subject if principal is not None else "anonymous"
    code = getattr(error, "code", type(error).__name__)
    at = naive_utc(clock.now())
    if request_id is not None:
        request = store.get_request(request_id)
        if request is None:
            raise IdentityRequestNotFound(fields={"request_id": "不存在"})
        store.push_audit(request, at=at, actor=actor, action=action, outcome=DENIED, code=code)
    elif petition_id is not None:
        petition = find_petition(store, petition_id)
        store.audit(
            at=at,
            actor=actor,
            action=action,
            outcome=DENIED,
            code=code,
            petition_id=petition.id,
            county=petition.county,
        )
    log.info("identity %s denied (%s)", action, code)
    raise error


def _require_county(store: IntakeStore, clock: SystemClock, principal: Principal, county: str, action: str, **ids):
    try:
        principal.require_county(county)
    except Forbidden as exc:
        audit_denied(store, clock, principal, exc, action, **ids)


def request_identity(
    store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, reason: str
) -> IdentityRequest:
    petition = find_petition(store, petition_id)
    _require_county(store, clock, principal, petition.county, REQUESTED, petition_id=petition.id)
    entry = {"actor": principal.subject, "action": REQUESTED, "petition_id": petition.id, "county": petition.county}
    try:
        check_request(
            _actor(principal),
            petition.subject_official_ids(),
            petition.reporter is None,
            reason,
            petition.subject_names(),
        )
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
    store.add(request)  # the request and its audit entry: one insert
    log.info("identity request %s for petition %s", request.id, petition.id, extra={"county": petition.county})
    return request


def _load_request(
    store: IntakeStore, clock: SystemClock, principal: Principal, request_id: str, action: str
) -> tuple[IdentityRequest, Petition]:
    request = store.get_request(request_id)
    if request is None:
        raise IdentityRequestNotFound(fields={"request_id": "不存在"})
    _require_county(store, clock, principal, request.county, action, request_id=request.id)
    return request, find_petition(store, request.petition_id)


def _step(principal: Principal, request: IdentityRequest, action: str) -> dict:
    return {
        "actor": principal.subject,
        "action": action,
        "petition_id": request.petition_id,
        "request_id": request.id,
        "county": request.county,
    }


def decide_identity_request(
    store: IntakeStore, clock: SystemClock, principal: Principal, request_id: str, approve: bool, note: str = ""
) -> IdentityRequest:
    """A second, different supervisor approves or refuses."""
    action = APPROVED if approve else REFUSED
    request, petition = _load_request(store, clock, principal, request_id, action)
    try:
        check_decision(
            _actor(principal),
            request.requested_by,
            request.status,
            petition.subject_official_ids(),
            petition.subject_names(),
        )
    except IdentityRuleError as exc:
        _refuse(store, clock, exc, request, **_step(principal, request, action))
    now = naive_utc(clock.now())
    request.status, request.decided_by, request.decided_at = action, principal.subject, now
    request.decision_note = note.strip()
    request.add_audit(now, principal.subject, action, ALLOWED)
    store.save(request)  # the decision and its audit entry: one write
    log.info("identity request %s %s", request.id, action, extra={"county": request.county})
    return request


# Pending requests read for one worklist (a commission decides a handful a week).
PENDING_READ = 1000


def awaiting_decision(store: IntakeStore, principal: Principal, query: dict) -> Page:
    """The pending requests of a scope that this supervisor may decide, oldest first: not their
    own, not about them (four eyes, recusal — the same rule as the decision itself). A city or
    province rolls up over its counties."""
    counties = principal.counties_in(query["county"])
    actor = _actor(principal)
    found = []
    for request in store.identity_requests(counties, PENDING, PENDING_READ):
        petition = store.get_petition(request.petition_id)
        if petition is not None and may_decide(
            actor, request.requested_by, request.status, petition.subject_official_ids(), petition.subject_names()
        ):
            found.append(request)
    return page_of(found, query, key=lambda r: (r.requested_at, r.id))


def open_identity(
    store: IntakeStore, clock: SystemClock, keyring: Keyring | None, principal: Principal, request_id: str
) -> OpenedIdentity:
    """The requester reads the reporter's details once approved. The access is audited before
    anything is decrypted (no audit, no access); the details are never logged."""
    request, petition = _load_request(store, clock, principal, request_id, ACCESSED)
    try:
        check_access(
            _actor(principal),
            request.requested_by,
            request.status,
            petition.subject_official_ids(),
            petition.subject_names(),
        )
    except IdentityRuleError as exc:
        _refuse(store, clock, exc, request, **_step(principal, request, ACCESSED))
    if keyring is None:
        raise EncryptionUnavailable()
    request.add_audit(naive_utc(clock.now()), principal.subject, ACCESSED, ALLOWED)
    request.accesses = (request.accesses or 0) + 1
    store.save(request)  # audited (and counted) before anything is decrypted; a conflict: no access
    details = keyring.open(petition.id, petition.reporter.to_domain())
    return OpenedIdentity(request.id, petition.id, details)


def audit_log(store: IntakeStore, principal: Principal, query: dict) -> Page:
    """A page of the identity audit of a division, the newest first (a city or province rolls up)."""
    counties = principal.counties_in(query["county"])
    since = datetime.combine(query["since"], datetime.min.time()) if query.get("since") else None
    until = datetime.combine(query["until"] + timedelta(days=1), datetime.min.time()) if query.get("until") else None
    entries = page_of(store.audit_entries(counties, since, until), query, key=_newest_first)
    return Page([{k: v for k, v in e.items() if k != "key"} for e in entries], entries.next)


def _newest_first(row: dict) -> tuple[float, int]:
    """An audit row's position, the newest first: its time, then its ObjectId key (later first)."""
    return (-row["at"].timestamp(), -int(row["key"], 16))


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
        store.save(petition)
        resealed += 1
    return {"resealed": resealed, "current_kid": keyring.current}
