"""Payloads of the inspector pool (干部监督人员库, 001 贵州; 机动组员, 004 闵行)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE

from ..domain.pool import AGE_BANDS_ZH, GENDERS_ZH, LEVELS_ZH
from .labels import Label


class UnavailablePeriodSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class RelativeSchema(Schema):
    relation = fields.String(
        required=True,
        validate=validate.OneOf(["spouse", "child", "child_in_law", "parent", "sibling", "in_law", "other"]),
    )
    unit_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    official_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "亲属本人是公职人员时其编号：其任职变动随档案事件更新"},
    )


class InspectorSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "公职人员编号"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    zone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    level = fields.String(required=True, metadata={"description": "province, city, county", "enum": list(LEVELS_ZH)})
    unit_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    former_unit_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list)
    relatives = fields.List(fields.Nested(RelativeSchema), load_default=None, allow_none=True)
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list)
    gender = fields.String(
        load_default=None, allow_none=True, metadata={"description": "female, male", "enum": [*GENDERS_ZH, None]}
    )
    age_band = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "under_35, 35_44, 45_54, 55_plus", "enum": [*AGE_BANDS_ZH, None]},
    )
    unavailable = fields.List(fields.Nested(UnavailablePeriodSchema), load_default=list)
    leader = fields.Boolean(load_default=False, metadata={"description": "具备组长资格"})
    mobile = fields.Boolean(load_default=False, metadata={"description": "机动组员（004 闵行 三不固定）"})
    active = fields.Boolean(load_default=True)


class RegisterInspectorsSchema(Schema):
    inspectors = fields.List(fields.Nested(InspectorSchema), required=True, validate=validate.Length(min=1, max=5000))


class RegisterInspectorsResultSchema(Schema):
    inspectors = fields.Integer()


class InspectorOutSchema(Schema):
    id = fields.String(data_key="inspector_id")
    name = fields.String()
    county = fields.String()
    zone = fields.String(allow_none=True)
    level = fields.String()
    level_zh = Label(LEVELS_ZH, "level")
    unit_id = fields.String(allow_none=True)
    former_unit_ids = fields.List(fields.String())
    relatives = fields.List(fields.Nested(RelativeSchema))
    skills = fields.List(fields.String())
    gender = fields.String(allow_none=True)
    gender_zh = Label(GENDERS_ZH, "gender")
    age_band = fields.String(allow_none=True)
    age_band_zh = Label(AGE_BANDS_ZH, "age_band")
    unavailable = fields.List(fields.Nested(UnavailablePeriodSchema))
    leader = fields.Boolean()
    mobile = fields.Boolean()
    active = fields.Boolean()
