"""Loading a simulated province (``simulator.generate``'s folder) into running services through
the platform's bulk paths, with progress (issue 15 item 1): ``wuying simulate load``.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .simulator import TRIAGED


# -- loading, through the platform's bulk paths ---------------------------------------------------
def triaged_envelope(report: dict) -> dict:
    """A ``petition.triaged`` v1 envelope (CloudEvents 1.0) for one line of ``reports.jsonl``,
    as intake's relay publishes it: the ids come from the file, so loading twice is idempotent."""
    return {
        "specversion": "1.0",
        "id": report["event_id"],
        "source": "/wuying/intake",
        "type": TRIAGED,
        "time": report["triaged_at"],
        "subject": f"petition/{report['petition_id']}",
        "datacontenttype": "application/json",
        "dataschema": "https://schemas.wuying.local/events/intake/petition.triaged/v1.json",
        "county": report["county"],
        "data": {
            "petition_id": report["petition_id"],
            "outcome": "integrity_information",
            "category": report["category"],
            "category_zh": report["category_zh"],
            "severity": report["severity"],
            "subjects": [{"kind": "official", "id": report["official_id"], "county": report["county"]}],
            "triaged_at": report["triaged_at"],
        },
    }


#: intake's channels of staff entry a simulated report came by (historical reports were entered)
_HISTORY_CHANNELS = ("letter", "visit", "hotline", "special_supervisor", "info_officer")


def historical_report(report: dict, now: datetime) -> dict | None:
    """One line of ``reports.jsonl`` as intake's historical import takes it
    (``POST /api/v1/imports/reports``), or None when it was triaged after ``now`` (the simulated
    year runs to 31 December). What the line lacks is derived from its id, so it is the same on
    every load: received up to 9 days before triage, 1 in 5 a 信访 (a 60-day handling deadline),
    the channel, and 3 in 5 of those triaged 40+ days ago closed 5-44 days after triage.
    Anonymous: the simulator makes no reporters."""
    triaged_at = datetime.strptime(report["triaged_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    if triaged_at > now:
        return None
    h = int(report["petition_id"][:16], 16)
    closed_at = triaged_at + timedelta(days=5 + (h >> 24) % 40, hours=2)
    closed = (h >> 16) % 5 < 3 and closed_at <= now
    beijing = triaged_at + timedelta(hours=8)
    subject = {"kind": "official", "id": report["official_id"], "county": report["county"]}
    return {
        "petition_id": report["petition_id"],
        "channel": _HISTORY_CHANNELS[(h >> 8) % len(_HISTORY_CHANNELS)],
        "category": report["category"],
        "county": report["county"],
        "kind": "petition" if h % 5 == 0 else "discipline_report",
        "content": f"反映{report['category_zh']}方面的问题（模拟省份的历史信访件）。",
        "subjects": [{"kind": "official", "id": report["official_id"]}],
        "anonymous": True,
        "received_on": (beijing.date() - timedelta(days=h % 10)).isoformat(),
        "status": "closed" if closed else "triaged",
        "triage": {
            "outcome": "integrity_information",
            "severity": report["severity"],
            "subjects": [subject],
            "note": "原系统研判为廉情信息",
            "triaged_at": report["triaged_at"],
        },
        **(
            {"closure": {"answer": "已按规定办理并答复。", "closed_at": closed_at.strftime("%Y-%m-%dT%H:%M:%SZ")}}
            if closed
            else {}
        ),
    }


def _jsonl_rows(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load(
    directory: Path,
    urls: dict,
    staff,
    *,
    amqp_uri: str,
    out=None,
    chunk_lines: int = 5000,
    wait_seconds: float = 3600,
    reports: bool = True,
    history_batch: int = 1000,
) -> dict:
    """Load a generated province into running services through their bulk paths, printing
    progress on ``out``: archive's chunked import (units, officials, then family and interests),
    inspection's unit registry and inspector pool, risk's business-record and supplier-tie
    imports, the year of reports into intake's historical import (so intake holds them: its
    statistics) and as the ``petition.triaged`` events intake publishes (on ``intake.events``,
    after risk has learnt every official). Returns seconds and counts per step."""
    import sys

    import requests
    from kombu import Connection, Exchange

    from .cli import import_file
    from .scenario import consumed, metric_total, post, wait_for

    out = out or sys.stderr
    manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    steps: dict[str, dict] = {}

    def step(name: str, fn) -> None:
        out.write(f"{name} …\n")
        out.flush()
        t0 = time.perf_counter()
        result = fn()
        steps[name] = {"seconds": round(time.perf_counter() - t0, 1), **(result or {})}
        out.write(f"{name}: {steps[name]}\n")
        out.flush()

    def send(url: str, role: str, **kwargs) -> dict:
        response = post(url, headers=staff.header(role), timeout=900, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{url}: HTTP {response.status_code} {response.text[:300]}")
        return response.json()

    def archive(kind: str, name: str, fmt: str) -> dict:
        result = import_file(
            directory / name,
            kind,
            fmt,
            lambda body: send(f"{urls['archive']}/api/v1/imports/chunks", "archive_keeper", json=body),
            chunk_lines=chunk_lines,
            out=out,
        )
        if result["failed"]:
            raise RuntimeError(f"archive {kind}: {result['failed']} line(s) failed: {result['errors'][:5]}")
        return {k: result[k] for k in ("lines", "created", "changed", "unchanged", "events", "reminders")}

    def batched(url: str, role: str, key: str, rows: Iterator[dict], size: int) -> dict:
        sent = 0
        for batch in _batches(rows, size):
            send(url, role, json={key: batch})
            sent += len(batch)
            out.write(f"\r  {sent:,}")
            out.flush()
        out.write("\n")
        return {key: sent}

    def unit_rows() -> Iterator[dict]:
        with (directory / "units.csv").open(encoding="utf-8") as f:
            yield from csv.DictReader(f)

    def records() -> dict:
        imported = 0
        with (directory / "records.jsonl").open("rb") as f:
            while True:
                chunk = b"".join(line for _, line in zip(range(20_000), f, strict=False))
                if not chunk:
                    break
                result = send(
                    f"{urls['risk']}/api/v1/monitoring/records?format=jsonl",
                    "risk_officer",
                    data=chunk,
                )
                if result.get("failed"):
                    raise RuntimeError(f"risk records: {result['failed']} failed: {result.get('errors', [])[:5]}")
                imported += result["imported"]
                out.write(f"\r  {imported:,}")
                out.flush()
        out.write("\n")
        return {"records": imported}

    def history() -> dict:
        now, sent, imported, later = datetime.now(UTC), 0, 0, 0
        rows = (historical_report(r, now) for r in _jsonl_rows(directory / "reports.jsonl"))
        for batch in _batches(rows, history_batch):
            known = [r for r in batch if r is not None]
            later += len(batch) - len(known)
            if known:
                imported += send(f"{urls['intake']}/api/v1/imports/reports", "operator", json={"reports": known})[
                    "imported"
                ]
                sent += len(known)
            out.write(f"\r  {sent:,}")
            out.flush()
        out.write("\n")
        return {"reports": sent, "imported": imported, "triaged_after_today": later}

    def publish() -> dict:
        officials = manifest["files"]["officials.csv"]["lines"]

        def learnt() -> bool:
            # The import announces its officials 500 to an ``officials.imported`` (risk counts
            # the officials it applied); a single registration as ``official.changed``.
            try:
                imported = metric_total(urls["risk"], "wuying_risk_registry_imported_total")
                return imported + consumed(urls["risk"], "risk", "wuying.archive.official.changed.v1") >= officials
            except requests.RequestException:  # too busy to answer /metrics in time: ask again
                return False

        wait_for("risk to learn every official", learnt, timeout=wait_seconds, interval=2)
        exchange = Exchange("intake.events", type="topic", durable=True)
        sent = 0
        with Connection(amqp_uri) as conn:
            producer = conn.Producer(serializer="json")
            for report in _jsonl_rows(directory / "reports.jsonl"):
                producer.publish(
                    triaged_envelope(report), exchange=exchange, routing_key="petition.triaged", declare=[exchange]
                )
                sent += 1
        return {"reports": sent}

    try:
        step("archive: units", lambda: archive("units", "units.csv", "csv"))
        step("archive: officials", lambda: archive("officials", "officials.csv", "csv"))
        step("archive: family and interests", lambda: archive("matters", "matters.jsonl", "jsonl"))
        step(
            "inspection: units",
            lambda: batched(f"{urls['inspection']}/api/v1/units", "operator", "units", unit_rows(), 5000),
        )
        step(
            "inspection: inspector pool",
            lambda: batched(
                f"{urls['inspection']}/api/v1/inspectors",
                "operator",
                "inspectors",
                _jsonl_rows(directory / "inspectors.jsonl"),
                5000,
            ),
        )
        step("risk: procurement and bidding records", records)
        step(
            "risk: supplier ties",
            lambda: batched(
                f"{urls['risk']}/api/v1/monitoring/ties",
                "risk_officer",
                "ties",
                _jsonl_rows(directory / "ties.jsonl"),
                10_000,
            ),
        )
        if reports:
            step("intake: a year of reports (historical import)", history)
            step("intake.events: a year of triaged reports", publish)
    except requests.ConnectionError as exc:
        raise RuntimeError(f"a service is not running: {exc}") from None
    return steps
