"""Power lists, risk points (five-step identification, evaluations, reviews) and the per-department
high-risk tally: their documents and the store's methods for them (seeds/000 A, 002 篇1, 篇8)."""

from __future__ import annotations

from collections.abc import Iterable

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.outbox import OutboxDocument
from wuying_common.paging import Page
from wuying_common.store import Store, VersionedDocument

from ..domain.identification import next_step
from .common import ALIAS
from .profiles import RegisteredOfficial


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


class CatalogueStore(Store):
    """Repository methods for power lists and risk points."""

    def get_power(self, power_id: str) -> PowerItem | None:
        return self.get(PowerItem, power_id)

    def powers(self, counties: Iterable[str], page: dict, unit_id: str | None = None, post: str | None = None) -> Page:
        """A page of the power lists of some counties, by key."""
        query = PowerItem.objects(county__in=list(counties))
        if unit_id:
            query = query(unit_id=unit_id)
        if post:
            query = query(post=post)
        return self.paged(query, page)

    def save_power(self, power: PowerItem) -> PowerItem:
        """Write a changed power list entry, if nobody changed it since it was read (else
        ``Conflict``)."""
        self.save(power)
        return power

    def add_power_revision(self, revision: PowerRevision) -> None:
        """Keep one revision of a power (written after the power itself: its key is the
        revision, so a retry rewrites the same document)."""
        self.add_or_replace(revision)

    def power_revisions(self, power_id: str, page: dict) -> Page:
        return self.paged(PowerRevision.objects(power_id=power_id), page, order="revision")

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

    def risk_points(self, counties: Iterable[str], unit_id: str | None = None) -> list[RiskPoint]:
        """Every risk point of some counties (or a unit) to rank, at most 1,000."""
        query = RiskPoint.objects(county__in=list(counties))
        if unit_id:
            query = query(unit_id=unit_id)
        return list(query.exclude("outbox").order_by("unit_id", "-evaluation.index", "id").limit(1000))

    def risk_point_page(self, counties: Iterable[str], page: dict, unit_id: str | None = None) -> Page:
        query = RiskPoint.objects(county__in=list(counties))
        if unit_id:
            query = query(unit_id=unit_id)
        return self.paged(query.exclude("outbox"), page)

    def overdue_page(self, counties: Iterable[str], before: str, page: dict) -> Page:
        """Risk points whose review was due before a date, the longest overdue first."""
        query = RiskPoint.objects(county__in=list(counties), next_review_on__lt=before).exclude("outbox")
        return self.paged(query, page, order="next_review_on")

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
