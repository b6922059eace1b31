"""What the campaign use cases share: a campaign's visits to and from the domain's slots and
teams, its rule data, reading a campaign the caller may see, and the other campaigns of its
region and year (one-round campaigns)."""

from __future__ import annotations

from datetime import date

from wuying_common.auth import Principal

from ...domain.assignment import Slot, Team
from ...domain.plans import MAX_ROUNDS_PER_YEAR
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


def year_keys(region: str, year: int) -> list[str]:
    """Every key a region's year can have: the whole year's campaign, and each one-round one."""
    return [Campaign.key_for(region, year)] + [
        Campaign.key_for(region, year, n) for n in range(1, MAX_ROUNDS_PER_YEAR + 1)
    ]


def campaigns_of_year(store: InspectionStore, region: str, year: int, but: str | None = None) -> list[Campaign]:
    """The campaigns of a region's year, read by key (at most 13 keys in one ``$in``), but
    ``but``."""
    return [c for c in store.get_many(Campaign, year_keys(region, year)) if c.id != but]
