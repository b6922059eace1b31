"""Providers of the warning service."""

from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .domain.deadlines import DEFAULT_RULE_VERSION, RuleSet, ruleset
from .notifiers import CHANNELS
from .persistence import ALIAS, WarningRecord, WarningStore


def warning_store() -> StoreProvider:
    return StoreProvider(WarningStore, ALIAS)


def warning_outbox() -> OutboxRelay:
    return OutboxRelay(WarningRecord)


class Rules(DependencyProvider):
    """The deadline rule set in force (``RULE_VERSION``); an unknown version stops the service
    at start-up rather than issuing warnings under rules nobody chose."""

    def setup(self) -> None:
        self.rules = ruleset(self.container.config.get("RULE_VERSION") or DEFAULT_RULE_VERSION)

    def get_dependency(self, worker_ctx) -> RuleSet:
        return self.rules


class NotifierChannels(DependencyProvider):
    """The configured notifier channels (``NOTIFIERS``, e.g. ``inbox,sms``); an unknown one
    stops the service at start-up."""

    def setup(self) -> None:
        raw = self.container.config.get("NOTIFIERS") or "inbox,sms"
        self.channels = tuple(c.strip() for c in str(raw).split(",") if c.strip())
        unknown = set(self.channels) - set(CHANNELS)
        if unknown:
            raise ValueError(f"unknown NOTIFIERS {sorted(unknown)}; known: {CHANNELS}")

    def get_dependency(self, worker_ctx) -> tuple[str, ...]:
        return self.channels
