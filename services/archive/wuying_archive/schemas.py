"""Marshmallow schemas at the archive's edges: HTTP payloads and versioned event data."""

from __future__ import annotations

import uuid
from datetime import datetime

from marshmallow import Schema, fields, validate

from wuying_common.clock import naive_utc
from wuying_common.events import COUNTY_CODE, ConsumedEventData, build_event, registry

from .domain.conditions import condition_rules
from .domain.matters import (
    CHECK_RESULTS_ZH,
    FOREIGN_STATUSES_ZH,
    GRADES_ZH,
    KINDS_ZH,
    SANCTION_MONTHS,
    SANCTIONS_ZH,
    SOURCES_ZH,
)
from .domain.personnel import CHANGES_ZH, STATUSES, STATUSES_ZH
from .domain.records import (
    HOME_VISIT_FIELDS_ZH,
    LECTURER_ROLES_ZH,
    ROUTES_ZH,
    SUPERVISOR_STEPS,
    SUPERVISOR_STEPS_ZH,
)
from .domain.reminders import DEPARTMENTS_ZH, RESULTS_ZH, STATES_ZH
from .domain.supervision import (
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


class CheckpointLeafSchema(Schema):
    file = fields.String(required=True, metadata={"description": "<kind>/<subject_id>"})
    seq = fields.Integer(required=True)
    hash = fields.String(required=True)


class CheckpointSignedV1Schema(Schema):
    """档案签名检查点: the heads of the county's files that changed since the previous checkpoint,
    chained to it by ``prev_hash`` and signed with Ed25519 (``signature`` over the canonical JSON of
    county, number, issued_at, key_id, prev_hash and leaves). Keep every one: with an export of the
    files, ``python -m wuying_archive.verifier`` proves no entry was changed, removed or reordered."""

    county = fields.String(required=True, validate=COUNTY_CODE)
    number = fields.Integer(required=True, metadata={"description": "1, 2, 3 … per county, no gaps"})
    issued_at = fields.String(required=True)
    key_id = fields.String(required=True, metadata={"description": "SHA-256 of the raw public key, 16 hex"})
    prev_hash = fields.String(required=True)
    leaves = fields.List(fields.Nested(CheckpointLeafSchema), required=True)
    files = fields.Integer(required=True)
    hash = fields.String(required=True, metadata={"description": "SHA-256 of the signed body"})
    signature = fields.String(required=True, metadata={"description": "Ed25519, base64"})


CHECKPOINT_SIGNED = registry.register(
    SERVICE,
    "archive.checkpoint_signed",
    1,
    CheckpointSignedV1Schema,
    "A signed checkpoint of a county's integrity files (档案签名检查点); keep it to prove the files later.",
)


class DrawCommittedV1Schema(Schema):
    """随机抽取承诺: before a draw, the SHA-256 of its seed and the digest of its frozen population."""

    draw_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    purpose = fields.String(required=True, validate=validate.OneOf(["report_spot_check", "inquiry_verification"]))
    period = fields.String(required=True)
    ratio = fields.Float(required=True)
    rule_version = fields.String(required=True)
    population_size = fields.Integer(required=True)
    population_digest = fields.String(
        required=True, metadata={"description": "SHA-256 of the sorted ids, one per line"}
    )
    commitment = fields.String(required=True, metadata={"description": "SHA-256 of the seed"})
    committed_at = fields.String(required=True)


class DrawRevealedV1Schema(Schema):
    """随机抽取结果: the seed revealed after the draw and the public entropy used: anyone re-runs it."""

    draw_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    purpose = fields.String(required=True)
    period = fields.String(required=True)
    seed = fields.String(required=True)
    public_entropy = fields.String(required=True)
    selected_count = fields.Integer(required=True)
    sample_digest = fields.String(required=True, metadata={"description": "SHA-256 of the sorted sample"})
    drawn_at = fields.String(required=True)


class SupervisionRecordedV1Schema(Schema):
    """监督记录: a step of a supervision record of the archive (a personal-matters check, an inquiry,
    a pledge, a home visit, a supervision talk, a lecture, a special supervisor's report), for the
    file's timeline. Never the record's content: ``digest`` is the SHA-256 of it."""

    record_id = fields.String(required=True)
    official_id = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(required=True)
    step = fields.String(required=True)
    state = fields.String(required=True)
    result = fields.String(allow_none=True)
    on = fields.String(required=True)
    digest = fields.String(allow_none=True)


class CaseClueRaisedV1Schema(Schema):
    """问题线索移送: a check or an inquiry found what is a case clue (000/D 隐瞒不报情节较重或涉嫌其他
    违纪问题; 001 黑龙江 隐瞒事实、欺骗组织), for case handling."""

    clue_id = fields.String(required=True)
    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    source = fields.String(required=True, validate=validate.OneOf(["report_check", "inquiry"]))
    source_ref = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["concealment", "other_violation", "concealed_fact"]))
    raised_on = fields.String(required=True)


DRAW_COMMITTED = registry.register(
    SERVICE, "archive.draw_committed", 1, DrawCommittedV1Schema, "A draw's seed was committed (随机抽取承诺)."
)
DRAW_REVEALED = registry.register(
    SERVICE, "archive.draw_revealed", 1, DrawRevealedV1Schema, "A draw was made and its seed revealed (随机抽取结果)."
)
SUPERVISION_RECORDED = registry.register(
    SERVICE,
    "archive.supervision_recorded",
    1,
    SupervisionRecordedV1Schema,
    "A step of a supervision record, for the file's timeline (监督记录).",
)
CASE_CLUE_RAISED = registry.register(
    SERVICE,
    "archive.case_clue_raised",
    1,
    CaseClueRaisedV1Schema,
    "A check or an inquiry found a case clue, for case handling (问题线索移送).",
)


class CreditFactorSchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    points = fields.Integer(required=True)
    count = fields.Integer(required=True)


class IntegrityCreditChangedV1Schema(Schema):
    """廉政信用变化: an official's integrity credit under a versioned rule, factor by factor (never a
    record's content); risk reads it as a profile signal."""

    official_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    score = fields.Integer(required=True, metadata={"description": "0–100, higher is better"})
    factors = fields.List(fields.Nested(CreditFactorSchema), required=True)
    previous_score = fields.Integer(allow_none=True)
    level = fields.String(validate=validate.OneOf(["good", "fair", "watch", "focus"]))
    level_zh = fields.String()
    rule_version = fields.String()
    computed_on = fields.String()


INTEGRITY_CREDIT_CHANGED = registry.register(
    SERVICE,
    "archive.integrity_credit_changed",
    1,
    IntegrityCreditChangedV1Schema,
    "An official's integrity credit changed (廉政信用变化), factor by factor.",
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


# -- events in (tolerant readers) --------------------------------------------------------------
class CalendarYearLoadedIn(ConsumedEventData):
    """``warning.events`` ``calendar.year_loaded`` v1, read tolerantly: a year's official holiday
    arrangement, loaded once for the province."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)
    source = fields.String(load_default="")


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
    grade = fields.String(validate=validate.OneOf(list(GRADES_ZH)), metadata={"description": "年度考核等次"})
    satisfaction = fields.Integer(validate=validate.Range(min=0, max=100), metadata={"description": "民主测评满意率 %"})


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


# -- the integrity portrait and the personal report (廉政画像 / 个人综合廉情报告) -----------------------
class OutcomeSchema(Schema):
    category = fields.String()
    category_zh = fields.String()
    ref = fields.String()
    settled = fields.Boolean()
    status_zh = fields.String(metadata={"description": "已办结 / 尚未办结"})
    state_zh = fields.String()
    first_on = fields.String()
    last_on = fields.String()
    detail_zh = fields.String()
    seqs = fields.List(fields.Integer(), metadata={"description": "the file entries it comes from"})


class ConditionHitSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    evidence = fields.List(fields.String())


def _outcomes(*categories: str):
    return fields.Function(
        lambda p: OutcomeSchema(many=True).dump(p.outcomes_of(*categories)),
        metadata={"type": "array", "items": {"type": "object"}},
    )


class PortraitSchema(Schema):
    official = fields.Nested(OfficialSchema)
    generated_at = fields.DateTime()
    requester = fields.String()
    family = fields.List(fields.Nested(MatterRecordSchema), metadata={"description": "家庭成员及国（境）外情况"})
    interests = fields.List(fields.Nested(MatterRecordSchema), metadata={"description": "经商办企业、任职、兼职"})
    personal_reports = fields.List(fields.Nested(MatterRecordSchema), metadata={"description": "个人有关事项及核实"})
    conditions = fields.List(fields.Nested(ConditionHitSchema), metadata={"description": "当前符合的预警条件"})
    rule_version = fields.String()
    reminders = fields.List(fields.Nested(ReminderSchema))
    reports = _outcomes("report", "clue", "clarification")
    warnings = _outcomes("warning")
    organisational_handling = _outcomes("organisational_handling")
    sanctions = _outcomes("sanction")
    findings = _outcomes("finding")
    supervision = _outcomes("inquiry", "report_check")
    risk = fields.Dict(allow_none=True, metadata={"description": "the latest risk.profile_changed"})
    file = fields.Function(
        lambda p: {"last_seq": p.file_last_seq, "intact": p.file_intact}, metadata={"type": "object"}
    )
    extras = fields.Function(
        lambda p: {k: v for k, v in p.extras.items() if k != "pdf_sections"},
        metadata={"type": "object", "description": "credit (廉政信用) and records (承诺、家访、谈话)"},
    )


class PortraitQuerySchema(Schema):
    purpose = fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"description": "查阅事由（记入查阅日志）"}
    )


class AccessLogQuerySchema(Schema):
    subject = fields.String(load_default=None)
    by = fields.String(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


ACTIONS_ZH = {
    "portrait.read": "查阅廉政画像",
    "report.pdf": "打印个人综合廉情报告",
    "review.create": "发起廉政审核",
    "review.read": "查阅廉政审核报告",
    "review.pdf": "打印廉政审核报告",
    "export.files": "导出档案（审计核验）",
}


class AccessLogSchema(Schema):
    id = fields.String()
    at = fields.DateTime()
    by = fields.String()
    roles = fields.List(fields.String())
    action = fields.String()
    action_zh = fields.Function(lambda e: ACTIONS_ZH.get(e.action, e.action))
    subject = fields.String()
    county = fields.String()
    purpose = fields.String()


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
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


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


# -- the one-click integrity review (廉政审核, issue 11 item 5) ---------------------------------------
class ReviewInSchema(Schema):
    purpose = fields.String(
        required=True,
        validate=validate.Length(min=2, max=200, error="必须写明审核用途"),
        metadata={"description": "审核用途（必填，记入审计）"},
    )
    people = fields.List(
        fields.String(validate=validate.Length(max=2000)),
        load_default=list,
        metadata={"description": "姓名或编号（可粘贴多个，用换行、逗号、顿号分隔）"},
    )
    text = fields.String(load_default="", metadata={"description": "上传名单文件的内容：每行一人，CSV 取第一列"})
    unit_id = fields.String(load_default=None, metadata={"description": "按单位审核"})
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    as_of = fields.AwareDateTime(
        load_default=None, default_timezone=None, metadata={"description": "审核时点（默认现在）：只看届时档案所载"}
    )


class ReviewSchema(Schema):
    id = fields.String()
    requester = fields.String()
    purpose = fields.String()
    requested_at = fields.DateTime()
    as_of = fields.DateTime()
    date_from = fields.String(allow_none=True)
    date_to = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    total = fields.Integer()
    done = fields.Integer()
    progress = fields.Function(lambda r: round(r.done / r.total, 4) if r.total else 1.0, metadata={"type": "number"})
    pages = fields.Integer()
    with_findings = fields.Integer()
    pending_items = fields.Integer()
    unknown = fields.List(fields.Dict(), metadata={"description": "未能审核的输入（原样列出）"})
    state = fields.String()
    state_zh = fields.Function(
        lambda r: {"queued": "排队中", "running": "生成中", "done": "已完成"}.get(r.state, r.state)
    )
    finished_at = fields.DateTime(allow_none=True)


class ReviewRowsQuerySchema(Schema):
    page = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ReviewRowsSchema(Schema):
    review = fields.Nested(ReviewSchema)
    page = fields.Integer()
    rows = fields.List(fields.Dict())


# -- records in the file (issue 11 item 3) -----------------------------------------------------------
RECORD_KINDS_IN = ["pledge", "family_pledge", "home_visit", "supervision_talk", "supervisor_report"]


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


class CreditSchema(Schema):
    official_id = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = fields.String()
    rule_version = fields.String()
    factors = fields.List(fields.Dict(), metadata={"description": "code, name_zh, points, count, source"})
