#!/usr/bin/env bash
# schemathesis in a virtualenv of its own: it needs newer hypothesis and pytest than the
# project pins (constraints.txt), so it cannot live in .venv. Created on first use from PyPI,
# at the pinned version; .run/ is not committed. `scripts/schemathesis.sh run URL ...` is `st`,
# run in the caller's directory (st keeps a cache there, .schemathesis/).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION=4.32.5
VENV="$ROOT/.run/schemathesis-venv"
STAMP="$VENV/.installed-$VERSION"
if [ ! -f "$STAMP" ]; then
  mkdir -p "$ROOT/.run"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$VERSION"
  touch "$STAMP"
fi
exec "$VENV/bin/st" "$@"
