"""Reaching the warned official (seeds/002 篇5 五(二): the level's written notice, 五(二)2 约谈
with its notice slip; 篇1: SMS and the platform's system message) and the official's inbox.

A notice is queued on the warning in the same write as the change that causes it, then sent
through the notifiers; every send is idempotent on the notice id, so the timer may resend.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import ValidationFailed
from wuying_common.events import schema_of
from wuying_common.http import marshmallow_fields
from wuying_common.paging import Page

from ..domain.delivery import (
    LEAD_RANKS,
    Notice,
    Notifier,
    held_interview_problems,
    interview_problems,
    lead_rank_from_registry,
)
from ..domain.levels import Level, level
from ..exceptions import (
    DateOutOfOrder,
    InboxMessageNotFound,
    InterviewAlreadyRecorded,
    InterviewNotFound,
    InvalidInterview,
    WarningStateConflict,
)
from ..persistence import InboxMessage, WarningRecord, WarningStore
from ..schemas import PetitionClarifiedReader
from .support import get_warning, not_in_future, record_history


class OfficialRegistry(Protocol):
    """archive's registry of officials (``get_official``: post, rank, commission_staff, …);
    raises ``RegistryUnavailable`` (503) when archive cannot answer."""

    def get_official(self, official_id: str) -> dict | None: ...


def queue_notice(warning: WarningRecord, kind: str, title: str, body: str) -> None:
    """Queue a written notice in the same write as the change that causes it; the id is the
    position in the list, so every resend is idempotent."""
    warning.notices.append(
        {"id": f"{warning.id}.n{len(warning.notices) + 1}", "kind": kind, "title": title, "body": body}
    )
    warning.notices_pending = True


def queue_level_notice(
    warning: WarningRecord, lvl: Level, issued_on: date, answer_due: date, fix_due: date | None
) -> None:
    ask = {3: "请在期限内将需要向组织说明的情况以书面形式报承办单位", 2: "请立即终止错误行为，如实答复并报告整改措施"}
    ask_text = ask.get(lvl.number, "请对存在问题限期纠正到位，并书面报告整改情况")
    fix = f"；整改期限 {fix_due.isoformat()}" if fix_due else ""
    body = (
        f"{lvl.notice_zh}（{lvl.colour_zh}预警·{lvl.action_zh}）于 {issued_on.isoformat()} 发出。{ask_text}。"
        f"答复期限 {answer_due.isoformat()}{fix}。"
    )
    queue_notice(warning, lvl.notice_kind, lvl.notice_zh, body)


def dispatch_notices(store: WarningStore, warning: WarningRecord, notifiers: list[Notifier] | None) -> int:
    """Send the warning's notices through every configured notifier (each send is recorded,
    with its time, by the adapter; resending is a no-op). Returns how many were new."""
    if not notifiers or not warning.notices_pending:
        return 0
    sent = 0
    for raw in warning.notices:
        notice = Notice(
            id=raw["id"],
            warning_id=warning.id,
            official_id=warning.official_id,
            county=warning.county,
            kind=raw["kind"],
            title=raw["title"],
            body=raw["body"],
        )
        for notifier in notifiers:
            sent += notifier.send(notice).delivered
    store.clear_notices_pending(warning.id, warning.version)
    return sent


def interview(
    store: WarningStore,
    clock: SystemClock,
    principal: Principal,
    warning_id: str,
    payload: dict,
    notifiers: list[Notifier] | None = None,
    registry: OfficialRegistry | None = None,
) -> WarningRecord:
    """约谈 (篇5 五(二)2): a plan, two or more interviewers, a lead of the right rank — read from
    archive's registry of officials, not typed in — and the level's notice slip sent to the
    official. Without a registry answer there is no interview (503 ``registry_unavailable``)."""
    warning = get_warning(store, principal, warning_id)
    if warning.status not in ("issued", "answered", "rectifying", "rectified"):
        raise WarningStateConflict(f"预警当前状态为 {warning.status}，不能安排约谈", fields={"status": warning.status})
    problems = interview_problems(payload["interviewers"], payload["lead"])
    if payload["scheduled_on"] < date.fromisoformat(warning.issued_on):
        problems.setdefault("scheduled_on", f"不得早于预警发出日期 {warning.issued_on}")
        if len(problems) == 1:
            raise DateOutOfOrder(fields=problems)
    if problems:
        raise InvalidInterview(fields=problems)
    if registry is None:
        raise ValueError("an interview needs the registry of officials to check the lead")
    lead = registry.get_official(payload["lead"].strip())
    lead_rank, why_not = lead_rank_from_registry(lead)
    if lead_rank is None or lead is None:
        raise InvalidInterview(fields={"lead": why_not or "主谈人不符合要求"})
    lvl = level(warning.level)
    warning.interviews.append(
        {
            "id": f"{warning.id}.i{len(warning.interviews) + 1}",
            "interviewers": payload["interviewers"],
            "lead": payload["lead"],
            "lead_rank": lead_rank,
            "lead_rank_zh": LEAD_RANKS[lead_rank],
            "lead_post": lead.get("post"),
            "lead_name": lead.get("name"),
            "lead_checked": {"registry": "archive", "at": clock.now().isoformat()},
            "plan": payload["plan"],
            "notice_slip_no": payload["notice_slip_no"],
            "notice_slip_zh": lvl.interview_slip_zh,
            "scheduled_on": payload["scheduled_on"].isoformat(),
            "place": payload.get("place"),
            "arranged_by": principal.subject,
            "at": clock.now().isoformat(),
        }
    )
    record_history(warning, "interview_arranged", principal.subject, clock, notice_slip_no=payload["notice_slip_no"])
    queue_notice(
        warning,
        "interview_slip",
        lvl.interview_slip_zh,
        f"请于 {payload['scheduled_on'].isoformat()} 按时到达{payload.get('place') or '指定地点'}接受约谈。"
        f"通知单编号：{payload['notice_slip_no']}。",
    )
    store.save(warning)
    dispatch_notices(store, warning, notifiers)
    return warning


def record_interview(
    store: WarningStore, clock: SystemClock, principal: Principal, warning_id: str, interview_id: str, payload: dict
) -> WarningRecord:
    """约谈已实施 (篇5 五(二)2(4)): the date, who attended (two or more, the lead among them,
    篇5 五(二)2(2)), whether the official came, a summary and the follow-up. Once."""
    warning = get_warning(store, principal, warning_id)
    index = next((i for i, v in enumerate(warning.interviews) if v.get("id") == interview_id), None)
    if index is None:
        raise InterviewNotFound(fields={"interview_id": interview_id})
    arranged = warning.interviews[index]
    if arranged.get("held"):
        raise InterviewAlreadyRecorded(fields={"interview_id": interview_id})
    not_in_future(payload["held_on"], clock, "held_on")
    if payload["held_on"] < date.fromisoformat(warning.issued_on):
        raise DateOutOfOrder(fields={"held_on": f"不得早于预警发出日期 {warning.issued_on}"})
    problems = held_interview_problems(payload["attendees"], arranged["lead"])
    if problems:
        raise InvalidInterview(fields=problems)
    warning.interviews[index] = {
        **arranged,
        "held": {
            "held_on": payload["held_on"].isoformat(),
            "attendees": payload["attendees"],
            "official_attended": payload["official_attended"],
            "summary": payload["summary"],
            "follow_up": payload["follow_up"],
            "recorded_by": principal.subject,
            "recorded_at": clock.now().isoformat(),
        },
    }
    record_history(warning, "interview_held", principal.subject, clock, interview_id=interview_id)
    store.save(warning)
    return warning


def clarification_from_event(store: WarningStore, clock: SystemClock, envelope: dict, notifier: Notifier) -> str:
    """澄清正名 (seed 003: 恶意举报的认定、处置、澄清): intake found a report false; each accused
    official gets a system message saying so. Idempotent on the event id, by key: each
    message's id is the event id and the official's id, so a redelivery delivers nothing new."""
    try:
        data = schema_of(PetitionClarifiedReader).load(envelope.get("data") or {})
    except ValidationError as exc:
        raise ValidationFailed("澄清正名事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    event_id = envelope["id"]
    summary = (data.get("summary_zh") or "").strip()
    body = (
        f"经组织核查，反映您的问题（信访举报件 {data['petition_id']}）不属实，依规予以澄清正名。"
        + (f"{summary}" if summary else "")
        + "特此告知。"
    )
    delivered = 0
    for official_id in dict.fromkeys(data["official_ids"]):
        notice = Notice(
            id=f"clarified.{event_id}.{official_id}",
            warning_id="",
            official_id=official_id,
            county=data["county"],
            kind="clarification",
            title="澄清正名告知",
            body=body,
            meta={"petition_id": data["petition_id"]},
        )
        delivered += notifier.send(notice).delivered
    return "processed" if delivered or not data["official_ids"] else "duplicate"


def inbox(store: WarningStore, principal: Principal, query: dict) -> Page:
    """The official's own messages only (篇1: they answer through the platform), a page."""
    return store.inbox(principal.subject, query)


def read_inbox_message(store: WarningStore, clock: SystemClock, principal: Principal, message_id: str) -> InboxMessage:
    message = store.inbox_message(message_id)
    # Someone else's message is "not found": its existence is not the caller's business.
    if message is None or message.official_id != principal.subject:
        raise InboxMessageNotFound(fields={"message_id": message_id})
    store.mark_read(message_id, naive_utc(clock.now()))
    return store.inbox_message(message_id) or message
