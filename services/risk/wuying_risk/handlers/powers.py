"""Power lists (权力清单 / 职权目录): per post, name, content, holder, legal basis, procedure, time
limit, and the workflow (工作流程图) — its steps, their risk points and control measures — kept as
a versioned document with its history, published to the public library (seeds 000/A; 002/篇1
⑴③ 阳光透明权力库, 为社会公众提供政务公开; 002/篇8 第九条 绘权晒权，通过有效方式向社会公开).
"""

from __future__ import annotations

from dataclasses import dataclass

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.outbox import new_id
from wuying_common.paging import Page

from ..exceptions import PowerNotFound
from ..persistence import PowerItem, PowerRevision, PowerStep, RiskPoint, RiskStore

# Fields that make a revision (what the public library shows and the history keeps).
CONTENT = (
    "county",
    "unit_id",
    "post",
    "name",
    "content",
    "holder",
    "legal_basis",
    "procedure",
    "time_limit",
    "risk_points",
    "control_measures",
)


@dataclass(frozen=True)
class Deleted:
    deleted: str


def _steps(payload: dict) -> list[PowerStep]:
    return [PowerStep(**step) for step in payload.get("steps") or []]


def _snapshot(power: PowerItem) -> dict:
    snap = {name: getattr(power, name) for name in CONTENT}
    snap["risk_points"] = list(power.risk_points)
    snap["control_measures"] = list(power.control_measures)
    snap["steps"] = [step.to_mongo().to_dict() for step in power.steps]
    return snap


def _keep_revision(store: RiskStore, power: PowerItem, principal: Principal, change: str) -> None:
    store.add_power_revision(
        PowerRevision(
            id=f"{power.id}:{power.revision}",
            power_id=power.id,
            revision=power.revision,
            snapshot=_snapshot(power),
            changed_by=principal.subject,
            changed_at=power.updated_at,
            change=change,
        )
    )


def create_power(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> PowerItem:
    principal.require_county(payload["county"])
    now = naive_utc(clock.now())
    fields = {k: v for k, v in payload.items() if k != "steps"}
    power = PowerItem(id=new_id(), created_at=now, updated_at=now, revision=1, steps=_steps(payload), **fields)
    store.add(power)
    _keep_revision(store, power, principal, "created")
    return power


def update_power(store: RiskStore, clock: SystemClock, principal: Principal, power_id: str, payload: dict) -> PowerItem:
    """A new revision; a published entry goes back to draft until published again (the library
    keeps showing the published revision meanwhile)."""
    power = get_power(store, principal, power_id)
    principal.require_county(payload["county"])
    for key, value in payload.items():
        if key != "steps":
            setattr(power, key, value)
    power.steps = _steps(payload)
    power.revision = (power.revision or 1) + 1
    power.status = "draft"
    power.updated_at = naive_utc(clock.now())
    store.save_power(power)
    _keep_revision(store, power, principal, "updated")
    return power


def publish_power(store: RiskStore, clock: SystemClock, principal: Principal, power_id: str) -> PowerItem:
    """Publish the current revision to the public library (绘权晒权)."""
    power = get_power(store, principal, power_id)
    now = naive_utc(clock.now())
    power.status = "published"
    power.published_revision = power.revision
    power.published_at = now
    power.updated_at = now
    store.save_power(power)
    _keep_revision(store, power, principal, "published")
    return power


def history(store: RiskStore, principal: Principal, power_id: str, query: dict) -> Page:
    get_power(store, principal, power_id)
    return store.power_revisions(power_id, query)


def delete_power(store: RiskStore, principal: Principal, power_id: str) -> Deleted:
    store.delete(get_power(store, principal, power_id))
    return Deleted(power_id)


def get_power(store: RiskStore, principal: Principal, power_id: str) -> PowerItem:
    power = store.get_power(power_id)
    if power is None:
        raise PowerNotFound(fields={"power_id": power_id})
    principal.require_county(power.county)
    return power


def list_powers(store: RiskStore, principal: Principal, query: dict) -> Page:
    return store.powers(principal.counties_in(query["county"]), query, query["unit_id"], query["post"])


# -- the public library (no sign-in, no personal data) ------------------------------------------
@dataclass(frozen=True)
class Library:
    county: str
    powers: list[dict]
    risk_points: list[RiskPoint]


def public_library(store: RiskStore, county: str) -> Library:
    """Published power lists (at their published revision) and published risk points of a
    county, for the public portal (000 A; 002 篇1 ⑴③ 为社会公众提供政务公开). The Out schemas
    leave out every person: no authors, holders' ids or participants."""
    powers = []
    for power in store.published_powers(county):
        if power.published_revision and power.published_revision != power.revision:
            revision = store.get(PowerRevision, f"{power.id}:{power.published_revision}")
            snap = dict(revision.snapshot) if revision is not None else _snapshot(power)
        else:
            snap = _snapshot(power)
        snap.update(id=power.id, revision=power.published_revision, published_at=power.published_at)
        powers.append(snap)
    return Library(county, powers, store.published_risk_points(county))
