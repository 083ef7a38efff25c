# ERP stand-in: a PostgreSQL instance of the stack's own, with logical decoding (pgoutput),
# holding the legacy ERP schema (connectors/standins/erp-postgres).

ERP_DATA=$DATA/erp-pg
ERP_SOCK=$RUN/erp-pg

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")
  [ -x "$dir/initdb" ] || die "missing prerequisite: PostgreSQL server binaries (initdb, pg_ctl); apt-get install postgresql"
  echo "$dir"
}

erp_psql() { # erp_psql DB [psql args]
  local db=$1
  shift
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$ERP_PG_PORT" -U postgres -d "$db" "$@"
}

erp_up() {
  local bin
  bin=$(pg_bin)
  require psql "PostgreSQL client; apt-get install postgresql-client"
  mkdir -p "$ERP_SOCK"
  [ "$(id -u)" = 0 ] && chown postgres "$ERP_SOCK"
  if [ ! -f "$ERP_DATA/PG_VERSION" ]; then
    log "erp: initialising PostgreSQL instance in $ERP_DATA"
    mkdir -p "$ERP_DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$ERP_DATA"
    as_pg "$bin/initdb" -D "$ERP_DATA" -U postgres -A trust --no-sync >"$LOGS/erp-initdb.log" 2>&1 ||
      die "initdb failed; see $LOGS/erp-initdb.log"
    cat >>"$ERP_DATA/postgresql.conf" <<CONF
port = $ERP_PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$ERP_SOCK'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
shared_buffers = 256MB
fsync = off
synchronous_commit = off
CONF
  fi
  if as_pg "$bin/pg_ctl" -D "$ERP_DATA" status >/dev/null 2>&1; then
    log "erp: PostgreSQL already running on 127.0.0.1:$ERP_PG_PORT"
  else
    port_open "$ERP_PG_PORT" && die "port $ERP_PG_PORT is taken by another process; set ERP_PG_PORT"
    touch "$LOGS/erp-pg.log"
    [ "$(id -u)" = 0 ] && chown postgres "$LOGS/erp-pg.log"
    as_pg "$bin/pg_ctl" -D "$ERP_DATA" -l "$LOGS/erp-pg.log" -w -t 60 start >/dev/null ||
      die "ERP PostgreSQL did not start; see $LOGS/erp-pg.log"
  fi
  if [ -z "$(erp_psql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$ERP_PG_DATABASE'")" ]; then
    log "erp: creating the legacy schema and seeding $SEED_SKUS items x $SEED_STORES stores + DC"
    erp_psql postgres -c "CREATE DATABASE $ERP_PG_DATABASE"
    erp_psql "$ERP_PG_DATABASE" -v app_user="$ERP_PG_USER" -v app_password="$ERP_PG_PASSWORD" -v cdc_user="$ERP_CDC_USER" \
      -v cdc_password="$ERP_CDC_PASSWORD" -f "$ROOT/connectors/standins/erp-postgres/schema.sql" >/dev/null
    erp_psql "$ERP_PG_DATABASE" -v skus="$SEED_SKUS" -v stores="$SEED_STORES" \
      -f "$ROOT/connectors/standins/erp-postgres/seed.sql" >/dev/null
    # A new stand-in starts its WAL positions and journal numbers again, so the CDC event ids of
    # an older stand-in would come back: the hub built from that older one must go with it.
    touch "$DATA/hub-db-stale"
  fi
  # The write-back interface came after the first schema: add it to stand-ins created before.
  if [ -z "$(erp_psql "$ERP_PG_DATABASE" -tAc "SELECT 1 FROM pg_tables WHERE schemaname = 'ERPADM' AND tablename = 'HUBIMP'")" ]; then
    log "erp: creating the write-back interface table"
    erp_psql "$ERP_PG_DATABASE" -f "$ROOT/connectors/standins/erp-postgres/interface.sql" >/dev/null
    erp_psql "$ERP_PG_DATABASE" -c "GRANT SELECT, INSERT, UPDATE ON \"ERPADM\".\"HUBIMP\" TO \"$ERP_PG_USER\"; GRANT USAGE ON \"ERPADM\".\"HUBIMP_SEQ\" TO \"$ERP_PG_USER\"; GRANT EXECUTE ON FUNCTION \"ERPADM\".\"IMPORT_HUBIMP\"() TO \"$ERP_PG_USER\"" >/dev/null
  fi
}

erp_down() {
  local bin
  [ -f "$ERP_DATA/postmaster.pid" ] || return 0
  bin=$(pg_bin)
  log "stopping ERP PostgreSQL"
  as_pg "$bin/pg_ctl" -D "$ERP_DATA" -m fast -w stop >/dev/null 2>&1 || true
}

erp_status() {
  if [ -f "$ERP_DATA/postmaster.pid" ] && port_open "$ERP_PG_PORT"; then
    echo "erp-postgres   RUNNING  127.0.0.1:$ERP_PG_PORT db=$ERP_PG_DATABASE  log=$LOGS/erp-pg.log"
  else
    echo "erp-postgres   STOPPED"
  fi
}
