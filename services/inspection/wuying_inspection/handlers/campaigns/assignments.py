"""Inspectors' own assignments: the rounds the caller is on (issue 12)."""

from __future__ import annotations

from wuying_common.auth import Principal

from ...persistence import InspectionStore


def my_assignments(store: InspectionStore, principal: Principal, year: int) -> list[dict]:
    """The rounds the caller is on, as member, leader or specialist (issue 12: inspectors see
    their own assignments, surprise dates included — they are the ones who go)."""
    found = []
    for plan in store.plans_of_inspector(principal.subject, year):
        for r in plan.rounds:
            specialist_for = [s.expertise for s in r.specialists if s.id == principal.subject]
            if principal.subject in r.members or specialist_for:
                found.append(
                    {
                        "plan_id": plan.id,
                        "unit_id": plan.unit_id,
                        "unit_name": plan.unit_name,
                        "county": plan.county,
                        "year": plan.year,
                        "round": r.round,
                        "method": r.method,
                        "starts_on": r.starts_on,
                        "ends_on": r.ends_on,
                        "role": "leader"
                        if r.leader == principal.subject
                        else ("specialist" if specialist_for else "member"),
                        "specialist_field": specialist_for[0] if specialist_for else None,
                        "team": list(r.members),
                        "leader": r.leader,
                    }
                )
    return found
