"""Importing a commission's historical reports from its previous system (历史信访件导入): reports
already accepted or closed there, written in bulk as intake would hold them had they been
received here (件件有着落, seeds/000 B: their deadlines counted under the rule of their kind and
answered by what happened to them), with their tallies, and WITHOUT events: the other services
import their own history (their own bulk paths), and a year of ``petition.triaged`` replayed
would raise warnings anew.

The reporter is protected as on arrival (seeds/003): a named reporter's details are sealed with
the reporter keyring (the petition id bound in), never logged or answered; an anonymous report
has no receipt code (the previous system's codes cannot be carried over: the reporter follows
up there, or files again)."""

from __future__ import annotations

import logging
from datetime import datetime, time

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import CST, SystemClock, beijing_date, naive_utc
from wuying_common.rules import UnprocessableInput

from ..domain.deadlines import (
    FROM_ACCEPTED,
    FROM_CLOSED,
    FROM_RECEIVED,
    ON_ACKNOWLEDGED,
    ON_CLOSE,
    ON_FEEDBACK,
    ON_TRIAGE,
)
from ..domain.protection import Keyring
from ..domain.screening import subject_keys
from ..exceptions import EncryptionUnavailable
from ..persistence import Closure, IntakeStore, Petition, Reply, ResolvedSubject, SealedReporter, Triage
from .common import settle, start_deadlines
from .receiving import _new_petition
from .retention import start_retention

log = logging.getLogger(__name__)


def import_reports(
    store: IntakeStore,
    clock: SystemClock,
    calendar: WorkingDayCalendar | None,
    keyring: Keyring | None,
    principal: Principal,
    reports: list[dict],
) -> dict:
    """Check the whole batch (the counties the caller covers, dates against today and each other,
    ids unique in the batch, a keyring for named reporters), then write it in one bulk insert:
    nothing is written when any report is refused. Reports whose id is already stored are
    skipped (a batch sent again after a failure is harmless)."""
    today = clock.today()
    seen: set[str] = set()
    for i, report in enumerate(reports):
        check_historical(principal, report, today, f"reports.{i}", seen)
        if not report["anonymous"] and keyring is None:
            raise EncryptionUnavailable(fields={f"reports.{i}.reporter": "实名举报人信息无法加密保存"})
    petitions = [historical_petition(r, principal, calendar, keyring) for r in reports]
    taken = store.import_reports(petitions)
    log.info("%d historical reports imported, %d already stored", len(petitions) - len(taken), len(taken))
    return {"received": len(reports), "imported": len(petitions) - len(taken), "skipped": sorted(taken)}


def check_historical(principal: Principal, report: dict, today, at: str, seen: set[str]) -> None:
    """The rules between a historical report's fields and against today (422 naming the field)."""
    principal.require_county(report["county"], field=f"{at}.county")
    if report["petition_id"] in seen:
        raise UnprocessableInput(f"{at}.petition_id", "同一批次中件号重复", "duplicate_in_batch")
    seen.add(report["petition_id"])
    received_on = report["received_on"]
    accepted_on = beijing_date(report["triage"]["triaged_at"])
    closed_on = beijing_date(report["closure"]["closed_at"]) if report.get("closure") else None
    steps = [
        (f"{at}.received_on", received_on, "收件日期"),
        (f"{at}.triage.triaged_at", accepted_on, "受理时间"),
        (f"{at}.closure.closed_at", closed_on, "办结时间"),
        (f"{at}.acknowledged_on", report.get("acknowledged_on"), "受理告知日期"),
        (f"{at}.fed_back_on", report.get("fed_back_on"), "结果反馈日期"),
    ]
    for field, day, label in steps:
        if day is not None and day > today:
            raise UnprocessableInput(field, f"{label}不能晚于今天", "date_in_future")
    for (field, day, label), (_, before, before_label) in (
        (steps[1], steps[0]),
        (steps[2], steps[1]),
        (steps[3], steps[0]),
        (steps[4], steps[2]),
    ):
        if day is not None and before is None:
            raise UnprocessableInput(field, f"{label}须在{before_label}之后，该件尚未办结", "not_closed")
        if day is not None and day < before:
            raise UnprocessableInput(field, f"{label}不能早于{before_label}", "out_of_order")


def historical_petition(
    report: dict, principal: Principal, calendar: WorkingDayCalendar | None, keyring: Keyring | None
) -> Petition:
    """The petition a historical report is, with its deadlines counted and answered by its own
    dates (accepted: the receipt deadlines, a named one by the acknowledgement delivered; closed:
    the handling deadline, starting the feedback one, answered when fed back)."""
    received_on = report["received_on"]
    received_at = naive_utc(datetime.combine(received_on, time(), CST))
    petition = _new_petition(
        report,
        [dict(s) for s in report["subjects"]],
        report["channel"],
        principal.subject,
        received_on,
        received_at,
        received_on,
    )
    petition.id = report["petition_id"]
    triage, closure = report["triage"], report.get("closure")
    accepted_on = beijing_date(triage["triaged_at"])
    start_deadlines(petition, FROM_RECEIVED, received_on, calendar)
    if report.get("acknowledged_on"):
        settle(petition, ON_ACKNOWLEDGED, report["acknowledged_on"])
    petition.triage = Triage(
        outcome=triage["outcome"],
        severity=triage["severity"],
        subjects=[ResolvedSubject(**s) for s in triage["subjects"]],
        note=triage["note"],
        triaged_at=naive_utc(triage["triaged_at"]),
        triaged_by=triage["triaged_by"] or principal.subject,
    )
    petition.subject_keys = sorted(set(petition.subject_keys) | set(subject_keys(triage["subjects"])))
    settle(petition, ON_TRIAGE, accepted_on)
    start_deadlines(petition, FROM_ACCEPTED, accepted_on, calendar)
    petition.status = "triaged"
    if closure:
        closed_on = beijing_date(closure["closed_at"])
        start_retention(petition, closed_on)
        settle(petition, ON_CLOSE, closed_on)
        start_deadlines(petition, FROM_CLOSED, closed_on, calendar)
        petition.closure = Closure(
            answer=closure["answer"].strip(),
            closed_at=naive_utc(closure["closed_at"]),
            closed_by=closure["closed_by"] or principal.subject,
        )
        petition.replies.append(Reply(text=petition.closure.answer, at=petition.closure.closed_at))
        petition.status = "closed"
        if report.get("fed_back_on"):
            settle(petition, ON_FEEDBACK, report["fed_back_on"])
    if not petition.anonymous:
        if keyring is None:  # checked for the whole batch before anything is built
            raise EncryptionUnavailable(fields={"reporter": "实名举报人信息无法加密保存"})
        details = {k: v for k, v in report["reporter"].items() if v is not None}
        petition.reporter = SealedReporter.from_domain(keyring.seal(petition.id, details))
    return petition
