"""Payloads of findings and their dispositions (000/E 结果运用): recording a finding, the
disposition ladder to closure, the annual evaluation."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain.findings import DISPOSITIONS_BY_SEVERITY, DISPOSITIONS_ZH, SEVERITIES_ZH, STANDINGS_ZH
from .labels import Label


class DispositionSchema(Schema):
    kind = fields.String()
    kind_zh = Label(DISPOSITIONS_ZH, "kind")
    outcome = fields.String(allow_none=True)
    opened_by = fields.String()
    opened_at = fields.DateTime()
    closed_by = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class FindingSchema(Schema):
    id = fields.String(data_key="finding_id")
    round = fields.Integer()
    severity = fields.String()
    severity_zh = Label(SEVERITIES_ZH, "severity")
    disposition = fields.String()
    dispositions = fields.List(fields.Nested(DispositionSchema))
    closed = fields.Boolean(dump_only=True)
    official_id = fields.String(allow_none=True)
    summary = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class PlanEvaluationSchema(Schema):
    standing = fields.String()
    standing_zh = Label(STANDINGS_ZH, "standing")
    findings = fields.Dict()
    open_dispositions = fields.Integer()
    rounds_completed = fields.Integer()
    rounds_planned = fields.Integer()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class FindingRequestSchema(Schema):
    round = fields.Integer(required=True, strict=True)
    # Severity and disposition are checked by the domain, so the 400 cites 000/E; the OpenAPI
    # states the same table: each severity with the dispositions 000/E allows for it.
    severity = fields.String(
        required=True, metadata={"description": "early_sign, general, serious", "enum": list(DISPOSITIONS_BY_SEVERITY)}
    )
    disposition = fields.String(load_default=None, metadata={"description": "默认：按问题性质的首选处置方式"})
    OPENAPI_EXTRA = {
        "anyOf": [
            {"properties": {"severity": {"enum": [severity]}, "disposition": {"enum": [*allowed, None]}}}
            for severity, allowed in DISPOSITIONS_BY_SEVERITY.items()
        ]
    }
    official_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class DispositionRequestSchema(Schema):
    disposition = fields.String(required=True, metadata={"description": "000/E 结果运用中该问题性质允许的处置方式"})


class CloseDispositionRequestSchema(Schema):
    disposition = fields.String(required=True)
    outcome = fields.String(
        required=True,
        metadata={
            "description": "talk_held, inquiry_answered, inquiry_unanswered, verified, partly_verified, "
            "not_verified, handling_decided, case_filed, transferred"
        },
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
