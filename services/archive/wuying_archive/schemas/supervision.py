"""Payloads of supervision records (issue 11): draws, personal-matters checks (000/D), talk and
letter inquiries (001 黑龙江), records in the file, education and special supervisors (000/H)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from wuying_common.events import COUNTY_CODE
from wuying_common.json_body import json_types

from ..domain.records import (
    HOME_VISIT_FIELDS_ZH,
    LECTURER_ROLES_ZH,
    PLEDGE_MAX_CHARS,
    REQUIRED,
    ROUTES_ZH,
    SUPERVISOR_STEPS,
    SUPERVISOR_STEPS_ZH,
    TALK_KINDS_ZH,
)
from ..domain.supervision import (
    CHECK_STATES_ZH,
    DRAW_PURPOSES_ZH,
    INQUIRY_KINDS_ZH,
    INQUIRY_STATES_ZH,
    MANDATORY_REASONS_ZH,
    ORDERED_BY_ZH,
    RECORD_KINDS_ZH,
    RECORD_STEPS_ZH,
    RESULTS_OF_RECORDS_ZH,
    VERIFY_METHODS_ZH,
    VERIFY_RESULTS_ZH,
)


# -- personal-matters checks and inquiries (issue 11 items 1–2) -------------------------------------
class TrailStepSchema(Schema):
    step = fields.String()
    step_zh = fields.Function(lambda s: RECORD_STEPS_ZH.get(s.step, s.step))
    by = fields.String()
    at = fields.DateTime()
    note = fields.String()


class DrawInSchema(Schema):
    purpose = fields.String(required=True, validate=validate.OneOf(list(DRAW_PURPOSES_ZH)))
    commission = fields.String(required=True, validate=COUNTY_CODE, metadata={"description": "纪委的行政区划代码"})
    period = fields.String(
        required=True,
        validate=validate.Length(min=4, max=20),
        metadata={"description": "年份（个人有关事项抽查），或批次（谈话函询核实，如 2026-Q4）"},
    )


class DrawStepInSchema(Schema):
    public_entropy = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata={"description": "当场公布的公开随机数"}
    )


class DrawSchema(Schema):
    id = fields.String()
    purpose = fields.String()
    purpose_zh = fields.Function(lambda d: DRAW_PURPOSES_ZH.get(d.purpose, d.purpose))
    county = fields.String()
    period = fields.String()
    ratio = fields.Float()
    rule_version = fields.String()
    source = fields.String()
    state = fields.String()
    population = fields.List(fields.String())
    population_digest = fields.String()
    commitment = fields.String()
    seed = fields.Function(lambda d: d.seed if d.state == "drawn" else None, metadata={"description": "抽取后公布"})
    public_entropy = fields.String(allow_none=True)
    committed_by = fields.String()
    committed_at = fields.DateTime()
    drawn_by = fields.String(allow_none=True)
    drawn_at = fields.DateTime(allow_none=True)
    selected = fields.List(fields.String())
    mandatory = fields.Dict()


class MandatoryCheckInSchema(Schema):
    official_id = fields.String(required=True)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    reason = fields.String(required=True, validate=validate.OneOf([r for r in MANDATORY_REASONS_ZH if r != "random"]))


class CheckResultInSchema(Schema):
    result = fields.String(required=True, validate=validate.OneOf(["consistent", "omission", "concealment"]))
    serious = fields.Boolean(load_default=False, metadata={"description": "隐瞒不报情节较重"})
    other_violation = fields.Boolean(load_default=False, metadata={"description": "查核发现涉嫌其他违纪问题"})
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class NoteInSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ReportCheckQuerySchema(Schema):
    year = fields.Integer(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(list(CHECK_STATES_ZH)))


class ReportCheckSchema(Schema):
    id = fields.String()
    official_id = fields.String()
    county = fields.String()
    year = fields.Integer()
    reasons = fields.List(fields.String())
    reasons_zh = fields.Function(lambda c: [MANDATORY_REASONS_ZH.get(r, r) for r in c.reasons])
    draw_id = fields.String(allow_none=True)
    state = fields.String()
    state_zh = fields.Function(lambda c: CHECK_STATES_ZH.get(c.state, c.state))
    result = fields.String(allow_none=True)
    result_zh = fields.Function(lambda c: RESULTS_OF_RECORDS_ZH.get(c.result or "", None))
    serious = fields.Boolean()
    other_violation = fields.Boolean()
    record_id = fields.String(allow_none=True)
    clue_id = fields.String(allow_none=True)
    opened_on = fields.String()
    closed_on = fields.String(allow_none=True)
    trail = fields.List(fields.Nested(TrailStepSchema))


class InquiryInSchema(Schema):
    official_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(INQUIRY_KINDS_ZH)))
    ordered_by = fields.String(load_default="clue_disposal", validate=validate.OneOf(list(ORDERED_BY_ZH)))
    ref = fields.String(load_default="", validate=validate.Length(max=100))
    reason = fields.String(
        load_default="", validate=validate.Length(max=1000), metadata={"description": "第三次起必须写明理由"}
    )


class InquiryStepInSchema(Schema):
    answer = fields.String(load_default="", validate=validate.Length(max=2000))
    method = fields.String(load_default=None, validate=validate.OneOf(list(VERIFY_METHODS_ZH)))
    result = fields.String(load_default=None, validate=validate.OneOf(list(VERIFY_RESULTS_ZH)))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class InquirySchema(Schema):
    id = fields.String()
    official_id = fields.String()
    county = fields.String()
    year = fields.Integer()
    n = fields.Integer(metadata={"description": "本年度第几次"})
    kind = fields.String()
    kind_zh = fields.Function(lambda i: INQUIRY_KINDS_ZH.get(i.kind, i.kind))
    ordered_by = fields.String()
    ordered_by_zh = fields.Function(lambda i: ORDERED_BY_ZH.get(i.ordered_by, i.ordered_by))
    ref = fields.String()
    reason = fields.String()
    state = fields.String()
    state_zh = fields.Function(lambda i: INQUIRY_STATES_ZH.get(i.state, i.state))
    opened_by = fields.String()
    opened_on = fields.String()
    approved_by = fields.String(allow_none=True)
    answered_on = fields.String(allow_none=True)
    answer = fields.String()
    sample_draw = fields.String(allow_none=True)
    sampled = fields.Boolean()
    method = fields.String(allow_none=True)
    verification = fields.String(allow_none=True)
    verification_zh = fields.Function(lambda i: VERIFY_RESULTS_ZH.get(i.verification or "", None))
    record_id = fields.String(allow_none=True)
    clue_id = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    trail = fields.List(fields.Nested(TrailStepSchema))


# -- records in the file (issue 11 item 3) -----------------------------------------------------------
RECORD_KINDS_IN = ["pledge", "family_pledge", "home_visit", "supervision_talk", "supervisor_report"]
# ``details`` of each kind: its fields and their JSON types, the same table for the server (a
# marshmallow schema per kind, unknown fields refused) and the OpenAPI (``OPENAPI_EXTRA``): free
# keys and values reached the store (a key "" or "a.b" was an InvalidDocument, a 500).
_TEXT_MAX = 5000
_DETAIL_TYPES: dict[str, tuple[Callable[[], fields.Field], dict[str, Any]]] = {
    "text": (
        lambda: fields.String(validate=validate.Length(max=_TEXT_MAX)),
        {"type": "string", "maxLength": _TEXT_MAX},
    ),
    "texts": (
        lambda: fields.List(fields.String(validate=validate.Length(max=200)), validate=validate.Length(max=50)),
        {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 200}},
    ),
    "flag": (fields.Boolean, {"type": "boolean"}),
    "date": (fields.Date, {"type": "string", "format": "date"}),
}
DETAIL_FIELDS = {
    "pledge": {"text": "text"},
    "family_pledge": {"family_member": "text", "relation": "text", "message": "text"},
    "home_visit": {
        **dict.fromkeys(HOME_VISIT_FIELDS_ZH, "text"),
        "visited_on": "date",
        "visitors": "texts",
        "family_present": "texts",
        "card_given": "flag",
    },
    "supervision_talk": {
        "talk_kind": "text",
        "talkers": "texts",
        "content": "text",
        "follow_up": "text",
        "follow_up_due": "date",
    },
    "supervisor_report": {"supervisor_id": "text", "content": "text", "about_leader": "flag"},
}
#: ``records.check_details``: a required field is not null, "" or [] (``REQUIRED``), a pledge is
#: at most 50 characters (000/C), a talk's kind is one of three (001 黑龙江).
_GIVEN: dict[str, Any] = {"not": {"enum": [None, "", []]}}
_DETAIL_VALUES: dict[str, dict[str, dict[str, Any]]] = {
    "pledge": {"text": {"maxLength": PLEDGE_MAX_CHARS}},
    "supervision_talk": {"talk_kind": {"enum": list(TALK_KINDS_ZH)}},
}
DETAIL_SCHEMAS = {
    kind: json_types(
        Schema.from_dict({name: _DETAIL_TYPES[t][0]() for name, t in named.items()}, name=f"{kind}_details")()
    )
    for kind, named in DETAIL_FIELDS.items()
}


def _details_of(kind: str) -> dict:
    needed = REQUIRED[kind]
    properties = {
        name: {
            **_DETAIL_TYPES[t][1],
            **(_GIVEN if name in needed else {}),
            **_DETAIL_VALUES.get(kind, {}).get(name, {}),
        }
        for name, t in DETAIL_FIELDS[kind].items()
    }
    details = {"type": "object", "required": list(needed), "properties": properties, "additionalProperties": False}
    return {"properties": {"kind": {"enum": [kind]}, "details": details}}


class RecordInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(RECORD_KINDS_IN))
    on = fields.Date(load_default=None, metadata={"description": "签订、家访、谈话或反映的日期（默认今天）"})
    details = fields.Dict(
        required=True,
        metadata={
            "description": "pledge: text（≤50字）; family_pledge: family_member, relation, message; home_visit: "
            + ", ".join(HOME_VISIT_FIELDS_ZH)
            + "; supervision_talk: talk_kind (tendency|regular|new_post), talkers, content, follow_up, follow_up_due; "
            "supervisor_report: supervisor_id, content, about_leader"
        },
    )

    OPENAPI_EXTRA = {"anyOf": [_details_of(kind) for kind in RECORD_KINDS_IN]}

    @validates_schema
    def details_of_the_kind(self, data, **kwargs):
        """Each kind's fields with their JSON types; what each needs is ``records.check_details``'s."""
        if data.get("kind") in DETAIL_SCHEMAS and isinstance(data.get("details"), dict):
            errors = DETAIL_SCHEMAS[data["kind"]].validate(data["details"])
            if errors:
                raise ValidationError({"details": errors})


class FollowUpInSchema(Schema):
    step = fields.String(
        load_default=None,
        validate=validate.OneOf(list(SUPERVISOR_STEPS)),
        metadata={"description": "特邀监督员反映的下一步"},
    )
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class SupervisionRecordSchema(Schema):
    id = fields.String()
    subject_kind = fields.String()
    subject_id = fields.String()
    county = fields.String()
    kind = fields.String()
    kind_zh = fields.Function(lambda r: RECORD_KINDS_ZH.get(r.kind, r.kind))
    on = fields.String()
    details = fields.Dict()
    by = fields.String()
    state = fields.String()
    state_zh = fields.Function(
        lambda r: SUPERVISOR_STEPS_ZH.get(
            r.state, {"recorded": "已登记", "followed_up": "已跟进"}.get(r.state, r.state)
        )
    )
    routed_to_zh = fields.Function(lambda r: ROUTES_ZH.get(r.details.get("routed_to", ""), None))
    trail = fields.List(fields.Nested(TrailStepSchema))


class EducationInSchema(Schema):
    held_on = fields.Date(required=True)
    hours = fields.Float(required=True, validate=validate.Range(min=0.5, max=24))
    lecturer_id = fields.String(required=True)
    lecturer_role = fields.String(load_default="other", validate=validate.OneOf(list(LECTURER_ROLES_ZH)))
    topic = fields.String(required=True, validate=validate.Length(min=1, max=200))
    attendees = fields.Integer(load_default=0, validate=validate.Range(min=0))
    family_invited = fields.Boolean(load_default=False, metadata={"description": "适时邀请干部家属及子女参加"})


class EducationQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class LeaderComplianceSchema(Schema):
    official_id = fields.String()
    name = fields.String()
    role = fields.String()
    role_zh = fields.Function(lambda c: LECTURER_ROLES_ZH.get(c.role, c.role))
    lectures = fields.Integer()
    qualifying = fields.Integer()
    required = fields.Integer()
    min_hours = fields.Float()
    compliant = fields.Boolean()


class EducationSchema(Schema):
    unit_id = fields.Function(lambda e: e.compliance.unit_id)
    year = fields.Function(lambda e: e.compliance.year, metadata={"type": "integer"})
    sessions = fields.Function(lambda e: e.compliance.sessions, metadata={"type": "integer"})
    qualifying = fields.Function(lambda e: e.compliance.qualifying, metadata={"type": "integer"})
    required = fields.Function(lambda e: e.compliance.required, metadata={"type": "integer"})
    months_covered = fields.Function(lambda e: e.compliance.months_covered, metadata={"type": "array"})
    missing_months = fields.Function(lambda e: e.compliance.missing_months, metadata={"type": "array"})
    compliant = fields.Function(lambda e: e.compliance.compliant, metadata={"type": "boolean"})
    compliant_zh = fields.Function(lambda e: "达标" if e.compliance.compliant else "未达标")
    leaders = fields.Function(
        lambda e: LeaderComplianceSchema(many=True).dump(e.compliance.leaders), metadata={"type": "array"}
    )
    rule_version = fields.Function(lambda e: e.compliance.rule_version)
    source = fields.Function(lambda e: e.compliance.source)
    lectures = fields.Function(
        lambda e: SupervisionRecordSchema(many=True).dump(e.sessions), metadata={"type": "array"}
    )


class SupervisorInSchema(Schema):
    id = fields.String(load_default=None)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    appointed_on = fields.Date(required=True)
    term_to = fields.Date(load_default=None)
    letter_no = fields.String(load_default="", metadata={"description": "聘书编号"})
    scope = fields.List(fields.String(), load_default=list, metadata={"description": "监督对象范围"})


class SupervisorSchema(Schema):
    id = fields.String()
    name = fields.String()
    county = fields.String()
    appointed_on = fields.String()
    term_to = fields.String(allow_none=True)
    letter_no = fields.String()
    scope = fields.List(fields.String())
    ended_on = fields.String(allow_none=True)
