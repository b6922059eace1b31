"""The specialist pool (机动组员; seeds/004 Minhang, 001 Guizhou 干部监督人员库).

004 Minhang "三不固定": a specialist joins a team only when the team asks (进组时间不固定), belongs
to no team (与巡察组关系不固定) and inspects only the units that need their field (被巡察单位不固定).
So specialists are drawn per round on demand: one per requested field, never someone from the
inspected unit itself, never someone already booked in an overlapping window, and the least
used this year first so the pool is shared rather than captured by one team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from . import RuleViolation


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
    """One specialist per needed field for one round; raises ``RuleViolation`` on
    ``expertise.<i>`` when nobody is free."""
    bookings = list(bookings)
    load: dict[str, int] = {}
    busy: set[str] = set()
    for b in bookings:
        load[b.specialist_id] = load.get(b.specialist_id, 0) + 1
        if overlaps(b.starts_on, b.ends_on, starts_on, ends_on):
            busy.add(b.specialist_id)
    taken = set(already)
    chosen: list[tuple[str, Specialist]] = []
    candidates = sorted(pool, key=lambda s: s.id)
    for i, field in enumerate(needed):
        free = [
            s
            for s in candidates
            if field in s.expertise and s.id not in busy and s.id not in taken and s.unit_id != unit_id
        ]
        if not free:
            raise RuleViolation(f"expertise.{i}", f"专家库中没有可在 {starts_on}—{ends_on} 参加的“{field}”专业人员")
        pick = min(free, key=lambda s: (load.get(s.id, 0), s.id))
        taken.add(pick.id)
        chosen.append((field, pick))
    return chosen
