"""Warning use cases: (command, store, clock, calendar, rules) -> aggregate or small result.
No nameko here. One module per use-case family, each naming the seed sections it implements:

- ``proposals``: from risk and from staff, one matter one warning (篇5 三(一)2, 七(四));
- ``lifecycle``: approval and rejection by the level's authority, answer and rectification,
  revisit, lifting (篇5 三(一)2, 五(二), 六);
- ``escalations``: missed steps and verified new reports propose the next level, decided by its
  authority; the issued higher warning supersedes the lower (篇5 七(一), 三(一)2);
- ``organisational``: an ignored red warning's organisational-handling task (篇5 七(一));
- ``deadlines``: the timer, overdue steps, the red warning's extension (篇5 六, 六3, 七(一));
- ``calendar``: the official calendar's years, loaded once for the province (DESIGN.md §4);
- ``notices``: written notices, interviews, the official's inbox, clarifications (篇5 五(二),
  篇1, seed 003);
- ``appeals``: appeals and case-clue transfers (篇5 七(三), 三(一)3);
- ``results``: the quarterly report, advanced-unit eligibility, the staff worklist, RPC reads
  (篇5 三(二), 七(二));
- ``statistics``: live and overdue warnings of a county, city or province from the counties'
  tallies, and their rebuild (issue 14 item 7).

The names below are the package's interface (``handlers.approve(...)``).
"""

from .appeals import appeal, decide_appeal, transfer
from .calendar import (
    add_working_days,
    load_calendar_year,
    recount_provisional_dues,
    refresh_calendar,
    year_loaded_from_event,
)
from .deadlines import check_deadlines, extend, missed_steps
from .escalations import record_finding, report_from_triage, supersede_lower
from .lifecycle import approve, lift, list_warnings, reject, respond, revisit
from .notices import (
    clarification_from_event,
    dispatch_notices,
    inbox,
    interview,
    read_inbox_message,
    record_interview,
)
from .organisational import get_task, list_tasks, record_outcome
from .proposals import proposal_from_event, propose, propose_matter
from .results import advanced_eligibility, quarterly_report, warning_by_id, warnings_for_official, worklist
from .statistics import rebuild_tallies, warning_statistics
from .support import get_warning

__all__ = [
    "add_working_days",
    "advanced_eligibility",
    "appeal",
    "approve",
    "check_deadlines",
    "clarification_from_event",
    "decide_appeal",
    "dispatch_notices",
    "extend",
    "get_task",
    "get_warning",
    "inbox",
    "interview",
    "lift",
    "list_tasks",
    "list_warnings",
    "load_calendar_year",
    "missed_steps",
    "proposal_from_event",
    "propose",
    "propose_matter",
    "quarterly_report",
    "read_inbox_message",
    "rebuild_tallies",
    "record_finding",
    "record_interview",
    "record_outcome",
    "recount_provisional_dues",
    "refresh_calendar",
    "reject",
    "report_from_triage",
    "respond",
    "revisit",
    "supersede_lower",
    "transfer",
    "warning_by_id",
    "warning_statistics",
    "warnings_for_official",
    "worklist",
    "year_loaded_from_event",
]
