"""mongoengine documents of the risk service (connection alias ``risk``) and its store.

``RiskStore`` is the only door to them: handlers read and write aggregates through its methods.
Every per-event path goes by ``_id`` (a profile and a registry entry are keyed by the official
id, a signal by its source event id, a tally by the unit id, the rules in force by
``<kind>:<commission>``); only the lists for people, the timers and the batches (recompute,
monitoring scan) query other fields.

By family, one module each (other modules import from here; the families are an
internal arrangement):

- ``common``: the connection alias, how much history a document keeps, embedded-store helpers.
- ``profiles``: the registry copy, signals and dynamic risk profiles (official and unit).
- ``rules``: versioned rule data per commission and the rules in force (``RuleStore``).
- ``catalogue``: power lists, risk points and the high-risk tally (``CatalogueStore``).
- ``monitoring``: business records, supplier ties and anomaly hits (``MonitoringStore``).
- ``calendar``: the province's loaded calendar years, by year (``CalendarStore``).
- ``store``: ``RiskStore``: all of the above, plus registry, profile and recompute methods.
"""

from .calendar import CalendarStore, CalendarYear
from .catalogue import (
    CapException,
    CatalogueStore,
    ContributionRecord,
    EscalationRecord,
    EvaluationRecord,
    HighRiskTally,
    PowerItem,
    PowerRevision,
    PowerStep,
    ReviewRecord,
    RiskPoint,
)
from .common import ALIAS, HISTORY_KEPT, RECENT_KEYS_KEPT, SEEN_EVENTS_KEPT, SIGNALS_KEPT, as_date, stored_time
from .monitoring import BusinessRecord, MonitoringHit, MonitoringStore, SupplierTie
from .profiles import (
    Profile,
    ProposalRecord,
    RegisteredOfficial,
    Signal,
    SignalRecord,
    UnitProfile,
    _ProfileBase,
    entry_of_son,
    outbox_son,
    signal_son,
)
from .rules import RuleInForce, RuleStore, RuleVersion
from .store import RiskStore

__all__ = [
    "ALIAS",
    "BusinessRecord",
    "CalendarStore",
    "CalendarYear",
    "CapException",
    "CatalogueStore",
    "ContributionRecord",
    "EscalationRecord",
    "EvaluationRecord",
    "HISTORY_KEPT",
    "HighRiskTally",
    "MonitoringHit",
    "MonitoringStore",
    "PowerItem",
    "PowerRevision",
    "PowerStep",
    "Profile",
    "ProposalRecord",
    "RECENT_KEYS_KEPT",
    "RegisteredOfficial",
    "ReviewRecord",
    "RiskPoint",
    "RiskStore",
    "RuleInForce",
    "RuleStore",
    "RuleVersion",
    "SEEN_EVENTS_KEPT",
    "SIGNALS_KEPT",
    "Signal",
    "SignalRecord",
    "SupplierTie",
    "UnitProfile",
    "_ProfileBase",
    "as_date",
    "entry_of_son",
    "outbox_son",
    "signal_son",
    "stored_time",
]
