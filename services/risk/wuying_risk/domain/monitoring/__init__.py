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

By family, one module each (other modules import from here; the families are an
internal arrangement):

- ``rules``: the record vocabulary and the anomaly rules as versioned data (``AnomalyRules``).
- ``records``: the import: CSV or JSON lines, rows checked and errors reported by line and field.
- ``anomalies``: the scan: every anomaly the rules find in a batch of records.
"""

from .anomalies import RELATION_ZH, Anomaly, scan
from .records import FIELDS, REQUIRED, RowError, check_row, read_rows
from .rules import (
    BUYER_KINDS,
    CATEGORIES,
    DEFAULT_ANOMALY_RULES,
    DOMAINS,
    METHODS,
    RULES_ZH,
    TENDER_METHODS,
    AnomalyRules,
)

__all__ = [
    "Anomaly",
    "AnomalyRules",
    "BUYER_KINDS",
    "CATEGORIES",
    "DEFAULT_ANOMALY_RULES",
    "DOMAINS",
    "FIELDS",
    "METHODS",
    "RELATION_ZH",
    "REQUIRED",
    "RULES_ZH",
    "RowError",
    "TENDER_METHODS",
    "check_row",
    "read_rows",
    "scan",
]
