"""Runs this ring in a child pytest when the parent run is eventlet-patched (see conftest.py)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_browser_ring_in_a_process_of_its_own():
    child = subprocess.run(
        [sys.executable, "-m", "pytest", str(HERE), f"--confcutdir={HERE}", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    print(child.stdout[-20000:], child.stderr[-5000:])
    assert child.returncode == 0, "browser tests failed:\n" + child.stdout[-8000:]
