"""What several families of intake use cases share: loading a report the caller may handle
(county, recusal: seeds/000 H, who supervises the supervisors), and starting and answering the
deadlines of the report's rule (件件有着落，事事有回音, seeds/000 B; rule data in
``domain/deadlines.py``)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar

from ..domain.deadlines import RULES_BY_KEY, CivilCalendar, compute_deadline, rules_starting
from ..domain.identity import recusal_problem
from ..domain.routing import check_handler
from ..exceptions import PetitionNotFound, SubjectRecused
from ..persistence import IntakeStore, Petition, ReportDeadline


class Registry(Protocol):
    """archive's registry of officials, over RPC (``dependencies.ArchiveRegistry``)."""

    def get_official(self, official_id: str) -> dict | None: ...

    def find_officials(self, county: str, name: str) -> list[dict]: ...


def find_petition(store: IntakeStore, petition_id: str) -> Petition:
    petition = store.get_petition(petition_id)
    if petition is None:
        raise PetitionNotFound(fields={"petition_id": "不存在"})
    return petition


def load_petition(store: IntakeStore, principal: Principal | None, petition_id: str) -> Petition:
    """The report, if the caller works for its county and is not one of its subjects (by id, or
    by name: issue 8 item 4)."""
    petition = find_petition(store, petition_id)
    if principal is not None:
        principal.require_county(petition.county)
        if recusal_problem(
            principal.subject, petition.subject_official_ids(), principal.name, petition.subject_names()
        ):
            raise SubjectRecused(fields={"petition_id": "您是该件的被反映人，须回避"})
    return petition


def load_for(store: IntakeStore, principal: Principal, petition_id: str, action: str) -> Petition:
    """The report, if the caller may take ``action`` on it: county, recusal, and its routing (a
    report about the commission's leaders: the principal leader only, seeds/000 H)."""
    petition = load_petition(store, principal, petition_id)
    check_handler(petition.routing, principal.roles, action)
    return petition


def start_deadlines(petition: Petition, counts_from: str, start: date, calendar: CivilCalendar | None) -> None:
    """Add the deadlines of the report's rule that start with ``counts_from`` on ``start``:
    working days on the official calendar, calendar days under 民法典 第二百零一—二百零三条."""
    rules = rules_starting(petition.kind, counts_from, named=not petition.anonymous, forwarded=bool(petition.forwarded))
    for rule in rules:
        if petition.deadline(rule.key):
            continue
        if calendar is None:
            calendar = WorkingDayCalendar.official()
        deadline = compute_deadline(rule, start, calendar)
        petition.deadlines.append(
            ReportDeadline(
                key=rule.key,
                label_zh=rule.label_zh,
                amount=rule.amount,
                unit=rule.unit,
                counts_from=rule.counts_from,
                start=start,
                due=deadline.due,
                provisional=deadline.provisional,
                provisional_years=list(deadline.provisional_years),
                watched=rule.watched,
            )
        )


def settle(petition: Petition, action: str, today: date) -> None:
    """The action answers the open deadlines its rule says it meets (for a named reporter, a
    receipt deadline only by the acknowledgement delivered), and makes moot those it waives (the
    send-up deadline of a report accepted here)."""
    for d in petition.deadlines:
        if not d.open:
            continue
        rule = RULES_BY_KEY[d.key]
        if rule.meets(action, named=not petition.anonymous):
            d.met_on, d.met_by, d.on_time = today, action, today <= d.due
        elif action in rule.waived_by:
            d.waived = True
