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


class Clock(DependencyProvider):
    def setup(self) -> None:
        self.clock = SystemClock()

    def get_dependency(self, worker_ctx) -> SystemClock:
        return self.clock


# -- time formats shared by every service -------------------------------------------------
def naive_utc(moment: datetime) -> datetime:
    """How timestamps are stored: UTC without tzinfo (a naive value is taken as UTC already)."""
    return moment if moment.tzinfo is None else moment.astimezone(timezone.utc).replace(tzinfo=None)


def rfc3339(moment: datetime) -> str:
    """``2026-11-20T02:00:00Z``: the form of every event ``time`` (naive values are UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_rfc3339(value) -> datetime | None:
    """An event ``time`` as an aware UTC datetime; None when it is missing or malformed."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def beijing_date(moment: datetime) -> date:
    """The date in Beijing of a moment (naive values are UTC): what deadlines count from."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(CST).date()
