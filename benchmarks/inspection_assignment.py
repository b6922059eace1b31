"""Guizhou's scale (seeds/001 贵州: 1806 units, six cooperation zones, a province-wide pool):
1,806 units × 2 rounds, ~900 staff in 6 zones with former postings and relatives, every hard
rule, solved by the inspection service's CP-SAT team assignment; then the simulated province's
(issue 15 item 2e: 1,100 units in 000/E's scope, a pool of 3,000). Prints the objective, the
bound and the gap; asserts nothing (``make bench``)."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date

from wuying_common.calendar import WorkingDayCalendar
from wuying_inspection.domain.assignment import Problem, assign_teams, broken_rules
from wuying_inspection.domain.campaigns import CampaignUnit, campaign_slots
from wuying_inspection.domain.pool import Inspector, Period
from wuying_inspection.domain.ruledata import AssignmentRules, CampaignRules

SKILLS = ["finance", "law", "engineering", "procurement", "cadre", "audit"]
UNITS, STAFF, MOBILE, ZONES = 1806, 900, 40, 6


def province(seed: int = 12) -> tuple[list[CampaignUnit], list[Inspector], list[str]]:
    rng = random.Random(seed)
    # 9 cities of 10 counties, the cities dealt to the six zones
    counties = [f"52{c:02d}{k:02d}" for c in range(1, 10) for k in range(1, 11)]
    zone_of = {county: f"z{(int(county[2:4]) - 1) % ZONES + 1}" for county in counties}
    units = [
        CampaignUnit(f"u{i:04d}", f"单位{i}", county, zone_of[county], frozenset(rng.sample(SKILLS[:3], 1)))
        for i, county in enumerate(rng.choice(counties) for _ in range(UNITS))
    ]
    ids = [u.id for u in units]
    people = []
    for i in range(STAFF):
        county = rng.choice(counties)
        people.append(
            Inspector(
                f"p{i:03d}",
                f"干部{i}",
                county,
                zone_of[county],
                level=rng.choice(["province", "city", "county"]),
                unit_id=rng.choice(ids),
                former_unit_ids=frozenset(rng.sample(ids, rng.randint(0, 3))),
                relative_unit_ids=frozenset(rng.sample(ids, rng.randint(0, 2))),
                skills=frozenset(rng.sample(SKILLS, 2)),
                gender=rng.choice(["female", "male"]),
                age_band=rng.choice(["under_35", "35_44", "45_54", "55_plus"]),
                unavailable=(Period(date(2027, 5, 10), date(2027, 5, 21)),) if rng.random() < 0.1 else (),
                leader=rng.random() < 0.4,
                mobile=i >= STAFF - MOBILE,
            )
        )
    return units, people, counties


def simulated(seed: int = 7) -> tuple[list[CampaignUnit], list[Inspector], str]:
    """The simulated province's (``wuying_tools.simulator``; issue 15 item 2e): every unit in
    000/E's scope (commission organs and dispatched agencies of 100 counties) and its inspector
    pool of 3,000, in six cooperation zones."""
    from wuying_tools import simulator

    plan = simulator.plan(seed)
    units = [
        CampaignUnit(u["id"], u["name"], u["county"], u["zone"], frozenset())
        for u in simulator.units(plan)
        if u["kind"] in ("commission_organ", "dispatched_agency")
    ]
    people = [
        Inspector(
            i["id"],
            i["name"],
            i["county"],
            i["zone"],
            level=i["level"],
            unit_id=i["unit_id"],
            former_unit_ids=frozenset(i["former_unit_ids"]),
            relative_unit_ids=frozenset(r["unit_id"] for r in i["relatives"]),
            skills=frozenset(i["skills"]),
            gender=i["gender"],
            age_band=i["age_band"],
            leader=i["leader"],
            mobile=i["mobile"],
        )
        for i in simulator.inspectors(plan)
    ]
    return units, people, f"simulated 河北省 ({len(plan.counties)} counties)"


def main() -> None:
    units, people, _ = province()
    run(units, people, "Guizhou scale")
    run(*simulated())


def run(units: list[CampaignUnit], people: list[Inspector], label: str) -> None:
    calendar = WorkingDayCalendar.official()
    started = time.perf_counter()
    windows = [(date(2027, 3, 1), date(2027, 6, 30)), (date(2027, 9, 1), date(2027, 11, 30))]
    slots = campaign_slots(units, 2027, CampaignRules(), calendar, windows)
    # one visit in thirty asks the mobile pool for an engineering specialist (004 闵行)
    slots = [s if i % 30 else type(s)(**{**s.__dict__, "specialists": ("engineering",)}) for i, s in enumerate(slots)]
    placed = time.perf_counter() - started
    rules = AssignmentRules(max_time_seconds=45.0)
    solution = assign_teams(Problem(slots, people), rules)
    elapsed = time.perf_counter() - started
    by_id = {p.id: p for p in people}
    broken = (
        sum(1 for s in slots for pid in solution.teams.get(s.key, None).everyone if broken_rules(by_id[pid], s))
        if solution.solved
        else None
    )
    clashes = 0
    if solution.solved:
        visits_of: dict[str, list] = {}
        for s in slots:
            for pid in solution.teams[s.key].everyone:
                visits_of.setdefault(pid, []).append((s.starts_on, s.ends_on))
        for spans in visits_of.values():
            spans.sort()
            clashes += sum(1 for a, b in zip(spans, spans[1:], strict=False) if b[0] <= a[1])
    methods = Counter(s.method for s in slots)
    mobile = sum(1 for p in people if p.mobile)
    zones = len({p.zone for p in people})
    print(
        f"inspection assignment, {label}: {len(units)} units × 2 rounds = {len(slots)} visits, {len(people)} staff "
        f"({mobile} mobile specialists) in {zones} zones; methods {dict(methods)}"
    )
    print(
        f"  placed visits on working days in {placed:.2f} s; status {solution.status}"
        f"{' (explanation model)' if solution.explained else ''}; total {elapsed:.1f} s (limit 60 s)"
    )
    if solution.solved:
        person_times = sum(len(t.members) for t in solution.teams.values())
        print(f"  objective {solution.objective:,.0f}  bound {solution.bound:,.0f}  gap {solution.gap:.1%}")
        print(
            f"  person-times {person_times}, specialists {sum(len(t.specialists) for t in solution.teams.values())}, "
            f"avoidance rules broken: {broken}"
        )
    else:
        print(f"  blocking: {[(b.rule, len(b.units)) for b in solution.blocking]}")


if __name__ == "__main__":
    main()
