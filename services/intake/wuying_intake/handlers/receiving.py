"""Receiving reports (受理登记) from every channel: the public portal and staff entry of letters,
visits, calls, special supervisors' and information officers' reports (seeds/002 篇1 ⑴① 外网廉情
信息收集; 篇5 一 预警网络布局 and 二 预警信息采集; seeds/000 H 聘请监督员), with their attachments
and their kind (检举控告 or 信访) and deadlines (seeds/000 B). Reporters are protected from the
first moment: a named reporter is sealed, an anonymous one gets a receipt code (seeds/003: reports
must be safe to make). Duplicates are proposed and routing decided on arrival (seeds/001 黑龙江;
seeds/000 H)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import SystemClock, naive_utc, rfc3339
from wuying_common.rules import RuleBroken, UnprocessableInput

from ..domain.acknowledgement import AckSigner
from ..domain.attachments import Limits, check_attachments
from ..domain.deadlines import DISCIPLINE_REPORT, FROM_FORWARDED_RECEIVED, FROM_RECEIVED, RULES_VERSION
from ..domain.petition import RECEIVED
from ..domain.protection import Keyring, ReceiptHasher, new_receipt_code
from ..domain.routing import is_commission_leader
from ..domain.screening import DUPLICATE_WINDOW_DAYS, ROUTE_STANDARD, duplicate_candidates, route_for, subject_keys
from ..exceptions import EncryptionUnavailable, RegistryUnavailable
from ..persistence import (
    Assignment,
    AttachmentMeta,
    DuplicateCandidate,
    IntakeStore,
    Petition,
    Receipt,
    ReportedSubject,
    SealedReporter,
)
from ..schemas import PETITION_RECEIVED
from .common import Registry, start_deadlines

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submitted:
    """A report just received and its receipt code: shown this once, stored only as a hash.
    ``SubmitResultSchema`` reads the petition's fields through it."""

    petition: Petition
    receipt_code: str | None = None
    verification_code: str | None = None  # of the printable acknowledgement (not secret)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.petition, name)


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
    signer: AckSigner | None = None,
    receipts: ReceiptHasher | None = None,
) -> Submitted:
    """Receive a report (受理登记); anonymous reporters get their receipt code, once, kept as a
    hash by ``receipts`` (the service's keyed ``ReceiptHasher``; without one, scrypt).

    With a ``registry`` (staff entry) subjects given by id must be registered officials, and a
    subject given by name only is resolved when exactly one registered official matches."""
    if not payload["anonymous"] and keyring is None:
        raise EncryptionUnavailable(fields={"reporter": "实名举报人信息无法加密保存"})
    received_on = _received_on(payload, clock.today())
    attachments = payload.get("attachments") or []
    check_attachments(attachments, limits or Limits())  # too large: 413 (the rule's status)
    subjects = [dict(s) for s in payload["subjects"]]
    if registry is not None:
        subjects = resolve_reported_subjects(registry, payload["county"], subjects)
    now = clock.now()
    petition = _new_petition(payload, subjects, channel, recorded_by, received_on, now, clock.today())
    _assign_on_routing(petition, recorded_by, now)
    petition.duplicate_candidates = _duplicates(store, petition, payload["content"])
    start_deadlines(petition, FROM_RECEIVED, received_on, calendar)
    start_deadlines(petition, FROM_FORWARDED_RECEIVED, received_on, calendar)
    receipt_code = _protect_reporter(petition, payload.get("reporter"), keyring, receipts or ReceiptHasher())
    envelope = petition.record_event(
        PETITION_RECEIVED,
        {
            "petition_id": petition.id,
            "channel": channel,
            "category": petition.category,
            "county": petition.county,
            "received_at": rfc3339(now),
            "anonymous": petition.anonymous,
            "subject_count": len(petition.subjects),
        },
        now=now,
    )
    store.add_report(petition, attachments)
    log.info(
        "petition %s received via %s",
        petition.id,
        channel,
        extra={"event_id": envelope["id"], "county": petition.county},
    )
    code = signer.code(petition.id, petition.received_on) if signer else None
    return Submitted(petition, receipt_code, code)


def _received_on(payload: dict, today: date) -> date:
    """The day it arrived (staff entry may give an earlier day; never a later one)."""
    received_on = payload.get("received_on") or today
    # Dates against today and each other: rules JSON Schema cannot state, 422 (UnprocessableInput).
    if received_on > today:
        raise UnprocessableInput("received_on", "收件日期不能晚于今天", "date_in_future")
    if payload.get("forwarded") and payload.get("forwarded_on") and payload["forwarded_on"] > received_on:
        raise UnprocessableInput("forwarded_on", "转来日期不能晚于收件日期", "forwarded_after_received")
    return received_on


def _new_petition(
    payload: dict,
    subjects: list[dict],
    channel: str,
    recorded_by: str | None,
    received_on: date,
    now: datetime,
    today: date,
) -> Petition:
    forwarded = bool(payload.get("forwarded"))
    return Petition(
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
        subject_keys=subject_keys(subjects),
        routing=route_for(subjects),
        anonymous=payload["anonymous"],
        received_on=received_on,
        received_at=naive_utc(now),
        recorded_by=recorded_by,
        kind=payload.get("kind") or DISCIPLINE_REPORT,
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
            for n, a in enumerate(payload.get("attachments") or [])
        ],
    )


def _assign_on_routing(petition: Petition, recorded_by: str | None, now: datetime) -> None:
    """Routing sets the first assignee (seeds/000 H): a staff entry of an ordinary report is
    assigned to the clerk who entered it; a report for the commission leaders or the principal
    leader, and every portal report, waits for its assignment (``handlers.casework.assign``)."""
    if recorded_by and petition.routing == ROUTE_STANDARD:
        petition.assignee = recorded_by
        petition.assignments.append(
            Assignment(
                assignee=recorded_by, routing=petition.routing, by=recorded_by, at=naive_utc(now), reason="登记人承办"
            )
        )


def _duplicates(store: IntakeStore, petition: Petition, content: str) -> list[DuplicateCandidate]:
    """Earlier reports about the same subjects in the county, proposed as duplicates (people
    decide: seeds/001 黑龙江)."""
    since = petition.received_on - timedelta(days=DUPLICATE_WINDOW_DAYS)
    earlier = store.about_subjects_since(petition.county, list(petition.subject_keys), since)
    return [
        DuplicateCandidate(petition_id=c.petition_id, similarity=c.similarity)
        for c in duplicate_candidates(content, earlier)
    ]


def _protect_reporter(
    petition: Petition, reporter: dict | None, keyring: Keyring | None, receipts: ReceiptHasher
) -> str | None:
    """Seal a named reporter's details; give an anonymous one a receipt code (returned once)."""
    if petition.anonymous:
        receipt_code = new_receipt_code()
        petition.receipt = Receipt.from_domain(receipts.hash(receipt_code))
        return receipt_code
    if keyring is None or reporter is None:  # refused on arrival already; never stored in clear
        raise EncryptionUnavailable(fields={"reporter": "实名举报人信息无法加密保存"})
    details = {k: v for k, v in reporter.items() if v is not None}
    petition.reporter = SealedReporter.from_domain(keyring.seal(petition.id, details))
    return None


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
                    # the state of the registry (register the official first): 409
                    raise RuleBroken(f"subjects.{i}.id", "人员登记库中没有该编号", "unknown_official")
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
                # The flags come from the registry (a leader: commission staff in a leadership
                # post, ``domain/routing.py``); staff may add what they know, the public never.
                s["registered"] = True
                s["commission_staff"] = bool(s.get("commission_staff") or official.get("commission_staff"))
                s["commission_leader"] = bool(s.get("commission_leader") or is_commission_leader(official))
        resolved.append(s)
    return resolved
