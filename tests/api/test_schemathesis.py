"""Issue 9 item 8: each service's OpenAPI says what the service does, checked by schemathesis
with every check (``--checks all``) against the five services running as real processes on
the real local RabbitMQ, over HTTP.

schemathesis needs newer hypothesis and pytest than the project pins, so it runs from its own
virtualenv (``scripts/schemathesis.sh`` creates ``.run/schemathesis-venv`` on first use, from
PyPI, at a pinned version). Examples are bounded (``--max-examples``) and generation is
deterministic, so a red run is the same on the next try.

Two runs per service:

- staff: a token with every staff role, ``operator`` and ``official``, for the province, on
  every operation (public ones included);
- public: the routes the authorisation matrix declares public, with no token at all.

Every check stays on. ``schemathesis.toml`` (next to this file) only states what the API
answers by design: a body over the route's byte limit is refused with 413, which schemathesis's
``negative_data_rejection`` does not list among rejections; and a schema-valid request that
breaks a rule between its fields JSON Schema cannot state (an end before its start, as many
windows as rounds, dates inside the plan's year, the body's year equal to the path's, a date
after today, a digest or check digit that does not match the content) is answered 422
"Unprocessable Content" (RFC 9110: well-formed, schema-valid, semantically refused) with the
rule's code and the field named (``rules.UnprocessableInput``), which ``positive_data_acceptance``
accepts; such a route documents 422 (``http.SEMANTIC_ERRORS``), else ``status_code_conformance``
fails. A rule JSON Schema can state is in the schema (``OPENAPI_EXTRA``), so a schema-valid
request refused with 400 fails. ``schemathesis_hooks.py`` leaves out
schema-valid cases with a made-up ``cursor``: it is the opaque token a list answered in ``next``,
which only the API can make (a made-up one is refused with 400, still checked by the negative
cases).

Per service the counts are printed (operations, test cases, passed/failed per phase, failures);
the test fails on any failure or error schemathesis reports. There is no baseline of known
failures any more (issue 9 item 8 closed its last 14 entries): every failure is red.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from wuying_common import access
from wuying_common.auth import issue_token
from wuying_testing.platform import ROOT, Platform

SERVICES = ("intake", "risk", "warning", "inspection", "archive")
CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
MAX_EXAMPLES = 20
ROLES = sorted({*access.STAFF, "operator", "official"})
PHASE = re.compile(r"^\s*(?:✅|❌|⏭)?\s*(Examples|Coverage|Fuzzing|Stateful)\b")
COUNTS = re.compile(r"(\d+) (passed|failed|skipped)")


@pytest.fixture(scope="module")
def schemathesis(tmp_path_factory):
    """The ``st`` command (its virtualenv is created on first use)."""
    script = ROOT / "scripts" / "schemathesis.sh"
    version = subprocess.run(
        [str(script), "--version"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        cwd=tmp_path_factory.mktemp("st"),
    )
    assert "4.32.5" in version.stdout
    return str(script)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    running = Platform(logs=tmp_path_factory.mktemp("schemathesis-logs"))
    try:
        yield running.start()
    finally:
        running.stop()


def public_operations(service: str) -> list[str]:
    rules = {**access.MATRIX["*"], **access.MATRIX.get(service, {})}
    return sorted(op for op, rule in rules.items() if rule.public)


def phase_counts(output: str) -> dict[str, dict[str, int]]:
    """``{"Coverage": {"passed": 23, "failed": 1}, ...}`` from st's progress lines."""
    counts: dict[str, dict[str, int]] = {}
    current = None
    for line in output.splitlines():
        match = PHASE.match(line)
        if match:
            current = match.group(1)
            counts.setdefault(current, {})
            continue
        if current and (found := COUNTS.findall(line)):
            for number, kind in found:
                counts[current][kind] = counts[current].get(kind, 0) + int(number)
            current = None
    return counts


def run_st(st: str, url: str, report: Path, workdir: Path, *args: str) -> tuple[dict, str]:
    command = [
        st,
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--seed",
        "2026",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *args,
    ]
    env = dict(os.environ, SCHEMATHESIS_HOOKS=str(HOOKS))
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=workdir, env=env)
    output = done.stdout + done.stderr
    assert report.exists(), output[-5000:]
    return json.loads(report.read_text("utf-8")), output


def summary(name: str, result: dict, output: str) -> str:
    ops, cases = result["operations"], result["test_cases"]
    phases = ", ".join(
        f"{phase.lower()} {c.get('passed', 0)} passed/{c.get('failed', 0)} failed"
        for phase, c in phase_counts(output).items()
        if c
    )
    return (
        f"{name}: {ops['tested']}/{ops['selected']} operations, {cases['generated']} test cases, "
        f"{cases['with_failures']} with failures ({cases['unique_failures']} unique), "
        f"{len(result['errors'])} errors; {phases}"
    )


def test_every_service_behaves_as_its_openapi_says(platform, schemathesis, tmp_path):
    token = issue_token(platform.secret, "schemathesis-staff", ROLES, ["130000"], name="schemathesis")
    started = time.monotonic()

    def check(svc: str) -> list[tuple[str, dict, str]]:
        url = platform.urls[svc]
        staff = run_st(
            schemathesis,
            url,
            tmp_path / f"{svc}-staff.json",
            tmp_path,
            "--header",
            f"Authorization: Bearer {token}",
        )
        public_ops = [arg for op in public_operations(svc) for arg in ("--include-operation-id", op)]
        public = run_st(schemathesis, url, tmp_path / f"{svc}-public.json", tmp_path, *public_ops)
        return [(f"{svc} staff", *staff), (f"{svc} public", *public)]

    # Two services at a time: each run waits on its service as much as it computes.
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [run for runs in pool.map(check, SERVICES) for run in runs]
    lines, problems = [], []
    for name, result, output in runs:
        lines.append(summary(name, result, output))
        if result["operations"]["tested"] == 0:
            problems.append(f"{name}: no operation was tested")
        if result["errors"] or result["exit_code"] != 0 or result["test_cases"]["with_failures"]:
            problems.append(f"{name}:\n{output[-12000:]}")
    print(f"\nschemathesis {MAX_EXAMPLES} examples per operation, {time.monotonic() - started:.0f} s:")
    print("\n".join(lines))
    assert not problems, "\n\n".join(problems)
