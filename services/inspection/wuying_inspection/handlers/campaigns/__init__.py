"""Campaigns: a region's yearly inspection in one action (000/E; 001 贵州 1806 units, 666 teams),
teams assigned by CP-SAT under the 回避 rules (001 贵州, 湖南; 004 闵行), previewed, overridden
with a reason, committed into the units' plans.

create → the preview of every visit's method and working-day dates (status ``draft``);
solve → the teams (``solved``), or the rules and units that make it impossible (``infeasible``),
a new ``plan_version`` recording what moved; override → one visit's team by hand, with a reason,
rechecked against the hard rules, fixed for later solves; commit → every unit's plan written with
``inspection.scheduled`` (v1 and v2) in its own write.

One module per step: ``planning`` (create, solve), ``overrides``, ``commit``, ``assignments``
(inspectors' own), and ``visits`` (what they share).
"""

from .assignments import my_assignments
from .commit import commit_campaign
from .overrides import override_visit
from .planning import create_campaign, release_solving, solve_campaign, start_solving
from .visits import get_campaign

__all__ = [
    "commit_campaign",
    "create_campaign",
    "get_campaign",
    "my_assignments",
    "override_visit",
    "release_solving",
    "solve_campaign",
    "start_solving",
]
