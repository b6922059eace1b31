"""Business-data monitoring (seeds/003 宝安: the platform watches "两域" — 工程招投标 and 政府采购,
98,126 records of which 90,075 procurement and 8,051 bids — and "三长", the heads of state
companies, public hospitals and public schools, with their collective decisions, small works
and equipment purchases; inspection teams get query accounts).

Records come in bulk (CSV or JSON lines); a row that fails is reported by line and field and the
rest import. Anomaly rules are versioned data per commission; the defaults follow the law:
- split purchase (化整为零): 政府采购法实施条例 第二十八条 — in one fiscal year, one buyer buying
  the same category by methods other than public tender, several times, for a total above the
  public-tender threshold;
- just under a threshold: an amount within a margin below the tender threshold;
- the same supplier winning repeatedly from one buyer in a year;
- single-source overuse: 政府采购法 第三十一条 allows it only in narrow cases;
- a supplier tied to the responsible official or a relative (政府采购法 第十二条 回避; seeds/004
  龙岗: 子女经商办企业), from the ties risk holds;
- implausible timing: awarded before it was announced, contracted before it was awarded, or a
  public tender awarded less than 20 days after it was announced (招标投标法 第二十四条).
Thresholds by default: 必须招标的工程项目规定 (国家发展改革委令2018年第16号) 第五条 — works
4,000,000, goods 2,000,000, services 1,000,000 yuan; a commission sets its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from .rulebook import InvalidRuleData

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
FIELDS = (
    "record_id",
    "county",
    "domain",
    "category",
    "buyer_unit_id",
    "buyer_kind",
    "responsible_official_id",
    "supplier_id",
    "supplier_name",
    "subject",
    "amount",
    "method",
    "announced_on",
    "awarded_on",
    "contracted_on",
)
REQUIRED = (
    "record_id",
    "county",
    "domain",
    "category",
    "buyer_unit_id",
    "responsible_official_id",
    "supplier_id",
    "amount",
    "method",
    "awarded_on",
)


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


# -- import: rows, line numbers, field errors -------------------------------------------------
@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


def read_rows(text: str, fmt: str) -> Iterable[tuple[int, dict[str, Any] | None, RowError | None]]:
    """(line number, raw row or None, error or None) for each data line of a CSV (with a header
    line) or JSON-lines body; blank lines are skipped."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None:
            return
        missing = [f for f in REQUIRED if f not in reader.fieldnames]
        if missing:
            yield 1, None, RowError(1, missing[0], f"表头缺少字段：{'、'.join(missing)}")
            return
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, {k: v for k, v in row.items() if k is not None}, None
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            yield number, None, RowError(number, "_line", "不是合法的 JSON")
            continue
        if not isinstance(raw, dict):
            yield number, None, RowError(number, "_line", "每行须为一个 JSON 对象")
            continue
        yield number, raw, None


def _date(value: Any) -> date | None:
    text = str(value or "").strip()
    return date.fromisoformat(text) if text else None


def check_row(line: int, raw: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[RowError]]:
    """A clean record from one raw row, or every problem of the row by field."""
    errors: list[RowError] = []
    row = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in FIELDS}
    for name in REQUIRED:
        if not row[name]:
            errors.append(RowError(line, name, "必填"))
    if row["county"] and not (len(row["county"]) == 6 and row["county"].isdigit()):
        errors.append(RowError(line, "county", "必须是六位行政区划代码"))
    for name, allowed in (
        ("domain", DOMAINS),
        ("category", CATEGORIES),
        ("method", METHODS),
        ("buyer_kind", BUYER_KINDS),
    ):
        if row[name] and row[name] not in allowed:
            errors.append(RowError(line, name, f"取值须为：{'、'.join(k for k in allowed if k)}"))
    amount = None
    if row["amount"]:
        try:
            amount = float(row["amount"])
            if not amount > 0 or amount != amount or amount > 1e12:
                raise ValueError
        except ValueError:
            errors.append(RowError(line, "amount", "须为正数（元）"))
    dates: dict[str, date | None] = {}
    for name in ("announced_on", "awarded_on", "contracted_on"):
        try:
            dates[name] = _date(row[name])
        except ValueError:
            errors.append(RowError(line, name, "日期格式须为 YYYY-MM-DD"))
    for name in ("record_id", "buyer_unit_id", "responsible_official_id", "supplier_id"):
        if len(row[name]) > 100:
            errors.append(RowError(line, name, "不超过 100 个字符"))
    if errors:
        return None, errors
    clean: dict[str, Any] = dict(row)
    clean["amount"] = amount
    for name, value in dates.items():
        clean[name] = value.isoformat() if value else ""
    return clean, []


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
