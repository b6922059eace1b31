"""Payloads of integrity files: a file and its entries, the chain check, signed checkpoints, the
public key and the auditor's export."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE


class FileEntrySchema(Schema):
    seq = fields.Integer()
    kind = fields.String(metadata={"description": "event short name, e.g. warning.issued"})
    summary = fields.String(metadata={"description": "中文摘要"})
    occurred_at = fields.String()
    source_event_id = fields.String()
    data = fields.Dict()
    hash = fields.String()


class FileSchema(Schema):
    subject_kind = fields.String()
    subject_id = fields.String()
    county = fields.String()
    name = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(FileEntrySchema))
    intact = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "whole hash chain verified: when asked (verify=true) or when the page is the whole "
            "file; null otherwise"
        },
    )
    last_seq = fields.Integer()
    next_after = fields.Integer(allow_none=True, metadata={"description": "cursor of the next page (after=)"})


class FileQuerySchema(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    verify = fields.Boolean(load_default=False)


class ChainCheckSchema(Schema):
    intact = fields.Boolean()
    entries = fields.Integer()
    first_broken_seq = fields.Integer(allow_none=True)
    intact_zh = fields.Function(lambda c: "哈希链完整" if c.intact else f"自第 {c.first_broken_seq} 条起被篡改或缺失")


class CheckpointSchema(Schema):
    id = fields.String()
    county = fields.String()
    number = fields.Integer()
    issued_at = fields.String()
    key_id = fields.String()
    prev_hash = fields.String()
    files = fields.Function(lambda c: len(c.leaves), metadata={"type": "integer"})
    hash = fields.String()
    signature = fields.String()


class PublicKeySchema(Schema):
    key_id = fields.String()
    public_key_pem = fields.String()


class ExportQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    after = fields.String(load_default="")
    limit = fields.Integer(load_default=5000, validate=validate.Range(min=1, max=50000))
    purpose = fields.String(required=True, validate=validate.Length(min=2, max=200))


class CheckpointQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))
