"""Payloads of the warning conditions and supervision reminders (监督提醒), and the completion
figures."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain.conditions import condition_rules
from ..domain.reminders import DEPARTMENTS_ZH, RESULTS_ZH, STATES_ZH


# -- conditions and reminders -------------------------------------------------------------------------
class ConditionSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    reads = fields.List(fields.String())
    threshold = fields.Dict()
    threshold_zh = fields.String()
    source = fields.String()


class ConditionRulesSchema(Schema):
    version = fields.String()
    conditions = fields.List(fields.Nested(ConditionSchema))


STEPS_ZH = {
    "recounted": "节假日安排载入后期限重算",
    "assigned": "分派",
    "acknowledge": "签收",
    "verify": "了解核实",
    "close": "办结",
    "escalated": "逾期升级",
    "reassign": "改派",
}


class StepSchema(Schema):
    step = fields.String()
    step_zh = fields.Function(lambda s: STEPS_ZH.get(s.step, s.step))
    by = fields.String()
    on = fields.String()
    result = fields.String(allow_none=True)
    to = fields.String(allow_none=True)
    note = fields.String()


def _condition_name(code: str) -> str:
    rules = condition_rules()
    return rules.get(code).name_zh if code in rules.codes() else code


class ReminderSchema(Schema):
    id = fields.String()
    official_id = fields.String()
    official_name = fields.String()
    county = fields.String()
    unit_id = fields.String()
    condition_code = fields.String()
    condition_name_zh = fields.Function(lambda r: _condition_name(r.condition_code))
    rule_version = fields.String()
    round = fields.Integer()
    evidence = fields.List(fields.String())
    department = fields.String()
    department_zh = fields.Function(lambda r: DEPARTMENTS_ZH.get(r.department, r.department))
    state = fields.String()
    state_zh = fields.Function(lambda r: STATES_ZH.get(r.state, r.state))
    result = fields.String(allow_none=True)
    result_zh = fields.Function(lambda r: RESULTS_ZH.get(r.result or "", None))
    created_on = fields.String()
    due_on = fields.String(allow_none=True)
    due_provisional = fields.Boolean()
    escalation_level = fields.Integer()
    ever_overdue = fields.Boolean()
    closed_on = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))


class ReminderStepInSchema(Schema):
    result = fields.String(load_default=None, validate=validate.OneOf(list(RESULTS_ZH)))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ReassignSchema(Schema):
    department = fields.String(required=True, validate=validate.OneOf(list(DEPARTMENTS_ZH)))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ReminderQuerySchema(Schema):
    state = fields.String(load_default=None, validate=validate.OneOf(list(STATES_ZH)))
    condition = fields.String(load_default=None)
    department = fields.String(load_default=None, validate=validate.OneOf(list(DEPARTMENTS_ZH)))
    created_from = fields.Date(load_default=None)
    created_to = fields.Date(load_default=None)


class FiguresSchema(Schema):
    department = fields.String()
    department_zh = fields.Function(lambda f: DEPARTMENTS_ZH.get(f.department, f.department))
    county = fields.String()
    total = fields.Integer()
    closed = fields.Integer()
    closed_on_time = fields.Integer()
    open = fields.Integer()
    overdue = fields.Integer()
    confirmed = fields.Integer()
    completion_rate = fields.Float()
