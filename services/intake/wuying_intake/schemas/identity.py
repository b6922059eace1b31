"""Opening a named reporter's identity (four eyes, audited): the request, the decision, the
opened details (for the requester only, never logged) and the audit trail."""

from __future__ import annotations

from types import MappingProxyType

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE
from wuying_common.openapi_limits import non_blank

from ..domain.identity import REASON_MIN, REQUEST_STATUSES_ZH
from .common import OutSchema, Strict


class IdentityRequestInSchema(Strict):
    reason = fields.String(
        required=True, validate=validate.Length(min=1, max=1000), metadata={"pattern": non_blank(REASON_MIN)}
    )  # identity.check_request


class DecisionInSchema(Strict):
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class AuditQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)
    since = fields.Date(load_default=None, data_key="from")
    until = fields.Date(load_default=None, data_key="to")


class PendingQuerySchema(Strict):
    county = fields.String(required=True, validate=COUNTY_CODE)


class IdentityRequestOutSchema(OutSchema):
    """Dumps an ``IdentityRequest`` (its audit trail is read through ``GET /api/v1/audit``)."""

    computed = MappingProxyType(
        {
            "status_zh": lambda r: REQUEST_STATUSES_ZH[r.status],
            "decision_note": lambda r: r.decision_note or "",
        }
    )

    request_id = fields.String(attribute="id")
    petition_id = fields.String()
    county = fields.String()
    reason = fields.String()
    status = fields.String(metadata={"description": "pending, approved or refused"})
    status_zh = fields.String()
    requested_by = fields.String()
    requested_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()


class IdentityOutSchema(Schema):
    """The reporter's details: returned only to the approved requester, never logged."""

    request_id = fields.String()
    petition_id = fields.String()
    reporter = fields.Dict(keys=fields.String(), values=fields.String())


class AuditOutSchema(Schema):
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String(metadata={"description": "requested, approved, refused or accessed"})
    outcome = fields.String(metadata={"description": "allowed or denied"})
    code = fields.String(allow_none=True)
    petition_id = fields.String()
    request_id = fields.String(allow_none=True)
    county = fields.String()
