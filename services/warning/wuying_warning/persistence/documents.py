"""The warning service's mongoengine documents (connection alias ``warning``): warnings, the
organisational handling of ignored red ones, loaded calendar years, the inbox, SMS deliveries
and each official's list of warnings.

Dates of the warning's life (issue date, deadlines) are ISO strings (``YYYY-MM-DD``): they are
Beijing calendar dates, not instants, and ISO strings compare in date order for queries.
"""

from __future__ import annotations

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

from wuying_common.outbox import OutboxDocument, new_id

ALIAS = "warning"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


class WarningRecord(OutboxDocument):
    """One warning matter (一事一例, 篇5 七(四)): proposal, approval, notice and deadlines.

    ``_id``: a random id for a staff proposal; for a proposal consumed from risk, a name-based
    UUID of the event id (``proposal_warning_id``), so the insert itself is the idempotency
    record of that event.
    """

    subject_kind = "warning"
    meta = {
        "db_alias": ALIAS,
        "collection": "warnings",
        # No secondary unique index: warnings are written per event, and the event's
        # idempotency lives in the natural ``_id`` (and in ``merged_event_ids`` /
        # ``report_event_ids`` of the warning the event changed), read by key.
        "indexes": [
            ("county", "status", "-proposed_at"),
            ("status", "answer_due"),
            ("status", "fix_due"),
            "outbox_pending",
            "unit_id",
            "notices_pending",
            "supersede_pending",
            ("county", "reports_pending"),
            ("status", "answer_due_provisional"),
            ("status", "fix_due_provisional"),
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
    fix_due_provisional = BooleanField()
    max_extensions = IntField(default=0)
    extensions = IntField(default=0)
    # The rule set, issue date and due dates the warning was issued under: written once, on
    # issue (an appeal's pause, an extension and a newly loaded calendar year move the dues,
    # each recorded in ``history``); never rewritten by an escalation (issue 8).
    rule_version = StringField()
    appealed_from = StringField()
    overdue_notices = ListField(StringField())  # "answer:3", "fix:2": each told once
    # 一事一例 (篇5 七(四)): the matter (risk point, or trigger), shared by its escalations.
    matter = StringField()
    # Escalation (篇5 七(一), 三(一)2): a proposal of the next level links the lower warning and
    # carries the evidence (missed steps, verified reports) and the decision with its reasons.
    escalated_from = StringField()
    escalation = DictField()  # {"reason": …, "evidence": [{…}, …]}
    decision = DictField()  # {"outcome": approved|rejected, "by", "at", "reasons"}
    superseded_by = StringField()  # the higher warning that closed this one
    superseded_on = StringField(regex=ISO_DATE)
    escalation_ids = ListField(StringField())  # proposals made from this warning
    supersede_pending = BooleanField(default=False)  # issued; lower warnings not closed yet
    # New reports about the official while this warning is open, pending verification
    # (篇5 七(一): 经调查问题属实的); each with its finding once recorded.
    pending_reports = ListField(DictField())
    reports_pending = BooleanField(default=False)  # a report above still awaits its finding
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
    report_event_ids = ListField(StringField())  # intake reports attached to this warning


class OrganisationalTask(OutboxDocument):
    """组织处理 of an ignored red warning (篇5 七(一); ``domain.organisational``): ``_id`` is
    ``oh-<warning id>``, so the timer opens it once however often it ticks."""

    subject_kind = "organisational_handling"
    meta = {
        "db_alias": ALIAS,
        "collection": "organisational_tasks",
        "indexes": [("county", "status", "due_on"), "outbox_pending"],
    }
    id = StringField(primary_key=True)
    warning_id = StringField(required=True)
    official_id = StringField(required=True)
    unit_id = StringField()
    county = StringField(required=True, regex=r"^\d{6}$")
    status = StringField(required=True, default="open", choices=("open", "closed"))
    owner = StringField(required=True)
    owner_zh = StringField(required=True)
    recorder_role = StringField(required=True)
    rule_version = StringField(required=True)
    opened_on = StringField(required=True, regex=ISO_DATE)
    opened_at = DateTimeField(required=True)
    due_on = StringField(required=True, regex=ISO_DATE)
    due_provisional = BooleanField(default=False)
    evidence = DictField()  # the missed step of the red warning
    outcome = DictField()  # {"measure", "measure_zh", "decided_on", "by", "at", "reasons"}
    closed_on = StringField(regex=ISO_DATE)
    history = ListField(DictField())


class CalendarYear(OutboxDocument):
    """A year's holiday arrangement loaded by an operator (PUT /api/v1/calendar/years/<year>);
    its ``calendar.year_loaded`` event is written with it. ``applied_event_ids``: the events
    whose consumption (recomputing provisional dues) finished, by key."""

    subject_kind = "calendar_year"
    meta = {"db_alias": ALIAS, "collection": "calendar_years", "indexes": ["outbox_pending"]}
    # ``_id`` is the year (the outbox relay reads aggregates by a primary key named ``id``).
    id = IntField(primary_key=True)
    year = IntField(required=True)
    data = DictField(required=True)
    county = StringField(regex=r"^\d{6}$")  # the loading operator's scope: the event's county
    loaded_at = DateTimeField(required=True)
    loaded_by = StringField()
    applied_event_ids = ListField(StringField())


class InboxMessage(Document):
    """A message in the official's platform inbox (篇1: 系统消息); id = the notice id."""

    meta = {"db_alias": ALIAS, "collection": "inbox", "indexes": [("official_id", "-delivered_at")]}
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    warning_id = StringField()  # none for a message about a report (澄清正名)
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


class OfficialWarnings(Document):
    """Which warnings an official has: ``_id`` = the official's id, so the per-event paths
    (one matter, one warning; a new verified report) find them by key, never by a query on
    ``official_id``. Append-only: a warning's official never changes."""

    meta = {"db_alias": ALIAS, "collection": "official_warnings"}
    official_id = StringField(primary_key=True)
    warning_ids = ListField(StringField())
