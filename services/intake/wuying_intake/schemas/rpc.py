"""The RPC answers other services read: a report's status and deadlines, reports about an
official. Never the reporter, never the content."""

from __future__ import annotations

from datetime import UTC
from types import MappingProxyType

from marshmallow import fields

from wuying_common.clock import rfc3339

from ..domain.deadlines import (
    FEEDBACK,
    HANDLE,
    SEND_UP,
)
from ..domain.petition import (
    RECEIVED,
)
from .common import OutSchema, _receipt_due, _receipt_provisional
from .staff_out import _handle


# -- RPC out (other services): status and deadlines; never the reporter, never the content ----------
def _closed_at(p) -> str | None:
    return rfc3339(p.closure.closed_at.replace(tzinfo=UTC)) if p.closure else None


class StatusDeadlineSchema(OutSchema):
    computed = MappingProxyType(
        {
            "provisional": lambda d: bool(d.provisional),
            "waived": lambda d: bool(d.waived),
            "overdue_notified": lambda d: bool(d.overdue_notified),
        }
    )

    key = fields.String()
    label_zh = fields.String()
    unit = fields.String()
    due = fields.Date()
    provisional = fields.Boolean()
    met_on = fields.Date(allow_none=True)
    waived = fields.Boolean()
    overdue_notified = fields.Boolean()


class ReportStatusSchema(OutSchema):
    """``intake.report_status``: a ``Petition``'s status and deadlines for another service."""

    computed = MappingProxyType(
        {
            "acknowledge_due": _receipt_due,
            "acknowledge_due_provisional": _receipt_provisional,
            "send_up_due": lambda p: p.due(SEND_UP) if p.status == RECEIVED else None,
            "handle_due": lambda p: p.due(HANDLE),
            "extended": lambda p: bool(_handle(p) and _handle(p).extensions),
            "closed_at": _closed_at,
            "feedback_due": lambda p: p.due(FEEDBACK),
            "fed_back": lambda p: p.feedback is not None,
            "overdue_notices": lambda p: [n for n in p.notices if n.startswith("overdue:")],
        }
    )

    petition_id = fields.String(attribute="id")
    county = fields.String()
    category = fields.String()
    kind = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    received_on = fields.Date(allow_none=True)
    acknowledge_due = fields.Date(allow_none=True)
    acknowledge_due_provisional = fields.Boolean()
    send_up_due = fields.Date(allow_none=True)
    handle_due = fields.Date(allow_none=True)
    extended = fields.Boolean()
    closed_at = fields.String(allow_none=True, metadata={"description": "RFC 3339 UTC"})
    feedback_due = fields.Date(allow_none=True)
    fed_back = fields.Boolean()
    rules_version = fields.String(allow_none=True)
    deadlines = fields.List(fields.Nested(StatusDeadlineSchema))
    merged_into = fields.String(allow_none=True)
    overdue_notices = fields.List(fields.String())


class ReportAboutSchema(OutSchema):
    """``intake.reports_about``: one report naming an official. No identity, no content."""

    computed = MappingProxyType({"closed_at": _closed_at})

    petition_id = fields.String(attribute="id")
    county = fields.String()
    category = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    received_on = fields.Date(allow_none=True)
    closed_at = fields.String(allow_none=True, metadata={"description": "RFC 3339 UTC"})
