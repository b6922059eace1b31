"""mongoengine documents of the risk service (connection alias ``risk``) and its store.

``RiskStore`` is the only door to them: handlers read and write aggregates through its methods.
Every per-event path goes by ``_id`` (a profile and a registry entry are keyed by the official
id, a signal by its source event id, a tally by the unit id, the rules in force by
``<kind>:<commission>``); only the lists for people, the timers and the batches (recompute,
monitoring scan) query other fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    StringField,
)
from pymongo import ReplaceOne, UpdateOne
from pymongo.errors import DuplicateKeyError

from wuying_common.clock import naive_utc
from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store, VersionedDocument

from .domain.identification import next_step
from .domain.rulebook import commission_chain
from .domain.scoring import Entry, FactorSummary, factor_breakdown

ALIAS = "risk"
# How many consumed official.changed ids each registry entry remembers for idempotency: a
# redelivery arrives within minutes, long before 50 newer changes of the same person.
SEEN_EVENTS_KEPT = 50
# A profile keeps at most this many signals (the oldest leave first; the signal documents
# stay) and remembers this many applied signal keys for idempotency.
SIGNALS_KEPT = 64
RECENT_KEYS_KEPT = 200
# A risk point keeps this many past evaluations and reviews.
HISTORY_KEPT = 50


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
    signals = ListField(EmbeddedDocumentField(Signal), max_length=SIGNALS_KEPT)
    recent_keys = ListField(StringField())
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
    proposals = ListField(EmbeddedDocumentField(ProposalRecord))

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


# -- versioned rule data ----------------------------------------------------------------------
class RuleVersion(VersionedDocument):
    """One version of one kind of rule data of one commission (``<kind>:<commission>:<version>``)."""

    meta = {"db_alias": ALIAS, "collection": "rule_versions", "indexes": [("kind", "commission", "created_at")]}
    id = StringField(primary_key=True)
    kind = StringField(required=True)
    commission = StringField(required=True)
    rule_version = StringField(required=True)
    body = DictField(required=True)
    frozen = BooleanField(default=False)
    note = StringField(default="")
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    frozen_at = DateTimeField()


class RuleInForce(Document):
    """The version in force for one kind and commission (``<kind>:<commission>``), with a copy
    of its body so a consumer reads its rules by key, in one lookup with its fallbacks."""

    meta = {"db_alias": ALIAS, "collection": "rules_in_force"}
    id = StringField(primary_key=True)
    rule_version = StringField(required=True)
    body = DictField(required=True)
    activated_at = DateTimeField(required=True)
    activated_by = StringField(required=True)


# -- power lists, risk points, evaluations ---------------------------------------------------
class PowerStep(EmbeddedDocument):
    """One step of a power's workflow (工作流程图: 办理主体、条件、程序、期限、风险点、防控措施; 000 A)."""

    name = StringField(required=True)
    description = StringField(default="")
    time_limit = StringField(default="")
    risk_points = ListField(StringField())
    control_measures = ListField(StringField())


class PowerItem(VersionedDocument):
    """One entry of a post's power list (权力清单 / 职权目录; seeds/000 A, 002 篇1 ⑴③, 篇8 第九条)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "powers",
        "indexes": [("county", "unit_id", "post"), ("status", "county")],
    }
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
    steps = ListField(EmbeddedDocumentField(PowerStep))
    revision = IntField(default=1)
    status = StringField(default="draft", choices=("draft", "published"))
    published_revision = IntField()
    published_at = DateTimeField()
    created_at = DateTimeField()
    updated_at = DateTimeField()


class PowerRevision(Document):
    """A power list entry as it was at one revision (``<power id>:<revision>``): the history."""

    meta = {"db_alias": ALIAS, "collection": "power_revisions", "indexes": [("power_id", "revision")]}
    id = StringField(primary_key=True)
    power_id = StringField(required=True)
    revision = IntField(required=True)
    snapshot = DictField(required=True)
    changed_by = StringField(required=True)
    changed_at = DateTimeField(required=True)
    change = StringField(required=True)  # created, updated, published


class ContributionRecord(EmbeddedDocument):
    step = StringField(required=True)
    by = StringField(required=True)  # staff id from the token; never a reporter
    content = StringField(default="")
    at = DateTimeField(required=True)
    participants = ListField(StringField())  # 集体定: who took part in the collective decision


class CapException(EmbeddedDocument):
    """A commission leader's recorded exception to the 10% cap (000 A: "原则上")."""

    reason = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)


class EvaluationRecord(EmbeddedDocument):
    grades = DictField(required=True)
    index = IntField(required=True)
    level = StringField(required=True, choices=("low", "medium", "high"))
    lines = ListField(StringField())
    rule_version = StringField(required=True)
    rules_commission = StringField(default="default")
    acceptable = BooleanField()  # index at or below the acceptable baseline (可接受的风险基准)
    evaluated_by = StringField(required=True)
    evaluated_at = DateTimeField(required=True)
    cap_exception = EmbeddedDocumentField(CapException)


class ReviewRecord(EmbeddedDocument):
    """A periodic review of a risk point (篇8 第二十二条: 每半年至少自查一次)."""

    reviewed_on = StringField(required=True)
    by = StringField(required=True)
    outcome = StringField(required=True)
    note = StringField(default="")
    due_on = StringField(default="")
    late = BooleanField(default=False)


class EscalationRecord(EmbeddedDocument):
    stage = StringField(required=True, choices=("department_head", "commission"))
    due_on = StringField(required=True)
    escalated_on = StringField(required=True)


class RiskPoint(OutboxDocument):
    """A risk point of a post, found in five steps and then evaluated (篇1 ⑵②③)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "risk_points",
        "indexes": [("county", "unit_id"), "outbox_pending", ("status", "county"), ("next_review_on", "county")],
    }
    subject_kind = "risk_point"
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    post = StringField(required=True)
    power_id = StringField()
    kind = StringField(required=True, choices=("ideological_moral", "institutional", "post_duty"))
    description = StringField(required=True)
    holder_id = StringField(default="")
    leader_id = StringField(default="")
    assigned_colleagues = ListField(StringField())
    contributions = ListField(EmbeddedDocumentField(ContributionRecord))
    status = StringField(required=True, default="identifying")
    level = StringField()  # copy of evaluation.level: was this point high before a re-evaluation
    evaluation = EmbeddedDocumentField(EvaluationRecord)
    evaluations = ListField(EmbeddedDocumentField(EvaluationRecord))  # every evaluation, oldest first
    control_measures = ListField(StringField())
    next_review_on = StringField()  # YYYY-MM-DD: the overdue queue's key
    review_rule_version = StringField()
    review_stage = StringField(default="")  # "", department_head, commission
    reviews = ListField(EmbeddedDocumentField(ReviewRecord))
    escalations = ListField(EmbeddedDocumentField(EscalationRecord))
    published_at = DateTimeField()
    created_at = DateTimeField()
    updated_at = DateTimeField()

    @property
    def steps_done(self) -> list[str]:
        return [c.step for c in self.contributions]

    @property
    def next_step(self) -> str | None:
        return next_step(self.steps_done)

    @property
    def authors(self) -> list[str]:
        return [c.by for c in self.contributions]


class HighRiskTally(Document):
    """Risk points and high-rated ones per department (``_id`` = unit id): the 10% cap reads
    it by key instead of counting risk points, and guards it under concurrent evaluations."""

    meta = {"db_alias": ALIAS, "collection": "high_risk_tally"}
    id = StringField(primary_key=True)  # unit id
    total = IntField(default=0)
    high = IntField(default=0)
    exceptions = IntField(default=0)  # high ratings beyond the cap, each with a recorded reason


# -- business-data monitoring (seeds/003 宝安: 两域 and 三长) -------------------------------------
class BusinessRecord(Document):
    """One procurement or bidding record (``<county>/<record id>``), as imported."""

    meta = {
        "db_alias": ALIAS,
        "collection": "business_records",
        "indexes": [
            ("county", "awarded_on"),
            ("buyer_unit_id", "awarded_on"),
            "supplier_id",
            "responsible_official_id",
        ],
    }
    id = StringField(primary_key=True)
    record_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    domain = StringField(required=True, choices=("procurement", "bidding"))
    category = StringField(required=True, choices=("goods", "services", "works"))
    buyer_unit_id = StringField(required=True)
    buyer_kind = StringField(default="")  # state_company, public_hospital, public_school, agency (三长)
    responsible_official_id = StringField(required=True)
    supplier_id = StringField(required=True)
    supplier_name = StringField(default="")
    subject = StringField(default="")
    amount = FloatField(required=True)
    method = StringField(required=True)
    announced_on = StringField(default="")
    awarded_on = StringField(required=True)
    contracted_on = StringField(default="")
    imported_at = DateTimeField()


class SupplierTie(Document):
    """A supplier tied to an official or a relative (``<supplier>:<official>``), from the
    archive's personal-matters reports or an import (seeds/004 龙岗: 子女经商办企业)."""

    meta = {"db_alias": ALIAS, "collection": "supplier_ties", "indexes": ["official_id"]}
    id = StringField(primary_key=True)
    supplier_id = StringField(required=True)
    official_id = StringField(required=True)
    relation = StringField(required=True)
    source = StringField(default="import")
    recorded_at = DateTimeField()


class MonitoringHit(Document):
    """One anomaly found by a scan (``<rule>:<digest of its evidence>``): the same records
    found again by a later scan are the same hit."""

    meta = {"db_alias": ALIAS, "collection": "monitoring_hits", "indexes": [("county", "found_at"), "unit_id"]}
    id = StringField(primary_key=True)
    rule = StringField(required=True)
    rule_version = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    official_id = StringField(default="")
    supplier_id = StringField(default="")
    grade = StringField(required=True)
    summary = StringField(required=True)
    evidence = ListField(StringField(), max_length=200)  # business record ids
    evidence_rows = ListField(DictField(), max_length=50)  # what the records said, as seen
    found_at = DateTimeField(required=True)


# -- the store --------------------------------------------------------------------------------
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

    def add_power_revision(self, revision: PowerRevision) -> None:
        """Keep one revision of a power (written after the power itself: its key is the
        revision, so a retry rewrites the same document)."""
        self.add_or_replace(revision)

    def power_revisions(self, power_id: str) -> list[PowerRevision]:
        return list(PowerRevision.objects(power_id=power_id).order_by("revision").limit(500))

    def published_powers(self, county: str, limit: int = 500) -> list[PowerItem]:
        return list(
            PowerItem.objects(status="published", county=county).order_by("unit_id", "post", "name").limit(limit)
        )

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

    def published_risk_points(self, county: str, limit: int = 1000) -> list[RiskPoint]:
        return list(
            RiskPoint.objects(status="published", county=county)
            .exclude("outbox")
            .order_by("unit_id", "id")
            .limit(limit)
        )

    def reviews_due(self, on_or_before: str, county: str | None = None, limit: int = 1000) -> list[RiskPoint]:
        """Risk points whose next review is due on or before a date (the overdue queue)."""
        query = RiskPoint.objects(next_review_on__lte=on_or_before)
        if county:
            query = query(county=county)
        return list(query.exclude("outbox").order_by("next_review_on", "id").limit(limit))

    def add_risk_point(self, point: RiskPoint) -> RiskPoint:
        """Insert a risk point and count it in its department's tally.

        Two single-document writes, the point first: a crash in between leaves the tally one
        short, which only makes the 10% cap stricter, never looser.
        """
        self.add(point)
        HighRiskTally._get_collection().update_one(
            {"_id": point.unit_id}, {"$inc": {"total": 1}, "$setOnInsert": {"high": 0, "exceptions": 0}}, upsert=True
        )
        return point

    def department_tally(self, unit_id: str) -> tuple[int, int]:
        """(all risk points, high-rated ones) of a department, read by key."""
        tally = self.get(HighRiskTally, unit_id)
        return (tally.total, tally.high) if tally is not None else (0, 0)

    def reserve_high(self, unit_id: str, cap: int, *, exception: bool = False) -> bool:
        """Take one high slot if fewer than ``cap`` are taken; one conditional write. With a
        recorded exception the slot is taken beyond the cap and counted as an exception."""
        if exception:
            HighRiskTally._get_collection().update_one(
                {"_id": unit_id}, {"$inc": {"high": 1, "exceptions": 1}}, upsert=True
            )
            return True
        if cap <= 0:
            return False
        result = HighRiskTally._get_collection().update_one(
            {"_id": unit_id, "high": {"$lt": cap}}, {"$inc": {"high": 1}}
        )
        return bool(result.modified_count)

    def release_high(self, unit_id: str) -> None:
        HighRiskTally._get_collection().update_one({"_id": unit_id, "high": {"$gt": 0}}, {"$inc": {"high": -1}})

    def colleagues(self, unit_id: str, excluding: str, limit: int = 3) -> list[str]:
        """Serving officials of a unit other than ``excluding``, from risk's registry copy."""
        if not unit_id:
            return []
        found = RegisteredOfficial.objects(unit_id=unit_id, status="serving", id__ne=excluding).only("id")
        return [o.id for o in found.order_by("id").limit(limit)]


class RuleStore(Store):
    """Versioned rule data per commission."""

    def add_rule_version(self, version: RuleVersion) -> RuleVersion:
        self.add(version)
        return version

    def get_rule_version(self, kind: str, commission: str, rule_version: str) -> RuleVersion | None:
        return self.get(RuleVersion, f"{kind}:{commission}:{rule_version}")

    def save_rule_version(self, version: RuleVersion) -> RuleVersion:
        self.save(version)
        return version

    def rule_versions(self, kind: str, commission: str) -> list[RuleVersion]:
        return list(RuleVersion.objects(kind=kind, commission=commission).order_by("created_at").limit(500))

    def put_in_force(self, kind: str, commission: str, rule_version: str, body: dict, by: str, now: datetime) -> None:
        self.add_or_replace(
            RuleInForce(
                id=f"{kind}:{commission}",
                rule_version=rule_version,
                body=body,
                activated_at=naive_utc(now),
                activated_by=by,
            )
        )

    def freeze_rule_version(self, kind: str, commission: str, rule_version: str, now: datetime) -> None:
        """Mark a version used (idempotent): from now on it cannot change."""
        RuleVersion._get_collection().update_one(
            {"_id": f"{kind}:{commission}:{rule_version}", "frozen": {"$ne": True}},
            {"$set": {"frozen": True, "frozen_at": naive_utc(now)}, "$inc": {"version": 1}},
        )

    def rules_in_force(self, kind: str, county: str) -> tuple[str, RuleInForce] | None:
        """(commission, rules) in force for a county: its own, its city's, its province's or
        the default commission's, in ONE lookup by key."""
        chain = commission_chain(county)
        found = {doc.id: doc for doc in self.get_many(RuleInForce, [f"{kind}:{c}" for c in chain])}
        for commission in chain:
            doc = found.get(f"{kind}:{commission}")
            if doc is not None:
                return commission, doc
        return None


class MonitoringStore(Store):
    """Business records, supplier ties and anomaly hits (seeds/003)."""

    def write_records(self, rows: list[dict]) -> int:
        """Insert or replace records (checked rows, ``_id`` = ``<county>/<record id>``) by key;
        each row is one single-document write, so it is written whole or not at all."""
        if not rows:
            return 0
        if self.mode == "embedded":
            documents = _embedded(BusinessRecord)
            for row in rows:
                documents[row["_id"]] = dict(row)
            return len(rows)
        BusinessRecord._get_collection().bulk_write(
            [ReplaceOne({"_id": row["_id"]}, row, upsert=True) for row in rows], ordered=False
        )
        return len(rows)

    def records_in_window(self, county: str, start: str, end: str, limit: int = 500_000) -> list[dict]:
        """Raw rows of a county's records awarded in [start, end] (a scan batch: plain dicts)."""
        if self.mode == "embedded":
            return [
                dict(row)
                for row in list(_embedded(BusinessRecord).values())
                if row["county"] == county and start <= row["awarded_on"] <= end
            ][:limit]
        cursor = BusinessRecord._get_collection().find(
            {"county": county, "awarded_on": {"$gte": start, "$lte": end}}, {"imported_at": 0}
        )
        return list(cursor.limit(limit))

    def records(
        self, county: str, unit_id: str | None = None, supplier_id: str | None = None, limit: int = 200
    ) -> list[BusinessRecord]:
        query = BusinessRecord.objects(county=county)
        if unit_id:
            query = query(buyer_unit_id=unit_id)
        if supplier_id:
            query = query(supplier_id=supplier_id)
        return list(query.order_by("-awarded_on", "id").limit(limit))

    def write_ties(self, ties: list[SupplierTie]) -> int:
        for tie in ties:
            self.add_or_replace(tie)
        return len(ties)

    def ties_of_suppliers(self, supplier_ids: Iterable[str]) -> list[SupplierTie]:
        ids = sorted(set(supplier_ids))
        if not ids:
            return []
        return list(SupplierTie.objects(supplier_id__in=ids))

    def add_hit(self, hit: MonitoringHit) -> bool:
        """Insert a hit; False when the same hit (same rule, same evidence) is there already."""
        try:
            MonitoringHit._get_collection().insert_one(hit.to_mongo().to_dict())
        except DuplicateKeyError:
            return False
        return True

    def get_hit(self, hit_id: str) -> MonitoringHit | None:
        return self.get(MonitoringHit, hit_id)

    def hits(self, county: str, unit_id: str | None = None, limit: int = 200) -> list[MonitoringHit]:
        query = MonitoringHit.objects(county=county)
        if unit_id:
            query = query(unit_id=unit_id)
        return list(query.order_by("-found_at", "id").limit(limit))


class RiskStore(CatalogueStore, RuleStore, MonitoringStore):
    documents = (
        RegisteredOfficial,
        Profile,
        UnitProfile,
        SignalRecord,
        RuleVersion,
        RuleInForce,
        PowerItem,
        PowerRevision,
        RiskPoint,
        HighRiskTally,
        BusinessRecord,
        SupplierTie,
        MonitoringHit,
    )

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

    # -- signals and profiles --------------------------------------------------------------
    def record_signal(self, record: SignalRecord) -> bool:
        """Write a signal once (by its key); False when it was written before."""
        record.validate()
        try:
            SignalRecord._get_collection().insert_one(record.to_mongo().to_dict())
        except DuplicateKeyError:
            return False
        return True

    def get_signal(self, key: str) -> SignalRecord | None:
        return self.get(SignalRecord, key)

    def signals_of(self, subject_id: str, limit: int = 500) -> list[SignalRecord]:
        """Every signal of a subject, newest first (a list for people)."""
        return list(SignalRecord.objects(subject_id=subject_id).order_by("-occurred_at").limit(limit))

    def get_profile(self, official_id: str) -> Profile | None:
        return self.get(Profile, official_id)

    def get_unit_profile(self, unit_id: str) -> UnitProfile | None:
        return self.get(UnitProfile, unit_id)

    def save_profile(self, profile: _ProfileBase) -> None:
        """Insert a new profile or write a changed one with its new events, conditional on the
        version it was read at (``Conflict`` when someone wrote in between)."""
        profile.recent_keys = list(profile.recent_keys)[-RECENT_KEYS_KEPT:]
        self.save(profile)

    def top_profiles(self, county: str, limit: int = 50) -> list[Profile]:
        return list(Profile.objects(county=county).exclude("outbox").order_by("-score", "id").limit(limit))

    def top_unit_profiles(self, county: str, limit: int = 50) -> list[UnitProfile]:
        return list(UnitProfile.objects(county=county).exclude("outbox").order_by("-score", "id").limit(limit))

    # -- the batch recompute -----------------------------------------------------------------
    def profile_batches(self, county_prefix: str, batch_size: int = 5000) -> Iterator[list[dict]]:
        """Raw profiles (id, version, county, score, level, signals) whose county starts with
        ``county_prefix`` ("" = all), batch by batch (a batch job's scan). Read-only rows."""
        fields = ("_id", "version", "county", "unit_id", "score", "level", "signals")
        if self.mode == "embedded":
            rows: Iterable[dict] = (
                {k: doc.get(k) for k in fields}
                for doc in list(_embedded(Profile).values())
                if doc.get("county", "").startswith(county_prefix)
            )
        else:
            query: dict = {"county": {"$regex": f"^{county_prefix}"}} if county_prefix else {}
            rows = Profile._get_collection().find(query, dict.fromkeys(fields, 1)).sort("_id", 1)
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def write_recomputed(self, updates: list[tuple[str, int, dict, list]]) -> int:
        """(id, version read, fields to set, outbox entries) per profile, in one bulk write;
        a profile changed since it was read is left alone (the next event re-scores it).
        Returns how many were written."""
        if not updates:
            return 0
        written = 0
        if self.mode == "embedded":
            # The embedded store's documents, updated in place: mongomock's update machinery
            # copies every document it touches, which a province-wide batch cannot afford.
            # Nothing yields to another green thread inside this loop, so each check-and-set
            # is as atomic as a conditional update.
            documents = _embedded(Profile)
            for key, version, fields, outbox in updates:
                doc = documents.get(key)
                if doc is None or doc.get("version") != version:
                    continue
                doc.update(fields)
                doc["version"] = version + 1
                if outbox:
                    doc["outbox"] = [*doc.get("outbox", []), *outbox]
                    doc["outbox_pending"] = True
                    self.events_written(Profile, key)
                written += 1
            return written
        ops = []
        for key, version, fields, outbox in updates:
            update: dict = {"$set": {**fields, "version": version + 1}}
            if outbox:
                update["$set"]["outbox_pending"] = True
                update["$push"] = {"outbox": {"$each": outbox}}
            ops.append(UpdateOne({"_id": key, "version": version}, update))
        result = Profile._get_collection().bulk_write(ops, ordered=False)
        for key, _, _, outbox in updates:
            if outbox:
                self.events_written(Profile, key)
        return result.modified_count


def _embedded(doc_cls) -> dict:
    """The embedded store's (mongomock's) own ``_id`` → document dict of a collection."""
    return doc_cls._get_collection()._store._documents


def as_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)
