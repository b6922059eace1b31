"""Reaching the warned official (seeds/002 篇5 五(二): the level's written notice, 五(二)2 约谈
with its notice slip; 篇1: SMS and the platform's system message) and the official's inbox.

A notice is queued on the warning in the same write as the change that causes it, then sent
through the notifiers; every send is idempotent on the notice id, so the timer may resend.
"""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc

from ..domain.delivery import Notice, Notifier, interview_problems
from ..domain.levels import Level, level
from ..exceptions import DateOutOfOrder, InboxMessageNotFound, InvalidInterview, WarningStateConflict
from ..persistence import InboxMessage, WarningRecord, WarningStore
from .support import get_warning, record_history


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
) -> WarningRecord:
    """约谈 (篇5 五(二)2): a plan, two or more interviewers, a lead of the right rank, and the
    level's notice slip sent to the official."""
    warning = get_warning(store, principal, warning_id)
    if warning.status not in ("issued", "answered", "rectifying", "rectified"):
        raise WarningStateConflict(f"预警当前状态为 {warning.status}，不能安排约谈", fields={"status": warning.status})
    problems = interview_problems(payload["interviewers"], payload["lead"], payload["lead_rank"])
    if problems:
        raise InvalidInterview(fields=problems)
    if payload["scheduled_on"] < date.fromisoformat(warning.issued_on):
        raise DateOutOfOrder(fields={"scheduled_on": f"不得早于预警发出日期 {warning.issued_on}"})
    lvl = level(warning.level)
    warning.interviews.append(
        {
            "interviewers": payload["interviewers"],
            "lead": payload["lead"],
            "lead_rank": payload["lead_rank"],
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


def inbox(store: WarningStore, principal: Principal) -> list[InboxMessage]:
    """The official's own messages only (篇1: they answer through the platform)."""
    return store.inbox(principal.subject)


def read_inbox_message(store: WarningStore, clock: SystemClock, principal: Principal, message_id: str) -> InboxMessage:
    message = store.inbox_message(message_id)
    # Someone else's message is "not found": its existence is not the caller's business.
    if message is None or message.official_id != principal.subject:
        raise InboxMessageNotFound(fields={"message_id": message_id})
    store.mark_read(message_id, naive_utc(clock.now()))
    return store.inbox_message(message_id) or message
