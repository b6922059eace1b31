"""Reports stored before rules version default-2026.1 kept their deadlines in separate fields;
``IntakeStore.migrate_legacy_deadlines`` moves them into ``Petition.deadlines`` at start-up."""

from __future__ import annotations

from ..domain.deadlines import ACKNOWLEDGE, CALENDAR_DAYS, FEEDBACK, HANDLE, RULES_BY_KEY, SEND_UP, WORKING_DAYS
from .deadlines import ReportDeadline
from .petition import Petition


def legacy_deadlines(petition: Petition) -> list[ReportDeadline]:
    """The deadlines of a report stored before rules version default-2026.1, from its separate
    fields. Such reports were all counted as 检举控告 with a 60-day handling deadline."""

    def item(key, unit, amount, start, due, **state) -> ReportDeadline:
        rule = RULES_BY_KEY[key]
        return ReportDeadline(
            key=key,
            label_zh=rule.label_zh,
            amount=amount,
            unit=unit,
            counts_from=rule.counts_from,
            start=start,
            due=due,
            watched=rule.watched,
            **state,
        )

    status, closure, triage = petition.status, petition.closure, petition.triage
    triaged_on = triage.triaged_at.date() if triage else None
    closed_on = closure.closed_at.date() if closure else None
    answered = closed_on if status in ("closed", "merged") else None
    items = []
    if petition.acknowledge_due:
        met = triaged_on or (petition.sent_up.sent_at.date() if petition.sent_up else None) or answered
        items.append(
            item(
                ACKNOWLEDGE,
                WORKING_DAYS,
                15,
                petition.received_on,
                petition.acknowledge_due,
                provisional=bool(petition.acknowledge_due_provisional),
                met_on=met,
                met_by="legacy" if met else None,
                overdue_notified=any(n.startswith("overdue:acknowledge:") for n in petition.notices),
            )
        )
    if petition.send_up_due:
        sent = petition.sent_up.sent_at.date() if petition.sent_up else None
        items.append(
            item(
                SEND_UP,
                WORKING_DAYS,
                5,
                petition.received_on,
                petition.send_up_due,
                met_on=sent,
                met_by="send_up" if sent else None,
                waived=sent is None and status != "received",
            )
        )
    if triage and triage.handle_due:
        due = triage.handle_due
        notified = f"overdue:handle:{due.isoformat()}" in petition.notices
        items.append(
            item(
                HANDLE,
                CALENDAR_DAYS,
                60,
                triaged_on,
                due,
                met_on=answered,
                met_by="legacy" if answered else None,
                overdue_notified=notified,
                reminded=f"reminder:handle:{due.isoformat()}" in petition.notices,
                extensions=1 if triage.extended else 0,
                extension_reason=triage.extension_reason,
                extended_by=triage.extended_by,
            )
        )
    if petition.feedback_due:
        fed = petition.feedback.at.date() if petition.feedback else None
        due = petition.feedback_due
        items.append(
            item(
                FEEDBACK,
                WORKING_DAYS,
                15,
                closed_on or due,
                due,
                met_on=fed,
                met_by="feedback" if fed else None,
                overdue_notified=f"overdue:feedback:{due.isoformat()}" in petition.notices,
                reminded=f"reminder:feedback:{due.isoformat()}" in petition.notices,
            )
        )
    if items and petition.acknowledge_due:
        items[0].reminded = f"reminder:acknowledge:{petition.acknowledge_due.isoformat()}" in petition.notices
    return items


def migrate_legacy(petition: Petition) -> None:
    """Move a legacy report's deadline fields into ``deadlines`` (rules version ``legacy``)."""
    petition.deadlines = legacy_deadlines(petition)
    petition.rules_version = petition.rules_version or "legacy"
    petition.acknowledge_due = petition.acknowledge_due_provisional = None
    petition.send_up_due = petition.feedback_due = None
    if petition.triage:
        t = petition.triage
        t.handle_due = t.extended = t.extension_reason = t.extended_by = None
