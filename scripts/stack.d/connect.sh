# Kafka Connect: STACK_CONNECT_WORKERS distributed workers in one group (stockhub-connect) with
# the Debezium plugins, and the connectors they run. When a worker dies the group gives its
# connectors and tasks to the others. Worker 1 keeps the single-worker names (run/connect.pid,
# run/connect.properties, logs/connect.log) and listens on CONNECT_URL; worker j > 1 is
# connect-j on CONNECT_URL's port + j - 1.

CONNECT_PID=$RUN/connect.pid
# The connectors the stack registers; production/ (the Oracle one) is only validated.
CONNECTOR_FILES=("$ROOT"/connectors/*.json)
if [ "$STACK_CONNECT_WORKERS" = 1 ]; then
  STACK_CONNECT_HEAP=${STACK_CONNECT_HEAP:--Xms512m -Xmx1g}
else
  STACK_CONNECT_HEAP=${STACK_CONNECT_HEAP:--Xms256m -Xmx768m}
fi

connect_config() { # connect_config WORKER: writes run/<name>.properties
  local port
  port=$(connect_port "$1")
  connect_config_body "$port" >"$RUN/$(connect_name "$1").properties"
  [ "$STACK_CONNECT_WORKERS" = 1 ] || connect_config_group >>"$RUN/$(connect_name "$1").properties"
}

# Only with several workers, so that a single worker runs exactly as before.
connect_config_group() {
  cat <<CONF
# The group notices a dead worker after session.timeout.ms (default 10 s) and gives its
# connectors and tasks to the others at once; 6 s keeps the takeover near 10 s with the tasks'
# own start (a GC pause of a 768 MB heap is far shorter).
session.timeout.ms=6000
heartbeat.interval.ms=2000
# A worker that died is back sooner: the reflective plugin scan takes about a minute on two
# busy cores, and every plugin on the path has ServiceLoader manifests (Connect says so in its log).
plugin.discovery=service_load
CONF
}

connect_config_body() { # connect_config_body PORT
  local port=$1
  cat <<CONF
bootstrap.servers=$KAFKA_BROKERS
group.id=stockhub-connect
listeners=http://127.0.0.1:$port
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
plugin.path=$LIB/plugins
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=_connect.configs
offset.storage.topic=_connect.offsets
status.storage.topic=_connect.status
# min(3, N) copies, like every topic of the stack (common.sh).
config.storage.replication.factor=$KAFKA_REPLICATION_FACTOR
offset.storage.replication.factor=$KAFKA_REPLICATION_FACTOR
status.storage.replication.factor=$KAFKA_REPLICATION_FACTOR
offset.storage.partitions=6
# What Connect's source producers do by default, written out: every captured change is
# acknowledged by all in-sync replicas and a retried send is not written twice.
producer.acks=all
producer.enable.idempotence=true
# A short flush keeps the replay window after a worker crash small; the sinks dedupe the rest.
offset.flush.interval.ms=1000
# After a broker outage the worker rejoins its group as a new member, and the leader holds the
# departed member's connectors for this long before it assigns them again (default 5 min: the
# connectors stay UNASSIGNED and capture stops). A worker that died comes back within seconds
# under the stack or a supervisor, so waiting longer than that only delays capture.
scheduled.rebalance.max.delay.ms=10000
# Connector configs name secrets and endpoints as \${env:NAME}, resolved in the worker.
config.providers=env
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
CONF
}

connect_answers() { curl -fsS -m 5 "$1/connectors" >/dev/null 2>&1; } # connect_answers URL

connect_up() {
  local j name started=() i
  for j in $CONNECT_WORKER_LIST; do
    name=$(connect_name "$j")
    if pid_alive "$(connect_pidfile "$j")"; then
      log "connect: $([ "$j" = 1 ] || echo "worker $j ")already running on $(connect_url "$j")"
      continue
    fi
    port_open "$(connect_port "$j")" && die "port $(connect_port "$j") is taken by another process; set CONNECT_URL"
    port_open "$(connect_metrics_port "$j")" && die "port $(connect_metrics_port "$j") is taken by another process; set CONNECT_METRICS_PORT"
    connect_config "$j"
    [ "$STACK_CONNECT_WORKERS" = 1 ] || log "connect: starting worker $j on $(connect_url "$j")"
    # shellcheck disable=SC2086 # the heap flags are several words
    # The JMX exporter agent serves Debezium's and Connect's metrics on the worker's metrics port.
    spawn "$(connect_pidfile "$j")" "$LOGS/$name.log" java $STACK_CONNECT_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
      -javaagent:"$LIB/agents/jmx_prometheus_javaagent.jar=127.0.0.1:$(connect_metrics_port "$j"):$ROOT/config/jmx/connect.yml" \
      -Dlog4j2.configurationFile="$ROOT/config/stack/log4j2-connect.properties" \
      -cp "$LIB/connect/*" org.apache.kafka.connect.cli.ConnectDistributed "$RUN/$name.properties"
    started+=("$j")
  done
  for j in $CONNECT_WORKER_LIST; do
    name=$(connect_name "$j")
    for ((i = 0; i < 240; i++)); do
      connect_answers "$(connect_url "$j")" && break
      pid_alive "$(connect_pidfile "$j")" || die "Kafka Connect worker $name exited; see $LOGS/$name.log"
      sleep 0.5
    done
    connect_answers "$(connect_url "$j")" ||
      die "Kafka Connect did not answer on $(connect_url "$j") within 120 s; see $LOGS/$name.log"
  done
}

# Registers each connector, or updates one whose config changed. An unchanged one is left alone:
# Connect restarts a connector on every PUT of its config, even the same one, and `up` bringing
# back a broker or a worker of a running stack must not restart capture.
connectors_register() {
  local file name normal='del(.name) | map_values(tostring)' stored
  for file in "${CONNECTOR_FILES[@]}"; do
    name=$(jq -r .name "$file")
    stored=$(curl -fsS -m 5 "$CONNECT_URL/connectors/$name/config" 2>/dev/null | jq -S "$normal" 2>/dev/null) || stored=''
    if [ -n "$stored" ] && [ "$stored" = "$(jq -S ".config | $normal" "$file")" ]; then
      case "$(connector_state "$name")" in
        *FAILED*)
          # What a PUT of the same config did not do either: restart what failed, and only that.
          log "connector $name: registered, config unchanged, FAILED parts restarted"
          curl -fsS -m 10 -X POST "$CONNECT_URL/connectors/$name/restart?includeTasks=true&onlyFailed=true" >/dev/null ||
            die "restarting the failed parts of connector $name failed; see $LOGS/connect.log" ;;
        *) log "connector $name: registered, config unchanged" ;;
      esac
      continue
    fi
    jq .config "$file" | curl -fsS -X PUT -H 'Content-Type: application/json' --data-binary @- \
      "$CONNECT_URL/connectors/$name/config" >/dev/null ||
      die "registering connector $name from $file failed; see $LOGS/connect.log"
  done
}

# "CONNECTOR_STATE TASK_STATE", NOT REGISTERED, or UNREACHABLE while Connect does not answer (a
# rebalance, a worker starting): callers poll, so this never fails (set -e would end them silently).
connector_state() { # connector_state NAME
  local body code
  body=$(curl -sS -m 5 -w '\n%{http_code}' "$CONNECT_URL/connectors/$1/status" 2>/dev/null) || { echo UNREACHABLE; return 0; }
  code=${body##*$'\n'} body=${body%$'\n'*}
  case "$code" in
    200) jq -r '"\(.connector.state) \(.tasks[0].state // "NONE")"' <<<"$body" 2>/dev/null || echo UNREADABLE ;;
    404) echo "NOT REGISTERED" ;;
    *) echo "HTTP $code" ;;
  esac
}

# Where a connector and its task run: "connector@worker task@worker".
connector_placement() { # connector_placement NAME
  curl -fsS -m 5 "$CONNECT_URL/connectors/$1/status" 2>/dev/null |
    jq -r '"connector@\(.connector.worker_id) task@\(.tasks[0].worker_id // "none")"' 2>/dev/null || echo "placement unknown"
}

connectors_wait_running() {
  local file name state i
  for file in "${CONNECTOR_FILES[@]}"; do
    name=$(jq -r .name "$file")
    for ((i = 0; i < 120; i++)); do
      state=$(connector_state "$name")
      [ "$state" = "RUNNING RUNNING" ] && break
      case "$state" in *FAILED*)
        curl -fsS "$CONNECT_URL/connectors/$name/status" | jq -r '.tasks[0].trace // .connector.trace' | head -20 >&2 || true
        die "connector $name FAILED; see $LOGS/connect.log" ;;
      esac
      sleep 0.5
    done
    [ "$state" = "RUNNING RUNNING" ] || die "connector $name is '$state' after 60 s; see $LOGS/connect.log"
    log "connector $name RUNNING"
  done
}

# The initial snapshot (1 M balance rows on a cold start) must finish before streaming starts:
# until then a committed offset carries a `snapshot` marker. Heartbeats (10 s) move the offset on
# once streaming runs, so a cleared marker means the connector is live.
connectors_wait_snapshots() {
  local file name offset i
  for file in "${CONNECTOR_FILES[@]}"; do
    name=$(jq -r .name "$file")
    for ((i = 0; i < 600; i++)); do
      # A failed request (Connect rebalancing) is polled again, not fatal.
      offset=$(curl -fsS -m 10 "$CONNECT_URL/connectors/$name/offsets" 2>/dev/null | jq -c '.offsets[0].offset // empty' 2>/dev/null) || offset=
      if [ -n "$offset" ] && [ "$(jq -r '.snapshot // false' <<<"$offset")" = false ]; then
        break
      fi
      ((i % 20 == 0)) && log "connector $name: initial snapshot in progress (offset ${offset:-none yet})"
      sleep 1
    done
    [ $i -lt 600 ] || die "connector $name did not finish its snapshot within 600 s; see $LOGS/connect.log"
    log "connector $name streaming (offset $offset)"
  done
}

connect_pidfiles() { local j; for j in $CONNECT_WORKER_LIST; do connect_pidfile "$j"; done; }

# Workers first and all at once (one by one, each would hand its tasks to the next on the way
# down); leftover pid files of a larger group are stopped too.
connect_down() {
  local files
  mapfile -t files < <({ connect_pidfiles; ls "$RUN"/connect-[0-9]*.pid 2>/dev/null; } | sort -u)
  stop_pids "Kafka Connect" "${files[@]}"
}

connect_status() {
  local j name url label file extra= up=
  for j in $CONNECT_WORKER_LIST; do
    name=$(connect_name "$j") url=$(connect_url "$j") label=kafka-connect
    if [ "$STACK_CONNECT_WORKERS" != 1 ]; then
      label="connect worker $j"
      extra="  pid=$(cat "$(connect_pidfile "$j")" 2>/dev/null || echo none)"
    fi
    if pid_alive "$(connect_pidfile "$j")" && connect_answers "$url"; then
      printf '%-14s RUNNING  %s%s  metrics=%s  plugins=%s  log=%s\n' "$label" "$url" "$extra" "$(connect_metrics_url "$j")" "$LIB/plugins" "$LOGS/$name.log"
      up=$url
    else
      printf '%-14s STOPPED\n' "$label"
    fi
  done
  [ -n "$up" ] || return 0
  for file in "${CONNECTOR_FILES[@]}"; do
    name=$(jq -r .name "$file")
    if [ "$STACK_CONNECT_WORKERS" = 1 ]; then
      printf '  connector %-22s %s\n' "$name" "$(CONNECT_URL=$up connector_state "$name")"
    else
      printf '  connector %-22s %s  %s\n' "$name" "$(CONNECT_URL=$up connector_state "$name")" "$(CONNECT_URL=$up connector_placement "$name")"
    fi
  done
}
