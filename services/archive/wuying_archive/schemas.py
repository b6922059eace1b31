"""Marshmallow schemas at the archive's edges: HTTP payloads and versioned event data."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, registry

SERVICE = "archive"


# -- events out ------------------------------------------------------------------------------
class OfficialChangedV1Schema(Schema):
    """人员信息变动: hire, transfer, leave, retirement or first registration."""

    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    post = fields.String(required=True)
    rank = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["serving", "left", "retired"]))
    change = fields.String(
        required=True, validate=validate.OneOf(["registered", "hired", "transferred", "left", "retired"])
    )
    commission_staff = fields.Boolean(required=True)


OFFICIAL_CHANGED = registry.register(
    SERVICE, "official.changed", 1, OfficialChangedV1Schema, "An official's personnel record changed (人员信息变动)."
)


# -- HTTP / RPC payloads -------------------------------------------------------------------
class UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40))
    zone = fields.String(load_default=None, allow_none=True)


class OfficialSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    post = fields.String(required=True)
    rank = fields.String(required=True)
    status = fields.String(load_default="serving", validate=validate.OneOf(["serving", "left", "retired"]))
    commission_staff = fields.Boolean(load_default=False)


class RegisterSchema(Schema):
    units = fields.List(fields.Nested(UnitSchema), load_default=list)
    officials = fields.List(fields.Nested(OfficialSchema), load_default=list)


class RegisterResultSchema(Schema):
    units = fields.Integer()
    officials = fields.Integer()


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
    intact = fields.Boolean(metadata={"description": "hash chain verified"})


class OfficialQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    name = fields.String(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
