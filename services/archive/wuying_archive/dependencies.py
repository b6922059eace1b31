"""Providers of the archive service."""

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .persistence import ALIAS, ArchiveStore, Official


def archive_store() -> StoreProvider:
    return StoreProvider(ArchiveStore, ALIAS)


def archive_outbox() -> OutboxRelay:
    return OutboxRelay(Official)
