"""Solving (OR-Tools CP-SAT): block by block, among the candidates then every eligible member,
and when no team exists the explanation (``sufficient_assumptions_for_infeasibility``, shrunk by
deletion) naming the blocking rules and units; ``assign_teams``, the entry point."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from ortools.sat.python import cp_model

from ..ruledata import HARD_RULES, AssignmentRules
from .model import _Model, _ModelBuilder
from .problem import Blocking, Problem, Solution, Team


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


class TeamAssigner(_ModelBuilder):
    """Builds and solves the model for one ``Problem`` under one ``AssignmentRules``.

    Visits that share no day share no hard rule (one team at a time is the only rule across
    visits), so the model is solved per group of overlapping visits (a time block of the
    campaign), in date order; the one soft rule across blocks, even load, carries each
    person's load forward. Objective and bound are the sums over the blocks.
    """

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
