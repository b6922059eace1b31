"""What the payload and Out schemas share: strict loading (unknown fields refused) and the Out
schema that computes the values not stored as such (Chinese labels, dates from the deadline
list)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, fields

from ..domain.deadlines import (
    RULES_BY_KEY,
    UNITS_ZH,
)


class Strict(Schema):
    class Meta:
        unknown = RAISE


# -- HTTP payloads out -----------------------------------------------------------------------
# Out schemas dump the aggregates themselves (a ``Petition``, an ``IdentityRequest``, ...).
# Values that are not stored as such (Chinese labels, dates taken from the deadline list) are
# declared like any other field, so the OpenAPI shows their type, and computed in ``computed``.
class OutSchema(Schema):
    """Fields named in ``computed`` are computed from the object dumped; the rest are read."""

    computed: ClassVar[Mapping[str, Callable[[Any], Any]]] = MappingProxyType({})

    def get_attribute(self, obj, attr, default):
        compute = self.computed.get(attr)
        if compute is not None:
            return compute(obj)
        return super().get_attribute(obj, attr, default)


def _receipt_due(p) -> date | None:
    receipt = p.receipt_deadline
    return receipt.due if receipt else None


def _receipt_provisional(p) -> bool:
    receipt = p.receipt_deadline
    return bool(receipt and receipt.provisional)


def _extendable(d) -> bool:
    extension = RULES_BY_KEY[d.key].extension
    return extension is not None and (d.extensions or 0) < extension.times


class DeadlineOutSchema(OutSchema):
    """One deadline under the rule of the report's kind, with its unit."""

    computed = MappingProxyType(
        {
            "unit_zh": lambda d: UNITS_ZH[d.unit],
            "provisional": lambda d: bool(d.provisional),
            "watched": lambda d: bool(d.watched),
            "waived": lambda d: bool(d.waived),
            "reminded": lambda d: bool(d.reminded),
            "overdue_notified": lambda d: bool(d.overdue_notified),
            "extendable": _extendable,
            "extensions": lambda d: d.extensions or 0,
        }
    )

    key = fields.String(
        metadata={"description": "acknowledge, accept_forwarded, send_up, feedback (检举控告); register, handle (信访)"}
    )
    label_zh = fields.String()
    amount = fields.Integer()
    unit = fields.String(metadata={"description": "working_days or calendar_days"})
    unit_zh = fields.String(metadata={"description": "工作日 或 自然日"})
    counts_from = fields.String(metadata={"description": "received, forwarded_received, accepted or closed"})
    start = fields.Date()
    due = fields.Date()
    provisional = fields.Boolean(metadata={"description": "该年节假日安排未载入，日期可能变动"})
    watched = fields.Boolean(metadata={"description": "期限时钟提醒并标记逾期"})
    met_on = fields.Date(allow_none=True)
    met_by = fields.String(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    waived = fields.Boolean(metadata={"description": "不再需要（如已在本级受理的件的转送期限）"})
    reminded = fields.Boolean()
    overdue_notified = fields.Boolean()
    extendable = fields.Boolean()
    extensions = fields.Integer()
    extension_reason = fields.String(allow_none=True)
    original_due = fields.Date(allow_none=True)
