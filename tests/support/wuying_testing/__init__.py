"""Test doubles shared by every ring (on pytest's path through ``pythonpath`` in pyproject).

``FixedClock`` here; each service's fake store in ``fakes/<service>.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wuying_common.clock import SystemClock


class FixedClock(SystemClock):
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)
