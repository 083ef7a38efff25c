# Single-node KRaft Kafka broker (combined broker + controller) from the Maven-resolved jars.

KAFKA_DATA=$DATA/kafka
KAFKA_PID=$RUN/kafka.pid
KAFKA_CONF=$RUN/kafka.properties

kafka_config() {
  cat >"$KAFKA_CONF" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DATA
# Topics are created explicitly (scripts/create-topics.ts): kafkajs and KRaft auto-creation race.
auto.create.topics.enable=false
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.cleaner.enable=true
CONF
}

kafka_up() {
  local cp="$LIB/broker/*"
  if pid_alive "$KAFKA_PID"; then
    log "kafka: already running on $KAFKA_BROKERS"
    return 0
  fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; set KAFKA_BROKERS"
  kafka_config
  if [ ! -f "$KAFKA_DATA/meta.properties" ]; then
    log "kafka: formatting KRaft storage in $KAFKA_DATA"
    mkdir -p "$KAFKA_DATA"
    java -cp "$cp" -Dlog4j.configuration="file:$ROOT/config/stack/log4j-broker.properties" \
      kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$KAFKA_CONF" >"$LOGS/kafka-format.log" 2>&1 || die "formatting Kafka storage failed; see $LOGS/kafka-format.log"
  fi
  spawn "$KAFKA_PID" "$LOGS/kafka.log" java -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$ROOT/config/stack/log4j-broker.properties" \
    -cp "$cp" kafka.Kafka "$KAFKA_CONF"
  wait_port "$KAFKA_PORT" "Kafka broker" 90 "$LOGS/kafka.log"
}

kafka_down() { stop_pid "$KAFKA_PID" "Kafka broker"; }

kafka_status() {
  if pid_alive "$KAFKA_PID" && port_open "$KAFKA_PORT"; then
    echo "kafka          RUNNING  $KAFKA_BROKERS (KRaft, controller :$KAFKA_CONTROLLER_PORT)  log=$LOGS/kafka.log"
  else
    echo "kafka          STOPPED"
  fi
}
