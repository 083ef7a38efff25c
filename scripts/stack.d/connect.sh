# Kafka Connect distributed worker with the Debezium plugins, and the connectors it runs.

CONNECT_PID=$RUN/connect.pid
CONNECT_CONF=$RUN/connect.properties
# The connectors the stack registers; production/ (the Oracle one) is only validated.
CONNECTOR_FILES=("$ROOT"/connectors/*.json)

connect_config() {
  cat >"$CONNECT_CONF" <<CONF
bootstrap.servers=$KAFKA_BROKERS
group.id=stockhub-connect
listeners=http://127.0.0.1:$CONNECT_PORT
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$CONNECT_PORT
plugin.path=$LIB/plugins
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=_connect.configs
offset.storage.topic=_connect.offsets
status.storage.topic=_connect.status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.storage.partitions=6
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

connect_up() {
  if pid_alive "$CONNECT_PID"; then
    log "connect: already running on $CONNECT_URL"
  else
    port_open "$CONNECT_PORT" && die "port $CONNECT_PORT is taken by another process; set CONNECT_URL"
    connect_config
    spawn "$CONNECT_PID" "$LOGS/connect.log" java -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$ROOT/config/stack/log4j2-connect.properties" \
      -cp "$LIB/connect/*" org.apache.kafka.connect.cli.ConnectDistributed "$CONNECT_CONF"
  fi
  local i
  for ((i = 0; i < 240; i++)); do
    curl -fsS "$CONNECT_URL/connectors" >/dev/null 2>&1 && break
    pid_alive "$CONNECT_PID" || die "Kafka Connect exited; see $LOGS/connect.log"
    sleep 0.5
  done
  curl -fsS "$CONNECT_URL/connectors" >/dev/null 2>&1 || die "Kafka Connect did not answer on $CONNECT_URL within 120 s; see $LOGS/connect.log"
}

# Registers (or updates) each connector: PUT /connectors/{name}/config is idempotent.
connectors_register() {
  local file name
  for file in "${CONNECTOR_FILES[@]}"; do
    name=$(jq -r .name "$file")
    jq .config "$file" | curl -fsS -X PUT -H 'Content-Type: application/json' --data-binary @- \
      "$CONNECT_URL/connectors/$name/config" >/dev/null ||
      die "registering connector $name from $file failed; see $LOGS/connect.log"
  done
}

connector_state() { # connector_state NAME -> "CONNECTOR_STATE TASK_STATE"
  curl -fsS "$CONNECT_URL/connectors/$1/status" 2>/dev/null |
    jq -r '"\(.connector.state) \(.tasks[0].state // "NONE")"'
}

connectors_wait_running() {
  local file name state i
  for file in "${CONNECTOR_FILES[@]}"; do
    name=$(jq -r .name "$file")
    for ((i = 0; i < 120; i++)); do
      state=$(connector_state "$name")
      [ "$state" = "RUNNING RUNNING" ] && break
      case "$state" in *FAILED*)
        curl -fsS "$CONNECT_URL/connectors/$name/status" | jq -r '.tasks[0].trace // .connector.trace' | head -20 >&2
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
      offset=$(curl -fsS "$CONNECT_URL/connectors/$name/offsets" 2>/dev/null | jq -c '.offsets[0].offset // empty')
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

connect_down() { stop_pid "$CONNECT_PID" "Kafka Connect"; }

connect_status() {
  local file name
  if pid_alive "$CONNECT_PID" && curl -fsS "$CONNECT_URL/connectors" >/dev/null 2>&1; then
    echo "kafka-connect  RUNNING  $CONNECT_URL  plugins=$LIB/plugins  log=$LOGS/connect.log"
    for file in "${CONNECTOR_FILES[@]}"; do
      name=$(jq -r .name "$file")
      printf '  connector %-22s %s\n' "$name" "$(connector_state "$name" || echo 'NOT REGISTERED')"
    done
  else
    echo "kafka-connect  STOPPED"
  fi
}
