#!/usr/bin/env bash
# RabbitMQ from Debian's packages, on 127.0.0.1 only, with the management plugin
# (nameko's test plugin creates a vhost per test through it).
#   broker.sh start   install if missing, start unless a broker already answers on 5672
#   broker.sh stop    stop the broker this project started (by its pid), nothing else
#   broker.sh pause|resume   stop/start the broker app in our node (fault tests, drills)
#   broker.sh status
set -euo pipefail
cd "$(dirname "$0")/.."
RUN="$PWD/.run/rabbitmq"
AMQP_PORT="${WUYING_AMQP_PORT:-5672}"
MGMT_PORT="${WUYING_MGMT_PORT:-15672}"

export HOME="${HOME:-/root}"
export RABBITMQ_NODENAME="wuying@localhost"
export RABBITMQ_MNESIA_BASE="$RUN/mnesia"
export RABBITMQ_LOG_BASE="$RUN/log"
export RABBITMQ_CONFIG_FILE="$RUN/rabbitmq"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RUN/enabled_plugins"
export RABBITMQ_PID_FILE="$RUN/pid"
export ERL_CRASH_DUMP="$RUN/erl_crash.dump"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=$((AMQP_PORT + 20000))
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
RMQ_BIN=/usr/lib/rabbitmq/bin

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

broker_works() {
  local python="$PWD/.venv/bin/python"
  [ -x "$python" ] || { echo "rabbitmq: cannot check the broker on $AMQP_PORT without .venv (make install)"; return 1; }
  "$python" scripts/preflight.py broker --amqp-uri "${AMQP_URI:-amqp://guest:guest@127.0.0.1:$AMQP_PORT/}" \
    --management-port "$MGMT_PORT"
}

install() {
  if [ -x "$RMQ_BIN/rabbitmq-server" ]; then return; fi
  echo "installing rabbitmq-server from the OS packages..."
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # policy-rc.d keeps the package from starting the system-wide broker: we run our own.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq rabbitmq-server >/dev/null
  # Debian's post-install may start the system service anyway; stop it so ours owns the port.
  $sudo systemctl stop rabbitmq-server 2>/dev/null || $sudo service rabbitmq-server stop 2>/dev/null || true
}

start() {
  install
  mkdir -p "$RUN"
  # Two commands starting the broker at once must not race for its ports.
  exec 9>"$RUN/start.lock"
  flock -w 180 9 || { echo "rabbitmq: another start holds $RUN/start.lock"; exit 1; }
  if port_open "$AMQP_PORT"; then
    # Answering is not working (a broker whose data directory vanished still accepts
    # connections): management API, login, and a publish/consume round trip, or refuse.
    if ! broker_works; then
      echo "rabbitmq: a broker answers on 127.0.0.1:$AMQP_PORT but does not work (above); refusing to use it."
      if [ -f "$RUN/pid" ] && kill -0 "$(cat "$RUN/pid")" 2>/dev/null; then
        echo "rabbitmq: it is ours (pid $(cat "$RUN/pid")): scripts/broker.sh stop, then start again."
      else
        echo "rabbitmq: it is not ours: stop it, or run ours elsewhere (WUYING_AMQP_PORT, WUYING_MGMT_PORT)."
      fi
      exit 1
    fi
    if [ -f "$RUN/pid" ] && kill -0 "$(cat "$RUN/pid")" 2>/dev/null; then
      echo "rabbitmq: already running (ours, pid $(cat "$RUN/pid"))"
    else
      echo "rabbitmq: a broker already answers on 127.0.0.1:$AMQP_PORT; using it (not ours: we will not stop it)"
    fi
    return
  fi
  mkdir -p "$RUN"
  cat > "$RUN/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
loopback_users = none
log.console = false
CONF
  echo '[rabbitmq_management].' > "$RUN/enabled_plugins"
  rm -f "$RUN/pid"
  # 9>&-: the daemon must not inherit (and hold forever) the start lock.
  "$RMQ_BIN/rabbitmq-server" -detached 9>&-
  "$RMQ_BIN/rabbitmqctl" wait "$RUN/pid" --timeout 120 >/dev/null 9>&-
  for _ in $(seq 1 60); do port_open "$MGMT_PORT" && break; sleep 0.5; done
  touch "$RUN/started-by-us"
  echo "rabbitmq: started on 127.0.0.1:$AMQP_PORT (management 127.0.0.1:$MGMT_PORT), pid $(cat "$RUN/pid")"
}

stop() {
  if [ -f "$RUN/started-by-us" ] && [ -f "$RUN/pid" ]; then
    local pid; pid="$(cat "$RUN/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      "$RMQ_BIN/rabbitmqctl" stop "$RUN/pid" >/dev/null 2>&1 || kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      echo "rabbitmq: stopped (pid $pid)"
    fi
    # epmd was started by our node; stop it only if no other node still uses it.
    if command -v epmd >/dev/null && ! epmd -names 2>/dev/null | grep -q "^name "; then epmd -kill >/dev/null 2>&1 || true; fi
    rm -f "$RUN/started-by-us" "$RUN/pid"
  fi
}

# pause/resume: stop and start the broker application inside our node (every connection
# drops, durable queues and their messages stay). For fault tests and drills.
pause() {
  [ -f "$RUN/started-by-us" ] || { echo "rabbitmq: not ours; refusing to pause it"; exit 2; }
  "$RMQ_BIN/rabbitmqctl" stop_app >/dev/null && echo "rabbitmq: paused"
}

resume() {
  [ -f "$RUN/started-by-us" ] || { echo "rabbitmq: not ours; refusing to resume it"; exit 2; }
  "$RMQ_BIN/rabbitmqctl" start_app >/dev/null
  "$RMQ_BIN/rabbitmqctl" await_startup >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do port_open "$MGMT_PORT" && break; sleep 0.5; done
  echo "rabbitmq: resumed"
}

status() {
  if port_open "$AMQP_PORT"; then echo "rabbitmq: up on 127.0.0.1:$AMQP_PORT"; else echo "rabbitmq: down"; fi
}

"${1:-status}"
