"""The inspector pool (干部监督人员库, seeds/001 贵州; 机动组员, 004 闵行): registration, and kept
current from archive's ``official.changed`` (a transfer adds a former posting for 任职回避; a
relative's move changes the unit to avoid for 亲属回避)."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal

from ..domain import RuleViolation
from ..domain.pool import (
    Inspector,
    Period,
    PostingChange,
    Relative,
    apply_own_change,
    apply_relative_change,
    check_inspector,
    relative_units,
)
from ..exceptions import InspectorNotFound
from ..persistence import InspectionStore, InspectorMember, RelativeEntry, RelativeLink, UnavailablePeriod

# How many consumed event ids a pool record remembers: archive redelivers within minutes, and
# an official changes far fewer times than this between two redeliveries.
APPLIED_EVENTS_KEPT = 50


def to_domain(doc: InspectorMember) -> Inspector:
    return Inspector(
        id=doc.id,
        name=doc.name,
        county=doc.county,
        zone=doc.zone,
        level=doc.level,
        unit_id=doc.unit_id,
        former_unit_ids=frozenset(doc.former_unit_ids),
        relative_unit_ids=relative_units(_relatives(doc)),
        skills=frozenset(doc.skills),
        gender=doc.gender,
        age_band=doc.age_band,
        unavailable=tuple(
            Period(date.fromisoformat(p.starts_on), date.fromisoformat(p.ends_on)) for p in doc.unavailable
        ),
        leader=bool(doc.leader),
        mobile=bool(doc.mobile),
        active=bool(doc.active),
    )


def _relatives(doc: InspectorMember) -> list[Relative]:
    return [Relative(r.relation, r.unit_id, r.official_id) for r in doc.relatives]


def register_inspectors(store: InspectionStore, principal: Principal, inspectors: list[dict]) -> dict:
    """Register or update pool members (the registry owns every field it sends; former postings
    and relatives already known are kept unless sent)."""
    known = {d.id: d for d in store.get_many(InspectorMember, [raw["id"] for raw in inspectors])}
    for i, raw in enumerate(inspectors):
        principal.require_county(raw["county"], field=f"inspectors.{i}.county")
        doc = known.get(raw["id"]) or InspectorMember(id=raw["id"])
        before = {r.official_id for r in doc.relatives if r.official_id}
        doc.name, doc.county, doc.zone, doc.level = raw["name"], raw["county"], raw.get("zone"), raw["level"]
        doc.unit_id = raw.get("unit_id")
        doc.former_unit_ids = sorted(set(raw.get("former_unit_ids") or []) | set(doc.former_unit_ids or []))
        if raw.get("relatives") is not None:
            doc.relatives = [RelativeEntry(**r) for r in raw["relatives"]]
        doc.skills = sorted(set(raw.get("skills") or []))
        doc.gender, doc.age_band = raw.get("gender"), raw.get("age_band")
        doc.unavailable = [
            UnavailablePeriod(
                starts_on=p["starts_on"].isoformat(), ends_on=p["ends_on"].isoformat(), reason=p.get("reason")
            )
            for p in raw.get("unavailable") or []
        ]
        doc.leader, doc.mobile, doc.active = bool(raw.get("leader")), bool(raw.get("mobile")), raw.get("active", True)
        try:
            check_inspector(to_domain(doc))
        except RuleViolation as exc:  # name the member in the field
            raise type(exc)(f"inspectors.{i}.{exc.field}", exc.message) from None
        store.save(doc)
        _link_relatives(store, doc.id, before, {r.official_id for r in doc.relatives if r.official_id})
    return {"inspectors": len(inspectors)}


def _link_relatives(store: InspectionStore, inspector_id: str, before: set[str], after: set[str]) -> None:
    """Keep the relative → pool members index by key (one small document per relative)."""
    for official_id in before ^ after:
        link = store.get(RelativeLink, official_id) or RelativeLink(id=official_id)
        ids = set(link.inspector_ids)
        if official_id in after:
            ids.add(inspector_id)
        else:
            ids.discard(inspector_id)
        link.inspector_ids = sorted(ids)
        store.save(link)


def get_inspector(store: InspectionStore, principal: Principal, inspector_id: str) -> InspectorMember:
    doc = store.get(InspectorMember, inspector_id)
    if doc is None:
        raise InspectorNotFound(fields={"inspector_id": inspector_id})
    principal.require_county(doc.county, field="inspector_id")
    return doc


def official_changed(store: InspectionStore, envelope: dict, data: dict) -> str:
    """archive's ``official.changed``: a pool member moved, or a relative of one did. By key:
    the member, then the relative link; each remembers the event ids it applied."""
    event_id = envelope["id"]
    change = PostingChange(data["official_id"], data["county"], data["unit_id"], data.get("status", "serving"))
    applied = False
    member = store.get(InspectorMember, change.official_id)
    if member is not None and event_id not in member.applied_events:
        moved = apply_own_change(to_domain(member), change)
        member.unit_id, member.county, member.active = moved.unit_id, moved.county, moved.active
        member.former_unit_ids = sorted(moved.former_unit_ids)
        member.applied_events = (member.applied_events + [event_id])[-APPLIED_EVENTS_KEPT:]
        store.save(member)
        applied = True
    link = store.get(RelativeLink, change.official_id)
    if link is not None and event_id not in link.applied_events:
        for relative_of in store.get_many(InspectorMember, link.inspector_ids):
            updated = apply_relative_change(_relatives(relative_of), change)
            relative_of.relatives = [
                RelativeEntry(relation=r.relation, unit_id=r.unit_id, official_id=r.official_id) for r in updated
            ]
            store.save(relative_of)
        link.applied_events = (link.applied_events + [event_id])[-APPLIED_EVENTS_KEPT:]
        store.save(link)
        applied = True
    if not applied and (member is not None or link is not None):
        return "duplicate"
    return "processed"


def officials_imported(store: InspectionStore, envelope: dict, data: dict) -> str:
    """archive's ``officials.imported``: each change as its ``official.changed`` (idempotent per
    member and link on the batch event's id)."""
    outcomes = [official_changed(store, envelope, change) for change in data["changes"]]
    return "processed" if "processed" in outcomes else "duplicate"
