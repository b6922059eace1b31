"""Warnings in their stored form for the per-event paths (issue 15 item 2b): what a consumed
proposal or report decides on and writes, by key, without building a ``WarningRecord``; each
change checked as the document's ``validate`` would check it."""

from __future__ import annotations

import uuid
from datetime import datetime

from mongoengine import ValidationError

from wuying_common.outbox import new_id

from .documents import WarningRecord

_PROPOSAL_NAMESPACE = uuid.UUID("6f1f6a52-3c1e-5d0c-9a57-7761726e696e")


def proposal_warning_id(event_id: str) -> str:
    """The id of the warning a consumed ``warning.proposed`` event creates: the same for every
    delivery of the event, in the format of every other warning id (32 hex digits)."""
    return uuid.uuid5(_PROPOSAL_NAMESPACE, event_id).hex


#: What the per-event paths read of an official's warnings (one matter, one warning; a new
#: report about them): the matter, the life-cycle state, the idempotency lists and what a tally
#: entry is built from; never the history, notices, answers or outbox.
ROW_FIELDS = (
    "version",
    "source_event_id",
    "official_id",
    "county",
    "level",
    "colour",
    "status",
    "proposed_at",
    "proposer",
    "matter",
    "risk_point",
    "trigger",
    "issued_on",
    "answer_due",
    "fix_due",
    "reasons",
    "cause_event_ids",
    "merged_event_ids",
    "report_event_ids",
    "pending_reports",
)
#: What a merge reads back of the warning it wrote (on MongoDB): all but its long lists.
_WRITTEN = dict.fromkeys(("outbox", "history", "notices", "attached_proposals", "suppressed_proposals"), 0)
#: A new warning's stored defaults, as ``WarningRecord().to_mongo()`` writes them.
_ROW_DEFAULTS = tuple(
    (field.db_field, field.default)
    for name, field in WarningRecord._fields.items()
    if name not in ("id", "version") and field.default is not None
)


class WarningRow(dict):
    """A warning in its stored form (or the ``ROW_FIELDS`` of it), READ ONLY, read with the
    document's attribute names (``row.status``; ``row.id`` is ``_id``; a field not read is
    None): what the per-event paths decide on without building a ``WarningRecord``."""

    __slots__ = ()

    def __getattr__(self, name: str):
        if name in ("id", "pk"):
            return self["_id"]
        if name in WarningRecord._fields:
            return self.get(name)
        raise AttributeError(name)


def stored_time(moment: datetime) -> datetime:
    """A naive UTC time at the millisecond, as MongoDB stores it (a row written in its stored
    form holds on the embedded store what MongoDB would)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def new_warning_row(**fields) -> WarningRow:
    """A new warning in its stored form at version 1: what ``WarningRecord(**fields)`` is once
    added (the defaults of the fields not given; None values left out), without building it."""
    row = WarningRow(_id=fields.pop("id", None) or new_id(), version=1)
    for name, default in _ROW_DEFAULTS:
        row[name] = default() if callable(default) else default
    row.update((name, value) for name, value in fields.items() if value is not None)
    return row


def checked_changes(sets: dict, pushes: dict[str, list]) -> None:
    """Fields a write sets (``sets``) and items it appends to list fields (``pushes``), checked
    as ``WarningRecord.validate`` checks them. Raises mongoengine's ``ValidationError``."""
    errors = {}
    for name, value in sets.items():
        field = WarningRecord._fields[name]
        try:
            if value is None:
                if field.required:
                    raise ValidationError("Field is required", field_name=name)
            else:
                field._validate(value)
        except ValidationError as exc:
            errors[name] = exc
    for name, items in pushes.items():
        inner = WarningRecord._fields[name].field
        for item in items:
            try:
                inner._validate(item)
            except ValidationError as exc:
                errors[name] = exc
    if errors:
        raise ValidationError("ValidationError (WarningRecord)", errors=errors)
