"""What the campaign use cases share: a campaign's visits to and from the domain's slots and
teams, its rule data, and reading a campaign the caller may see."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal

from ...domain.assignment import Slot, Team
from ...domain.ruledata import AssignmentRules, CampaignRules
from ...exceptions import CampaignNotFound
from ...persistence import Campaign, CampaignVisit, InspectionStore


def _rules(campaign: Campaign) -> tuple[CampaignRules, AssignmentRules]:
    raw = campaign.rules or {}
    return CampaignRules().with_overrides(raw.get("campaign")), AssignmentRules().with_overrides(raw.get("assignment"))


def _slot(v: CampaignVisit) -> Slot:
    return Slot(
        v.key,
        v.unit_id,
        v.county,
        v.zone,
        v.method,
        date.fromisoformat(v.starts_on),
        date.fromisoformat(v.ends_on),
        frozenset(v.focus),
        tuple(v.specialist_fields),
        v.unit_name or "",
    )


def _team(v: CampaignVisit) -> Team:
    return Team(tuple(v.members), v.leader, tuple((f, p) for f, p in v.specialists))


def _visit(slot: Slot, round_number: int, team: Team | None, fixed: bool = False) -> CampaignVisit:
    return CampaignVisit(
        key=slot.key,
        unit_id=slot.unit_id,
        unit_name=slot.unit_name,
        county=slot.county,
        zone=slot.zone,
        round=round_number,
        method=slot.method,
        starts_on=slot.starts_on.isoformat(),
        ends_on=slot.ends_on.isoformat(),
        focus=sorted(slot.focus),
        specialist_fields=list(slot.specialists),
        members=list(team.members) if team else [],
        leader=team.leader if team else None,
        specialists=[[f, p] for f, p in team.specialists] if team else [],
        fixed=fixed,
    )


def get_campaign(store: InspectionStore, principal: Principal, campaign_id: str) -> Campaign:
    campaign = store.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound(fields={"campaign_id": campaign_id})
    principal.require_county(campaign.region, field="campaign_id")
    return campaign
