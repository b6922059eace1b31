"""Dependency providers shared by several services (besides store, metrics and outbox)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from .calendar import WorkingDayCalendar
from .metrics import service_metrics


class CalendarProvider(DependencyProvider):
    """The official working-day calendar: the ``chinese-calendar`` package's years; later years
    arrive once for the province as ``calendar.year_loaded`` and each service loads them from
    its own store (docs/operations.md, *Calendar*). Provisional results count in
    ``wuying_<service>_calendar_provisional_total``."""

    def setup(self) -> None:
        metrics = service_metrics(self.container)
        self.calendar = WorkingDayCalendar.official(
            on_provisional=lambda year: metrics.calendar_provisional.labels(str(year)).inc(),
        )

    def get_dependency(self, worker_ctx) -> WorkingDayCalendar:
        return self.calendar


class StoredYearsCalendar(CalendarProvider):
    """``CalendarProvider`` plus the years loaded for the province (``calendar.year_loaded``)
    that the service keeps in its store (``calendar_years.StoredCalendarYear``): read at
    start-up here, and by the service's refresh timer."""

    def start(self) -> None:
        from .calendar_years import refresh_calendar
        from .store import StoreProvider

        store = next((d.store for d in self.container.dependencies if isinstance(d, StoreProvider)), None)
        if store is not None:
            refresh_calendar(store, self.calendar)
