# Resolves Kafka, Kafka Connect and the Debezium plugins through connectors/pom.xml.
# A stamp holds the poms' checksum: while it matches, nothing is resolved again, so a second
# `up` downloads nothing (and Maven's ~/.m2 cache covers a wiped .stack/lib).

jars_stamp() { cat "$ROOT"/connectors/pom.xml "$ROOT"/connectors/runtime/*/pom.xml | sha256sum | cut -d' ' -f1; }

jars_ensure() {
  local want
  want=$(jars_stamp)
  if [ -f "$LIB/.stamp" ] && [ "$(cat "$LIB/.stamp")" = "$want" ]; then
    log "jars: cached in $LIB (nothing to download)"
    return 0
  fi
  require mvn "Apache Maven resolves Kafka, Connect and Debezium from Maven Central; apt-get install maven"
  log "jars: resolving Kafka ${KAFKA_BROKER_VERSION:-3.9.1}, Connect and Debezium plugins through Maven (first run only)"
  rm -rf "$LIB"
  mkdir -p "$LIB"
  mvn -B -q -f "$ROOT/connectors/pom.xml" package -Dstack.lib="$LIB" >"$LOGS/maven.log" 2>&1 ||
    die "Maven could not resolve the stack's jars; see $LOGS/maven.log"
  echo "$want" >"$LIB/.stamp"
  log "jars: $(find "$LIB" -name '*.jar' | wc -l) jars in $LIB"
}
