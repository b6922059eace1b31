"""Power lists (权力清单): per post, name, content, holder, legal basis, procedure, time limit,
risk points and control measures (seeds 000/A; 002/篇1 ⑴③; 002/篇8 第九条)."""

from __future__ import annotations

from dataclasses import dataclass

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.outbox import new_id

from ..exceptions import PowerNotFound
from ..persistence import PowerItem, RiskStore


@dataclass(frozen=True)
class Deleted:
    deleted: str


def create_power(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> PowerItem:
    principal.require_county(payload["county"])
    now = naive_utc(clock.now())
    power = PowerItem(id=new_id(), created_at=now, updated_at=now, **payload)
    store.add(power)
    return power


def update_power(store: RiskStore, clock: SystemClock, principal: Principal, power_id: str, payload: dict) -> PowerItem:
    power = get_power(store, principal, power_id)
    principal.require_county(payload["county"])
    for key, value in payload.items():
        setattr(power, key, value)
    power.updated_at = naive_utc(clock.now())
    store.save_power(power)
    return power


def delete_power(store: RiskStore, principal: Principal, power_id: str) -> Deleted:
    store.delete(get_power(store, principal, power_id))
    return Deleted(power_id)


def get_power(store: RiskStore, principal: Principal, power_id: str) -> PowerItem:
    power = store.get_power(power_id)
    if power is None:
        raise PowerNotFound(fields={"power_id": power_id})
    principal.require_county(power.county)
    return power


def list_powers(store: RiskStore, principal: Principal, query: dict) -> list[PowerItem]:
    principal.require_county(query["county"])
    return store.powers(query["county"], query["unit_id"], query["post"])
