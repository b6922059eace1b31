"""The vocabulary of business records (两域 domains, categories, 三长 buyer kinds, methods) and
the anomaly rules as versioned data, with their legal defaults (seeds/003 宝安)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..rulebook import InvalidRuleData

DOMAINS = {"procurement": "政府采购", "bidding": "工程招投标"}
CATEGORIES = {"goods": "货物", "services": "服务", "works": "工程"}
BUYER_KINDS = {
    "state_company": "国有股份公司",
    "public_hospital": "公立医院",
    "public_school": "公办学校",
    "agency": "机关事业单位",
    "": "",
}
METHODS = {
    "public_tender": "公开招标",
    "invitational_tender": "邀请招标",
    "competitive_negotiation": "竞争性谈判",
    "competitive_consultation": "竞争性磋商",
    "single_source": "单一来源采购",
    "inquiry": "询价",
    "framework_agreement": "框架协议采购",
    "other": "其他方式",
}
TENDER_METHODS = frozenset({"public_tender", "invitational_tender"})
RULES_ZH = {
    "split_purchase": "化整为零规避公开招标",
    "just_under_threshold": "金额略低于招标限额",
    "repeated_winner": "同一供应商反复中标",
    "single_source_overuse": "单一来源采购比例过高",
    "supplier_tied": "供应商与经办领导干部或其亲属存在关联",
    "implausible_timing": "采购时序异常",
}


# -- rules as data --------------------------------------------------------------------------
@dataclass(frozen=True)
class AnomalyRules:
    version: str
    tender_thresholds: Mapping[str, float]  # category → yuan
    just_under_margin: float = 0.05
    split_min_records: int = 2
    repeat_min_wins: int = 5
    repeat_min_share: float = 0.5
    single_source_max_share: float = 0.3
    single_source_min_records: int = 5
    min_tender_days: int = 20
    grades: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(
            {
                "split_purchase": "medium",
                "just_under_threshold": "low",
                "repeated_winner": "medium",
                "single_source_overuse": "medium",
                "supplier_tied": "high",
                "implausible_timing": "medium",
            }
        )
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "tender_thresholds": dict(self.tender_thresholds),
            "just_under_margin": self.just_under_margin,
            "split_min_records": self.split_min_records,
            "repeat_min_wins": self.repeat_min_wins,
            "repeat_min_share": self.repeat_min_share,
            "single_source_max_share": self.single_source_max_share,
            "single_source_min_records": self.single_source_min_records,
            "min_tender_days": self.min_tender_days,
            "grades": dict(self.grades),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> AnomalyRules:
        try:
            rules = cls(
                version=str(raw["version"]),
                tender_thresholds=MappingProxyType({k: float(v) for k, v in raw["tender_thresholds"].items()}),
                just_under_margin=float(raw.get("just_under_margin", 0.05)),
                split_min_records=int(raw.get("split_min_records", 2)),
                repeat_min_wins=int(raw.get("repeat_min_wins", 5)),
                repeat_min_share=float(raw.get("repeat_min_share", 0.5)),
                single_source_max_share=float(raw.get("single_source_max_share", 0.3)),
                single_source_min_records=int(raw.get("single_source_min_records", 5)),
                min_tender_days=int(raw.get("min_tender_days", 20)),
                grades=MappingProxyType({**DEFAULT_ANOMALY_RULES.grades, **(raw.get("grades") or {})}),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidRuleData("rules", f"异常规则数据不完整或格式错误：{exc}") from None
        problems = []
        if set(rules.tender_thresholds) != set(CATEGORIES) or min(rules.tender_thresholds.values()) <= 0:
            problems.append("tender_thresholds 须给出 goods、services、works 的正数限额")
        if not 0 < rules.just_under_margin < 1 or not 0 < rules.repeat_min_share <= 1:
            problems.append("比例须在 0 与 1 之间")
        if not 0 < rules.single_source_max_share < 1:
            problems.append("single_source_max_share 须在 0 与 1 之间")
        if rules.split_min_records < 2 or rules.repeat_min_wins < 2 or rules.min_tender_days < 0:
            problems.append("次数至少为 2，天数不能为负")
        if set(rules.grades) != set(RULES_ZH) or set(rules.grades.values()) - {"low", "medium", "high"}:
            problems.append("grades 须为六条规则各给出 low/medium/high")
        if problems:
            raise InvalidRuleData("rules", "；".join(problems))
        return rules


DEFAULT_ANOMALY_RULES = AnomalyRules(
    version="default-2026.1",
    tender_thresholds=MappingProxyType({"works": 4_000_000.0, "goods": 2_000_000.0, "services": 1_000_000.0}),
)
