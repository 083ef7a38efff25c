# Shared helpers for scripts/stack: paths, cluster size, logging, process bookkeeping.
# Every process the stack starts records its pid under $RUN; `down` stops only those.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_ENV=$ROOT/config/stack.env
# config/stack.env holds the defaults; a variable already set in the environment wins.
while IFS='=' read -r key value; do
  case "$key" in '' | \#*) continue ;; esac
  [ -n "${!key+x}" ] || export "$key=$value"
done <"$STACK_ENV"
# The local stack is a development machine: what it runs takes the repo's development values.
export STOCKHUB_ENV=${STOCKHUB_ENV:-development}
STACK_DIR=${STACKHUB_STACK_DIR:-$ROOT/.stack}
# Absolute: `down` finds leftovers by this path on their command lines.
case "$STACK_DIR" in /*) ;; *) STACK_DIR=$PWD/$STACK_DIR ;; esac
STACK_DIR=${STACK_DIR%/}
LIB=$STACK_DIR/lib
RUN=$STACK_DIR/run
DATA=$STACK_DIR/data
LOGS=$STACK_DIR/logs

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# --- Cluster size ---------------------------------------------------------------------------
# STACK_KAFKA_NODES KRaft nodes (each broker + controller) and STACK_CONNECT_WORKERS Connect
# workers in one group. 1 and 1 is the laptop stack; 3 nodes default to 2 workers.
[[ "$STACK_KAFKA_NODES" =~ ^[1-5]$ ]] || die "STACK_KAFKA_NODES must be 1 to 5 (got '$STACK_KAFKA_NODES')"
if [ -z "${STACK_CONNECT_WORKERS:-}" ]; then
  STACK_CONNECT_WORKERS=1
  [ "$STACK_KAFKA_NODES" -ge 3 ] && STACK_CONNECT_WORKERS=2
fi
[[ "$STACK_CONNECT_WORKERS" =~ ^[1-5]$ ]] || die "STACK_CONNECT_WORKERS must be 1 to 5 (got '$STACK_CONNECT_WORKERS')"
# Node 1 and worker 1 take the address given (KAFKA_BROKERS, KAFKA_CONTROLLER_PORT, CONNECT_URL);
# node i listens 100*(i-1) ports higher, worker j one port higher per worker. A list in
# KAFKA_BROKERS (a sourced cluster.env) counts from its first entry.
KAFKA_PORT=${KAFKA_BROKERS%%,*}
KAFKA_PORT=${KAFKA_PORT##*:}
CONNECT_PORT=${CONNECT_URL##*:}
CONNECT_PORT=${CONNECT_PORT%%/*}
CONNECT_URL=http://127.0.0.1:$CONNECT_PORT
kafka_name() { if [ "$1" = 1 ]; then echo kafka; else echo "kafka-$1"; fi; }
kafka_pidfile() { echo "$RUN/$(kafka_name "$1").pid"; }
kafka_client_port() { echo $((KAFKA_PORT + 100 * ($1 - 1))); }
kafka_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 100 * ($1 - 1))); }
connect_name() { if [ "$1" = 1 ]; then echo connect; else echo "connect-$1"; fi; }
connect_pidfile() { echo "$RUN/$(connect_name "$1").pid"; }
connect_port() { echo $((CONNECT_PORT + $1 - 1)); }
connect_url() { echo "http://127.0.0.1:$(connect_port "$1")"; }
# Worker j's Prometheus JMX exporter (config/jmx/connect.yml): Debezium's capture metrics.
connect_metrics_port() { echo $((CONNECT_METRICS_PORT + $1 - 1)); }
connect_metrics_url() { echo "http://127.0.0.1:$(connect_metrics_port "$1")/metrics"; }
joined() { local IFS=,; echo "$*"; }
KAFKA_NODE_LIST=$(seq 1 "$STACK_KAFKA_NODES")
CONNECT_WORKER_LIST=$(seq 1 "$STACK_CONNECT_WORKERS")
addresses=() voters=() urls=() metrics=()
for i in $KAFKA_NODE_LIST; do
  addresses+=("127.0.0.1:$(kafka_client_port "$i")")
  voters+=("$i@127.0.0.1:$(kafka_controller_port "$i")")
done
for j in $CONNECT_WORKER_LIST; do urls+=("$(connect_url "$j")") metrics+=("$(connect_metrics_url "$j")"); done
# Exported: the services, scripts/create-topics.ts and the Connect workers (through
# ${env:KAFKA_BROKERS} and ${env:KAFKA_REPLICATION_FACTOR} in connectors/*.json) read them.
export KAFKA_BROKERS KAFKA_VOTERS CONNECT_URL CONNECT_URLS CONNECT_METRICS_URLS STACK_KAFKA_NODES STACK_CONNECT_WORKERS
KAFKA_BROKERS=$(joined "${addresses[@]}")
KAFKA_VOTERS=$(joined "${voters[@]}")
CONNECT_URLS=$(joined "${urls[@]}")
CONNECT_METRICS_URLS=$(joined "${metrics[@]}")
unset addresses voters urls metrics i j
# Replication factor min(3, N); with 3 copies a write needs 2 in sync (acks=all), so one node
# may die without a write being lost or refused.
export KAFKA_REPLICATION_FACTOR=$((STACK_KAFKA_NODES < 3 ? STACK_KAFKA_NODES : 3))
export KAFKA_MIN_INSYNC_REPLICAS=$((KAFKA_REPLICATION_FACTOR >= 3 ? 2 : 1))

# redis://[user@]host:port[/db]: the port, without the database index.
REDIS_PORT=${REDIS_URL#*://}
REDIS_PORT=${REDIS_PORT#*@}
REDIS_PORT=${REDIS_PORT%%/*}
REDIS_PORT=${REDIS_PORT##*:}

stack_default() { sed -n "s/^$1=//p" "$STACK_ENV" | tail -1; }

# A second stack (its own STACKHUB_STACK_DIR) must not share anything the main one writes: its
# ports, its hub database (a new ERP stand-in drops the hub database) or its Redis database (and
# flushes the cache), both on the machine's servers.
guard_second_stack() {
  [ "$STACK_DIR" != "$ROOT/.stack" ] || return 0
  local main=() mine=() port i j
  main=("${KAFKA_BROKERS_MAIN##*:}" "$(stack_default KAFKA_CONTROLLER_PORT)" "${CONNECT_URL_MAIN##*:}"
    "$(stack_default CONNECT_METRICS_PORT)" "$(stack_default ERP_PG_PORT)" "$(stack_default WMS_DB_PORT)")
  for i in $KAFKA_NODE_LIST; do mine+=("$(kafka_client_port "$i")" "$(kafka_controller_port "$i")"); done
  for j in $CONNECT_WORKER_LIST; do mine+=("$(connect_port "$j")" "$(connect_metrics_port "$j")"); done
  mine+=("$ERP_PG_PORT" "$WMS_DB_PORT")
  for port in "${mine[@]}"; do
    [[ " ${main[*]} " != *" $port "* ]] || die "port $port is the main stack's; a stack in $STACK_DIR needs ports of its own (KAFKA_BROKERS, KAFKA_CONTROLLER_PORT, CONNECT_URL, CONNECT_METRICS_PORT, ERP_PG_PORT, WMS_DB_PORT)"
  done
  [ "$HUB_PG_URL" != "$(stack_default HUB_PG_URL)" ] ||
    die "HUB_PG_URL is the main stack's hub database; a stack in $STACK_DIR needs its own (e.g. .../stockhub_ha)"
  [ "${REDIS_URL%/}" != "$(stack_default REDIS_URL)" ] && [ "${REDIS_URL%/0}" != "$(stack_default REDIS_URL)" ] ||
    die "REDIS_URL is the main stack's Redis database, which a new ERP stand-in flushes; a stack in $STACK_DIR needs its own (e.g. redis://127.0.0.1:$REDIS_PORT/7)"
}
KAFKA_BROKERS_MAIN=$(stack_default KAFKA_BROKERS)
CONNECT_URL_MAIN=$(stack_default CONNECT_URL)

stack_ports() { # every port this stack's own processes listen on
  local i j
  for i in $KAFKA_NODE_LIST; do echo "$(kafka_client_port "$i") $(kafka_controller_port "$i")"; done
  for j in $CONNECT_WORKER_LIST; do echo "$(connect_port "$j") $(connect_metrics_port "$j")"; done
  echo "$ERP_PG_PORT $WMS_DB_PORT $REDIS_PORT"
}

require() { # require CMD "what it is for / how to get it"
  command -v "$1" >/dev/null 2>&1 || die "missing prerequisite: '$1' ($2)"
}

# Something listens on 127.0.0.1:PORT. Asked of the kernel's socket table, not by connecting: most
# of the stack's ports lie in the ephemeral range (32768-60999), where a connect to a port nobody
# listens on can pick that same port as its own source and "succeed" (a TCP self-connect), which
# also makes the server starting there fail with "Address already in use".
port_open() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Keeps the kernel from handing PORT... to outgoing connections as their source port, so that no
# client's socket holds a stack port while its server is down (a fault, a restart). Needs root;
# without it the stack runs as before, and says so.
reserve_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current wanted port
  current=$(cat "$file" 2>/dev/null) || return 0
  wanted=$current
  for port in "$@"; do
    [[ ",$wanted," == *",$port,"* ]] || wanted=${wanted:+$wanted,}$port
  done
  [ "$wanted" = "$current" ] && return 0
  if ! { echo "$wanted" >"$file"; } 2>/dev/null; then
    log "cannot reserve ports $* (no write access to $file): a client's source port may take one of them"
  fi
}

wait_port() { # wait_port PORT NAME SECONDS LOGFILE [PIDFILE]: dies early when PIDFILE's process exits
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    port_open "$1" && return 0
    [ -z "${5:-}" ] || pid_alive "$5" || die "$2 exited before opening port $1; see $4"
    sleep 0.5
  done
  die "$2 did not open port $1 within $3 s; see $4"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Runs a command detached in its own session, its output in LOG, its pid in PIDFILE.
spawn() { # spawn PIDFILE LOG CMD...
  local pidfile=$1 logfile=$2
  shift 2
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# TERM to every process at once (a cluster's members would otherwise hand work to each other
# one by one on the way down), then KILL whatever is left after 30 s.
stop_pids() { # stop_pids NAME PIDFILE...
  local name=$1 pidfile pid i left
  shift
  local pids=() which=
  for pidfile in "$@"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    [ $# = 1 ] || which=" $(basename "$pidfile" .pid)"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping $name$which (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for ((i = 0; i < 60; i++)); do
    left=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
    [ ${#left[@]} -gt 0 ] || break
    sleep 0.5
  done
  for pid in "${left[@]}"; do
    log "$name pid $pid still running after 30 s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$@"
}

stop_pid() { stop_pids "$2" "$1"; } # stop_pid PIDFILE NAME

# PostgreSQL refuses to run as root; the stack's own instance runs as the 'postgres' user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
