"""Dynamic risk profiles: signals, their weight and decay, score, level and warning proposals.

A profile is the sum of its signals, each weighted by its factor and decaying with age, kept
factor by factor so a person can read why the score is what it is (seeds/002 篇1 ⑤: warnings
follow preset threshold values, 预先设置的预警条件值). Signals come from every source of
DESIGN.md §2/§4 Risk: accepted reports, inspection findings (seeds/000 E), archive warning
conditions (seeds/004 龙岗: 12 类廉政风险预警条件), past warnings (issued, escalated, lifted),
assessment results and integrity credit (seeds/002 篇8 第十八条(一)1②: 民主测评或考核满意率较低;
第二十六条: 廉政信用度), and business-data anomalies (seeds/003 宝安: 两域 monitoring).
The numbers are versioned rule data (DESIGN.md §4 Warning), one version per commission.

By family, one module each (other modules import from here; the families are an
internal arrangement):

- ``rules``: factors, grades, weights, decay, levels and thresholds as versioned data (``RuleSet``).
- ``profile``: signals (``Entry``) scored today, the profile's score and level, factor by factor.
- ``proposals``: warning proposals, applying a signal, lifted and superseded warnings, reasons.
"""

from .profile import (
    STATE_ZH,
    Entry,
    FactorSummary,
    ProfileScore,
    ScoredEntry,
    SignalFacts,
    compute_profile,
    explain,
    factor_breakdown,
    factor_lines,
    keep_bounded,
    score_entry,
)
from .proposals import (
    COLOUR_ZH,
    COLOURS,
    WARNING_ACTION_ZH,
    Proposal,
    ScoredSignal,
    apply_entry,
    crossed,
    proposal_due,
    proposal_reasons,
    score_signal,
    with_state,
)
from .rules import (
    ASSESSMENT_RATINGS,
    CREDIT_DISCOUNTED_FACTORS,
    DEFAULT_RULES,
    DISPOSITION_GRADES,
    DISPOSITIONS_ZH,
    FACTOR_ZH,
    FACTORS,
    FINDING_SEVERITY,
    GRADES,
    LEVEL_ZH,
    LEVELS,
    NON_PROPOSING,
    RULE_SETS,
    SEVERITY_ZH,
    Decay,
    RuleSet,
    UnknownSeverity,
)

__all__ = [
    "ASSESSMENT_RATINGS",
    "COLOURS",
    "COLOUR_ZH",
    "CREDIT_DISCOUNTED_FACTORS",
    "DEFAULT_RULES",
    "DISPOSITIONS_ZH",
    "DISPOSITION_GRADES",
    "Decay",
    "Entry",
    "FACTORS",
    "FACTOR_ZH",
    "FINDING_SEVERITY",
    "FactorSummary",
    "GRADES",
    "LEVELS",
    "LEVEL_ZH",
    "NON_PROPOSING",
    "ProfileScore",
    "Proposal",
    "RULE_SETS",
    "RuleSet",
    "SEVERITY_ZH",
    "STATE_ZH",
    "ScoredEntry",
    "ScoredSignal",
    "SignalFacts",
    "UnknownSeverity",
    "WARNING_ACTION_ZH",
    "apply_entry",
    "compute_profile",
    "crossed",
    "explain",
    "factor_breakdown",
    "factor_lines",
    "keep_bounded",
    "proposal_due",
    "proposal_reasons",
    "score_entry",
    "score_signal",
    "with_state",
]
