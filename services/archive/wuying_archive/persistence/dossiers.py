"""Dossiers: what the warning conditions read beyond the registry (family and interests, personal
reports, sanctions, facts learnt from events)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.outbox import OutboxDocument

from ..domain.conditions import Signal
from ..domain.matters import MatterRecord
from .common import ALIAS


class MatterDoc(EmbeddedDocument):
    """One family-and-interests, personal-report or sanction record (``domain.matters``)."""

    id = StringField(required=True)
    kind = StringField(required=True)
    source = StringField(required=True)
    recorded_on = StringField(required=True)
    noted_by = StringField()
    name = StringField(default="")
    relative_of = StringField(default="")
    settled_abroad = BooleanField(default=False)
    country = StringField(default="")
    foreign_status = StringField(default="")
    holder = StringField(default="self")
    company = StringField(default="")
    role = StringField(default="")
    within_remit = BooleanField(default=False)
    paid = BooleanField(default=False)
    pay_yuan = IntField(default=0)
    approved = BooleanField(default=False)
    year = IntField(default=0)
    on_time = BooleanField(default=True)
    check_result = StringField(default="")
    sanction = StringField(default="")
    decided_on = StringField(default="")
    ended_on = StringField(null=True)
    note = StringField(default="")
    entered_at = DateTimeField(null=True)  # when the archive recorded it (a report "as of" reads it)
    ref = StringField(default="")  # the check or inquiry that wrote it (written once per ref)
    grade = StringField(default="")  # assessment: excellent, competent, basically_competent, incompetent
    satisfaction = IntField(default=0)  # 民主测评 satisfaction, percent

    FIELDS = (
        "id kind source recorded_on name relative_of settled_abroad country foreign_status holder company role "
        "within_remit paid pay_yuan approved year on_time check_result sanction decided_on ended_on note entered_at "
        "ref grade satisfaction"
    ).split()

    def to_domain(self) -> MatterRecord:
        return MatterRecord(**{f: getattr(self, f) for f in self.FIELDS})


class SignalDoc(EmbeddedDocument):
    event_id = StringField(required=True)
    kind = StringField(required=True)
    on = StringField(required=True)
    ref = StringField(default="")
    detail = StringField(default="")

    def to_domain(self) -> Signal:
        return Signal(self.event_id, self.kind, self.on, self.ref, self.detail or "")


class Dossier(OutboxDocument):
    """What the conditions read beyond the registry, one per official (``_id`` the official id):
    family and interests, personal-matters reports and sanctions (``records``, archive roles only,
    never on an event), facts learnt from events (``signals``, idempotent on the event id), and
    per condition the last reminder round and the evidence it covered (``hits``)."""

    meta = {"db_alias": ALIAS, "collection": "dossiers", "indexes": ["outbox_pending"]}
    subject_kind = "official"
    id = StringField(primary_key=True)
    county = StringField(required=True)
    records = ListField(EmbeddedDocumentField(MatterDoc))
    next_record = IntField(default=1)
    signals = ListField(EmbeddedDocumentField(SignalDoc))
    hits = DictField()  # code -> {"round": n, "evidence": [...], "reminder_id": ...}
    credit = DictField()  # the integrity credit last sent to risk: score, level, factors, rule_version

    def matter_records(self) -> tuple[MatterRecord, ...]:
        return tuple(r.to_domain() for r in self.records)

    def signal_facts(self) -> tuple[Signal, ...]:
        return tuple(s.to_domain() for s in self.signals)

    def view(self) -> DossierView:
        """This loaded dossier as evaluating reads it."""
        return DossierView(
            self.id,
            self.county,
            self.version or 0,
            self.matter_records(),
            self.signal_facts(),
            dict(self.hits or {}),
            dict(self.credit) if self.credit else None,
        )


@dataclass(frozen=True)
class DossierView:
    """A dossier as the conditions and the credit read it, read only: its records and signals
    as domain values, the hit records, the credit last sent and the version it was read at (0:
    none stored). Built from the stored row by key (``ReminderStore.dossier_views``: the event
    path, the sweep, the imports) or from a loaded ``Dossier`` (``Dossier.view``); the hit and
    credit mappings may be the store's own: never changed in place."""

    id: str
    county: str
    version: int
    records: tuple[MatterRecord, ...] = ()
    signals: tuple[Signal, ...] = ()
    hits: Mapping[str, Mapping] = field(default_factory=dict)
    credit: Mapping | None = None

    @classmethod
    def of_row(cls, row: Mapping) -> DossierView:
        """The view of a stored dossier (its MongoDB form), as ``Dossier.view`` reads the
        document built from it."""
        return cls(
            row["_id"],
            row["county"],
            row.get("version") or 0,
            tuple(matter_record(r) for r in row.get("records") or ()),
            tuple(signal_fact(s) for s in row.get("signals") or ()),
            row.get("hits") or {},
            row.get("credit") or None,
        )


#: (name, default, null) of each field a record's domain value reads: a field stored as None
#: reads as its default unless it may be null, as mongoengine sets it on a loaded document.
_MATTER_FIELDS = tuple(
    (name, MatterDoc._fields[name].default, MatterDoc._fields[name].null) for name in MatterDoc.FIELDS
)


def matter_record(stored: Mapping) -> MatterRecord:
    """A record's domain value from its stored form (``MatterDoc.to_domain`` without the document)."""
    values: dict = {}
    for name, default, null in _MATTER_FIELDS:
        value = stored.get(name)
        values[name] = default if value is None and not null else value
    return MatterRecord(**values)


def signal_fact(stored: Mapping) -> Signal:
    """A signal's domain value from its stored form (``SignalDoc.to_domain`` without the document)."""
    return Signal(stored["event_id"], stored["kind"], stored["on"], stored.get("ref") or "", stored.get("detail") or "")


def dossier_row(official_id: str, county: str, **fields) -> dict:
    """A new dossier in its stored form (written by key, as the first write of an official's
    dossier), with ``fields`` (``signals``, ``hits``) set."""
    return {
        "_id": official_id,
        "version": 1,
        "county": county,
        "records": [],
        "next_record": 1,
        "signals": [],
        "hits": {},
        **fields,
    }
