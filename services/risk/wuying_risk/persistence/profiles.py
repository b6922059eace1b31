"""Documents of the registry copy, signals and dynamic risk profiles (official and unit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mongoengine import (
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.events import EventType
from wuying_common.outbox import OutboxDocument
from wuying_common.store import ValueListField

from ..domain.scoring import Entry, FactorSummary, ScoredEntry, factor_breakdown
from .common import ALIAS, SIGNALS_KEPT


class RegisteredOfficial(OutboxDocument):
    """Risk's copy of the archive's registry: only what scoring and access checks need.

    An OutboxDocument so it can carry events later (e.g. profile moves on transfer); today it
    emits none.
    """

    meta = {"db_alias": ALIAS, "collection": "officials", "indexes": ["county", "unit_id", "outbox_pending"]}
    subject_kind = "official"
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(default="")
    post = StringField(default="")
    status = StringField(default="serving")
    seen_event_ids = ListField(StringField())
    updated_at = DateTimeField()


# -- signals and profiles ---------------------------------------------------------------------
class Signal(EmbeddedDocument):
    """One signal as a profile keeps it: its inputs (to re-score it under any rule version) and
    its points and explanation as of the profile's last computation."""

    key = StringField(default="")  # the SignalRecord's _id
    factor = StringField(required=True)
    points = IntField(required=True)
    event_id = StringField(required=True)
    category = StringField(default="")
    category_zh = StringField(default="")
    severity = StringField(default="")
    occurred_at = DateTimeField()
    recorded_at = DateTimeField()
    explanation = StringField(required=True)
    ref = StringField(default="")
    state = StringField(default="")

    def entry(self) -> Entry:
        occurred = self.occurred_at or self.recorded_at or datetime(1970, 1, 1)
        return Entry(
            key=self.key or self.event_id,
            event_id=self.event_id,
            factor=self.factor,
            severity=self.severity,
            category=self.category,
            category_zh=self.category_zh,
            occurred_on=occurred.date(),
            ref=self.ref,
            state=self.state,
        )


# -- the stored form of a profile's parts, for the paths that read and write raw rows by key ----
# (one signal's rewrite of a profile, the batch recompute): what ``Signal``/``OutboxEntry``
# ``to_mongo()`` give and ``Signal.entry()`` reads, without building a document per signal.
def entry_of_son(son: dict) -> Entry:
    """A stored signal (a profile's ``signals`` item) as the pure scoring's ``Entry``."""
    occurred = son.get("occurred_at") or son.get("recorded_at") or datetime(1970, 1, 1)
    return Entry(
        key=son.get("key") or son["event_id"],
        event_id=son["event_id"],
        factor=son["factor"],
        severity=son.get("severity", ""),
        category=son.get("category", ""),
        category_zh=son.get("category_zh", ""),
        occurred_on=occurred.date(),
        ref=son.get("ref", ""),
        state=son.get("state", ""),
    )


def signal_son(scored: ScoredEntry, recorded_at: datetime) -> dict:
    """A scored entry as a profile stores it (a ``Signal``'s stored form)."""
    entry = scored.entry
    return {
        "key": entry.key,
        "factor": entry.factor,
        "points": scored.points,
        "event_id": entry.event_id,
        "category": entry.category,
        "category_zh": entry.category_zh,
        "severity": entry.severity,
        "occurred_at": datetime.combine(entry.occurred_on, datetime.min.time()),
        "recorded_at": recorded_at,
        "explanation": scored.explanation,
        "ref": entry.ref,
        "state": entry.state,
    }


def outbox_son(event_type: EventType, envelope: dict, created_at: datetime) -> dict:
    """A built (validated) envelope as an outbox entry is stored (an ``OutboxEntry``'s form)."""
    return {
        "id": envelope["id"],
        "service": event_type.service,
        "routing_key": event_type.name,
        "envelope": envelope,
        "created_at": created_at,
    }


class SignalRecord(Document):
    """A signal in its own collection (``_id`` = ``<source event or hit id>:<subject>``): the
    evidence of what raised a profile, written once, never growing."""

    meta = {"db_alias": ALIAS, "collection": "signals", "indexes": [("subject_id", "occurred_at")]}
    id = StringField(primary_key=True)
    subject_kind = StringField(required=True, choices=("official", "unit"))
    subject_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(default="")
    factor = StringField(required=True)
    severity = StringField(required=True)
    category = StringField(default="")
    category_zh = StringField(default="")
    occurred_at = DateTimeField(required=True)
    ref = StringField(default="")
    source = StringField(required=True)  # event type, or "risk.monitoring" / "risk.assessment_import"
    source_event_id = StringField(required=True)
    evidence = ListField(StringField(), max_length=50)
    note = StringField(default="")
    recorded_at = DateTimeField(required=True)


class ProposalRecord(EmbeddedDocument):
    proposal_id = StringField(required=True)
    level = IntField(required=True, choices=(1, 2, 3))
    colour = StringField(required=True)
    score = IntField(required=True)
    cause_event_id = StringField(required=True)
    proposed_at = DateTimeField(required=True)


class _ProfileBase(OutboxDocument):
    meta: dict[str, Any] = {"abstract": True}
    id = StringField(primary_key=True)
    unit_id = StringField(default="")
    county = StringField(required=True, regex=r"^\d{6}$")
    score = IntField(default=0)
    level = StringField(default="low")
    rule_version = StringField(required=True)
    signals = ValueListField(EmbeddedDocumentField(Signal), max_length=SIGNALS_KEPT)
    recent_keys = ValueListField(StringField())
    scored_on = StringField(default="")  # the Beijing date the points were computed for
    created_at = DateTimeField()
    updated_at = DateTimeField()

    def has_signal(self, event_id: str) -> bool:
        return any(s.event_id == event_id for s in self.signals)

    def has_key(self, key: str) -> bool:
        return key in self.recent_keys

    def entries(self) -> list[Entry]:
        return [s.entry() for s in self.signals]

    @property
    def factors(self) -> list[FactorSummary]:
        """The score explained factor by factor, largest first."""
        return factor_breakdown((s.factor, s.points, s.explanation) for s in self.signals)


class Profile(_ProfileBase):
    """Dynamic risk profile of one official (id = official id)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "profiles",
        "indexes": [{"fields": ["county", "-score"]}, "unit_id", "outbox_pending"],
    }
    subject_kind = "official"
    proposals = ValueListField(EmbeddedDocumentField(ProposalRecord))

    @property
    def official_id(self) -> str:
        return self.id

    @property
    def proposed_levels(self) -> list[int]:
        return [p.level for p in self.proposals]


class UnitProfile(_ProfileBase):
    """Dynamic risk profile of a unit (id = unit id): unit-level signals (reports and findings
    about the unit as a whole, business-data anomalies of its purchases). Emits no events."""

    meta = {"db_alias": ALIAS, "collection": "unit_profiles", "indexes": [{"fields": ["county", "-score"]}]}
    subject_kind = "unit"

    @property
    def proposed_levels(self) -> list[int]:
        return []
