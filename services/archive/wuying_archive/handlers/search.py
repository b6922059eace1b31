"""Precise search (精准检索, 004/4 深圳龙岗 一库五应用): officials by name, unit, post, rank, tag,
warning condition, reminder state and time range, cursor-paged, always inside the caller's
counties (a narrower ``county`` is checked against them)."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.paging import DEFAULT_LIMIT, Page, page_from

from ..persistence import ArchiveStore, OfficialQuery

#: How many reminders the condition/state side of a search reads at most (a list for people).
MAX_REMINDER_MATCHES = 5000


def search(store: ArchiveStore, principal: Principal, q: dict) -> Page:
    """A page of the officials found, by id from the cursor on (``paging``)."""
    counties = principal.counties
    if q.get("county"):
        principal.require_county(q["county"])
        counties = (q["county"],)
    official_ids = None
    by_reminder = q.get("condition") or q.get("reminder_state")
    if by_reminder:
        found = store.reminders(
            counties,
            state=q.get("reminder_state"),
            condition=q.get("condition"),
            created_from=q.get("date_from"),
            created_to=q.get("date_to"),
            limit=MAX_REMINDER_MATCHES,
        )
        official_ids = tuple(sorted({r.official_id for r in found}))
    limit = q.get("limit", DEFAULT_LIMIT)
    query = OfficialQuery(
        counties=counties,
        name=q.get("name"),
        unit_id=q.get("unit_id"),
        post=q.get("post"),
        rank=q.get("rank"),
        tag=q.get("tag"),
        official_ids=official_ids,
        # With a condition or reminder state, the range is when the reminder was raised.
        held_from=None if by_reminder else q.get("date_from"),
        held_to=None if by_reminder else q.get("date_to"),
        after=q["cursor"][0] if q.get("cursor") else "",
        limit=limit + 1,
    )
    return page_from(store.search_officials(query), limit, lambda official: (official.id,))
