"""Providers of the risk service."""

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .persistence import ALIAS, Profile, RegisteredOfficial, RiskPoint, RiskStore


def risk_store() -> StoreProvider:
    return StoreProvider(RiskStore, ALIAS)


def risk_outbox() -> OutboxRelay:
    return OutboxRelay(Profile, RiskPoint, RegisteredOfficial)
