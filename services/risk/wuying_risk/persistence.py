"""mongoengine documents of the risk service (connection alias ``risk``) and its store.

``RiskStore`` is the only door to them: handlers read and write aggregates through its methods.
Every per-event path goes by ``_id`` (a profile and a registry entry are keyed by the official
id, a tally by the unit id); only the lists for people query other fields.
"""

from __future__ import annotations

from datetime import datetime

from mongoengine import (
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)
from pymongo.errors import DuplicateKeyError

from wuying_common.clock import naive_utc
from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store, VersionedDocument

from .domain.identification import next_step
from .domain.scoring import FactorSummary, factor_breakdown

ALIAS = "risk"
# How many consumed official.changed ids each registry entry remembers for idempotency: a
# redelivery arrives within minutes, long before 50 newer changes of the same person.
SEEN_EVENTS_KEPT = 50


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


class Signal(EmbeddedDocument):
    """One scored input to a profile, kept so the score explains itself factor by factor."""

    factor = StringField(required=True)
    points = IntField(required=True)
    event_id = StringField(required=True)
    category = StringField(default="")
    category_zh = StringField(default="")
    severity = StringField(default="")
    occurred_at = DateTimeField()
    recorded_at = DateTimeField()
    explanation = StringField(required=True)


class ProposalRecord(EmbeddedDocument):
    proposal_id = StringField(required=True)
    level = IntField(required=True, choices=(1, 2, 3))
    colour = StringField(required=True)
    score = IntField(required=True)
    cause_event_id = StringField(required=True)
    proposed_at = DateTimeField(required=True)


class Profile(OutboxDocument):
    """Dynamic risk profile of one official (id = official id)."""

    # No index on ``signals.event_id``: the duplicate check is part of the write by ``_id``.
    meta = {
        "db_alias": ALIAS,
        "collection": "profiles",
        "indexes": [{"fields": ["county", "-score"]}, "unit_id", "outbox_pending"],
    }
    subject_kind = "official"
    id = StringField(primary_key=True)
    unit_id = StringField(default="")
    county = StringField(required=True, regex=r"^\d{6}$")
    score = IntField(default=0)
    level = StringField(default="low")
    rule_version = StringField(required=True)
    signals = ListField(EmbeddedDocumentField(Signal))
    proposals = ListField(EmbeddedDocumentField(ProposalRecord))
    created_at = DateTimeField()
    updated_at = DateTimeField()

    @property
    def official_id(self) -> str:
        return self.id

    @property
    def proposed_levels(self) -> list[int]:
        return [p.level for p in self.proposals]

    def has_signal(self, event_id: str) -> bool:
        return any(s.event_id == event_id for s in self.signals)

    @property
    def factors(self) -> list[FactorSummary]:
        """The score explained factor by factor, largest first."""
        return factor_breakdown((s.factor, s.points, s.explanation) for s in self.signals)


# -- power lists, risk points, evaluations ---------------------------------------------------
class PowerItem(VersionedDocument):
    """One entry of a post's power list (权力清单; seeds/000 A, 002 篇1 ⑴③, 篇8 第九条)."""

    meta = {"db_alias": ALIAS, "collection": "powers", "indexes": [("county", "unit_id", "post")]}
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    post = StringField(required=True)
    name = StringField(required=True)
    content = StringField(required=True)
    holder = StringField(required=True)
    legal_basis = StringField(required=True)
    procedure = StringField(required=True)
    time_limit = StringField(required=True)
    risk_points = ListField(StringField())
    control_measures = ListField(StringField())
    created_at = DateTimeField()
    updated_at = DateTimeField()


class ContributionRecord(EmbeddedDocument):
    step = StringField(required=True)
    by = StringField(required=True)  # staff id from the token; never a reporter
    content = StringField(default="")
    at = DateTimeField(required=True)


class EvaluationRecord(EmbeddedDocument):
    grades = DictField(required=True)
    index = IntField(required=True)
    level = StringField(required=True, choices=("low", "medium", "high"))
    lines = ListField(StringField())
    rule_version = StringField(required=True)
    evaluated_by = StringField(required=True)
    evaluated_at = DateTimeField(required=True)


class RiskPoint(OutboxDocument):
    """A risk point of a post, found in five steps and then evaluated (篇1 ⑵②③)."""

    meta = {"db_alias": ALIAS, "collection": "risk_points", "indexes": [("county", "unit_id"), "outbox_pending"]}
    subject_kind = "risk_point"
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    post = StringField(required=True)
    power_id = StringField()
    kind = StringField(required=True, choices=("ideological_moral", "institutional", "post_duty"))
    description = StringField(required=True)
    contributions = ListField(EmbeddedDocumentField(ContributionRecord))
    status = StringField(required=True, default="identifying")
    level = StringField()  # copy of evaluation.level: was this point high before a re-evaluation
    evaluation = EmbeddedDocumentField(EvaluationRecord)
    control_measures = ListField(StringField())
    created_at = DateTimeField()
    updated_at = DateTimeField()

    @property
    def steps_done(self) -> list[str]:
        return [c.step for c in self.contributions]

    @property
    def next_step(self) -> str | None:
        return next_step(self.steps_done)


class HighRiskTally(Document):
    """Risk points and high-rated ones per department (``_id`` = unit id): the 10% cap reads
    it by key instead of counting risk points, and guards it under concurrent evaluations."""

    meta = {"db_alias": ALIAS, "collection": "high_risk_tally"}
    id = StringField(primary_key=True)  # unit id
    total = IntField(default=0)
    high = IntField(default=0)


class CatalogueStore(Store):
    """Repository methods for power lists and risk points."""

    def get_power(self, power_id: str) -> PowerItem | None:
        return self.get(PowerItem, power_id)

    def powers(self, county: str, unit_id: str | None = None, post: str | None = None) -> list[PowerItem]:
        query = PowerItem.objects(county=county)
        if unit_id:
            query = query(unit_id=unit_id)
        if post:
            query = query(post=post)
        return list(query.order_by("unit_id", "post", "name").limit(1000))

    def save_power(self, power: PowerItem) -> PowerItem:
        """Write a changed power list entry, if nobody changed it since it was read (else
        ``Conflict``)."""
        self.save(power)
        return power

    def get_risk_point(self, risk_id: str) -> RiskPoint | None:
        return self.get(RiskPoint, risk_id)

    def save_risk_point(self, point: RiskPoint) -> RiskPoint:
        """Write a changed risk point and push its new events in one conditional update (else
        ``Conflict``)."""
        self.save(point)
        return point

    def risk_points(self, county: str, unit_id: str | None = None) -> list[RiskPoint]:
        query = RiskPoint.objects(county=county)
        if unit_id:
            query = query(unit_id=unit_id)
        return list(query.exclude("outbox").order_by("unit_id", "-evaluation.index", "id").limit(1000))

    def add_risk_point(self, point: RiskPoint) -> RiskPoint:
        """Insert a risk point and count it in its department's tally.

        Two single-document writes, the point first: a crash in between leaves the tally one
        short, which only makes the 10% cap stricter, never looser.
        """
        self.add(point)
        HighRiskTally._get_collection().update_one(
            {"_id": point.unit_id}, {"$inc": {"total": 1}, "$setOnInsert": {"high": 0}}, upsert=True
        )
        return point

    def department_tally(self, unit_id: str) -> tuple[int, int]:
        """(all risk points, high-rated ones) of a department, read by key."""
        tally = self.get(HighRiskTally, unit_id)
        return (tally.total, tally.high) if tally is not None else (0, 0)

    def reserve_high(self, unit_id: str, cap: int) -> bool:
        """Take one high slot if fewer than ``cap`` are taken; one conditional write."""
        if cap <= 0:
            return False
        result = HighRiskTally._get_collection().update_one(
            {"_id": unit_id, "high": {"$lt": cap}}, {"$inc": {"high": 1}}
        )
        return bool(result.modified_count)

    def release_high(self, unit_id: str) -> None:
        HighRiskTally._get_collection().update_one({"_id": unit_id, "high": {"$gt": 0}}, {"$inc": {"high": -1}})


class RiskStore(CatalogueStore):
    documents = (RegisteredOfficial, Profile, PowerItem, RiskPoint, HighRiskTally)

    # -- registry --------------------------------------------------------------------------
    def get_official(self, official_id: str) -> RegisteredOfficial | None:
        return self.get(RegisteredOfficial, official_id)

    def record_official(self, data: dict, event_id: str, now: datetime) -> bool:
        """Upsert an official from ``official.changed``; False when this event was applied already.

        One conditional write: the filter refuses an event id already seen, so a redelivery
        matches nothing and the upsert collides with the existing ``_id``.
        """
        try:
            RegisteredOfficial._get_collection().update_one(
                {"_id": data["official_id"], "seen_event_ids": {"$ne": event_id}},
                {
                    "$set": {
                        "county": data["county"],
                        "unit_id": data.get("unit_id", ""),
                        "post": data.get("post", ""),
                        "status": data.get("status", "serving"),
                        "updated_at": naive_utc(now),
                    },
                    "$push": {"seen_event_ids": {"$each": [event_id], "$slice": -SEEN_EVENTS_KEPT}},
                    "$inc": {"version": 1},
                    "$setOnInsert": {"outbox": [], "outbox_pending": False},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    def move_profile(self, official_id: str, unit_id: str, county: str) -> None:
        """Keep an existing profile's unit and county in step with the registry."""
        # The version bump makes a signal scored on the old unit/county retry instead of undoing this.
        Profile._get_collection().update_one(
            {"_id": official_id}, {"$set": {"unit_id": unit_id, "county": county}, "$inc": {"version": 1}}
        )

    # -- profiles --------------------------------------------------------------------------
    def get_profile(self, official_id: str) -> Profile | None:
        return self.get(Profile, official_id)

    def top_profiles(self, county: str, limit: int = 50) -> list[Profile]:
        return list(Profile.objects(county=county).exclude("outbox").order_by("-score", "id").limit(limit))

    def add_signal(
        self,
        official_id: str,
        *,
        expected_version: int,
        signal: Signal,
        set_fields: dict,
        points: int,
        outbox: list,
        proposal: ProposalRecord | None,
        now: datetime,
    ) -> bool:
        """Add one signal and its events in ONE conditional write; False if it did not apply.

        The filter refuses a signal whose source event is already in the profile (idempotency
        on a real MongoDB, not a read-then-write) and a profile that changed since it was read
        (the events carry score_before, so they must describe exactly this transition). A new
        profile is an upsert; if someone created it meanwhile the upsert collides on ``_id``.
        """
        push: dict = {
            "signals": signal.to_mongo().to_dict(),
            "outbox": {"$each": [entry.to_mongo().to_dict() for entry in outbox]},
        }
        if proposal is not None:
            push["proposals"] = proposal.to_mongo().to_dict()
        update = {
            "$set": {**set_fields, "updated_at": naive_utc(now), "outbox_pending": True},
            "$inc": {"score": points, "version": 1},
            "$push": push,
            "$setOnInsert": {"created_at": naive_utc(now)},
        }
        query = {"_id": official_id, "version": expected_version, "signals.event_id": {"$ne": signal.event_id}}
        try:
            result = Profile._get_collection().update_one(query, update, upsert=expected_version == 0)
        except DuplicateKeyError:
            return False
        if not (result.matched_count or result.upserted_id is not None):
            return False
        self.events_written(Profile, official_id)
        return True
