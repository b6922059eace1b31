"""mongoengine documents of the intake service (connection alias ``intake``), by family:
``petition`` (the report), ``receiving`` (what arrives with it: subjects, the sealed reporter,
the receipt hash, attachments, additions, acknowledgements), ``casework`` (triage, closure,
review, feedback, send-up, verification, assignments, notes), ``deadlines`` (deadlines, their
recomputation, the loaded calendar years), ``retention`` (legal holds, purges), ``identity``
(identity requests and their audit), ``legacy`` (deadlines stored before default-2026.1) and
``store`` (``IntakeStore``, the only door to mongoengine).

A petition and its pending events are one document, so a state change and its event are one
write (wuying_common.outbox). The reporter's details are stored only sealed; anonymous
receipts only as a slow hash. No IP address is stored anywhere.

Other modules import from here; the families are an internal arrangement.
"""

from .alias import ALIAS
from .casework import (
    Assignment,
    Clarification,
    Closure,
    CollectiveReview,
    Disposal,
    Feedback,
    InternalNote,
    Reply,
    ResolvedSubject,
    SendUp,
    Triage,
    Verification,
)
from .deadlines import CalendarYear, DeadlineChange, ReportDeadline
from .identity import AuditEntry, AuditRecord, IdentityRequest, audit_between, audit_row
from .legacy import legacy_deadlines, migrate_legacy
from .petition import Petition
from .receiving import (
    AckDelivery,
    Addition,
    Attachment,
    AttachmentMeta,
    DuplicateCandidate,
    Receipt,
    ReportedSubject,
    SealedReporter,
    SubjectReports,
    attachment_key,
)
from .retention import LegalHoldChange, PurgeRecord, PurgeState
from .store import IntakeStore, recusal_keys

__all__ = [
    "ALIAS",
    "AckDelivery",
    "Addition",
    "Assignment",
    "Attachment",
    "AttachmentMeta",
    "AuditEntry",
    "AuditRecord",
    "CalendarYear",
    "Clarification",
    "Closure",
    "CollectiveReview",
    "DeadlineChange",
    "Disposal",
    "DuplicateCandidate",
    "Feedback",
    "IdentityRequest",
    "IntakeStore",
    "InternalNote",
    "LegalHoldChange",
    "Petition",
    "PurgeRecord",
    "PurgeState",
    "Receipt",
    "Reply",
    "ReportDeadline",
    "ReportedSubject",
    "ResolvedSubject",
    "SealedReporter",
    "SendUp",
    "SubjectReports",
    "Triage",
    "Verification",
    "attachment_key",
    "audit_between",
    "audit_row",
    "legacy_deadlines",
    "migrate_legacy",
    "recusal_keys",
]
