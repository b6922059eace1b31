#!/usr/bin/env bash
# make up: broker, local secrets, the five services as real processes, the demo province and
# the demo scenario. `up.sh status` prints what runs. make down stops exactly what this started.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.run
BIN=.venv/bin
declare -A PORTS=([intake]=8001 [risk]=8002 [warning]=8003 [inspection]=8004 [archive]=8005 [partners]=8006 \
                  [gateway-console]=8000 [gateway-portal]=8080)
declare -A CLASSES=([intake]=IntakeService [risk]=RiskService [warning]=WarningService [inspection]=InspectionService [archive]=ArchiveService [partners]=PartnersService)
SERVICES=(archive risk warning inspection intake partners)

# curl may be missing on a fresh machine; the venv's Python is always there.
http_get() { "$BIN/python" - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())
except urllib.error.HTTPError as e:
    print(e.read().decode()); sys.exit(1)
except Exception as e:
    print('{"status": "no answer"}'); sys.exit(1)
PY
}

alive() { [ -f "$RUN/pids/$1.pid" ] && kill -0 "$(cat "$RUN/pids/$1.pid")" 2>/dev/null; }

status() {
  scripts/broker.sh status
  for svc in "${SERVICES[@]}" gateway-console gateway-portal; do
    port="${PORTS[$svc]}"
    if alive "$svc"; then
      health=$(http_get "http://127.0.0.1:$port/health" || true)
      echo "$svc: pid $(cat "$RUN/pids/$svc.pid"), http://127.0.0.1:$port  $health"
    else
      echo "$svc: not running"
    fi
  done
}

if [ "${1:-}" = status ]; then status; exit 0; fi

mkdir -p "$RUN/pids" "$RUN/logs"
# Refuse to share a port with another copy: eventlet listens with SO_REUSEPORT, so a second
# clone's services would bind 8001-8005 silently and split requests between two stores.
# Ports held by this clone's own pids are fine; 8000/8080 are the front ends'.
free_needed=()
for svc in "${SERVICES[@]}"; do alive "$svc" || free_needed+=("${PORTS[$svc]}"); done
"$BIN/python" scripts/preflight.py ports --run-dir "$RUN" "${free_needed[@]}" ${WUYING_FRONTEND_PORTS:-8000 8080} || exit 1
scripts/broker.sh start

if [ ! -f "$RUN/secrets.env" ]; then
  umask 077
  {
    echo "WUYING_JWT_SECRET=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(48))')"
    echo "WUYING_INTAKE_KEYS=local1:$($BIN/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
    echo "WUYING_INTAKE_ACK_KEY=$($BIN/python -c 'import secrets; print(secrets.token_hex(32))')"
  } > "$RUN/secrets.env"
  echo "secrets: generated $RUN/secrets.env (local only, never committed)"
fi
# Secrets added after a clone's first `make up` (older .run/secrets.env files lack them).
grep -q '^WUYING_INTAKE_ACK_KEY=' "$RUN/secrets.env" ||
  echo "WUYING_INTAKE_ACK_KEY=$($BIN/python -c 'import secrets; print(secrets.token_hex(32))')" >> "$RUN/secrets.env"
grep -q '^WUYING_INTAKE_RECEIPT_KEYS=' "$RUN/secrets.env" ||
  echo "WUYING_INTAKE_RECEIPT_KEYS=r1:$($BIN/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" >> "$RUN/secrets.env"
grep -q '^ARCHIVE_CHECKPOINT_KEY=' "$RUN/secrets.env" ||
  echo "ARCHIVE_CHECKPOINT_KEY=$($BIN/python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" >> "$RUN/secrets.env"
set -a; . "$RUN/secrets.env"; set +a

# Broker access (issue 9): one least-privilege user per service on the internal vhost, the
# partner vhost wuying-partners with its exchange, the republisher's user and the demo agency.
# Idempotent; passwords are kept in $RUN/partners.env. The services below connect as their users.
"$BIN/python" scripts/partners.py --credentials "$RUN/partners.env" setup --demo > "$RUN/partners.txt"
amqp_uri_of() { grep "^$1=" "$RUN/partners.env" | cut -d= -f2-; }

# Behind the portal's gateway every reporter arrives from 127.0.0.1: intake rate-limits by the
# gateway's daily-keyed hash of the client address instead (never the address itself).
export INTAKE_CLIENT_ADDRESS_HEADER=X-Wuying-Client
for svc in "${SERVICES[@]}"; do
  if alive "$svc"; then echo "$svc: already running"; continue; fi
  var="$(echo "$svc" | tr a-z A-Z)_HTTP_ADDRESS"
  export "$var=127.0.0.1:${PORTS[$svc]}"
  AMQP_URI="$(amqp_uri_of "$(echo "$svc" | tr a-z A-Z)_AMQP_URI")" \
  PARTNER_AMQP_URI="$(amqp_uri_of PARTNERS_PARTNER_AMQP_URI)" \
  nohup "$BIN/nameko" run --config "services/$svc/config.yml" "wuying_$svc.service:${CLASSES[$svc]}" \
    > "$RUN/logs/$svc.log" 2>&1 &
  echo $! > "$RUN/pids/$svc.pid"
done

for svc in "${SERVICES[@]}"; do
  port="${PORTS[$svc]}"
  for i in $(seq 1 120); do
    if http_get "http://127.0.0.1:$port/health" >/dev/null; then break; fi
    if ! alive "$svc"; then echo "$svc failed to start; see $RUN/logs/$svc.log:"; tail -20 "$RUN/logs/$svc.log"; exit 1; fi
    sleep 0.5
    [ "$i" = 120 ] && { echo "$svc did not become healthy; see $RUN/logs/$svc.log"; exit 1; }
  done
done
echo "all five services and the partners republisher are healthy"

# The front ends (make up builds them first): one origin each, routing /api/<service>/ to the
# services. The console's development sign-in is enabled here, and only here.
for app in console portal; do
  svc="gateway-$app"
  if alive "$svc"; then echo "$svc: already running"; continue; fi
  dev=""; [ "$app" = console ] && dev=1
  WUYING_DEV_SIGNIN=$dev nohup "$BIN/wuying-gateway" "$app" --listen "127.0.0.1:${PORTS[$svc]}" \
    > "$RUN/logs/$svc.log" 2>&1 &
  echo $! > "$RUN/pids/$svc.pid"
done
for svc in gateway-console gateway-portal; do
  for i in $(seq 1 60); do
    http_get "http://127.0.0.1:${PORTS[$svc]}/health" >/dev/null && break
    alive "$svc" || { echo "$svc failed to start; see $RUN/logs/$svc.log"; tail -20 "$RUN/logs/$svc.log"; exit 1; }
    sleep 0.5
  done
done

"$BIN/wuying" demo load
echo
echo "演示场景 (demo scenario):"
"$BIN/wuying" demo scenario
echo
status
echo
cat "$RUN/partners.txt"
cat <<MSG

Where to look:
  控制台 console  http://127.0.0.1:8000   (开发登录: choose a role and a county)
  门户 portal     http://127.0.0.1:8080   (the public: report, follow up, the library)
  APIs        http://127.0.0.1:8001..8005/api/v1/…   (OpenAPI at /openapi.json on each)
  partners    http://127.0.0.1:8006/health, /metrics (republisher); guide: docs/partners.md
  metrics     http://127.0.0.1:800N/metrics
  RabbitMQ    http://127.0.0.1:15672  (guest/guest, local only)
  logs        $RUN/logs/<service>.log (JSON lines)
  a token     make token ROLE=warning_officer COUNTY=130402
  store       embedded in-memory (MONGODB_URI unset): data is gone after make down
Stop everything with: make down
MSG
