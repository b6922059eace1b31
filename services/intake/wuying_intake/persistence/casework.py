"""The casework on a report, embedded in it (seeds/000 B, H; seeds/001 黑龙江; seeds/003): triage with
the subjects resolved, closure and the collective review that allows it, feedback, send-up,
verification of a suspected malicious report with its clarification and disposal, the
replies the reporter reads, assignments and internal notes."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    ListField,
    StringField,
)


class ResolvedSubject(EmbeddedDocument):
    """A subject the clerk matched to a registered official or unit during triage."""

    kind = StringField(required=True, choices=("official", "unit"))
    id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")


class Triage(EmbeddedDocument):
    outcome = StringField(required=True)
    severity = StringField(required=True)
    subjects = ListField(EmbeddedDocumentField(ResolvedSubject))
    note = StringField(default="")
    transferred_to = StringField()
    triaged_at = DateTimeField(required=True)
    triaged_by = StringField(required=True)
    # Before rules version default-2026.1 the handling deadline lived here; now it is in
    # ``Petition.deadlines`` (migrated at start-up, ``IntakeStore.migrate_legacy_deadlines``).
    handle_due = DateField()
    extended = BooleanField()
    extension_reason = StringField()
    extended_by = StringField()


class Closure(EmbeddedDocument):
    kind = StringField(default="answered", choices=("answered", "merged", "repeated_no_new_facts"))
    answer = StringField(required=True)
    note = StringField(default="")
    closed_at = DateTimeField(required=True)
    closed_by = StringField(required=True)


class CollectiveReview(EmbeddedDocument):
    """集体研判 on record before a repeated report is closed (seeds/001 黑龙江)."""

    meeting_date = DateField(required=True)
    participants = ListField(StringField(), required=True)
    conclusion = StringField(required=True)
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)


class Feedback(EmbeddedDocument):
    """The result fed back to a named reporter (反馈), within 15 working days of closing."""

    method = StringField(required=True)
    note = StringField(default="")
    at = DateTimeField(required=True)
    by = StringField(required=True)
    on_time = BooleanField(required=True)


class SendUp(EmbeddedDocument):
    """Sent to the organ one level up that is entitled to handle it (seeds/000 H)."""

    organ = StringField(required=True)
    reason = StringField(required=True)
    due = DateField(required=True)
    on_time = BooleanField(required=True)
    sent_at = DateTimeField(required=True)
    sent_by = StringField(required=True)


class Verification(EmbeddedDocument):
    """Verification of a suspected malicious report (seeds/003)."""

    status = StringField(required=True, choices=("open", "confirmed", "not_confirmed"))
    opened_at = DateTimeField(required=True)
    concluded_at = DateTimeField()
    concluded_by = StringField()
    note = StringField(default="")


class Clarification(EmbeddedDocument):
    """澄清正名: the accused is cleared, on the record (seeds/003)."""

    text = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)


class Disposal(EmbeddedDocument):
    """处置、责任追究 of a confirmed malicious reporter (seeds/003): recorded as a clue transferred to
    case handling (``clue.transferred``, kind ``false_accusation``); case handling opens the
    reporter's identity through the identity-opening procedure, never through this record."""

    kind = StringField(required=True, choices=("false_accusation",))
    transferred_to = StringField(required=True)
    at = DateTimeField(required=True)
    by = StringField(required=True)


class Reply(EmbeddedDocument):
    """What the reporter is told (件件有着落，事事有回音)."""

    text = StringField(required=True)
    at = DateTimeField(required=True)


class Assignment(EmbeddedDocument):
    """One change of the report's assignee or routing (承办人分办、改派; seeds/000 H): who made it,
    when, why, from whom to whom."""

    assignee = StringField()  # None: only the routing changed
    previous = StringField()
    routing = StringField()
    by = StringField(required=True)
    at = DateTimeField(required=True)
    reason = StringField(required=True)


class InternalNote(EmbeddedDocument):
    """An internal note on a report (who, when, text): for staff only, never shown to a reporter,
    answered over RPC or put in an event."""

    id = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)
    text = StringField(required=True)
