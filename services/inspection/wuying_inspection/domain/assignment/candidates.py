"""Who may go where: the pool indexed for the avoidance rules, each visit's candidates (skills
matching the unit's focus, rotation, even load; 001 贵州, 湖南) and the mobile specialists that
can be drawn for a field (004 闵行 三不固定). The first layer of ``TeamAssigner``."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date

from ..pool import Inspector
from ..ruledata import AssignmentRules
from .problem import Problem, Slot, broken_rules


def _jitter(*parts: str) -> int:
    """A stable pseudo-random tie-break (the same inputs give the same candidates)."""
    return int.from_bytes(hashlib.blake2b("|".join(parts).encode(), digest_size=4).digest(), "big")


class _Candidates:
    """``TeamAssigner``'s pool and candidates (see ``solver.TeamAssigner``)."""

    def __init__(self, problem: Problem, rules: AssignmentRules) -> None:
        self.problem = problem
        self.rules = rules
        self.slots = list(problem.slots)
        self.people = {p.id: p for p in problem.people if p.active}
        self.regular = sorted((p for p in self.people.values() if not p.mobile), key=lambda p: p.id)
        self.mobile = sorted((p for p in self.people.values() if p.mobile), key=lambda p: p.id)
        # indexes for the avoidance rules: who is out of a visit, by set operations
        self.ids = frozenset(p.id for p in self.regular)
        self.by_county: dict[str, set[str]] = defaultdict(set)
        self.by_zone: dict[str, set[str]] = defaultdict(set)
        self.by_posting: dict[str, set[str]] = defaultdict(set)
        self.by_relative: dict[str, set[str]] = defaultdict(set)
        self.with_leave = [p for p in self.regular if p.unavailable]
        for p in self.regular:
            self.by_county[p.county].add(p.id)
            if p.zone:
                self.by_zone[p.zone].add(p.id)
            for unit in p.postings:
                self.by_posting[unit].add(p.id)
            for unit in p.relative_unit_ids:
                self.by_relative[unit].add(p.id)
        # a fixed pseudo-random order of the pool: candidates are taken from it starting at an
        # offset per visit, so no one is everybody's first choice
        self.order = sorted(self.regular, key=lambda p: _jitter(p.id))
        self.leaders = [p for p in self.order if p.leader]
        # the fair share: visits times the middle team size, over the regular pool
        team = (rules.team_min + rules.team_max) / 2
        self.target = math.ceil(team * len(self.slots) / max(1, len(self.regular)))

    # -- candidates ------------------------------------------------------------------------
    def _score(self, person: Inspector, slot: Slot) -> int:
        w = self.rules.weights
        score = w.skill_match * len(person.skills & slot.focus)
        if person.id in self.problem.last_year_units.get(slot.unit_id, ()):
            score -= w.same_unit_last_year
        previous = self.problem.previous.get(slot.key)
        if previous and person.id in previous.members:
            score += w.moved
        return score

    def eligible(self, slot: Slot) -> set[str]:
        """Regular members no avoidance rule keeps out of ``slot`` (same as ``broken_rules``)."""
        out = self.by_county.get(slot.county, set()) | self.by_posting.get(slot.unit_id, set())
        out = out | self.by_relative.get(slot.unit_id, set())
        if slot.method == "cross" and slot.zone:
            out = out | self.by_zone.get(slot.zone, set())
        out |= {p.id for p in self.with_leave if p.away(slot.starts_on, slot.ends_on)}
        return set(self.ids - out)

    def candidates(self, slot: Slot, limit: int | None, load: Mapping[str, int] | None = None) -> list[Inspector]:
        """Eligible regular members for ``slot``: all of them up to ``limit``; beyond, the
        fixed and previously planned members, then a third leaders, skills matching the focus
        first, those at their fair share of the load and last year's inspectors of the unit last,
        from a per-visit offset."""
        eligible = self.eligible(slot)
        if limit is None or len(eligible) <= limit:
            return [self.people[pid] for pid in sorted(eligible)]
        chosen: dict[str, Inspector] = {}
        for team in (self.problem.fixed.get(slot.key), self.problem.previous.get(slot.key)):
            for pid in team.members if team else ():
                if pid in eligible:
                    chosen[pid] = self.people[pid]
        last_year = self.problem.last_year_units.get(slot.unit_id, frozenset())
        offset = _jitter(slot.key)

        def take(order: list[Inspector], want: int, accept: Callable[[Inspector], bool]) -> None:
            if not order:
                return
            start = offset % len(order)
            for k in range(len(order)):
                if len(chosen) >= want:
                    return
                p = order[(start + k) % len(order)]
                if p.id in eligible and p.id not in chosen and accept(p):
                    chosen[p.id] = p

        load = load or {}

        def fresh(p: Inspector) -> bool:
            return p.id not in last_year and load.get(p.id, 0) < self.target

        # Leaders are scarce: each visit looks at its own stretch of them, preferences or not,
        # so that the visits of a block do not all compete for the same few.
        base = len(chosen)
        take(self.leaders, base + max(1, limit // 6), lambda p: bool(p.skills & slot.focus) and fresh(p))
        take(self.leaders, base + max(1, limit // 2), lambda p: p.id not in last_year)
        # Preferred members take a third of the places at most: late in a campaign few are
        # under their share, and if every visit took the same few, no block would be feasible.
        take(self.order, len(chosen) + max(1, limit // 6), lambda p: bool(p.skills & slot.focus) and fresh(p))
        take(self.order, len(chosen) + max(1, limit // 6), fresh)
        take(self.order, limit, lambda p: p.id not in last_year)
        take(self.order, limit, lambda p: True)
        return list(chosen.values())

    def specialist_candidates(self, slot: Slot, skill: str) -> list[Inspector]:
        return [p for p in self.mobile if skill in p.skills and not broken_rules(p, slot)]

    def components(self) -> list[list[int]]:
        """Visits joined by shared days, in date order."""
        order = sorted(range(len(self.slots)), key=lambda i: (self.slots[i].starts_on, self.slots[i].key))
        components: list[list[int]] = []
        end: date | None = None
        for i in order:
            slot = self.slots[i]
            if end is None or slot.starts_on > end:
                components.append([])
                end = slot.ends_on
            components[-1].append(i)
            end = max(end, slot.ends_on)
        return components
