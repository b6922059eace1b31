"""mongoengine documents of the warning service (connection alias ``warning``) and its store.

By family: ``documents`` (warnings, organisational handling, calendar years, inbox, SMS, each
official's list of warnings); ``rows`` (warnings in their stored form for the per-event paths,
checked as the documents would be); ``tallies`` (what a warning counts for in the statistics
and the quarterly report, and ``TallyStore``: their writes, reads by key and rebuild);
``store`` (``WarningStore``: ``TallyStore`` and the warnings' writes, queries, tasks, inbox and
calendar years). Other modules import from here; the families are an internal arrangement.
"""

from .documents import (
    ALIAS,
    ISO_DATE,
    CalendarYear,
    InboxMessage,
    OfficialWarnings,
    OrganisationalTask,
    SmsDelivery,
    WarningRecord,
)
from .rows import ROW_FIELDS, WarningRow, checked_changes, new_warning_row, proposal_warning_id, stored_time
from .store import WarningStore, county_scope
from .tallies import (
    ITEM_FIELDS,
    QUARTER_SOURCES,
    QuarterTally,
    WarningTally,
    warning_entry,
    warning_quarter_entry,
)

__all__ = [
    "ALIAS",
    "ISO_DATE",
    "ITEM_FIELDS",
    "QUARTER_SOURCES",
    "ROW_FIELDS",
    "CalendarYear",
    "InboxMessage",
    "OfficialWarnings",
    "OrganisationalTask",
    "QuarterTally",
    "SmsDelivery",
    "WarningRecord",
    "WarningRow",
    "WarningStore",
    "WarningTally",
    "checked_changes",
    "county_scope",
    "new_warning_row",
    "proposal_warning_id",
    "stored_time",
    "warning_entry",
    "warning_quarter_entry",
]
