"""Payloads of family and interests (archive roles only; never on an event)."""

from __future__ import annotations

import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from ..domain.matters import (
    CHECK_RESULTS_ZH,
    FOREIGN_STATUSES_ZH,
    GRADES_ZH,
    KINDS_ZH,
    REQUIRED,
    SANCTION_MONTHS,
    SANCTIONS_ZH,
    SOURCES_ZH,
    SYSTEM_KINDS,
)
from .registry import SINCE_YEARS

DATE_IN_YEARS = SINCE_YEARS + r"[0-9]{2}-[0-9]{2}$"


def _registry_date(value: str) -> None:
    try:
        ok = re.match(DATE_IN_YEARS, value) is not None and date.fromisoformat(value) is not None
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError("须为 1900 至 2100 年间的日期 YYYY-MM-DD")


#: ``matters.check_record``: what each kind needs, sent and not null, "" or 0.
_GIVEN = {"not": {"enum": [None, "", 0]}}


def _kind_needs(kind: str) -> dict:
    needed = REQUIRED[kind]
    return {"required": list(needed), "properties": {"kind": {"enum": [kind]}, **dict.fromkeys(needed, _GIVEN)}}


# -- family and interests (archive roles only; never on an event) ----------------------------------
class MatterRecordInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS_ZH)))
    source = fields.String(required=True, validate=validate.OneOf(list(SOURCES_ZH)))
    recorded_on = fields.Date(load_default=None, metadata={"description": "date of the source; today if empty"})
    name = fields.String(validate=validate.Length(max=50))
    relative_of = fields.String()
    settled_abroad = fields.Boolean()
    country = fields.String(validate=validate.Length(max=50))
    foreign_status = fields.String(validate=validate.OneOf(["", *FOREIGN_STATUSES_ZH]))
    holder = fields.String(metadata={"description": "self, or the record id of a relative"})
    company = fields.String(validate=validate.Length(max=100))
    role = fields.String(validate=validate.Length(max=50))
    within_remit = fields.Boolean()
    paid = fields.Boolean()
    pay_yuan = fields.Integer(validate=validate.Range(min=0))
    approved = fields.Boolean()
    year = fields.Integer(validate=validate.Range(min=1990, max=2100))
    on_time = fields.Boolean()
    check_result = fields.String(validate=validate.OneOf(list(CHECK_RESULTS_ZH)))
    sanction = fields.String(validate=validate.OneOf(list(SANCTION_MONTHS)))
    # A real date of 1900-2100 (a sanction's months are added to it: "8881-57-65" was a 500).
    decided_on = fields.String(validate=_registry_date, metadata={"format": "date", "pattern": DATE_IN_YEARS})
    note = fields.String(validate=validate.Length(max=500))
    grade = fields.String(validate=validate.OneOf(list(GRADES_ZH)), metadata={"description": "年度考核等次"})
    satisfaction = fields.Integer(validate=validate.Range(min=0, max=100), metadata={"description": "民主测评满意率 %"})

    # matters.add_record refuses the kinds only the archive's workflows write (SYSTEM_KINDS).
    OPENAPI_EXTRA = {"anyOf": [_kind_needs(kind) for kind in KINDS_ZH if kind not in SYSTEM_KINDS]}


class MatterRecordSchema(Schema):
    id = fields.String()
    kind = fields.String()
    kind_zh = fields.Function(lambda r: KINDS_ZH.get(r.kind, r.kind))
    source = fields.String()
    source_zh = fields.Function(lambda r: SOURCES_ZH.get(r.source, r.source))
    recorded_on = fields.String()
    noted_by = fields.String()
    name = fields.String()
    relative_of = fields.String()
    settled_abroad = fields.Boolean()
    country = fields.String()
    foreign_status = fields.String()
    holder = fields.String()
    company = fields.String()
    role = fields.String()
    within_remit = fields.Boolean()
    paid = fields.Boolean()
    pay_yuan = fields.Integer()
    approved = fields.Boolean()
    year = fields.Integer()
    on_time = fields.Boolean()
    check_result = fields.String()
    sanction = fields.String()
    sanction_zh = fields.Function(lambda r: SANCTIONS_ZH.get(r.sanction, ""))
    decided_on = fields.String()
    ended_on = fields.String(allow_none=True)
    note = fields.String()
    ref = fields.String()
    grade = fields.String()
    grade_zh = fields.Function(lambda r: GRADES_ZH.get(r.grade, ""))
    satisfaction = fields.Integer()


class RecordEndSchema(Schema):
    ended_on = fields.Date(load_default=None)


class DossierSchema(Schema):
    official_id = fields.String(attribute="id")
    records = fields.List(fields.Nested(MatterRecordSchema))


class RecordAddedSchema(Schema):
    record = fields.Nested(MatterRecordSchema)
    reminders = fields.Function(lambda r: [x.id for x in r.reminders])
