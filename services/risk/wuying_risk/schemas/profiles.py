"""Profiles and signals over HTTP/RPC: profiles, unit profiles, signal records, and the
assessment and integrity-credit import."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wuying_common.events import COUNTY_CODE
from wuying_common.openapi_limits import NOT_NULL

from ..domain.scoring import ASSESSMENT_RATINGS, FACTOR_ZH, LEVEL_ZH
from .common import SHORT, Label


class SignalSchema(Schema):
    key = fields.String(metadata={"description": "the signal's key in the signals collection"})
    factor = fields.String()
    factor_zh = Label(FACTOR_ZH, "factor")
    points = fields.Integer(metadata={"description": "points today (weighted, decayed)"})
    event_id = fields.String(metadata={"description": "id of the event (or monitoring hit) that caused the signal"})
    category = fields.String()
    category_zh = fields.String()
    severity = fields.String()
    state = fields.String(metadata={"description": "'', lifted, superseded"})
    occurred_at = fields.DateTime()
    explanation = fields.String(metadata={"description": "中文说明"})


class SignalRecordSchema(Schema):
    key = fields.String(attribute="id")
    subject_kind = fields.String()
    subject_id = fields.String()
    county = fields.String()
    unit_id = fields.String()
    factor = fields.String()
    factor_zh = Label(FACTOR_ZH, "factor")
    severity = fields.String()
    category = fields.String()
    category_zh = fields.String()
    occurred_at = fields.DateTime()
    source = fields.String()
    source_event_id = fields.String()
    evidence = fields.List(fields.String())
    note = fields.String()
    recorded_at = fields.DateTime()


class FactorSchema(Schema):
    factor = fields.String()
    factor_zh = fields.String()
    points = fields.Integer()
    signals = fields.Integer()
    lines = fields.List(fields.String())


class ProposalSchema(Schema):
    proposal_id = fields.String()
    level = fields.Integer()
    colour = fields.String()
    score = fields.Integer()
    proposed_at = fields.DateTime()


class ProfileSchema(Schema):
    official_id = fields.String(attribute="id")
    unit_id = fields.String()
    county = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = Label(LEVEL_ZH, "level")
    rule_version = fields.String()
    factors = fields.List(fields.Nested(FactorSchema), metadata={"description": "逐因素解释"})
    signals = fields.List(fields.Nested(SignalSchema))
    proposed_levels = fields.List(fields.Integer())
    proposals = fields.List(fields.Nested(ProposalSchema))
    scored_on = fields.String(metadata={"description": "the Beijing date the points were computed for"})
    updated_at = fields.DateTime()


class UnitProfileSchema(Schema):
    unit_id = fields.String(attribute="id")
    county = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = Label(LEVEL_ZH, "level")
    rule_version = fields.String()
    factors = fields.List(fields.Nested(FactorSchema), metadata={"description": "逐因素解释"})
    signals = fields.List(fields.Nested(SignalSchema))
    scored_on = fields.String()
    updated_at = fields.DateTime()


class ProfileSummarySchema(Schema):
    official_id = fields.String(attribute="id")
    unit_id = fields.String()
    county = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = Label(LEVEL_ZH, "level")
    proposed_levels = fields.List(fields.Integer())


class ProfileQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)


# -- signals imported over HTTP: assessments and integrity credit ------------------------------
class AssessmentRecordSchema(Schema):
    record_id = fields.String(required=True, validate=SHORT)
    official_id = fields.String(required=True, validate=SHORT)
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(required=True, validate=validate.OneOf(["assessment", "integrity_credit"]))
    period = fields.String(required=True, validate=SHORT, metadata={"description": "e.g. 2026 年度"})
    rating = fields.String(load_default=None, validate=validate.OneOf(sorted(ASSESSMENT_RATINGS)))
    credit = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100))
    assessed_on = fields.Date(required=True)

    OPENAPI_EXTRA = {  # _one_result: an assessment carries its rating, an integrity credit its score
        "anyOf": [
            {"required": ["rating"], "properties": {"kind": {"enum": ["assessment"]}, "rating": NOT_NULL}},
            {"required": ["credit"], "properties": {"kind": {"enum": ["integrity_credit"]}, "credit": NOT_NULL}},
        ]
    }

    @validates_schema
    def _one_result(self, data, **kwargs):
        if data["kind"] == "assessment" and not data.get("rating"):
            raise ValidationError("考核结果须给出等次", "rating")
        if data["kind"] == "integrity_credit" and data.get("credit") is None:
            raise ValidationError("廉政信用度须给出分值", "credit")


class AssessmentImportSchema(Schema):
    records = fields.List(
        fields.Nested(AssessmentRecordSchema), required=True, validate=validate.Length(min=1, max=5000)
    )


class ImportReportSchema(Schema):
    received = fields.Integer()
    applied = fields.Integer()
    duplicates = fields.Integer()
    no_signal = fields.Integer(metadata={"description": "results that weigh nothing under the rules"})


class SignalQuerySchema(Schema):
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=500))
