"""Providers of the warning service."""

import eventlet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .domain.deadlines import DEFAULT_RULE_VERSION, RuleSet, ruleset
from .exceptions import RegistryUnavailable
from .notifiers import CHANNELS
from .persistence import ALIAS, CalendarYear, OrganisationalTask, WarningRecord, WarningStore


def warning_store() -> StoreProvider:
    return StoreProvider(WarningStore, ALIAS)


def warning_outbox() -> OutboxRelay:
    return OutboxRelay(WarningRecord, OrganisationalTask, CalendarYear)


class ArchiveRegistry:
    """archive's registry of officials over nameko RPC (``archive.get_official``), with a time
    limit: nameko 2.14's RpcProxy has none, and arranging an interview must not hang on a
    stopped archive. Unreachable (no archive bound, or no answer in time): 503
    ``registry_unavailable``."""

    def __init__(self, proxy, timeout: float) -> None:
        self.proxy = proxy
        self.timeout = timeout

    def get_official(self, official_id: str) -> dict | None:
        return self._call("get_official", official_id, "lead")

    def get_unit(self, unit_id: str) -> dict | None:
        """A registered unit (``id``, ``name``, ``county``, ``kind``), or None."""
        return self._call("get_unit", unit_id, "unit_id")

    def _call(self, method: str, key: str, field: str) -> dict | None:
        try:
            with eventlet.Timeout(self.timeout):
                return getattr(self.proxy, method)(key)
        except (UnknownService, eventlet.Timeout):
            raise RegistryUnavailable(fields={field: "无法连接人员登记库（档案服务）"}) from None


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
