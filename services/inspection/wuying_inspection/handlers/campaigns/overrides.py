"""Override one visit's team by hand, with a reason: rechecked against the hard rules, logged,
and fixed for later solves."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock

from ...domain.assignment import Slot, check_team
from ...domain.campaigns import moves
from ...exceptions import OverrideBreaksRule, RoundNotFound
from ...persistence import Campaign, CampaignMove, CampaignOverride, CampaignVersion, InspectionStore, InspectorMember
from ..pool import to_domain
from .visits import _rules, _slot, _team, campaigns_of_year, get_campaign


def override_visit(
    store: InspectionStore, clock: SystemClock, principal: Principal, campaign_id: str, command: dict
) -> Campaign:
    """A visit's team set by hand, with a reason: logged, rechecked against every hard rule
    (a broken one is refused naming it), and fixed for later solves."""
    campaign = get_campaign(store, principal, campaign_id)
    key = f"{command['unit_id']}:{campaign.year}:{command['round']}"
    visit = next((v for v in campaign.visits if v.key == key), None)
    if visit is None:
        raise RoundNotFound(fields={"round": f"该安排中没有 {command['unit_id']} 的第 {command['round']} 次巡察"})
    _, assignment_rules = _rules(campaign)
    people = {d.id: to_domain(d) for d in store.get_many(InspectorMember, command["members"])}
    slot = _slot(visit)
    busy: dict[str, list[Slot]] = {}
    # one team at a time: this campaign's other visits, and another round's (one-round campaigns)
    siblings = campaigns_of_year(store, campaign.region, campaign.year, but=campaign.id) if campaign.round else []
    for other in [*campaign.visits, *(v for c in siblings for v in c.visits)]:
        if other is not visit:
            for pid in set(other.members) & set(command["members"]):
                busy.setdefault(pid, []).append(_slot(other))
    broken = check_team(command["members"], command.get("leader"), slot, people, assignment_rules, busy)
    if broken:
        rule, person = broken[0]
        raise OverrideBreaksRule.naming(rule, person, [r for r, _ in broken])
    before = _team(visit)
    visit.members, visit.leader, visit.fixed = list(command["members"]), command["leader"], True
    now = clock.now().replace(tzinfo=None)
    campaign.overrides.append(
        CampaignOverride(
            unit_id=visit.unit_id,
            round=visit.round,
            members=list(command["members"]),
            leader=command["leader"],
            reason=command["reason"],
            by=principal.subject,
            at=now,
        )
    )
    campaign.plan_version += 1
    campaign.versions.append(
        CampaignVersion(
            plan_version=campaign.plan_version,
            cause="override",
            status=campaign.status,
            at=now,
            by=principal.subject,
            moved=[
                CampaignMove(**vars(m))
                for m in moves({key: slot}, {key: before} if before.members else {}, [slot], {key: _team(visit)})
            ],
        )
    )
    store.save(campaign)
    return campaign
