#!/usr/bin/env bash
# Stop exactly what `make up` started: the services by their pid files, then the broker if ours.
set -uo pipefail
cd "$(dirname "$0")/.."
for pidfile in .run/pids/*.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  svc="$(basename "$pidfile" .pid)"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "$svc: stopped (pid $pid)"
  fi
  rm -f "$pidfile"
done
scripts/broker.sh stop
