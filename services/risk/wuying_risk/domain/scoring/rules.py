"""The versioned scoring rules: factors, grades and their points, weights, decay, levels and
warning thresholds of one commission (``RuleSet``), and the default rule set (seeds/002 篇1 ⑤,
篇8 第十八条; DESIGN.md §4 Warning)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from wuying_common.rules import InvalidInput

from ..rulebook import InvalidRuleData

LEVELS = ("low", "medium", "high")
LEVEL_ZH = {"low": "低风险", "medium": "中风险", "high": "高风险"}
SEVERITY_ZH = {"low": "轻微", "medium": "一般", "high": "严重"}
GRADES = ("low", "medium", "high")

# Inspection findings (seeds/000 E) by severity, scored like report severities: early signs
# weigh as little as a minor report, serious problems as much as a grave one.
FINDING_SEVERITY = {"early_sign": "low", "general": "medium", "serious": "high"}

# Dispositions of an inspection finding that weigh on their own (seeds/000 E: "发现干部严重违纪违法
# 问题，按有关程序立案调查，触犯法律的，移交司法机关处理"); the lighter rungs of the ladder (talks,
# letter inquiries, verification, organisational handling) add nothing to what the finding weighs.
DISPOSITION_GRADES = {"case_filing": "high", "judicial_transfer": "high"}
DISPOSITIONS_ZH = {"case_filing": "立案调查", "judicial_transfer": "移交司法机关"}

# Archive's integrity credit (archive.integrity_credit_changed) deducts points for warnings,
# inspection findings and warning conditions; risk scores those from their own events, so the
# credit is banded without them (one fact counted once).
CREDIT_DISCOUNTED_FACTORS = frozenset({"warnings", "findings", "conditions"})

FACTORS = (
    "integrity_report",
    "inspection_finding",
    "archive_condition",
    "past_warning",
    "assessment_result",
    "integrity_credit",
    "business_anomaly",
    "inspection_disposition",
)
FACTOR_ZH = {
    "integrity_report": "信访举报经研判为廉情信息",
    "inspection_finding": "巡察发现问题",
    "archive_condition": "廉政档案风险预警情形",
    "past_warning": "曾被预警",
    "assessment_result": "考核测评结果",
    "integrity_credit": "廉政信用度",
    "business_anomaly": "业务数据异常",
    "inspection_disposition": "巡察发现问题立案调查或移送司法",
}
# Factors that raise a score but never propose a warning themselves: a past warning (an issued
# blue warning must not propose yellow on its own), and a case filed or transferred to the
# judiciary (002/篇5 三(一)3: conduct that already amounts to a violation is a matter for case
# handling, not for a warning).
NON_PROPOSING = frozenset({"past_warning", "inspection_disposition"})
# Assessment ratings (公务员考核等次) and what they weigh by default (篇8 第十八条(一)1②).
ASSESSMENT_RATINGS = {
    "excellent": "优秀",
    "competent": "称职",
    "basically_competent": "基本称职",
    "incompetent": "不称职",
    "low_satisfaction": "民主测评满意率较低",
}


class UnknownSeverity(InvalidInput):
    """A severity the rule set has no points for: the signal cannot be scored (a retry never
    helps, so a consumer dead-letters it)."""

    code = "unknown_severity"

    def __init__(self, severity: str) -> None:
        super().__init__("severity", f"无法识别的严重程度：{severity}")
        self.severity = severity


@dataclass(frozen=True)
class Decay:
    """How a signal's weight fades: full for ``full_days``, then halving every
    ``half_life_days``, and nothing after ``horizon_days`` (the signal leaves the profile)."""

    full_days: int = 365
    half_life_days: int = 365
    horizon_days: int = 1825

    def share(self, age_days: int) -> float:
        if age_days <= self.full_days:
            return 1.0
        if age_days > self.horizon_days:
            return 0.0
        return 0.5 ** ((age_days - self.full_days) / self.half_life_days)

    def explain_zh(self) -> str:
        return (
            f"{self.full_days} 日内全额计分，此后每 {self.half_life_days} 日减半，" f"满 {self.horizon_days} 日不再计分"
        )


@dataclass(frozen=True)
class RuleSet:
    """Versioned scoring rules of one commission (stored as data: ``to_dict``/``from_dict``)."""

    version: str
    severity_points: Mapping[str, int]
    # (level, minimum score), most severe last: a score at or above the minimum has the level.
    level_thresholds: tuple[tuple[str, int], ...]
    # (warning level, minimum score): 3 blue, 2 yellow, 1 red.
    proposal_thresholds: tuple[tuple[int, int], ...]
    factor_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType(dict.fromkeys(FACTORS, 1.0)))
    decay: Decay = Decay()
    # Factors whose signal may propose a warning (NON_PROPOSING ones raise the score only).
    proposing_factors: frozenset[str] = frozenset(set(FACTORS) - NON_PROPOSING)
    # A lifted warning (篇5 六4 回访后解除) keeps this share of its weight.
    lifted_warning_share: float = 0.5
    # Warning level → grade of the past-warning signal.
    warning_grades: Mapping[int, str] = field(
        default_factory=lambda: MappingProxyType({3: "low", 2: "medium", 1: "high"})
    )
    # Archive condition code → grade; "default" for codes not listed.
    condition_grades: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({"default": "medium"}))
    # Assessment rating → grade (None: no signal).
    assessment_grades: Mapping[str, str | None] = field(
        default_factory=lambda: MappingProxyType(
            {
                "excellent": None,
                "competent": None,
                "basically_competent": "low",
                "low_satisfaction": "medium",
                "incompetent": "high",
            }
        )
    )
    # Integrity credit (0–100) below the bound → grade, lowest bound first.
    credit_bands: tuple[tuple[int, str], ...] = ((60, "high"), (75, "medium"), (85, "low"))
    # Archive credit factors (their codes) left out before banding: scored from their own events.
    credit_discounted_factors: frozenset[str] = CREDIT_DISCOUNTED_FACTORS
    # Inspection disposition → grade; a disposition not listed adds nothing (000/E).
    disposition_grades: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(dict(DISPOSITION_GRADES)))

    def points_for(self, severity: str) -> int:
        try:
            return self.severity_points[severity]
        except KeyError:
            raise UnknownSeverity(severity) from None

    def level_of(self, score: int) -> str:
        level = "low"
        for name, minimum in self.level_thresholds:
            if score >= minimum:
                level = name
        return level

    def threshold_of(self, warning_level: int) -> int:
        return dict(self.proposal_thresholds)[warning_level]

    def weight_of(self, factor: str) -> float:
        return float(self.factor_weights.get(factor, 1.0))

    def condition_grade(self, code: str) -> str:
        return self.condition_grades.get(code) or self.condition_grades.get("default") or "medium"

    def credit_grade(self, credit: int) -> str | None:
        for bound, grade in self.credit_bands:
            if credit < bound:
                return grade
        return None

    def disposition_grade(self, disposition: str) -> str | None:
        return self.disposition_grades.get(disposition)

    # -- as data -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "severity_points": dict(self.severity_points),
            "level_thresholds": {name: minimum for name, minimum in self.level_thresholds},
            "proposal_thresholds": {str(level): minimum for level, minimum in self.proposal_thresholds},
            "factor_weights": dict(self.factor_weights),
            "decay": {
                "full_days": self.decay.full_days,
                "half_life_days": self.decay.half_life_days,
                "horizon_days": self.decay.horizon_days,
            },
            "proposing_factors": sorted(self.proposing_factors),
            "lifted_warning_share": self.lifted_warning_share,
            "warning_grades": {str(k): v for k, v in self.warning_grades.items()},
            "condition_grades": dict(self.condition_grades),
            "assessment_grades": dict(self.assessment_grades),
            "credit_bands": [[bound, grade] for bound, grade in self.credit_bands],
            "credit_discounted_factors": sorted(self.credit_discounted_factors),
            "disposition_grades": dict(self.disposition_grades),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RuleSet:
        """Rule data as stored or posted; refuses data that contradicts itself."""
        try:
            points = {k: int(v) for k, v in raw["severity_points"].items()}
            levels = tuple(sorted(((k, int(v)) for k, v in raw["level_thresholds"].items()), key=lambda x: x[1]))
            proposals = tuple(sorted(((int(k), int(v)) for k, v in raw["proposal_thresholds"].items()), reverse=True))
            decay = Decay(**{k: int(v) for k, v in (raw.get("decay") or {}).items()})
            weights = {k: float(v) for k, v in (raw.get("factor_weights") or dict.fromkeys(FACTORS, 1.0)).items()}
            rules = cls(
                version=str(raw["version"]),
                severity_points=MappingProxyType(points),
                level_thresholds=levels,
                proposal_thresholds=proposals,
                factor_weights=MappingProxyType(weights),
                decay=decay,
                proposing_factors=frozenset(raw.get("proposing_factors") or (set(FACTORS) - NON_PROPOSING)),
                lifted_warning_share=float(raw.get("lifted_warning_share", 0.5)),
                warning_grades=MappingProxyType(
                    {
                        int(k): v
                        for k, v in (raw.get("warning_grades") or {"3": "low", "2": "medium", "1": "high"}).items()
                    }
                ),
                condition_grades=MappingProxyType(dict(raw.get("condition_grades") or {"default": "medium"})),
                assessment_grades=MappingProxyType(
                    dict(raw.get("assessment_grades") or DEFAULT_RULES.assessment_grades)
                ),
                credit_bands=tuple(
                    sorted((int(b), str(g)) for b, g in (raw.get("credit_bands") or DEFAULT_RULES.credit_bands))
                ),
                # Absent from versions stored before default-2026.3: the defaults apply.
                credit_discounted_factors=frozenset(
                    str(code)
                    for code in (
                        raw["credit_discounted_factors"]
                        if raw.get("credit_discounted_factors") is not None
                        else DEFAULT_RULES.credit_discounted_factors
                    )
                ),
                disposition_grades=MappingProxyType(
                    {
                        str(k): str(v)
                        for k, v in (
                            raw["disposition_grades"]
                            if raw.get("disposition_grades") is not None
                            else DEFAULT_RULES.disposition_grades
                        ).items()
                    }
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidRuleData("rules", f"计分规则数据不完整或格式错误：{exc}") from None
        rules.check()
        return rules

    def check(self) -> None:
        problems = []
        if set(self.severity_points) != set(GRADES) or any(p < 0 for p in self.severity_points.values()):
            problems.append("severity_points 须为 low/medium/high 三档非负分值")
        if {name for name, _ in self.level_thresholds} != {"medium", "high"}:
            problems.append("level_thresholds 须给出 medium 与 high 的起点")
        elif dict(self.level_thresholds)["medium"] >= dict(self.level_thresholds)["high"]:
            problems.append("medium 的起点须低于 high")
        thresholds = dict(self.proposal_thresholds)
        if set(thresholds) != {1, 2, 3} or not thresholds[3] < thresholds[2] < thresholds[1]:
            problems.append("proposal_thresholds 须为 3（蓝）< 2（黄）< 1（红）")
        unknown = set(self.factor_weights) - set(FACTORS)
        if unknown or any(w < 0 for w in self.factor_weights.values()):
            problems.append(f"factor_weights 含未知因素或负权重：{sorted(unknown)}")
        if not (0 < self.decay.full_days <= self.decay.horizon_days and self.decay.half_life_days > 0):
            problems.append("decay 须满足 0 < full_days ≤ horizon_days 且 half_life_days > 0")
        grades = {*self.warning_grades.values(), *self.condition_grades.values()}
        grades |= {g for g in self.assessment_grades.values() if g is not None}
        grades |= {g for _, g in self.credit_bands}
        grades |= set(self.disposition_grades.values())
        if grades - set(GRADES):
            problems.append(f"未知的档次：{sorted(grades - set(GRADES))}")
        if problems:
            raise InvalidRuleData("rules", "；".join(problems))


DEFAULT_RULES = RuleSet(
    # default-2026.3: archive's integrity credit (banded without what risk scores itself) and a
    # finding's case filing or transfer to the judiciary are signals; 2026.2 weighted signals per
    # factor and decayed them with age (issue 13); 2026.1 summed severity points for ever.
    version="default-2026.3",
    severity_points=MappingProxyType({"low": 15, "medium": 35, "high": 55}),
    level_thresholds=(("medium", 30), ("high", 60)),
    # One medium report (35) reaches blue: 篇8 第十八条 (一)1① "群众有举报，社会有反映的" is
    # itself a ground for 警示提醒.
    proposal_thresholds=((3, 30), (2, 60), (1, 90)),
)

RULE_SETS = {DEFAULT_RULES.version: DEFAULT_RULES}
