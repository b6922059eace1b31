"""Business-data monitoring (seeds/003 宝安): bulk import of procurement and bidding records,
supplier ties, the anomaly scan, and read-only queries for inspection teams (巡察组查询账号).

Import: CSV (header line) or JSON lines; each row is checked alone and reported by line and
field; the good rows are written, each as one single-document write by its key
(``<county>/<record id>``), so a re-import of the same file changes nothing and no row is ever
half-written. A row whose county the importer may not see is refused like a bad field.

Scan: one query for a county's records in a window (a batch job's scan), the anomaly rules in
force (pure, in memory), each hit written once by its key; a new hit is a signal on the
responsible official's profile (which may propose a warning) and on the buyer unit's.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.paging import Page

from ..domain.monitoring import RULES_ZH, AnomalyRules, RowError, check_row, read_rows, scan
from ..domain.scoring import Entry
from ..exceptions import HitNotFound
from ..persistence import MonitoringHit, RiskStore, SupplierTie
from .profiles import SignalInput, add_signal, add_unit_signal, signal_key
from .rules import in_force

# Rows written per bulk write.
WRITE_BATCH = 5000
ERRORS_REPORTED = 1000


@dataclass
class ImportResult:
    received: int = 0
    imported: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_truncated: bool = False
    seconds: float = 0.0


def import_records(store: RiskStore, clock: SystemClock, principal: Principal, body: str, fmt: str) -> ImportResult:
    started = time.perf_counter()
    now = naive_utc(clock.now())
    result = ImportResult()
    batch: list[dict] = []
    for line, raw, problem in read_rows(body, fmt):
        if raw is None:
            assert problem is not None
            _fail(result, [problem])
            continue
        result.received += 1
        clean, errors = check_row(line, raw)
        if clean is not None and not principal.can_see(clean["county"]):
            errors = [RowError(line, "county", "不在令牌授权的地区范围内")]
            clean = None
        if clean is None:
            _fail(result, errors)
            continue
        batch.append({"_id": f"{clean['county']}/{clean['record_id']}", **clean, "imported_at": now})
        if len(batch) >= WRITE_BATCH:
            result.imported += store.write_records(batch)
            batch = []
    result.imported += store.write_records(batch)
    result.seconds = time.perf_counter() - started
    return result


def _fail(result: ImportResult, errors: list[RowError]) -> None:
    result.failed += 1
    room = ERRORS_REPORTED - len(result.errors)
    result.errors.extend(errors[: max(0, room)])
    result.errors_truncated = result.errors_truncated or room < len(errors)


def import_ties(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> int:
    """Suppliers tied to officials or their relatives (from the archive's personal-matters
    reports, seeds/004), idempotent by (supplier, official)."""
    now = naive_utc(clock.now())
    ties = []
    for tie in payload["ties"]:
        registered = store.get_official(tie["official_id"])
        if registered is not None:
            principal.require_county(registered.county)
        ties.append(
            SupplierTie(
                id=f"{tie['supplier_id']}:{tie['official_id']}",
                supplier_id=tie["supplier_id"],
                official_id=tie["official_id"],
                relation=tie["relation"],
                source=tie.get("source") or "import",
                recorded_at=now,
            )
        )
    return store.write_ties(ties)


@dataclass
class ScanReport:
    county: str
    rule_version: str
    records: int = 0
    anomalies: int = 0
    new_hits: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    profiles_changed: int = 0
    seconds: float = 0.0
    changes: list = field(default_factory=list)


def run_scan(
    store: RiskStore, clock: SystemClock, principal: Principal | None, county: str, start: date, end: date
) -> ScanReport:
    """Scan a county's records awarded in [start, end]; new hits feed the profiles."""
    if principal is not None:
        principal.require_county(county)
    started = time.perf_counter()
    rules: AnomalyRules = in_force(store, "anomaly", county).rules
    rows = store.records_in_window(county, start.isoformat(), end.isoformat())
    ties: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for tie in store.ties_of_suppliers(r["supplier_id"] for r in rows):
        ties[tie.supplier_id].append((tie.official_id, tie.relation))
    anomalies = scan(rows, ties, rules)
    by_id = {r["_id"]: r for r in rows}
    now = clock.now()
    report = ScanReport(county, rules.version, records=len(rows), anomalies=len(anomalies))
    for anomaly in anomalies:
        report.by_rule[anomaly.rule] = report.by_rule.get(anomaly.rule, 0) + 1
        hit = MonitoringHit(
            id=anomaly.hit_id,
            rule=anomaly.rule,
            rule_version=rules.version,
            county=anomaly.county,
            unit_id=anomaly.unit_id,
            official_id=anomaly.official_id,
            supplier_id=anomaly.supplier_id,
            grade=anomaly.grade,
            summary=anomaly.summary,
            evidence=list(anomaly.evidence)[:200],
            evidence_rows=[_evidence_row(by_id[rid]) for rid in anomaly.evidence[:50] if rid in by_id],
            found_at=naive_utc(now),
        )
        if not store.add_hit(hit):
            continue
        report.new_hits += 1
        change = feed_profiles(store, clock, hit)
        if change is not None:
            report.profiles_changed += 1
            report.changes.append(change)
    report.seconds = time.perf_counter() - started
    return report


def _evidence_row(row: dict) -> dict:
    return {k: row.get(k, "") for k in ("record_id", "supplier_id", "supplier_name", "amount", "method", "awarded_on")}


def feed_profiles(store: RiskStore, clock: SystemClock, hit: MonitoringHit):
    """A hit is a ``business_anomaly`` signal for the responsible official and the buyer unit."""
    entry = Entry(
        key=hit.id,
        event_id=hit.id,
        factor="business_anomaly",
        severity=hit.grade,
        category=hit.rule,
        category_zh=RULES_ZH.get(hit.rule, hit.rule),
        occurred_on=beijing_date(hit.found_at),
        ref=hit.id,
    )
    signal = SignalInput(entry, "risk.monitoring", evidence=tuple(hit.evidence[:50]), note=hit.summary)
    add_unit_signal(store, clock, hit.unit_id, hit.county, signal, key=signal_key(hit.id, f"unit:{hit.unit_id}"))
    if not hit.official_id:
        return None
    return add_signal(
        store,
        clock,
        hit.official_id,
        hit.county,
        signal,
        key=signal_key(hit.id, hit.official_id),
        unit_id_hint=hit.unit_id,
    )


# -- read-only queries (inspection teams: 向区委巡察组提供查询账号) -----------------------------
def query_records(store: RiskStore, principal: Principal, query: dict) -> Page:
    counties = principal.counties_in(query["county"])
    return store.records(counties, query, query["unit_id"], query["supplier_id"])


def query_hits(store: RiskStore, principal: Principal, query: dict) -> Page:
    return store.hits(principal.counties_in(query["county"]), query, query["unit_id"])


def get_hit(store: RiskStore, principal: Principal, hit_id: str) -> MonitoringHit:
    hit = store.get_hit(hit_id)
    if hit is None:
        raise HitNotFound(fields={"hit_id": hit_id})
    principal.require_county(hit.county)
    return hit
