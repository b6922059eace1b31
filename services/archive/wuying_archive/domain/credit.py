"""Integrity credit (廉政信用, issue 11 item 4): a score from what the file knows, under a versioned
rule, explained factor by factor, and sent to risk as a signal (``archive.integrity_credit_changed``).

Every weight is rule data with its source: assessment results (考核 — 002/篇5 四(一)12 makes 较差等次
或不称职 a level-1 warning trigger; 民主测评 — 002/篇4 由职工代表对中层以上干部的廉洁自律……进行民主测评),
the warning conditions in force (004/4 12大类廉政风险预警条件), warnings received (002/篇5 三色预警),
inspection findings (000/E 巡察结果……作为……相关责任追究的重要依据) and a sanction in force
(政务处分法 第八条). The base and the levels are the commission's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from wuying_common.calendar import add_months

from .conditions import Facts, Hit


@dataclass(frozen=True)
class Factor:
    code: str
    name_zh: str
    points: int
    count: int
    source: str

    def to_dict(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "points": self.points, "count": self.count}


@dataclass(frozen=True)
class Credit:
    score: int
    level: str
    level_zh: str
    factors: tuple[Factor, ...]
    rule_version: str


@dataclass(frozen=True)
class CreditRules:
    version: str = "2026.1"
    base: int = 100
    grade_points: dict = field(
        default_factory=lambda: {"excellent": 5, "competent": 0, "basically_competent": -15, "incompetent": -30}
    )
    grade_source: str = "002/篇5 四(一)12：考核中，被评为较差等次或不称职的（一级预警情形）"
    #: (at least this satisfaction %, points): the first that applies
    satisfaction_points: tuple[tuple[int, int], ...] = ((90, 0), (80, -5), (60, -10), (0, -20))
    satisfaction_source: str = "002/篇4：由职工代表对中层以上干部的廉洁自律……进行民主测评"
    condition_points: int = -5
    condition_cap: int = -20
    condition_source: str = "004/4 深圳龙岗：12大类廉政风险预警条件"
    warning_points: dict = field(default_factory=lambda: {"blue": -5, "yellow": -10, "red": -20})
    warning_months: int = 24
    warning_source: str = "002/篇5 四：预警情形按风险危害程度由高到低分为三个等级"
    finding_points: dict = field(default_factory=lambda: {"early_sign": -2, "general": -5, "serious": -15})
    finding_months: int = 12
    finding_cap: int = -30
    finding_source: str = "000/E：内部作风巡察结果……作为……相关责任追究的重要依据"
    sanction_points: int = -15
    sanction_source: str = "《公职人员政务处分法》第八条：处分期间"
    levels: tuple[tuple[int, str, str], ...] = (
        (90, "good", "良好"),
        (75, "fair", "一般"),
        (60, "watch", "关注"),
        (0, "focus", "重点关注"),
    )


CREDIT_RULES = CreditRules()


def integrity_credit(facts: Facts, hits: list[Hit], today: date, rules: CreditRules = CREDIT_RULES) -> Credit:
    factors: list[Factor] = []
    assessments = sorted((r for r in facts.records if r.kind == "assessment"), key=lambda r: (r.year, r.id))
    if assessments:
        latest = assessments[-1]
        if latest.grade in rules.grade_points and rules.grade_points[latest.grade]:
            factors.append(
                Factor("assessment", f"{latest.year}年度考核", rules.grade_points[latest.grade], 1, rules.grade_source)
            )
        if latest.satisfaction:
            points = next(p for floor, p in rules.satisfaction_points if latest.satisfaction >= floor)
            if points:
                factors.append(
                    Factor(
                        "democratic_evaluation",
                        f"民主测评满意率{latest.satisfaction}%",
                        points,
                        1,
                        rules.satisfaction_source,
                    )
                )
    conditions = [h for h in hits if h.code != "sanction_in_force"]
    if conditions:
        points = max(rules.condition_cap, rules.condition_points * len(conditions))
        factors.append(Factor("conditions", "符合廉政风险预警条件", points, len(conditions), rules.condition_source))
    if any(h.code == "sanction_in_force" for h in hits):
        factors.append(Factor("sanction_in_force", "处分影响期内", rules.sanction_points, 1, rules.sanction_source))
    since = add_months(today, -rules.warning_months).isoformat()
    warnings: dict[str, str] = {}
    for s in facts.signals:
        if s.kind == "warning_issued" and s.on > since:
            warnings[s.ref] = s.detail  # an escalation replaces the colour of the matter it continues
    if warnings:
        points = sum(rules.warning_points.get(colour, 0) for colour in warnings.values())
        factors.append(
            Factor(
                "warnings", f"{rules.warning_months}个月内受到廉政风险预警", points, len(warnings), rules.warning_source
            )
        )
    since = add_months(today, -rules.finding_months).isoformat()
    findings = {s.ref: s.detail for s in facts.signals if s.kind == "finding" and s.on > since}
    if findings:
        points = max(rules.finding_cap, sum(rules.finding_points.get(sev, 0) for sev in findings.values()))
        if points:
            factors.append(
                Factor(
                    "findings", f"{rules.finding_months}个月内巡察发现问题", points, len(findings), rules.finding_source
                )
            )
    score = max(0, min(100, rules.base + sum(f.points for f in factors)))
    _, level, level_zh = next(x for x in rules.levels if score >= x[0])
    return Credit(score, level, level_zh, tuple(factors), rules.version)


def credit_row(credit: Credit) -> dict:
    """The credit as a dossier keeps it and risk is told it (without the official's keys)."""
    return {
        "score": credit.score,
        "level": credit.level,
        "level_zh": credit.level_zh,
        "rule_version": credit.rule_version,
        "factors": [f.to_dict() for f in credit.factors],
    }


def credit_to_send(credit: Credit, sent: Mapping | None, rules: CreditRules = CREDIT_RULES) -> dict | None:
    """The credit's stored form when risk must be told it (``archive.integrity_credit_changed``):
    it differs from what was ``sent`` last. None when it does not, or when nothing was ever sent
    and the official has nothing against them (the base score, no factor: no write, no event)."""
    fresh = credit_row(credit)
    if fresh == sent or (not sent and credit.score == rules.base and not credit.factors):
        return None
    return fresh
