"""The team-assignment problem and its answer (issue 12): visits (``Slot``), teams, blocking
rules; the avoidance rules one person and one visit at a time (任职回避, 亲属回避, own county and
zone: seeds/001 贵州), overlapping visits, and the recheck of a team set by hand (an override)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..pool import Inspector
from ..ruledata import HARD_RULES, AssignmentRules

# The avoidance rules, checked person by person (the other hard rules are constraints).
AVOIDANCE_RULES = ("own_county", "own_zone_in_cross", "posting_avoidance", "relative_avoidance", "unavailable")


@dataclass(frozen=True)
class Slot:
    """One visit: a unit's round, with its dates and what its team needs."""

    key: str  # "<unit_id>:<year>:<round>"
    unit_id: str
    county: str
    zone: str | None
    method: str
    starts_on: date
    ends_on: date
    focus: frozenset[str] = frozenset()  # skills the unit's inspection needs (soft)
    specialists: tuple[str, ...] = ()  # fields to draw one mobile specialist each for (hard)
    unit_name: str = ""


@dataclass(frozen=True)
class Team:
    members: tuple[str, ...]
    leader: str | None
    specialists: tuple[tuple[str, str], ...] = ()  # (field, person)

    @property
    def everyone(self) -> tuple[str, ...]:
        return self.members + tuple(p for _, p in self.specialists)


@dataclass(frozen=True)
class Blocking:
    """A rule that, together with the others named, makes the assignment impossible."""

    rule: str
    units: tuple[str, ...]
    periods: tuple[tuple[date, date], ...] = ()

    @property
    def rule_zh(self) -> str:
        return HARD_RULES[self.rule].zh

    @property
    def source(self) -> str:
        return HARD_RULES[self.rule].source


@dataclass
class Problem:
    slots: Sequence[Slot]
    people: Sequence[Inspector]
    fixed: Mapping[str, Team] = field(default_factory=dict)  # slot key -> team kept as it is
    previous: Mapping[str, Team] = field(default_factory=dict)  # the last version, to keep stable
    last_year_units: Mapping[str, frozenset[str]] = field(default_factory=dict)  # unit -> people
    last_year_mates: frozenset[frozenset[str]] = frozenset()  # pairs who were one team last year


@dataclass
class Solution:
    status: str  # optimal, feasible, infeasible, unknown
    teams: dict[str, Team] = field(default_factory=dict)
    objective: float | None = None
    bound: float | None = None
    wall_seconds: float = 0.0
    blocking: list[Blocking] = field(default_factory=list)
    explained: bool = False  # the answer came from the explanation model

    @property
    def solved(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


# -- the avoidance rules, one person and one visit at a time ---------------------------------
def broken_rules(person: Inspector, slot: Slot) -> list[str]:
    """The avoidance rules ``person`` would break on ``slot`` (empty: eligible)."""
    broken = []
    if person.county == slot.county:
        broken.append("own_county")
    if slot.method == "cross" and person.zone is not None and person.zone == slot.zone:
        broken.append("own_zone_in_cross")
    if slot.unit_id in person.postings:
        broken.append("posting_avoidance")
    if slot.unit_id in person.relative_unit_ids:
        broken.append("relative_avoidance")
    if person.away(slot.starts_on, slot.ends_on):
        broken.append("unavailable")
    return broken


def overlapping_groups(slots: Sequence[Slot]) -> list[tuple[tuple[date, date], list[int]]]:
    """Groups of visits that share a day: at most one of each group per person. The maximal
    cliques of an interval graph sit at the intervals' start days."""
    groups: dict[frozenset[int], tuple[date, date]] = {}
    for start in sorted({s.starts_on for s in slots}):
        active = frozenset(i for i, s in enumerate(slots) if s.starts_on <= start <= s.ends_on)
        if len(active) > 1 and active not in groups:
            groups[active] = (start, min(slots[i].ends_on for i in active))
    maximal = [g for g in groups if not any(g < other for other in groups)]
    return [(groups[g], sorted(g)) for g in sorted(maximal, key=lambda g: groups[g])]


def check_team(
    person_ids: Sequence[str],
    leader: str | None,
    slot: Slot,
    people: Mapping[str, Inspector],
    rules: AssignmentRules,
    busy: Mapping[str, Sequence[Slot]] | None = None,
) -> list[tuple[str, str]]:
    """Recheck one team against the hard rules (a manual override): ``[(rule, person or "")]``
    for every rule it breaks; empty when it stands. ``busy``: each person's other visits."""
    broken: list[tuple[str, str]] = []
    busy = busy or {}
    members = list(person_ids)
    if not rules.team_min <= len(members) <= rules.team_max:
        broken.append(("team_size", ""))
    if leader is None or leader not in members or not (people.get(leader) and people[leader].leader):
        broken.append(("leader", leader or ""))
    for pid in members:
        person = people.get(pid)
        if person is None or not person.active:
            broken.append(("unavailable", pid))
            continue
        broken.extend((rule, pid) for rule in broken_rules(person, slot))
        if any(
            o.key != slot.key and o.starts_on <= slot.ends_on and slot.starts_on <= o.ends_on for o in busy.get(pid, ())
        ):
            broken.append(("one_team_at_a_time", pid))
    return broken
