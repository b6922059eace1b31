"""Intake use cases: (payload, store, clock, calendar, keyring) -> aggregate. No nameko here.

One module per family, each naming the seed sections it implements: ``receiving`` (the portal
and staff entry), ``casework`` (triage, closing, duplicates, send-up, verification, feedback),
``deadlines`` (the clock, extensions), ``receipts`` (anonymous follow-up), ``identity`` (opening
a reporter's identity, audit, key rotation) and ``queries`` (views, lists, statistics, RPC
reads). Every write goes through ``IntakeStore``; each state change and its events are one
document write. The Out schemas in ``schemas.py`` shape what the handlers return.
"""

from .acknowledgements import (
    Notifier,
    Printable,
    printable_for_reporter,
    printable_for_staff,
    send_acknowledgement,
    verify_code,
)
from .calendar import recompute_provisional, refresh_calendar, year_loaded
from .casework import (
    assign,
    check_triaged_subjects,
    close,
    close_repeated,
    conclude_verification,
    merge,
    record_feedback,
    send_up,
    triage,
)
from .common import Registry
from .deadlines import check_deadlines, extend
from .identity import (
    OpenedIdentity,
    audit_log,
    decide_identity_request,
    open_identity,
    request_identity,
    reseal_reporters,
)
from .imports import import_reports
from .queries import (
    StaffReport,
    get_attachment,
    get_report,
    list_reports,
    rebuild_tallies,
    report_status,
    reports_about,
    statistics,
)
from .receipts import MAX_ADDITIONS, add_information, lookup_receipt
from .receiving import Submitted, new_petition_id, resolve_reported_subjects, submit_report
from .retention import purge, purge_expired, purge_log, set_legal_hold
from .worklists import add_note, deadline_worklist

__all__ = [
    "recompute_provisional",
    "refresh_calendar",
    "year_loaded",
    "purge",
    "purge_expired",
    "purge_log",
    "set_legal_hold",
    "add_note",
    "deadline_worklist",
    "Notifier",
    "Printable",
    "printable_for_reporter",
    "printable_for_staff",
    "send_acknowledgement",
    "verify_code",
    "assign",
    "MAX_ADDITIONS",
    "OpenedIdentity",
    "Registry",
    "StaffReport",
    "Submitted",
    "add_information",
    "audit_log",
    "check_deadlines",
    "check_triaged_subjects",
    "close",
    "close_repeated",
    "conclude_verification",
    "decide_identity_request",
    "extend",
    "get_attachment",
    "get_report",
    "import_reports",
    "rebuild_tallies",
    "list_reports",
    "lookup_receipt",
    "merge",
    "new_petition_id",
    "open_identity",
    "record_feedback",
    "report_status",
    "reports_about",
    "request_identity",
    "reseal_reporters",
    "resolve_reported_subjects",
    "send_up",
    "statistics",
    "submit_report",
    "triage",
]
