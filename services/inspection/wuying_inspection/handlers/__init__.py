"""Inspection use cases: (command, store, clock, ...) -> aggregate or small result. No nameko or
database code here; every write is a method of ``InspectionStore``. One module per family:

- ``plans``: one unit's plan, zone pairing for cross inspection, the specialist pool, findings
  and completed rounds (000/E; 001 贵州; 004 闵行);
- ``pool``: the inspector pool, kept current from archive's ``official.changed`` (001 贵州);
- ``campaigns``: a region's year in one action, teams by CP-SAT under the 回避 rules, preview,
  overrides, commit, inspectors' own assignments (000/E; 001 贵州, 湖南; 004 闵行);
- ``coverage``: planned / done / missed / overdue, reminders to the organising department;
- ``findings``: the disposition ladder to closure, the annual evaluation (000/E 结果运用);
- ``events``: ``inspection.scheduled`` v1 and v2;
- ``calendar``: the province's calendar years (warning's ``calendar.year_loaded``), stored by year
  and loaded into every replica's calendar.

The names below are the package's interface (``handlers.schedule_plan(...)``).
"""

from .calendar import refresh_calendar, year_loaded
from .campaigns import (
    commit_campaign,
    create_campaign,
    get_campaign,
    my_assignments,
    override_visit,
    release_solving,
    solve_campaign,
    start_solving,
)
from .coverage import rebuild_tallies, region_coverage, remind_organisers, upcoming_rounds
from .findings import add_disposition, close_disposition, record_evaluation
from .plans import (
    assign_cross_inspection,
    complete_round,
    find_round,
    get_cross_assignment,
    get_plan,
    join_specialists,
    list_plans,
    open_round,
    record_finding,
    register_specialists,
    register_units,
    schedule_plan,
)
from .pool import get_inspector, official_changed, officials_imported, register_inspectors

__all__ = [
    "add_disposition",
    "assign_cross_inspection",
    "close_disposition",
    "commit_campaign",
    "complete_round",
    "create_campaign",
    "find_round",
    "get_campaign",
    "get_cross_assignment",
    "get_inspector",
    "get_plan",
    "join_specialists",
    "list_plans",
    "my_assignments",
    "official_changed",
    "officials_imported",
    "open_round",
    "override_visit",
    "record_evaluation",
    "rebuild_tallies",
    "record_finding",
    "refresh_calendar",
    "region_coverage",
    "register_inspectors",
    "release_solving",
    "register_specialists",
    "register_units",
    "remind_organisers",
    "schedule_plan",
    "solve_campaign",
    "start_solving",
    "upcoming_rounds",
    "year_loaded",
]
