"""mongoengine documents of the inspection service (connection alias ``inspection``) and its
store, the only code that reads or writes them.

Keys are natural: a plan is ``"<unit_id>:<year>"`` (one plan per unit and year, 000/E), a cross
assignment ``"<region>:<year>"``, units and specialists their registry ids. Every per-request
read and write of a single aggregate is a lookup by ``_id``; the ``_id`` is also what makes a
second plan or assignment a ``Conflict``, so no collection has a secondary unique index.

One module per family: ``plans`` (units, plans, findings, specialists, cross assignments),
``pool`` (the inspector pool), ``campaigns``, ``calendar`` (the province's calendar years),
``store`` (``InspectionStore``) and ``base`` (the alias, region codes). The names below are the package's interface.
"""

from .base import ALIAS, region_prefix
from .calendar import CalendarYear
from .campaigns import Blocker, Campaign, CampaignMove, CampaignOverride, CampaignVersion, CampaignVisit
from .plans import (
    CrossAssignment,
    Disposition,
    EvaluationRecord,
    Finding,
    Plan,
    PlanRound,
    RoundSpecialist,
    SpecialistMember,
    Unit,
    ZonePair,
)
from .pool import InspectorMember, RelativeEntry, RelativeLink, UnavailablePeriod
from .store import CROSS_HISTORY_YEARS, InspectionStore

__all__ = [
    "ALIAS",
    "CROSS_HISTORY_YEARS",
    "Blocker",
    "CalendarYear",
    "Campaign",
    "CampaignMove",
    "CampaignOverride",
    "CampaignVersion",
    "CampaignVisit",
    "CrossAssignment",
    "Disposition",
    "EvaluationRecord",
    "Finding",
    "InspectionStore",
    "InspectorMember",
    "Plan",
    "PlanRound",
    "RelativeEntry",
    "RelativeLink",
    "RoundSpecialist",
    "SpecialistMember",
    "UnavailablePeriod",
    "Unit",
    "ZonePair",
    "region_prefix",
]
