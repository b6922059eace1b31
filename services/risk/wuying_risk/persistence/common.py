"""What every family of the risk store shares: the connection alias, how much history a
document keeps."""

from __future__ import annotations

from datetime import date, datetime

ALIAS = "risk"
# How many consumed official.changed ids each registry entry remembers for idempotency: a
# redelivery arrives within minutes, long before 50 newer changes of the same person.
SEEN_EVENTS_KEPT = 50
# A profile keeps at most this many signals (the oldest leave first; the signal documents
# stay) and remembers this many applied signal keys for idempotency.
SIGNALS_KEPT = 64
RECENT_KEYS_KEPT = 200
# A risk point keeps this many past evaluations and reviews.
HISTORY_KEPT = 50


def as_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def stored_time(moment: datetime) -> datetime:
    """A naive UTC time at the millisecond, as MongoDB (and mongomock on insert) stores it: for
    the rows written in their stored form, so the embedded store holds what MongoDB would."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
