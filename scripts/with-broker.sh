#!/usr/bin/env bash
# Run a command with the local RabbitMQ up; stop the broker afterwards if this run started it.
set -uo pipefail
cd "$(dirname "$0")/.."
started=0
if [ ! -f .run/rabbitmq/started-by-us ]; then
  scripts/broker.sh start || exit 1
  [ -f .run/rabbitmq/started-by-us ] && started=1
fi
"$@"
rc=$?
[ "$started" = 1 ] && scripts/broker.sh stop
exit $rc
