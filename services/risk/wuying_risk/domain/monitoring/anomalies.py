"""The scan: the anomalies the rules find in a batch of records (split purchases, amounts just
under a threshold, repeated winners, single-source overuse, tied suppliers, implausible timing;
seeds/003 宝安, seeds/004 龙岗)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .records import _date
from .rules import CATEGORIES, DEFAULT_ANOMALY_RULES, METHODS, TENDER_METHODS, AnomalyRules


# -- the scan -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Anomaly:
    rule: str
    key: str  # what makes it the same anomaly when found again
    county: str
    unit_id: str
    official_id: str
    supplier_id: str
    grade: str
    summary: str
    evidence: tuple[str, ...]  # record ids

    @property
    def hit_id(self) -> str:
        digest = hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:24]
        return f"{self.rule}:{digest}"


def _yuan(amount: float) -> str:
    return f"{amount:,.2f} 元"


def _most_common(values: Iterable[str]) -> str:
    counted = Counter(values).most_common(1)
    return counted[0][0] if counted else ""


def scan(
    rows: Iterable[Mapping[str, Any]],
    ties: Mapping[str, Iterable[tuple[str, str]]],
    rules: AnomalyRules = DEFAULT_ANOMALY_RULES,
) -> list[Anomaly]:
    """Every anomaly the rules find in ``rows`` (records as stored: ``_id`` or ``id``, dates
    as ISO strings). ``ties``: supplier id → (official id, relation)."""
    found: list[Anomaly] = []
    split: dict[tuple, list] = defaultdict(list)
    wins: dict[tuple, list] = defaultdict(list)
    unit_year: dict[tuple, list] = defaultdict(list)
    by_official_year: dict[tuple, list] = defaultdict(list)
    grade = rules.grades
    for row in rows:
        rid = row.get("_id") or row["id"]
        year = row["awarded_on"][:4]
        threshold = rules.tender_thresholds[row["category"]]
        amount = row["amount"]
        method = row["method"]
        base = (row["county"], row["buyer_unit_id"])
        unit_year[(*base, year)].append(row)
        wins[(*base, row["supplier_id"], year)].append(row)
        by_official_year[(*base, row["responsible_official_id"], year)].append(row)
        if method not in TENDER_METHODS and amount < threshold:
            split[(*base, row["responsible_official_id"], row["category"], year)].append(row)
            if amount >= threshold * (1 - rules.just_under_margin):
                found.append(
                    Anomaly(
                        "just_under_threshold",
                        f"just_under_threshold|{rid}",
                        row["county"],
                        row["buyer_unit_id"],
                        row["responsible_official_id"],
                        row["supplier_id"],
                        grade["just_under_threshold"],
                        f"{row['awarded_on']} {METHODS[method]}{CATEGORIES[row['category']]} {_yuan(amount)}，"
                        f"低于公开招标限额 {_yuan(threshold)} 不足 {rules.just_under_margin:.0%}",
                        (rid,),
                    )
                )
        for official_id, relation in ties.get(row["supplier_id"], ()):
            if official_id == row["responsible_official_id"]:
                found.append(
                    Anomaly(
                        "supplier_tied",
                        f"supplier_tied|{rid}|{official_id}",
                        row["county"],
                        row["buyer_unit_id"],
                        official_id,
                        row["supplier_id"],
                        grade["supplier_tied"],
                        f"{row['awarded_on']} 供应商 {row.get('supplier_name') or row['supplier_id']} 与经办人存在关联"
                        f"（{RELATION_ZH.get(relation, relation)}），成交 {_yuan(amount)}",
                        (rid,),
                    )
                )
        timing = _timing_problem(row, rules)
        if timing:
            found.append(
                Anomaly(
                    "implausible_timing",
                    f"implausible_timing|{rid}",
                    row["county"],
                    row["buyer_unit_id"],
                    row["responsible_official_id"],
                    row["supplier_id"],
                    grade["implausible_timing"],
                    timing,
                    (rid,),
                )
            )
    for (county, unit, official, category, year), group in split.items():
        total = sum(r["amount"] for r in group)
        threshold = rules.tender_thresholds[category]
        if len(group) >= rules.split_min_records and total > threshold:
            found.append(
                Anomaly(
                    "split_purchase",
                    f"split_purchase|{county}|{unit}|{official}|{category}|{year}",
                    county,
                    unit,
                    official,
                    _most_common(r["supplier_id"] for r in group),
                    grade["split_purchase"],
                    f"{year} 年度以非招标方式采购{CATEGORIES[category]} {len(group)} 次，累计 {_yuan(total)}，"
                    f"超过公开招标限额 {_yuan(threshold)}（政府采购法实施条例 第二十八条）",
                    tuple(sorted(r.get("_id") or r["id"] for r in group)),
                )
            )
    for (county, unit, supplier, year), group in wins.items():
        awards = len(unit_year[(county, unit, year)])
        if len(group) >= rules.repeat_min_wins and len(group) / awards >= rules.repeat_min_share:
            found.append(
                Anomaly(
                    "repeated_winner",
                    f"repeated_winner|{county}|{unit}|{supplier}|{year}",
                    county,
                    unit,
                    _most_common(r["responsible_official_id"] for r in group),
                    supplier,
                    grade["repeated_winner"],
                    f"{year} 年度供应商 {group[0].get('supplier_name') or supplier} 中标 {len(group)} 次，"
                    f"占本单位成交 {len(group) / awards:.0%}",
                    tuple(sorted(r.get("_id") or r["id"] for r in group)),
                )
            )
    for (county, unit, official, year), group in by_official_year.items():
        single = [r for r in group if r["method"] == "single_source"]
        if len(group) >= rules.single_source_min_records and len(single) / len(group) > rules.single_source_max_share:
            found.append(
                Anomaly(
                    "single_source_overuse",
                    f"single_source_overuse|{county}|{unit}|{official}|{year}",
                    county,
                    unit,
                    official,
                    _most_common(r["supplier_id"] for r in single),
                    grade["single_source_overuse"],
                    f"{year} 年度经办采购 {len(group)} 次，其中单一来源 {len(single)} 次"
                    f"（{len(single) / len(group):.0%}，上限 {rules.single_source_max_share:.0%}；政府采购法 第三十一条）",
                    tuple(sorted(r.get("_id") or r["id"] for r in single)),
                )
            )
    return found


RELATION_ZH = {"self": "本人", "spouse": "配偶", "child": "子女", "child_spouse": "子女配偶", "relative": "其他亲属"}


def _timing_problem(row: Mapping[str, Any], rules: AnomalyRules) -> str:
    announced = _date(row.get("announced_on"))
    awarded = _date(row["awarded_on"])
    contracted = _date(row.get("contracted_on"))
    assert awarded is not None
    if announced and awarded < announced:
        return f"成交日期 {awarded} 早于公告日期 {announced}"
    if contracted and contracted < awarded:
        return f"合同签订日期 {contracted} 早于成交日期 {awarded}"
    if announced and row["method"] == "public_tender" and (awarded - announced).days < rules.min_tender_days:
        return (
            f"公开招标自公告 {announced} 至成交 {awarded} 仅 {(awarded - announced).days} 日，"
            f"少于 {rules.min_tender_days} 日（招标投标法 第二十四条）"
        )
    return ""
