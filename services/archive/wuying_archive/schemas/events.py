"""Versioned event data the archive publishes (``archive.*``, ``official.changed``), the fast
envelopes of a batch written at province scale, and the events it reads (tolerant readers)."""

from __future__ import annotations

import uuid
from datetime import datetime

from marshmallow import Schema, fields, validate

from wuying_common.clock import naive_utc
from wuying_common.events import COUNTY_CODE, ConsumedEventData, build_event, registry

from ..domain.personnel import CHANGES_ZH, STATUSES

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


#: At most this many changes in one ``officials.imported`` (about 200 KB of JSON).
IMPORTED_MAX = 500


class OfficialsImportedV1Schema(Schema):
    """批量人员信息变动: what a registry import changed for one county, in one event. Each item of
    ``changes`` is exactly an ``official.changed`` v1 ``data`` and means what that event means;
    a consumer applies them in order, idempotent per (event id, official). A province import
    (200,000 officials) is 400 of these instead of 200,000 ``official.changed``: one publish and
    one delivery per consumer per 500 officials. Single registrations still publish
    ``official.changed``; a consumer of the registry reads both."""

    import_id = fields.String(required=True, metadata={"description": "the import batch (its id in archive)"})
    county = fields.String(required=True, validate=COUNTY_CODE)
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=IMPORTED_MAX))
    changes = fields.List(
        fields.Nested(OfficialChangedV1Schema),
        required=True,
        validate=validate.Length(min=1, max=IMPORTED_MAX),
        metadata={"description": "official.changed v1 data, in the import's order, all of this county"},
    )


OFFICIALS_IMPORTED = registry.register(
    SERVICE,
    "officials.imported",
    1,
    OfficialsImportedV1Schema,
    "A registry import's official changes for one county, up to 500 in one event (批量人员信息变动).",
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


_CHANGE_FIELDS = frozenset(OfficialChangedV1Schema._declared_fields)


def officials_imported_entry(import_id: str, county: str, changes: list[dict], now: datetime) -> dict:
    """The outbox entry carrying one ``officials.imported``.

    As ``FastEnvelopes`` does for ``official.changed``: ``build_event`` validates the envelope
    with the first change (the schema's every check), the other changes join it after a check of
    their county and their fields; they are built by the same code (``registry.diff_official``)
    from rows checked line by line. Validating all 500 through marshmallow cost ~50 ms a batch,
    a third of a province import. A unit test keeps the two paths equal."""
    for change in changes:
        extra = set(change) - _CHANGE_FIELDS
        if extra or change["county"] != county:
            raise ValueError(f"officials.imported: a change of another county or with fields {sorted(extra)}")
    data = {"import_id": import_id, "county": county, "count": len(changes), "changes": changes[:1]}
    envelope = build_event(OFFICIALS_IMPORTED, data, subject=f"import/{import_id}", county=county, now=now)
    envelope["data"] = dict(envelope["data"], changes=[dict(c) for c in changes])
    return {
        "id": envelope["id"],
        "service": SERVICE,
        "routing_key": OFFICIALS_IMPORTED.name,
        "envelope": envelope,
        "created_at": naive_utc(now),
    }


def integrity_credit_entry(data: dict, *, subject: str, county: str, now: datetime) -> dict:
    """The outbox entry (``OutboxEntry``'s stored form) carrying one
    ``archive.integrity_credit_changed``, built and validated by ``build_event`` as
    ``OutboxDocument.record_event`` builds it: for a dossier written by key."""
    envelope = build_event(INTEGRITY_CREDIT_CHANGED, data, subject=subject, county=county, now=now)
    return {
        "id": envelope["id"],
        "service": SERVICE,
        "routing_key": INTEGRITY_CREDIT_CHANGED.name,
        "envelope": envelope,
        "created_at": naive_utc(now),
    }


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
