"""Providers of the intake service."""

from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .domain.protection import Keyring
from .persistence import ALIAS, IntakeStore, Petition


def intake_store() -> StoreProvider:
    return StoreProvider(IntakeStore, ALIAS)


def intake_outbox() -> OutboxRelay:
    return OutboxRelay(Petition)


class ReporterKeyring(DependencyProvider):
    """The AES-GCM keys for reporters' details, from ``INTAKE_ENCRYPTION_KEYS``.

    Injects a ``Keyring`` or None when no key is configured (named reports are then refused).
    A malformed value stops the service at start-up: better than running with a broken key.
    """

    def setup(self) -> None:
        self.keyring = Keyring.from_config(self.container.config.get("INTAKE_ENCRYPTION_KEYS"))

    def get_dependency(self, worker_ctx) -> Keyring | None:
        return self.keyring
