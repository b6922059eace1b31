"""mongoengine documents of the inspection service (connection alias ``inspection``) and its
store, the only code that reads or writes them.

Keys are natural: a plan is ``"<unit_id>:<year>"`` (one plan per unit and year, 000/E), a cross
assignment ``"<region>:<year>"``, units and specialists their registry ids. Every per-request
read and write of a single aggregate is a lookup by ``_id``; the ``_id`` is also what makes a
second plan or assignment a ``Conflict``, so no collection has a secondary unique index.

One module per family: ``plans`` (units, plans, findings, specialists, cross assignments),
``pool`` (the inspector pool), ``campaigns``, ``calendar`` (the province's calendar years),
``tallies`` (coverage kept by key), ``store`` (``InspectionStore``) and ``base`` (the alias, region codes). The names below are the package's interface.
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
from .store import CROSS_HISTORY_YEARS, InspectionRecords, InspectionStore
from .tallies import CoverageTallies, PlanTally, UnitTally

__all__ = [
    "ALIAS",
    "CROSS_HISTORY_YEARS",
    "Blocker",
    "CalendarYear",
    "CoverageTallies",
    "Campaign",
    "CampaignMove",
    "CampaignOverride",
    "CampaignVersion",
    "CampaignVisit",
    "CrossAssignment",
    "Disposition",
    "EvaluationRecord",
    "Finding",
    "InspectionRecords",
    "InspectionStore",
    "InspectorMember",
    "Plan",
    "PlanRound",
    "PlanTally",
    "RelativeEntry",
    "RelativeLink",
    "RoundSpecialist",
    "SpecialistMember",
    "UnavailablePeriod",
    "Unit",
    "UnitTally",
    "ZonePair",
    "region_prefix",
]
