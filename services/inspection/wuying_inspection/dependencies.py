"""Providers of the inspection service."""

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .persistence import ALIAS, InspectionStore, Plan


def inspection_store() -> StoreProvider:
    return StoreProvider(InspectionStore, ALIAS)


def inspection_outbox() -> OutboxRelay:
    return OutboxRelay(Plan)
