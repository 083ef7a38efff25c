# Shared helpers for scripts/stack: paths, logging, process bookkeeping.
# Every process the stack starts records its pid under $RUN; `down` stops only those.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# config/stack.env holds the defaults; a variable already set in the environment wins.
while IFS='=' read -r key value; do
  case "$key" in '' | \#*) continue ;; esac
  [ -n "${!key+x}" ] || export "$key=$value"
done <"$ROOT/config/stack.env"
STACK_DIR=${STACKHUB_STACK_DIR:-$ROOT/.stack}
LIB=$STACK_DIR/lib
RUN=$STACK_DIR/run
DATA=$STACK_DIR/data
LOGS=$STACK_DIR/logs
KAFKA_PORT=${KAFKA_BROKERS##*:}
CONNECT_PORT=${CONNECT_URL##*:}
REDIS_PORT=${REDIS_URL##*:}

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

require() { # require CMD "what it is for / how to get it"
  command -v "$1" >/dev/null 2>&1 || die "missing prerequisite: '$1' ($2)"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # wait_port PORT NAME SECONDS LOGFILE
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    port_open "$1" && return 0
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

stop_pid() { # stop_pid PIDFILE NAME: TERM, then KILL after 30 s
  local pidfile=$1 pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $2 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

# PostgreSQL refuses to run as root; the stack's own instance runs as the 'postgres' user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
