"""Staff worklists and internal notes (DESIGN.md §5 worklists of the day; 件件有着落，事事有回音,
seeds/000 B; issue 8 item 10): what is due within N working days or overdue, by assignee and
county, bounded; notes for staff only (never shown to a reporter, over RPC or in an event)."""

from __future__ import annotations

import logging
import secrets

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.paging import Page, page_of
from wuying_common.rules import WorkingDays

from ..domain.worklists import check_note, due_items
from ..persistence import IntakeStore, InternalNote, Petition, recusal_keys
from .common import load_petition

log = logging.getLogger(__name__)


# Reports read for one worklist, the earliest received first (before paging by due date).
WORKLIST_READ = 1000


def deadline_worklist(
    store: IntakeStore, clock: SystemClock, calendar: WorkingDays, principal: Principal, query: dict
) -> Page:
    """Open deadlines due within ``within`` working days (0: today) or overdue, in the counties
    under ``county`` (a county, city or province code the caller's token covers), optionally of
    one assignee; reports the caller is recused from are left out."""
    counties = principal.counties_in(query["county"])
    today = clock.today()
    cutoff = calendar.add_working_days(today, query["within"]).date
    petitions = store.due_for_worklist(
        counties, cutoff, query.get("assignee"), WORKLIST_READ, recusal_keys(principal.subject, principal.name or None)
    )
    rows = [(p, [d for d in p.deadlines if d.open and d.watched]) for p in petitions]

    def between(a, b):
        return calendar.working_days_between(a, b)[0]

    items = due_items(rows, today, cutoff, between)
    return page_of(items, query, key=lambda i: (i.due.isoformat(), i.petition_id, i.key))


def add_note(store: IntakeStore, clock: SystemClock, principal: Principal, petition_id: str, text: str) -> Petition:
    """An internal note (who, when, text) on a report the caller may see (county, recusal)."""
    petition = load_petition(store, principal, petition_id)
    text = check_note(text, len(petition.internal_notes))
    petition.internal_notes.append(
        InternalNote(id=f"N-{secrets.token_hex(4).upper()}", by=principal.subject, at=naive_utc(clock.now()), text=text)
    )
    store.save(petition)
    log.info("petition %s internal note added", petition.id, extra={"county": petition.county})
    return petition
