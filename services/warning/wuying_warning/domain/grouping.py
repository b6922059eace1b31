"""One matter, one warning (一事一例, seeds/002 篇5 七(四)).

Proposals for the same official and risk point inside the rule set's window
(``grouping_window_days``, default 30) are one matter: a later proposal is attached to the open
warning as extra reasons, not issued again. An open yellow or red warning already covers a new
blue one for the same official and risk point (篇8 第十八条: the stronger measure contains the
weaker), so the blue proposal is suppressed and recorded on that warning, never lost. A more
severe proposal is never swallowed by a milder warning: it becomes its own warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class OpenWarning:
    id: str
    level: int  # 3 blue … 1 red
    status: str
    proposed_at: datetime


@dataclass(frozen=True)
class Disposition:
    kind: str  # "new", "attach", "suppress"
    warning_id: str | None = None


def dispose(candidates: list[OpenWarning], new_level: int, now: datetime, window_days: int) -> Disposition:
    """What to do with a new proposal given the open warnings for its official and risk point."""
    if new_level == 3:
        covering = [c for c in candidates if c.level < 3]
        if covering:
            strongest = min(covering, key=lambda c: (c.level, -c.proposed_at.timestamp()))
            return Disposition("suppress", strongest.id)
    since = now - timedelta(days=window_days)
    recent = [c for c in candidates if c.proposed_at >= since and c.level <= new_level]
    if recent:
        return Disposition("attach", max(recent, key=lambda c: c.proposed_at).id)
    return Disposition("new")
