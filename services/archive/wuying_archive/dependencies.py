"""Providers of the archive service."""

from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .domain.conditions import ConditionRules, condition_rules
from .persistence import ALIAS, ArchiveStore, Official, Reminder


def archive_store() -> StoreProvider:
    return StoreProvider(ArchiveStore, ALIAS)


def archive_outbox() -> OutboxRelay:
    return OutboxRelay(Official, Reminder)


class ConditionRulesProvider(DependencyProvider):
    """The warning-condition rules in force (``CONDITION_RULES``); an unknown version stops the
    service at start-up rather than raising reminders under rules nobody chose."""

    def setup(self) -> None:
        self.rules = condition_rules(self.container.config.get("CONDITION_RULES") or None)

    def get_dependency(self, worker_ctx) -> ConditionRules:
        return self.rules
