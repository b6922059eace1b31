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
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from .pool import Inspector
from .ruledata import HARD_RULES, AssignmentRules

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


def _jitter(*parts: str) -> int:
    """A stable pseudo-random tie-break (the same inputs give the same candidates)."""
    return int.from_bytes(hashlib.blake2b("|".join(parts).encode(), digest_size=4).digest(), "big")


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[dict], None] | None, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.report = report
        self.stage = stage
        self.done = done
        self.total = total
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.report is not None:
            self.report(
                {
                    "stage": self.stage,
                    "visits_done": self.done,
                    "visits_total": self.total,
                    "solutions": self.solutions,
                    "objective": self.objective_value,
                    "bound": self.best_objective_bound,
                }
            )


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]  # (person, slot) regular member
    lead: dict[tuple[str, int], cp_model.IntVar]
    spec: dict[tuple[str, int, str], cp_model.IntVar]  # (person, slot, field)
    # literal index -> (rule, slot, period): what an assumption literal switches on
    assumptions: dict[int, tuple[str, int | None, tuple[date, date] | None]]
    groups: list[tuple[tuple[date, date], list[int]]]


class TeamAssigner:
    """Builds and solves the model for one ``Problem`` under one ``AssignmentRules``.

    Visits that share no day share no hard rule (one team at a time is the only rule across
    visits), so the model is solved per group of overlapping visits (a time block of the
    campaign), in date order; the one soft rule across blocks, even load, carries each
    person's load forward. Objective and bound are the sums over the blocks.
    """

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

    # -- the model -----------------------------------------------------------------------------
    def build(self, indices: list[int], limit: int | None, explain: bool, load: Mapping[str, int]) -> _Model:
        model = cp_model.CpModel()
        r = self.rules
        x: dict[tuple[str, int], cp_model.IntVar] = {}
        lead: dict[tuple[str, int], cp_model.IntVar] = {}
        spec: dict[tuple[str, int, str], cp_model.IntVar] = {}
        assumptions: dict[int, tuple[str, int | None, tuple[date, date] | None]] = {}
        guards: dict[tuple[str, int], cp_model.IntVar] = {}

        def guard(rule: str, i: int) -> list[cp_model.IntVar]:
            """The literal that switches ``rule`` on for slot ``i`` (explanation model only)."""
            if not explain:
                return []
            if (rule, i) not in guards:
                lit = model.new_bool_var(f"A:{rule}:{i}")
                guards[rule, i] = lit
                assumptions[lit.index] = (rule, i, None)
            return [guards[rule, i]]

        cost: list = []
        per_person: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for i in indices:
            slot = self.slots[i]
            fixed = self.problem.fixed.get(slot.key)
            members = self.candidates(slot, limit, load)
            if explain:
                members += self._kept_out(slot, {p.id for p in members}, fixed)
            for p in members:
                var = model.new_bool_var(f"x:{p.id}:{i}")
                x[p.id, i] = var
                per_person[p.id].append((i, var))
                for rule in broken_rules(p, slot) if explain else ():
                    model.add(var == 0).only_enforce_if(guard(rule, i))
                if p.leader:
                    lead[p.id, i] = model.new_bool_var(f"l:{p.id}:{i}")
                    model.add_implication(lead[p.id, i], var)
                score = self._score(p, slot)
                if score:
                    cost.append(-score * var)
            team = [x[p.id, i] for p in members]
            model.add(sum(team) >= r.team_min).only_enforce_if(guard("team_size", i))
            model.add(sum(team) <= r.team_max).only_enforce_if(guard("team_size", i))
            model.add(sum(lead[p.id, i] for p in members if (p.id, i) in lead) == 1).only_enforce_if(guard("leader", i))
            for skill in dict.fromkeys(slot.specialists):
                pool = self.specialist_candidates(slot, skill)
                if explain:
                    pool += [p for p in self.mobile if skill in p.skills and broken_rules(p, slot)]
                for p in pool:
                    var = model.new_bool_var(f"s:{p.id}:{i}:{skill}")
                    spec[p.id, i, skill] = var
                    per_person[p.id].append((i, var))
                    for rule in broken_rules(p, slot) if explain else ():
                        model.add(var == 0).only_enforce_if(guard(rule, i))
                model.add(sum(spec[p.id, i, skill] for p in pool) == 1).only_enforce_if(guard("specialist", i))
            if fixed:
                self._pin(model, fixed, i, x, lead, spec, guard("fixed", i))
                model.add(sum(team) == len(fixed.members)).only_enforce_if(guard("fixed", i))
            self._mix(model, i, members, x, cost)

        # One team per person at a time: at most one of each group of overlapping visits.
        groups = overlapping_groups([self.slots[i] for i in indices])
        groups = [(period, [indices[j] for j in members]) for period, members in groups]
        slot_group: dict[int, list[int]] = defaultdict(list)
        for g, (_, members_of_group) in enumerate(groups):
            for i in members_of_group:
                slot_group[i].append(g)
        group_lits: dict[int, list[cp_model.IntVar]] = {}
        if explain:
            for g, (period, _) in enumerate(groups):
                lit = model.new_bool_var(f"A:one_team_at_a_time:{g}")
                group_lits[g] = [lit]
                assumptions[lit.index] = ("one_team_at_a_time", None, period)
        for assigned in per_person.values():
            by_group: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for i, var in assigned:
                per_slot[i].append(var)
                for g in slot_group.get(i, ()):
                    by_group[g].append(var)
            for g, vars_ in by_group.items():
                if len(vars_) > 1:
                    model.add(sum(vars_) <= 1).only_enforce_if(group_lits.get(g, []))
            # one field per specialist per visit, and never both member and specialist
            for vars_ in per_slot.values():
                if len(vars_) > 1:
                    model.add(sum(vars_) <= 1)

        self._rotation(model, x, cost)
        self._load(model, per_person, load, cost)
        model.minimize(sum(cost))
        if explain:
            model.add_assumptions(list(guards.values()) + [lits[0] for lits in group_lits.values()])
        return _Model(model, x, lead, spec, assumptions, groups)

    def _kept_out(self, slot: Slot, already: set[str], fixed: Team | None) -> list[Inspector]:
        """For the explanation: up to ``team_max`` + 1 people each avoidance rule keeps out of
        ``slot`` (so relaxing that rule could make a team), and fixed members kept out."""
        out: list[Inspector] = []
        per_rule: dict[str, int] = defaultdict(int)
        pinned = set(fixed.members) if fixed else set()
        for p in self.order:
            if p.id in already:
                continue
            broken = broken_rules(p, slot)
            if broken and (p.id in pinned or all(per_rule[b] <= self.rules.team_max for b in broken)):
                out.append(p)
                for b in broken:
                    per_rule[b] += 1
        return out

    def _pin(self, model, fixed: Team, i: int, x, lead, spec, literals: list) -> None:
        """Fixed teams stay: members, leader and specialists as they are."""
        for pid in fixed.members:
            if (pid, i) in x:
                model.add(x[pid, i] == 1).only_enforce_if(literals)
            else:  # not in the pool any more: the fixed team cannot stay as it is
                model.add_bool_or([]).only_enforce_if(literals)
        if fixed.leader and (fixed.leader, i) in lead:
            model.add(lead[fixed.leader, i] == 1).only_enforce_if(literals)
        for skill, pid in fixed.specialists:
            if (pid, i, skill) in spec:
                model.add(spec[pid, i, skill] == 1).only_enforce_if(literals)
            else:
                model.add_bool_or([]).only_enforce_if(literals)

    def _mix(self, model, i: int, members: list[Inspector], x, cost) -> None:
        """Soft: a team of both genders and of two or more age bands (004 甘肃高台: 综合考虑
        干部经历、年龄、性别、专业、特长等因素)."""
        w = self.rules.weights
        genders: dict[str, list] = defaultdict(list)
        bands: dict[str, list] = defaultdict(list)
        for p in members:
            if p.gender:
                genders[p.gender].append(x[p.id, i])
            if p.age_band:
                bands[p.age_band].append(x[p.id, i])
        if w.gender_mix and len(genders) > 1:
            mixed = model.new_bool_var(f"mixed:{i}")
            for vars_ in genders.values():
                model.add(sum(vars_) >= 1).only_enforce_if(mixed)
            cost.append(-w.gender_mix * mixed)
        if w.age_mix and len(bands) > 1:
            present = []
            for band, vars_ in bands.items():
                has = model.new_bool_var(f"band:{band}:{i}")
                model.add(sum(vars_) >= 1).only_enforce_if(has)
                present.append(has)
            diverse = model.new_bool_var(f"diverse:{i}")
            model.add(sum(present) >= 2).only_enforce_if(diverse)
            cost.append(-w.age_mix * diverse)

    def _rotation(self, model, x, cost) -> None:
        """Soft: last year's team-mates are not put together again (001 湖南)."""
        w = self.rules.weights
        if not (w.same_mates_last_year and self.problem.last_year_mates):
            return
        by_slot: dict[int, set[str]] = defaultdict(set)
        for pid, i in x:
            by_slot[i].add(pid)
        for i, present in by_slot.items():
            for pair in self.problem.last_year_mates:
                if pair <= present:
                    a, b = sorted(pair)
                    both = model.new_bool_var(f"mates:{a}:{b}:{i}")
                    model.add(both >= x[a, i] + x[b, i] - 1)
                    cost.append(w.same_mates_last_year * both)

    def _load(self, model, per_person, load: Mapping[str, int], cost) -> None:
        """Soft: nobody carries more than the fair share (demand over the pool) if avoidable.
        ``load``: what each person carries from earlier blocks; every further visit of someone
        at or over the share costs more the further over they are (linear, so the blocks stay
        easy to solve)."""
        w = self.rules.weights
        if not w.load_over_target:
            return
        for pid, assigned in per_person.items():
            over = load.get(pid, 0) + 1 - self.target
            if pid in self.ids and over > 0:
                cost.extend(w.load_over_target * over * var for _, var in assigned)

    # -- solving ---------------------------------------------------------------------------
    def _solver(self, time_limit: float, workers: int) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, time_limit)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 0
        solver.parameters.relative_gap_limit = self.rules.relative_gap_limit
        return solver

    def _teams(self, solver: cp_model.CpSolver, built: _Model, indices: list[int]) -> dict[str, Team]:
        members: dict[int, list[str]] = defaultdict(list)
        leaders: dict[int, str] = {}
        specialists: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for (pid, i), var in built.x.items():
            if solver.boolean_value(var):
                members[i].append(pid)
        for (pid, i), var in built.lead.items():
            if solver.boolean_value(var):
                leaders[i] = pid
        for (pid, i, skill), var in built.spec.items():
            if solver.boolean_value(var):
                specialists[i].append((skill, pid))
        return {
            self.slots[i].key: Team(tuple(sorted(members[i])), leaders.get(i), tuple(sorted(specialists[i])))
            for i in indices
        }

    def solve(self, progress: Callable[[dict], None] | None = None) -> Solution:
        started = time.monotonic()
        r = self.rules
        result = Solution("optimal", objective=0.0, bound=0.0)
        load: dict[str, int] = defaultdict(int)
        done, total = 0, len(self.slots)
        for indices in self.components():
            # each block its share of the time, so that a slow early block cannot starve the last
            budget = max(r.max_time_seconds * len(indices) / max(1, total), r.min_block_seconds)
            part = self._solve_block(indices, load, budget, progress, done)
            if not part.solved:
                part.wall_seconds = round(time.monotonic() - started, 3)
                return part
            result.teams.update(part.teams)
            result.objective = (result.objective or 0.0) + (part.objective or 0.0)
            result.bound = (result.bound or 0.0) + (part.bound or 0.0)
            result.explained |= part.explained
            if part.status == "feasible":
                result.status = "feasible"
            for team in part.teams.values():
                for pid in team.members:
                    load[pid] += 1
            done += len(indices)
            if progress is not None:
                progress(
                    {
                        "stage": "block_done",
                        "visits_done": done,
                        "visits_total": total,
                        "objective": result.objective,
                        "bound": result.bound,
                    }
                )
        result.wall_seconds = round(time.monotonic() - started, 3)
        return result

    def _solve_block(self, indices, load, budget, progress, done) -> Solution:
        """The block among the candidates; if that finds nothing (infeasible among them, or no
        solution in time), among every eligible member with three times the time; if that is
        infeasible, no team exists under the hard rules and the explanation says why."""
        r = self.rules
        status = cp_model.UNKNOWN
        for limit, seconds in ((r.candidates_per_slot, budget), (None, 3 * budget)):
            built = self.build(indices, limit, explain=False, load=load)
            solver = self._solver(seconds, r.num_workers)
            status = solver.solve(built.model, _Progress(progress, "assign", done, len(self.slots)))
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return Solution(
                    "optimal" if status == cp_model.OPTIMAL else "feasible",
                    self._teams(solver, built, indices),
                    solver.objective_value,
                    solver.best_objective_bound,
                )
        if status != cp_model.INFEASIBLE:
            return Solution("unknown")
        return self._explain(indices, load, budget, progress, done)

    def _explain(self, indices, load, budget, progress, done) -> Solution:
        """No assignment among every eligible member: add the people each rule keeps out, guard
        every rule with an assumption literal, and ask CP-SAT which ones it needed."""
        r = self.rules
        built = self.build(indices, None, explain=True, load=load)
        solver = self._solver(max(5.0, budget), r.num_workers)
        status = solver.solve(built.model, _Progress(progress, "explain", done, len(self.slots)))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Solution(
                "optimal" if status == cp_model.OPTIMAL else "feasible",
                self._teams(solver, built, indices),
                solver.objective_value,
                solver.best_objective_bound,
                explained=True,
            )
        if status != cp_model.INFEASIBLE:
            return Solution("unknown")
        core = self._minimise(built, list(solver.sufficient_assumptions_for_infeasibility()))
        return Solution("infeasible", blocking=self._blocking(built, core))

    def _minimise(self, built: _Model, core: list[int], budget: int = 60) -> list[int]:
        """Drop from the core what it does not need (deletion by short solves): first whole
        rules, then, for a small core, single rules of single visits. The answer names the rules
        that block, not every rule that was switched on."""
        literals = {index: built.model.get_bool_var_from_proto_index(index) for index in built.assumptions}

        def still_infeasible(trial: list[int]) -> bool:
            built.model.clear_assumptions()
            built.model.add_assumptions([literals[i] for i in trial])
            return self._solver(2.0, 1).solve(built.model) == cp_model.INFEASIBLE

        needed = list(core)
        for rule in dict.fromkeys(built.assumptions[i][0] for i in core):
            trial = [i for i in needed if built.assumptions[i][0] != rule]
            if trial and still_infeasible(trial):
                needed = trial
        if len(needed) <= budget:
            for index in list(needed):
                trial = [i for i in needed if i != index]
                if trial and still_infeasible(trial):
                    needed = trial
        return needed

    def _blocking(self, built: _Model, core: Iterable[int]) -> list[Blocking]:
        units: dict[str, set[str]] = defaultdict(set)
        periods: dict[str, set[tuple[date, date]]] = defaultdict(set)
        for index in core:
            rule, i, period = built.assumptions[index]
            if i is not None:
                units[rule].add(self.slots[i].unit_id)
            if period is not None:
                periods[rule].add(period)
                units[rule].update(
                    self.slots[j].unit_id for (g_period, members) in built.groups if g_period == period for j in members
                )
        order = list(HARD_RULES)
        return [
            Blocking(rule, tuple(sorted(units[rule])), tuple(sorted(periods.get(rule, ()))))
            for rule in sorted(set(units) | set(periods), key=order.index)
        ]


def assign_teams(
    problem: Problem, rules: AssignmentRules | None = None, progress: Callable[[dict], None] | None = None
) -> Solution:
    """Every visit's team, or the rules and units that make it impossible (never an exception
    for an impossible assignment)."""
    return TeamAssigner(problem, rules or AssignmentRules()).solve(progress)


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
