"""Dependency providers shared by several services (besides store, metrics and outbox)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from .calendar import WorkingDayCalendar
from .metrics import service_metrics


class CalendarProvider(DependencyProvider):
    """The official working-day calendar: ``chinese-calendar`` years plus operator files from
    ``CALENDAR_DIR``. Provisional results count in ``wuying_<service>_calendar_provisional_total``."""

    def setup(self) -> None:
        metrics = service_metrics(self.container)
        self.calendar = WorkingDayCalendar.official(
            self.container.config.get("CALENDAR_DIR") or None,
            on_provisional=lambda year: metrics.calendar_provisional.labels(str(year)).inc(),
        )

    def get_dependency(self, worker_ctx) -> WorkingDayCalendar:
        return self.calendar
