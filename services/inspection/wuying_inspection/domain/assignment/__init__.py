"""Team assignment with OR-Tools CP-SAT (issue 12; seeds/001 贵州 and 湖南, 004 闵行).

001 贵州 draws the teams of its internal inspections (666 teams, 2659 person-times, 1806 units)
from the province-wide pool of supervision staff and cross-inspects across six cooperation zones
"to break acquaintance supervision"; 001 湖南 rotates who supervises whom so that no "熟人监督"
forms; 004 闵行 adds specialists (机动组员) to a team on demand, "三不固定".

One model assigns every visit (a unit's round, a ``Slot``) a team:

hard (``ruledata.HARD_RULES``): nobody inspects their own county, nor their own zone in a cross
round; never a unit where they work or have worked (任职回避) or where a relative works (亲属回避);
nobody while away; one team per person at a time; team size within bounds with exactly one
qualified leader; each requested specialist field covered by one mobile specialist (one field
each) who obeys the same avoidance rules; what is fixed stays.

soft (``ruledata.Weights``): members' skills matching the unit's focus; rotation (not the same
unit, nor the same team-mates, as last year); even load over the pool; mixed gender and age
bands; on a re-solve, keeping who was planned.

The model is solved per block of overlapping visits (one team at a time is the only hard rule
across visits; even load is carried from block to block). Per visit it considers the best
``candidates_per_slot`` eligible regular members (half of them qualified leaders), which keeps a
province-scale campaign a few thousand literals per block; when that finds nothing, every
eligible member. When even that is infeasible, no team exists under the hard rules, and the
explanation model adds the people each avoidance rule keeps out and guards every rule of every
visit with an assumption literal: CP-SAT's ``sufficient_assumptions_for_infeasibility``, shrunk
by deletion, names the rules and units that make the assignment impossible. An impossible
assignment is an answer, never an exception.

The package, one module per part: ``problem`` (the problem, its answer, the avoidance rules,
``check_team``), ``candidates`` (who may go where), ``model`` (the CP-SAT model of a block),
``solver`` (``TeamAssigner``, ``assign_teams``). The names below are its interface.
"""

from .problem import (
    AVOIDANCE_RULES,
    Blocking,
    Problem,
    Slot,
    Solution,
    Team,
    broken_rules,
    check_team,
    overlapping_groups,
)
from .solver import TeamAssigner, assign_teams

__all__ = [
    "AVOIDANCE_RULES",
    "Blocking",
    "Problem",
    "Slot",
    "Solution",
    "Team",
    "TeamAssigner",
    "assign_teams",
    "broken_rules",
    "check_team",
    "overlapping_groups",
]
