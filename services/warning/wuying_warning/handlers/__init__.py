"""Warning use cases: (command, store, clock, calendar, rules) -> aggregate or small result.
No nameko here. One module per use-case family, each naming the seed sections it implements:

- ``proposals``: from risk and from staff, one matter one warning (篇5 三(一)2, 七(四));
- ``lifecycle``: approval, answer and rectification, revisit, lifting (篇5 三(一)2, 五(二), 六);
- ``deadlines``: the timer, overdue and escalation, new verified reports, extension, calendar
  years (篇5 六, 六3, 七(一));
- ``notices``: written notices, interviews, the official's inbox (篇5 五(二), 篇1);
- ``appeals``: appeals and case-clue transfers (篇5 七(三), 三(一)3);
- ``results``: the quarterly report, advanced-unit eligibility, RPC reads (篇5 三(二), 七(二)).

The names below are the package's interface (``handlers.approve(...)``).
"""

from .appeals import appeal, decide_appeal, transfer
from .deadlines import (
    add_working_days,
    check_deadlines,
    extend,
    load_calendar_year,
    refresh_calendar,
    report_from_triage,
)
from .lifecycle import approve, lift, list_warnings, respond, revisit
from .notices import dispatch_notices, inbox, interview, read_inbox_message
from .proposals import proposal_from_event, propose, propose_matter
from .results import advanced_eligibility, quarterly_report, warning_by_id, warnings_for_official
from .support import get_warning

__all__ = [
    "add_working_days",
    "advanced_eligibility",
    "appeal",
    "approve",
    "check_deadlines",
    "decide_appeal",
    "dispatch_notices",
    "extend",
    "get_warning",
    "inbox",
    "interview",
    "lift",
    "list_warnings",
    "load_calendar_year",
    "proposal_from_event",
    "propose",
    "propose_matter",
    "quarterly_report",
    "read_inbox_message",
    "refresh_calendar",
    "report_from_triage",
    "respond",
    "revisit",
    "transfer",
    "warning_by_id",
    "warnings_for_official",
]
