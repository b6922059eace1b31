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
            "unit_id",
            "merged_event_ids",
            "report_event_ids",
            "notices_pending",
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
    # 申诉 (篇5 七(三)): the clock stops while an appeal is pending.
    paused_on = StringField(regex=ISO_DATE)
    appeals = ListField(DictField())
    extension_records = ListField(DictField())
    transfer = DictField()  # 案件线索移送 (篇5 三(一)3, 七(三))
    interviews = ListField(DictField())  # 约谈 (篇5 五(二)2)
    # Written notices to the official (篇5 五(二)); sent through the notifiers after the write,
    # retried by the timer while ``notices_pending`` (every send is idempotent on the notice id).
    notices = ListField(DictField())
    notices_pending = BooleanField(default=False)
    # 一事一例 (篇5 七(四)): later proposals for the same matter, and blue ones a stronger
    # warning covers; the event ids make redeliveries no-ops.
    attached_proposals = ListField(DictField())
    suppressed_proposals = ListField(DictField())
    merged_event_ids = ListField(StringField())
    report_event_ids = ListField(StringField())  # intake reports that escalated this warning


class CalendarYear(Document):
    """A year's holiday arrangement loaded by an operator (PUT /api/v1/calendar/years/<year>)."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
    year = IntField(primary_key=True)
    data = DictField(required=True)
    loaded_at = DateTimeField(required=True)


class InboxMessage(Document):
    """A message in the official's platform inbox (篇1: 系统消息); id = the notice id."""

    meta = {"db_alias": ALIAS, "collection": "inbox", "indexes": [("official_id", "-delivered_at")]}
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    warning_id = StringField(required=True)
    county = StringField(required=True)
    kind = StringField(required=True)
    title = StringField(required=True)
    body = StringField(required=True)
    delivered_at = DateTimeField(required=True)
    read_at = DateTimeField()


class SmsDelivery(Document):
    """An SMS handed to the gateway (the local gateway only records it; no network)."""

    meta = {"db_alias": ALIAS, "collection": "sms_deliveries"}
    id = StringField(primary_key=True)
    recipient = StringField(required=True)  # the official's id; the gateway resolves the number
    county = StringField(required=True)
    text = StringField(required=True)
    gateway = StringField(required=True)
    sent_at = DateTimeField(required=True)


class WarningStore(Store):
    documents = (WarningRecord, CalendarYear, InboxMessage, SmsDelivery)

    # -- one matter, one warning -------------------------------------------------------------
    def source_event_seen(self, event_id: str) -> bool:
        return WarningRecord.objects(source_event_id=event_id).count() > 0

    def merged_event_seen(self, event_id: str) -> bool:
        return WarningRecord.objects(merged_event_ids=event_id).count() > 0

    def report_seen(self, event_id: str) -> bool:
        return WarningRecord.objects(report_event_ids=event_id).count() > 0

    def open_for_matter(self, official_id: str, risk_point: str, statuses) -> list[WarningRecord]:
        return list(WarningRecord.objects(official_id=official_id, risk_point=risk_point, status__in=list(statuses)))

    def open_blue_for(self, official_id: str, statuses) -> list[WarningRecord]:
        return list(WarningRecord.objects(official_id=official_id, level=3, status__in=list(statuses)))

    def for_official(self, official_id: str, statuses=None) -> list[WarningRecord]:
        query = WarningRecord.objects(official_id=official_id)
        if statuses is not None:
            query = query(status__in=list(statuses))
        return list(query.order_by("proposed_at", "id"))

    # -- results -----------------------------------------------------------------------------
    def red_issued_in_year(self, unit_id: str, year: int) -> list[WarningRecord]:
        return list(
            WarningRecord.objects(
                unit_id=unit_id,
                level=1,
                issued_on__gte=f"{year}-01-01",
                issued_on__lte=f"{year}-12-31",
                status__nin=["revoked", "rejected"],
            ).order_by("issued_on", "id")
        )

    def for_county(self, county: str) -> list[WarningRecord]:
        return list(WarningRecord.objects(county=county).order_by("proposed_at", "id"))

    # -- delivery ----------------------------------------------------------------------------
    def notices_pending(self, limit: int = 200) -> list[WarningRecord]:
        return list(WarningRecord.objects(notices_pending=True).limit(limit))

    def clear_notices_pending(self, warning_id: str, version: int) -> None:
        # Only if nothing was queued since: a later write may have added a notice.
        WarningRecord.objects(id=warning_id, version=version).update_one(set__notices_pending=False)

    def deliver_inbox(self, message: InboxMessage) -> bool:
        try:
            message.save(force_insert=True)
        except NotUniqueError:
            return False
        return True

    def record_sms(self, sms: SmsDelivery) -> bool:
        try:
            sms.save(force_insert=True)
        except NotUniqueError:
            return False
        return True

    def inbox(self, official_id: str, limit: int = 200) -> list[InboxMessage]:
        return list(InboxMessage.objects(official_id=official_id).order_by("-delivered_at", "id").limit(limit))

    def inbox_message(self, message_id: str) -> InboxMessage | None:
        return InboxMessage.objects(id=message_id).first()

    def mark_read(self, message_id: str, at: datetime) -> None:
        # The first read counts; reading again changes nothing.
        InboxMessage.objects(id=message_id, read_at=None).update_one(set__read_at=at)

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
