"""The CP-SAT model of one block of overlapping visits: hard rules as constraints (guarded by
assumption literals in the explanation model), soft rules as costs (gender and age mix, 004 甘肃高台;
rotation of team-mates, 001 湖南; even load). The second layer of ``TeamAssigner``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from ..pool import Inspector
from .candidates import _Candidates
from .problem import Slot, Team, broken_rules, overlapping_groups


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]  # (person, slot) regular member
    lead: dict[tuple[str, int], cp_model.IntVar]
    spec: dict[tuple[str, int, str], cp_model.IntVar]  # (person, slot, field)
    # literal index -> (rule, slot, period): what an assumption literal switches on
    assumptions: dict[int, tuple[str, int | None, tuple[date, date] | None]]
    groups: list[tuple[tuple[date, date], list[int]]]


class _ModelBuilder(_Candidates):
    """``TeamAssigner``'s model (see ``solver.TeamAssigner``)."""

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
