"""One matter, one warning (一事一例, seeds/002 篇5 七(四)).

A matter is an official and a risk point; a proposal without a risk point is grouped by official
and trigger (``matter_key``). For a new proposal of a matter:

- an **open** warning of the matter takes it, whatever its age (issue 8):
  - a blue proposal under an open yellow or red one is suppressed and recorded on it (篇8
    第十八条: the stronger measure contains the weaker);
  - a proposal of the same or a milder level is attached to the open warning;
  - a proposal more severe than every open warning of the matter becomes its own warning that
    supersedes the open lower one once it is issued (篇5 七(一) 可转…; closed as ``superseded``,
    linked both ways): never swallowed by a milder warning, never a second parallel warning.
- with **no open** warning, the rule set's window (``grouping_window_days``) applies: a proposal
  of the same or a milder level inside the window of the matter's last closed warning (lifted,
  rejected or revoked) is recorded on it; otherwise it is a new warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .lifecycle import OPEN

# Closed warnings a recent proposal of the same matter is recorded on (the window rule).
WINDOW_STATUSES = frozenset({"lifted", "rejected", "revoked"})


def matter_key(risk_point: str | None, trigger: str | None) -> str:
    """The matter a proposal is about: its risk point, or else its trigger (issue 8: proposals
    without a risk point group by official and trigger)."""
    if risk_point:
        return f"risk_point:{risk_point}"
    return f"trigger:{trigger or 'unspecified'}"


@dataclass(frozen=True)
class MatterWarning:
    id: str
    level: int  # 3 blue … 1 red
    status: str
    proposed_at: datetime


# The former name, kept for the callers that only ever passed open warnings.
OpenWarning = MatterWarning


@dataclass(frozen=True)
class Disposition:
    kind: str  # "new", "attach", "suppress", "supersede"
    warning_id: str | None = None  # the holder, or for "supersede" the open lower warning


def dispose(candidates: list[MatterWarning], new_level: int, now: datetime, window_days: int) -> Disposition:
    """What to do with a new proposal given the warnings of its official and matter."""
    open_ = [c for c in candidates if c.status in OPEN]
    if open_:
        if new_level == 3:
            covering = [c for c in open_ if c.level < 3]
            if covering:
                strongest = min(covering, key=lambda c: (c.level, -c.proposed_at.timestamp()))
                return Disposition("suppress", strongest.id)
        holding = [c for c in open_ if c.level <= new_level]
        if holding:
            # The same level first, then the mildest stronger one; the latest among equals.
            best = max(holding, key=lambda c: (c.level, c.proposed_at))
            return Disposition("attach", best.id)
        lower = max(open_, key=lambda c: (-c.level, c.proposed_at))
        return Disposition("supersede", lower.id)
    since = now - timedelta(days=window_days)
    recent = [c for c in candidates if c.status in WINDOW_STATUSES and c.proposed_at >= since and c.level <= new_level]
    if recent:
        return Disposition("attach", max(recent, key=lambda c: c.proposed_at).id)
    return Disposition("new")
