# KRaft Kafka from the Maven-resolved jars: STACK_KAFKA_NODES nodes on this machine, each a
# combined broker + controller and a voter of one quorum (3 nodes: any one may die).
# Node 1 keeps the single-node names (run/kafka.pid, run/kafka.properties, data/kafka,
# logs/kafka.log), so what reads them (scripts/chaos/faults.ts) works at any size; node i > 1 is
# kafka-i (run/kafka-2.pid, data/kafka-2, logs/kafka-2.log). Ports: see common.sh.

KAFKA_DATA=$DATA/kafka
KAFKA_PID=$RUN/kafka.pid
# The node count the cluster was formatted for: the quorum's voters are fixed at format time.
KAFKA_SIZE_FILE=$DATA/kafka-nodes
# Modest heaps when several JVMs share the machine's cores and memory.
if [ "$STACK_KAFKA_NODES" = 1 ]; then
  STACK_KAFKA_HEAP=${STACK_KAFKA_HEAP:--Xms512m -Xmx1g}
else
  STACK_KAFKA_HEAP=${STACK_KAFKA_HEAP:--Xms256m -Xmx512m}
fi

kafka_config() { # kafka_config NODE: writes run/<name>.properties
  local i=$1 name port cport
  name=$(kafka_name "$i") port=$(kafka_client_port "$i") cport=$(kafka_controller_port "$i")
  cat >"$RUN/$name.properties" <<CONF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$KAFKA_VOTERS
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/$name
# Topics are created explicitly (scripts/create-topics.ts): kafkajs and KRaft auto-creation race.
auto.create.topics.enable=false
num.partitions=6
# Replication follows the cluster size (common.sh): factor min(3, N), and with 3 copies an
# acks=all write needs 2 of them: for the broker's own topics and any created without settings of
# their own (Debezium's schema history takes default.replication.factor).
default.replication.factor=$KAFKA_REPLICATION_FACTOR
min.insync.replicas=$KAFKA_MIN_INSYNC_REPLICAS
offsets.topic.replication.factor=$KAFKA_REPLICATION_FACTOR
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=$KAFKA_REPLICATION_FACTOR
transaction.state.log.min.isr=$KAFKA_MIN_INSYNC_REPLICAS
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.cleaner.enable=true
CONF
}

kafka_format() { # kafka_format NODE: formats the node's storage with the cluster's one id
  local i=$1 name cp="$LIB/broker/*" id
  name=$(kafka_name "$i")
  [ -f "$DATA/$name/meta.properties" ] && return 0
  if [ ! -f "$DATA/kafka-cluster.id" ]; then
    java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 >"$DATA/kafka-cluster.id"
    echo "$STACK_KAFKA_NODES" >"$KAFKA_SIZE_FILE"
  fi
  id=$(cat "$DATA/kafka-cluster.id")
  log "kafka: formatting KRaft storage in $DATA/$name (cluster $id)"
  mkdir -p "$DATA/$name"
  java -cp "$cp" -Dlog4j.configuration="file:$ROOT/config/stack/log4j-broker.properties" \
    kafka.tools.StorageTool format -t "$id" -c "$RUN/$name.properties" >"$LOGS/$name-format.log" 2>&1 ||
    die "formatting Kafka storage failed; see $LOGS/$name-format.log"
}

# A stack formatted for another size would start a quorum its existing voters do not know.
kafka_check_size() {
  local formatted
  [ -f "$KAFKA_DATA/meta.properties" ] || return 0
  formatted=$(cat "$KAFKA_SIZE_FILE" 2>/dev/null || echo 1)
  [ "$formatted" = "$STACK_KAFKA_NODES" ] ||
    die "the Kafka cluster in $DATA was formatted for $formatted node(s), not STACK_KAFKA_NODES=$STACK_KAFKA_NODES; set it back, or 'scripts/stack reset' (deletes the stack's data)"
}

kafka_up() {
  local i name port cport started=()
  # Every missing node is started before any is waited for: a node of a 3-voter quorum opens
  # its client port only once a majority of voters runs.
  for i in $KAFKA_NODE_LIST; do
    name=$(kafka_name "$i") port=$(kafka_client_port "$i") cport=$(kafka_controller_port "$i")
    if pid_alive "$(kafka_pidfile "$i")"; then
      if [ "$STACK_KAFKA_NODES" = 1 ]; then log "kafka: already running on $KAFKA_BROKERS"; else log "kafka: node $i already running on 127.0.0.1:$port"; fi
      continue
    fi
    port_open "$port" && die "port $port is taken by another process; set KAFKA_BROKERS"
    port_open "$cport" && die "port $cport is taken by another process; set KAFKA_CONTROLLER_PORT"
    kafka_config "$i"
    kafka_format "$i"
    [ "$STACK_KAFKA_NODES" = 1 ] || log "kafka: starting node $i on 127.0.0.1:$port (controller :$cport)"
    # shellcheck disable=SC2086 # the heap flags are several words
    spawn "$(kafka_pidfile "$i")" "$LOGS/$name.log" java $STACK_KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
      -Dlog4j.configuration="file:$ROOT/config/stack/log4j-broker.properties" \
      -cp "$LIB/broker/*" kafka.Kafka "$RUN/$name.properties"
    started+=("$i")
  done
  for i in "${started[@]}"; do
    name=$(kafka_name "$i")
    wait_port "$(kafka_client_port "$i")" "Kafka broker $name" 90 "$LOGS/$name.log" "$(kafka_pidfile "$i")"
  done
}

kafka_pidfiles() { local i; for i in $KAFKA_NODE_LIST; do kafka_pidfile "$i"; done; }

# Leftover pid files of a larger cluster are stopped too: `down` leaves nothing running.
kafka_down() {
  local files
  mapfile -t files < <({ kafka_pidfiles; ls "$RUN"/kafka-[0-9]*.pid 2>/dev/null; } | sort -u)
  stop_pids "Kafka broker" "${files[@]}"
}

kafka_status() {
  local i name port label extra=
  for i in $KAFKA_NODE_LIST; do
    name=$(kafka_name "$i") port=$(kafka_client_port "$i") label=kafka
    if [ "$STACK_KAFKA_NODES" != 1 ]; then
      label="kafka node $i"
      extra="  pid=$(cat "$(kafka_pidfile "$i")" 2>/dev/null || echo none)"
    fi
    if pid_alive "$(kafka_pidfile "$i")" && port_open "$port"; then
      printf '%-14s RUNNING  127.0.0.1:%s (KRaft, controller :%s)%s  log=%s\n' "$label" "$port" \
        "$(kafka_controller_port "$i")" "$extra" "$LOGS/$name.log"
    else
      printf '%-14s STOPPED\n' "$label"
    fi
  done
}
