"""mongoengine documents of the warning service (connection alias ``warning``).

Dates of the warning's life (issue date, deadlines) are ISO strings (``YYYY-MM-DD``): they are
Beijing calendar dates, not instants, and ISO strings compare in date order for queries.
"""

from __future__ import annotations

from datetime import datetime

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.errors import NotUniqueError

from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument, new_id
from wuying_common.store import Store

ALIAS = "warning"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


class WarningRecord(OutboxDocument):
    """One warning matter (一事一例, 篇5 七(四)): proposal, approval, notice and deadlines."""

    meta = {
        "db_alias": ALIAS,
        "collection": "warnings",
        "indexes": [
            # Idempotency of consumed proposals: a redelivered warning.proposed collides here.
            {"fields": ["source_event_id"], "unique": True, "sparse": True},
            ("county", "status", "-proposed_at"),
            "official_id",
            "outbox_pending",
        ],
    }
    id = StringField(primary_key=True, default=new_id)
    source_event_id = StringField()
    proposal_id = StringField()
    official_id = StringField(required=True)
    unit_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    level = IntField(required=True, choices=(1, 2, 3))
    colour = StringField(required=True, choices=("blue", "yellow", "red"))
    trigger = StringField()
    trigger_zh = StringField()
    reasons = ListField(StringField())
    risk_point = StringField()
    score = FloatField()
    cause_event_ids = ListField(StringField())
    proposer = StringField(required=True)
    proposed_at = DateTimeField(required=True)
    proposal_rule_version = StringField()  # the proposer's (risk's) rule version, if any
    paper_issued_on = StringField(regex=ISO_DATE)
    status = StringField(required=True, default="proposed")
    approved_by = StringField()
    approved_at = DateTimeField()
    approval_note = StringField()
    issued_on = StringField(regex=ISO_DATE)
    notice_kind = StringField()
    notice_zh = StringField()
    answer_due = StringField(regex=ISO_DATE)
    answer_due_provisional = BooleanField()
    fix_due = StringField(regex=ISO_DATE)
    max_extensions = IntField(default=0)
    extensions = IntField(default=0)
    rule_version = StringField()  # the deadline rule set the warning was issued under
    appealed_from = StringField()
    escalations = IntField(default=0)
    overdue_notices = ListField(StringField())  # "answer:3", "fix:2": each told once per level
    responses = ListField(DictField())  # the official's own words stay here, never in an event
    revisits = ListField(DictField())
    lifted_on = StringField(regex=ISO_DATE)
    lifted_by = StringField()
    history = ListField(DictField())  # who did what when: the matter's own record


class CalendarYear(Document):
    """A year's holiday arrangement loaded by an operator (PUT /api/v1/calendar/years/<year>)."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
    year = IntField(primary_key=True)
    data = DictField(required=True)
    loaded_at = DateTimeField(required=True)


class WarningStore(Store):
    documents = (WarningRecord, CalendarYear)

    def calendar_years(self) -> list[dict]:
        return [c.data for c in CalendarYear.objects.order_by("year")]

    def save_calendar_year(self, data: dict) -> None:
        CalendarYear(year=data["year"], data=data, loaded_at=datetime.utcnow()).save()

    def get(self, warning_id: str) -> WarningRecord | None:
        return WarningRecord.objects(id=warning_id).first()

    def insert(self, warning: WarningRecord) -> bool:
        """Insert a new warning with its pending events; False if its source event was seen."""
        try:
            warning.save_versioned()
        except Conflict as exc:
            if isinstance(exc.__cause__, NotUniqueError):
                return False
            raise
        return True

    def find(
        self, county: str, status: str | None = None, level: int | None = None, limit: int = 100
    ) -> list[WarningRecord]:
        query = WarningRecord.objects(county=county)
        if status:
            query = query(status=status)
        if level:
            query = query(level=level)
        return list(query.order_by("-proposed_at", "id").limit(limit))

    def overdue_candidates(self, today: str, limit: int = 500) -> list[WarningRecord]:
        """Issued warnings past their answer date, and rectifications past their fix date."""
        answer = WarningRecord.objects(status="issued", answer_due__lt=today).limit(limit)
        fix = WarningRecord.objects(status="rectifying", fix_due__lt=today).limit(limit)
        return list(answer) + list(fix)


def naive_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)
