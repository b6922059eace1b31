"""Clocks. Deadlines are dates in China Standard Time (UTC+8); timestamps are UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from nameko.extensions import DependencyProvider

CST = timezone(timedelta(hours=8), "Asia/Shanghai")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in Beijing: the date a deadline is counted from."""
        return self.now().astimezone(CST).date()


class FixedClock(SystemClock):
    """For tests: a clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


class Clock(DependencyProvider):
    def setup(self) -> None:
        self.clock = SystemClock()

    def get_dependency(self, worker_ctx) -> SystemClock:
        return self.clock
