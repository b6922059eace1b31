"""Cross-inspection across cooperation zones (交叉检查; seeds/001 Guizhou, DESIGN.md §4).

001 Guizhou: "全省划分六个内部监督办案协作区……开展内部督查、交叉检查、联合办案……着力破解熟人监督
抹不开情面" — units are inspected by a team from another zone, never their own, and who
inspects whom rotates year on year (DESIGN.md §4, Hunan) so no pairing settles into a new
acquaintance.

Every zone sends one team and receives one (a derangement of the zones), solved with OR-Tools
CP-SAT: no zone inspects itself (hard); repeating a past pairing costs more the more recent it
was; two zones inspecting each other in the same year (互查, an invitation to go easy on each
other) costs too. With only two zones the swap is the only answer, and the result says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from . import StateViolation

REPEAT_LAST_YEAR = 1000  # the pairing of last year: rotation is the point
REPEAT_OLDER = 100  # pairings of earlier years, divided by their age
RECIPROCAL = 50  # A inspects B while B inspects A


@dataclass(frozen=True)
class ZonePairing:
    inspected_zone: str
    inspecting_zone: str
    repeats_last_year: bool = False
    reciprocal: bool = False


def pair_zones(zones: Sequence[str], history: Sequence[Mapping[str, str]] = ()) -> list[ZonePairing]:
    """Which zone's team inspects each zone this year.

    ``history``: past years' pairings (inspected zone -> inspecting zone), oldest first.
    Deterministic for the same input (one solver worker, fixed seed).
    """
    zones = sorted(set(zones))
    if len(zones) < 2:
        raise StateViolation("zones", "交叉检查至少需要两个协作区：本区域内已登记协作区的单位不足两个协作区")
    model = cp_model.CpModel()
    x = {(a, b): model.new_bool_var(f"{a}->{b}") for a in zones for b in zones if a != b}
    for z in zones:
        model.add_exactly_one(x[a, z] for a in zones if a != z)  # every zone is inspected once
        model.add_exactly_one(x[z, b] for b in zones if b != z)  # every zone sends one team

    cost: dict[tuple[str, str], int] = {}
    for age, past in enumerate(reversed(list(history)), start=1):
        for inspected, inspecting in past.items():
            if (inspecting, inspected) in x:
                weight = REPEAT_LAST_YEAR if age == 1 else REPEAT_OLDER // age
                cost[inspecting, inspected] = cost.get((inspecting, inspected), 0) + weight
    terms = [w * x[pair] for pair, w in cost.items()]
    for i, a in enumerate(zones):
        for b in zones[i + 1 :]:
            both = model.new_bool_var(f"{a}<->{b}")
            model.add(both >= x[a, b] + x[b, a] - 1)
            terms.append(RECIPROCAL * both)
    model.minimize(sum(terms))

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 10.0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # a derangement always exists for ≥2 zones
        raise RuntimeError(f"cross-inspection pairing not solved: {solver.status_name(status)}")

    inspecting_of = {b: a for (a, b), var in x.items() if solver.value(var)}
    last = dict(history[-1]) if history else {}
    return [
        ZonePairing(
            inspected_zone=z,
            inspecting_zone=inspecting_of[z],
            repeats_last_year=last.get(z) == inspecting_of[z],
            reciprocal=inspecting_of[inspecting_of[z]] == z,
        )
        for z in zones
    ]
