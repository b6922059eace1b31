"""Event data intake publishes: one versioned marshmallow schema per event type, registered
with the shared registry (the JSON Schemas and AsyncAPI in ``contracts/`` are generated from
them). No event declares a reporter's identity or a report's content."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE, ConsumedEventData, registry

from ..domain.catalog import (
    CATEGORIES,
    CHANNELS,
    OUTCOMES,
    SEVERITIES,
    SUBJECT_KINDS,
)
from ..domain.deadlines import (
    REPORT_KINDS_ZH,
    RULES_BY_KEY,
    UNITS_ZH,
)
from ..domain.duplicates import CLOSE_OUTCOMES_ZH
from ..domain.petition import (
    MAX_SUBJECTS,
)

SERVICE = "intake"
OUTCOME_CODES = list(OUTCOMES)


# -- events out ------------------------------------------------------------------------------
class PetitionReceivedV1Schema(Schema):
    """收到信访举报或廉情信息. Never the reporter, never the content."""

    petition_id = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    county = fields.String(required=True, validate=COUNTY_CODE)
    received_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})
    anonymous = fields.Boolean(required=True)
    subject_count = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SUBJECTS))


class TriagedSubjectSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(SUBJECT_KINDS)))
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    county = fields.String(required=True, validate=COUNTY_CODE)


class PetitionTriagedV1Schema(Schema):
    """研判完成. Risk reads integrity_information; a case clue is transferred, not warned."""

    petition_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES))
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    category_zh = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(list(SEVERITIES)))
    subjects = fields.List(fields.Nested(TriagedSubjectSchema), required=True)
    triaged_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


class PetitionClosedV1Schema(Schema):
    """办结: every item closes with an answer (件件有着落，事事有回音). ``outcome`` is the triage
    outcome, or ``merged`` (合并办理) / ``repeated_no_new_facts`` (重复举报经集体研判了结)."""

    petition_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOME_CODES + list(CLOSE_OUTCOMES_ZH)))
    closed_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})
    answered = fields.Boolean(required=True)


CLUE_KINDS = {
    "case_clue": "问题线索：已构成违纪的，不属于预警范畴，移送案件办理",
    "false_accusation": "经核实为恶意举报（诬告陷害），移送案件办理部门追究举报人责任",
}


class ClueTransferredV1Schema(Schema):
    """问题线索移送案件办理: conduct that already amounts to a violation is not a warning matter
    (seeds/002 篇5 三(一)3); and the disposal of a confirmed malicious reporter (seeds/003 恶意举报
    的处置、责任追究), ``kind`` ``false_accusation`` with no subjects: case handling opens the
    reporter's identity through the identity-opening procedure. Never the reporter, never the
    content. ``kind`` and ``reason_zh`` were added to v1 as optional fields (issue 8): absent,
    the clue is a ``case_clue``."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    subjects = fields.List(
        fields.Nested(TriagedSubjectSchema),
        required=True,
        metadata={"description": "the officials of a case clue; empty for a false accusation"},
    )
    transferred_to = fields.String(required=True, validate=validate.OneOf(["case_handling"]))
    transferred_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})
    kind = fields.String(
        validate=validate.OneOf(list(CLUE_KINDS)),
        metadata={"description": "case_clue (default) or false_accusation (恶意举报的责任追究, seeds/003)"},
    )
    reason_zh = fields.String(metadata={"description": "移送事由（固定表述，不含举报内容和举报人信息）"})


class PetitionClarifiedV1Schema(Schema):
    """澄清正名 (seeds/003): a report confirmed malicious; the accused officials are cleared on
    the record. Never the reporter's identity, never the report's content: ``summary_zh`` is a
    fixed short text."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    official_ids = fields.List(fields.String(), required=True, metadata={"description": "被澄清正名的干部"})
    clarified_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})
    summary_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))


DEADLINE_KINDS = list(RULES_BY_KEY)
REPORT_KINDS = list(REPORT_KINDS_ZH)
UNITS = list(UNITS_ZH)


class _DeadlineEventSchema(Schema):
    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = fields.String(
        required=True, validate=validate.OneOf(DEADLINE_KINDS), metadata={"description": "the deadline's key"}
    )
    report_kind = fields.String(
        validate=validate.OneOf(REPORT_KINDS),
        metadata={"description": "discipline_report (检举控告) or petition (信访)"},
    )
    label_zh = fields.String(metadata={"description": "期限名称"})
    unit = fields.String(
        validate=validate.OneOf(UNITS), metadata={"description": "the unit the deadline is counted in"}
    )
    due = fields.String(required=True, metadata={"description": "ISO date (Beijing)"})


class PetitionDeadlineApproachingV1Schema(_DeadlineEventSchema):
    """期限临近提醒: N days before a deadline, N in the deadline's unit (rule data per deadline)."""

    working_days_left = fields.Integer(required=True, validate=validate.Range(min=0))
    days_left = fields.Integer(validate=validate.Range(min=0), metadata={"description": "in the deadline's unit"})


class PetitionOverdueV1Schema(_DeadlineEventSchema):
    """逾期未办: a deadline passed without an answer; sent once per deadline."""

    working_days_overdue = fields.Integer(required=True, validate=validate.Range(min=1))
    days_overdue = fields.Integer(validate=validate.Range(min=1), metadata={"description": "in the deadline's unit"})
    detected_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


class PetitionSentUpV1Schema(Schema):
    """转送上级: the report belongs to the level above and was sent there (seeds/000 H)."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    organ = fields.String(required=True)
    due = fields.String(required=True, metadata={"description": "ISO date: 5 working days after receipt"})
    on_time = fields.Boolean(required=True)
    sent_at = fields.String(required=True, metadata={"description": "RFC 3339 UTC"})


PETITION_RECEIVED = registry.register(
    SERVICE,
    "petition.received",
    1,
    PetitionReceivedV1Schema,
    "A report or piece of integrity information was received (收到信访举报).",
)
PETITION_TRIAGED = registry.register(
    SERVICE, "petition.triaged", 1, PetitionTriagedV1Schema, "A report was triaged (研判完成)."
)
PETITION_CLOSED = registry.register(
    SERVICE, "petition.closed", 1, PetitionClosedV1Schema, "A report was closed with an answer (办结)."
)

CLUE_TRANSFERRED = registry.register(
    SERVICE,
    "clue.transferred",
    1,
    ClueTransferredV1Schema,
    "A case clue was transferred to case handling (问题线索移送).",
)
PETITION_CLARIFIED = registry.register(
    SERVICE,
    "petition.clarified",
    1,
    PetitionClarifiedV1Schema,
    "A report was confirmed malicious and the accused cleared (澄清正名, seeds/003).",
)
PETITION_DEADLINE_APPROACHING = registry.register(
    SERVICE,
    "petition.deadline_approaching",
    1,
    PetitionDeadlineApproachingV1Schema,
    "A report's deadline is near and it is unanswered (期限临近提醒).",
)
PETITION_OVERDUE = registry.register(
    SERVICE, "petition.overdue", 1, PetitionOverdueV1Schema, "A report's deadline passed unanswered (逾期未办)."
)
PETITION_SENT_UP = registry.register(
    SERVICE, "petition.sent_up", 1, PetitionSentUpV1Schema, "A report was sent to the level above (转送上级)."
)


# -- events in -------------------------------------------------------------------------------
class CalendarYearLoadedIn(ConsumedEventData):
    """``warning.events`` ``calendar.year_loaded`` v1, read tolerantly: a year's official holiday
    arrangement, loaded once for the province (issue 8 item 3)."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)
    source = fields.String(load_default="")
