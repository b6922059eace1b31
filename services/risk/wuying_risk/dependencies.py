"""Providers of the risk service."""

from wuying_common.outbox import OutboxRelay
from wuying_common.providers import CalendarProvider
from wuying_common.store import StoreProvider

from .persistence import ALIAS, Profile, RegisteredOfficial, RiskPoint, RiskStore


def risk_store() -> StoreProvider:
    return StoreProvider(RiskStore, ALIAS)


def risk_outbox() -> OutboxRelay:
    return OutboxRelay(Profile, RiskPoint, RegisteredOfficial)


class RiskCalendar(CalendarProvider):
    """The official working-day calendar (the ``chinese-calendar`` years) plus the years loaded
    for the province (``calendar.year_loaded``), read from risk's store at start-up and by the
    refresh timer (archive's ``ArchiveCalendar``)."""

    def start(self) -> None:
        store = next((d.store for d in self.container.dependencies if isinstance(d, StoreProvider)), None)
        if store is not None:
            from .handlers.calendar import refresh_calendar

            refresh_calendar(store, self.calendar)
