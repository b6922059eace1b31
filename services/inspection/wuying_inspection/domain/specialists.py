"""The specialist pool (机动组员; seeds/004 Minhang, 001 Guizhou 干部监督人员库).

004 Minhang "三不固定": a specialist joins a team only when the team asks (进组时间不固定), belongs
to no team (与巡察组关系不固定) and inspects only the units that need their field (被巡察单位不固定).
So specialists are drawn per round on demand: one per requested field, never someone from the
inspected unit itself, never someone already booked in an overlapping window, and the least
used this year first so the pool is shared rather than captured by one team. The fields are
matched to people in one small CP-SAT model (campaigns draw specialists inside the team
assignment model itself, ``assignment.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from . import StateViolation


@dataclass(frozen=True)
class Specialist:
    id: str
    name: str
    expertise: frozenset[str]
    unit_id: str | None = None  # where the specialist normally works


@dataclass(frozen=True)
class Booking:
    specialist_id: str
    starts_on: date
    ends_on: date


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


def choose_specialists(
    pool: Iterable[Specialist],
    needed: Sequence[str],
    *,
    unit_id: str,
    starts_on: date,
    ends_on: date,
    bookings: Iterable[Booking] = (),
    already: Iterable[str] = (),
) -> list[tuple[str, Specialist]]:
    """One specialist per needed field for one round; raises ``StateViolation`` on
    ``expertise.<i>`` when nobody is free."""
    bookings = list(bookings)
    load: dict[str, int] = {}
    busy: set[str] = set()
    for b in bookings:
        load[b.specialist_id] = load.get(b.specialist_id, 0) + 1
        if overlaps(b.starts_on, b.ends_on, starts_on, ends_on):
            busy.add(b.specialist_id)
    taken = set(already)
    candidates = sorted(pool, key=lambda s: s.id)
    free = {
        i: [
            s
            for s in candidates
            if field in s.expertise and s.id not in busy and s.id not in taken and s.unit_id != unit_id
        ]
        for i, field in enumerate(needed)
    }
    for i, field in enumerate(needed):
        if not free[i]:
            raise StateViolation(f"expertise.{i}", f"专家库中没有可在 {starts_on}—{ends_on} 参加的“{field}”专业人员")
    # One model for every field at once (not a greedy pick per field: a pool of {eng, proc} and
    # {eng} covers [eng, proc] only if the first goes to proc): one specialist per field, one
    # field per specialist, the least used this year first, then the lowest id.
    model = cp_model.CpModel()
    x = {(i, s.id): model.new_bool_var(f"{i}:{s.id}") for i, people in free.items() for s in people}
    for i in free:
        model.add_exactly_one(x[i, s.id] for s in free[i])
    rank = {s.id: n for n, s in enumerate(candidates)}
    for s in candidates:
        mine = [var for (i, sid), var in x.items() if sid == s.id]
        if len(mine) > 1:
            model.add_at_most_one(mine)
    model.minimize(sum((load.get(sid, 0) * len(candidates) + rank[sid]) * var for (i, sid), var in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        short = ", ".join(f"expertise.{i}" for i in free)
        raise StateViolation(
            "expertise", f"专家库在 {starts_on}—{ends_on} 无法为每个专业各安排一名不同的机动组员（{short}）"
        )
    by_id = {s.id: s for s in candidates}
    return [
        (field, by_id[next(sid for (j, sid), var in x.items() if j == i and solver.boolean_value(var))])
        for i, field in enumerate(needed)
    ]
