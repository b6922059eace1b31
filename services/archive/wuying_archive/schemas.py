"""Marshmallow schemas at the archive's edges: HTTP payloads and versioned event data."""

from __future__ import annotations

import uuid
from datetime import datetime

from marshmallow import Schema, fields, validate

from wuying_common.clock import naive_utc
from wuying_common.events import COUNTY_CODE, build_event, registry

from .domain.conditions import condition_rules
from .domain.matters import (
    CHECK_RESULTS_ZH,
    FOREIGN_STATUSES_ZH,
    KINDS_ZH,
    SANCTION_MONTHS,
    SANCTIONS_ZH,
    SOURCES_ZH,
)
from .domain.personnel import CHANGES_ZH, STATUSES, STATUSES_ZH
from .domain.reminders import DEPARTMENTS_ZH, RESULTS_ZH, STATES_ZH
from .domain.tags import vocabulary

SERVICE = "archive"


# -- events out ------------------------------------------------------------------------------
class OfficialChangedV1Schema(Schema):
    """人员信息变动: every lifecycle change of an official (registration, hire, transfer, promotion,
    post or rank change, secondment and return, leave, retirement, death, a corrected record).

    Additive to the first v1: more ``status`` and ``change`` values and optional fields; a
    tolerant reader of the first v1 reads it unchanged."""

    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    post = fields.String(required=True)
    rank = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    change = fields.String(required=True, validate=validate.OneOf(list(CHANGES_ZH)))
    commission_staff = fields.Boolean(required=True)
    effective_on = fields.String(metadata={"description": "date the change took effect (ISO)"})
    previous_unit_id = fields.String(allow_none=True)
    previous_post = fields.String(allow_none=True)
    previous_rank = fields.String(allow_none=True)
    previous_status = fields.String(allow_none=True)
    seconded_to_unit_id = fields.String(allow_none=True)
    tags = fields.List(fields.String(), metadata={"description": "standard tag codes (标准化信息标签)"})


OFFICIAL_CHANGED = registry.register(
    SERVICE, "official.changed", 1, OfficialChangedV1Schema, "An official's personnel record changed (人员信息变动)."
)


class ReminderCreatedV1Schema(Schema):
    """监督提醒任务生成: a warning condition hit one official; the task went to a department."""

    reminder_id = fields.String(required=True)
    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    condition_code = fields.String(required=True)
    condition_name_zh = fields.String(required=True)
    rule_version = fields.String(required=True)
    round = fields.Integer(required=True)
    department = fields.String(required=True)
    created_on = fields.String(required=True)
    due_on = fields.String(required=True, metadata={"description": "acknowledgement due (working days)"})
    due_provisional = fields.Boolean(required=True)
    evidence_count = fields.Integer(required=True)


class ReminderClosedV1Schema(Schema):
    """监督提醒任务办结, with the result of 了解核实: ``confirmed`` is a profile signal for risk."""

    reminder_id = fields.String(required=True)
    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    condition_code = fields.String(required=True)
    condition_name_zh = fields.String(required=True)
    rule_version = fields.String(required=True)
    round = fields.Integer(required=True)
    department = fields.String(required=True)
    result = fields.String(required=True, validate=validate.OneOf(["confirmed", "cleared", "needs_handling"]))
    closed_on = fields.String(required=True)
    overdue = fields.Boolean(required=True, metadata={"description": "a step was ever past its deadline"})


REMINDER_CREATED = registry.register(
    SERVICE,
    "archive.reminder_created",
    1,
    ReminderCreatedV1Schema,
    "A supervision reminder was created for a warning condition (监督提醒任务生成).",
)
REMINDER_CLOSED = registry.register(
    SERVICE,
    "archive.reminder_closed",
    1,
    ReminderClosedV1Schema,
    "A supervision reminder was closed with its verification result (监督提醒任务办结).",
)


class FastEnvelopes:
    """Envelopes of one event type for a batch written at province scale (an import, a sweep).

    ``build_event`` costs ~170 µs (two marshmallow schemas per call): 200,000 registrations would
    spend most of the import's budget there. The first envelope of a batch goes through
    ``build_event`` (schema and envelope validated); the others reuse its validated envelope with
    their own id, subject, county and data. Their data has exactly the schema's fields (checked
    here) built by the same code from rows validated line by line (``domain.importing``: county
    code, status, change); a unit test keeps the two paths equal."""

    event_type = OFFICIAL_CHANGED
    subject_kind = "official"
    key = "official_id"

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._template: dict | None = None
        self._fields = frozenset(self.event_type.schema._declared_fields)

    def __call__(self, data: dict) -> dict:
        extra = set(data) - self._fields
        if extra:
            raise ValueError(f"{self.event_type.name} has no fields {sorted(extra)}")
        subject, county = f"{self.subject_kind}/{data[self.key]}", data["county"]
        if self._template is None:
            self._template = build_event(self.event_type, data, subject=subject, county=county, now=self.now)
            return self._template
        return dict(self._template, id=str(uuid.uuid4()), subject=subject, county=county, data=dict(data))

    def outbox_entry(self, data: dict) -> dict:
        """The outbox entry (``OutboxEntry``'s stored form) carrying one envelope."""
        envelope = self(data)
        return {
            "id": envelope["id"],
            "service": SERVICE,
            "routing_key": self.event_type.name,
            "envelope": envelope,
            "created_at": naive_utc(self.now),
        }


class OfficialChangedEnvelopes(FastEnvelopes):
    """``official.changed`` for an import batch."""


class ReminderCreatedEnvelopes(FastEnvelopes):
    """``archive.reminder_created`` for the reminders an evaluation raises."""

    event_type = REMINDER_CREATED
    subject_kind = "reminder"
    key = "reminder_id"


# -- HTTP / RPC payloads -------------------------------------------------------------------
class UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40))
    zone = fields.String(load_default=None, allow_none=True)


class OccupancySchema(Schema):
    unit_id = fields.String()
    post = fields.String()
    rank = fields.String()
    kind = fields.String(metadata={"description": "post, or secondment (借调/挂职)"})
    kind_zh = fields.Function(lambda o: "借调/挂职" if o.kind == "secondment" else "任职")
    start = fields.String(metadata={"description": "from (ISO date, inclusive)"})
    end = fields.String(allow_none=True, metadata={"description": "to (ISO date, inclusive); null: still held"})


class OfficialSchema(Schema):
    """An official: loaded from a registration, dumped with the time-bounded posts and tags."""

    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = fields.String(required=True)
    post = fields.String(required=True)
    rank = fields.String(required=True)
    status = fields.String(load_default="serving", validate=validate.OneOf(STATUSES))
    status_zh = fields.Function(lambda o: STATUSES_ZH.get(o.status, o.status), dump_only=True)
    commission_staff = fields.Boolean(load_default=False)
    seconded_to = fields.String(load_default=None, allow_none=True)
    since = fields.Date(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"description": "date the current post or status began"},
    )
    tags = fields.List(fields.String(), load_default=list)
    tags_zh = fields.Function(lambda o: [vocabulary(o.tag_version).label(t) for t in o.tags or []], dump_only=True)
    tag_version = fields.String(dump_only=True, allow_none=True)
    postings = fields.List(fields.Nested(OccupancySchema), dump_only=True)


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


class OfficialQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    name = fields.String(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class SearchQuerySchema(Schema):
    county = fields.String(load_default=None, validate=COUNTY_CODE)
    name = fields.String(load_default=None)
    unit_id = fields.String(load_default=None)
    post = fields.String(load_default=None)
    rank = fields.String(load_default=None)
    tag = fields.String(load_default=None)
    condition = fields.String(load_default=None)
    reminder_state = fields.String(load_default=None, validate=validate.OneOf(list(STATES_ZH)))
    date_from = fields.Date(load_default=None, metadata={"description": "held a post (or reminder raised) from"})
    date_to = fields.Date(load_default=None)
    after = fields.String(load_default="", metadata={"description": "cursor: next_after of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class SearchPageSchema(Schema):
    items = fields.List(fields.Nested(OfficialSchema))
    next_after = fields.String(allow_none=True)


class HoldersQuerySchema(Schema):
    unit_id = fields.String(required=True)
    post = fields.String(load_default=None)
    on = fields.Date(required=True)


class HolderSchema(Schema):
    official_id = fields.Function(lambda h: h[0].id)
    name = fields.Function(lambda h: h[0].name)
    county = fields.Function(lambda h: h[0].county)
    occupancy = fields.Function(lambda h: OccupancySchema().dump(h[1]))


class TagSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    category = fields.String()
    source = fields.String()


class TagVocabularySchema(Schema):
    version = fields.String()
    tags = fields.List(fields.Nested(TagSchema))


# -- import --------------------------------------------------------------------------------------
class ImportChunkSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["officials", "units"]))
    format = fields.String(required=True, validate=validate.OneOf(["csv", "jsonl"]))
    first_line = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "file line number of the chunk's first data line (CSV default 2, JSONL 1)"},
    )
    text = fields.String(required=True, metadata={"description": "the lines; a CSV chunk starts with its header"})
    as_of = fields.Date(load_default=None, metadata={"description": "effective date of changes without since"})


class LineErrorSchema(Schema):
    line = fields.Integer()
    field = fields.String()
    message = fields.String()


class ImportSummarySchema(Schema):
    kind = fields.String()
    lines = fields.Integer()
    created = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()
    events = fields.Integer()
    reminders = fields.Integer()
    errors = fields.List(fields.Nested(LineErrorSchema))


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
    decided_on = fields.String(validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$"))
    note = fields.String(validate=validate.Length(max=500))


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


class RecordEndSchema(Schema):
    ended_on = fields.Date(load_default=None)


class DossierSchema(Schema):
    official_id = fields.String(attribute="id")
    records = fields.List(fields.Nested(MatterRecordSchema))


class RecordAddedSchema(Schema):
    record = fields.Nested(MatterRecordSchema)
    reminders = fields.Function(lambda r: [x.id for x in r.reminders])


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
    after = fields.String(load_default="")
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


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
