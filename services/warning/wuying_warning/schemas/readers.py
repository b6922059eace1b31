"""Tolerant readers of the events the warning service consumes: risk's ``warning.proposed``,
intake's ``petition.triaged`` and ``petition.clarified``, ``calendar.year_loaded``."""

from __future__ import annotations

from marshmallow import fields, validate

from wuying_common.events import COUNTY_CODE, ConsumedEventData

from .common import ID, LEVEL


# -- events in (tolerant readers: never registered, the producer owns the contract) -----------
class WarningProposedReader(ConsumedEventData):
    """The part of risk's ``warning.proposed`` v1 this service reads (docs/event-flow.md)."""

    proposal_id = fields.String(load_default=None, allow_none=True)
    official_id = fields.String(required=True, validate=ID)
    # Risk may not know the official's unit yet (its registry is eventually consistent);
    # the proposal is still valid and the warning officer can complete it.
    unit_id = fields.String(load_default="", validate=validate.Length(max=64))
    county = fields.String(required=True, validate=COUNTY_CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    risk_point = fields.String(load_default=None, allow_none=True)
    trigger = fields.String(load_default=None, allow_none=True)
    reasons = fields.List(fields.String(), load_default=list)
    score = fields.Float(load_default=None, allow_none=True)
    rule_version = fields.String(load_default=None, allow_none=True)
    cause_event_ids = fields.List(fields.String(), load_default=list)


class _TriagedSubjectReader(ConsumedEventData):
    kind = fields.String(required=True)
    id = fields.String(required=True)
    county = fields.String(load_default=None, allow_none=True)


class PetitionTriagedReader(ConsumedEventData):
    """The part of intake's ``petition.triaged`` v1 this service reads."""

    petition_id = fields.String(required=True)
    outcome = fields.String(required=True)
    subjects = fields.List(fields.Nested(_TriagedSubjectReader), load_default=list)


class PetitionClarifiedReader(ConsumedEventData):
    """The part of intake's ``petition.clarified`` v1 this service reads (seed 003 澄清正名)."""

    petition_id = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    official_ids = fields.List(fields.String(validate=ID), required=True)
    clarified_at = fields.String(load_default=None, allow_none=True)
    summary_zh = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))


class CalendarYearLoadedReader(ConsumedEventData):
    """``calendar.year_loaded`` v1, read back like any consumer would (warning publishes it)."""

    year = fields.Integer(required=True)
    holidays = fields.List(fields.String(), load_default=list)
    workdays = fields.List(fields.String(), load_default=list)
    source = fields.String(load_default="")
