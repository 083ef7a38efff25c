# WMS stand-in: a MariaDB instance of the stack's own with a ROW binlog, holding the WMS
# vendor's schema (connectors/standins/wms-mariadb).

WMS_DATA=$DATA/wms-mariadb
WMS_SOCK=$RUN/wms-mariadb.sock
WMS_PID=$RUN/wms-mariadb.pid

wms_sql() { # wms_sql [mariadb args]: as the instance's root, over its own socket
  mariadb --no-defaults -uroot --socket="$WMS_SOCK" "$@"
}

wms_up() {
  require mariadbd "MariaDB server; apt-get install mariadb-server"
  require mariadb-install-db "MariaDB server; apt-get install mariadb-server"
  require mariadb "MariaDB client; apt-get install mariadb-client"
  if [ ! -d "$WMS_DATA/mysql" ]; then
    log "wms: initialising MariaDB instance in $WMS_DATA"
    mkdir -p "$WMS_DATA"
    mariadb-install-db --no-defaults --datadir="$WMS_DATA" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$LOGS/wms-install.log" 2>&1 ||
      die "mariadb-install-db failed; see $LOGS/wms-install.log"
  fi
  if pid_alive "$WMS_PID"; then
    log "wms: MariaDB already running on 127.0.0.1:$WMS_DB_PORT"
  else
    port_open "$WMS_DB_PORT" && die "port $WMS_DB_PORT is taken by another process; set WMS_DB_PORT"
    spawn "$RUN/wms-mariadb.launcher.pid" "$LOGS/wms-mariadb.log" mariadbd --no-defaults \
      --datadir="$WMS_DATA" --user="$(id -un)" --port="$WMS_DB_PORT" --bind-address=127.0.0.1 \
      --socket="$WMS_SOCK" --pid-file="$WMS_PID" --server-id=1 --log-bin=wms-bin \
      --binlog-format=ROW --binlog-row-image=FULL --expire-logs-days=3 \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --skip-name-resolve
    rm -f "$RUN/wms-mariadb.launcher.pid"
    wait_port "$WMS_DB_PORT" "WMS MariaDB" 60 "$LOGS/wms-mariadb.log"
  fi
  if [ -z "$(wms_sql -N -e "SHOW DATABASES LIKE '$WMS_DB_DATABASE'")" ]; then
    log "wms: creating the WMS schema and seeding $SEED_SKUS SKUs in DC bins"
    wms_sql -e "CREATE DATABASE $WMS_DB_DATABASE"
    wms_sql "$WMS_DB_DATABASE" <"$ROOT/connectors/standins/wms-mariadb/schema.sql"
    { echo "SET @skus = $SEED_SKUS;"; cat "$ROOT/connectors/standins/wms-mariadb/seed.sql"; } |
      wms_sql "$WMS_DB_DATABASE"
    # The WMS application's account, and what the DBAs grant Debezium: read access and the
    # binlog (REPLICATION CLIENT is MariaDB's BINLOG MONITOR).
    wms_sql -e "CREATE USER '$WMS_DB_USER'@'%' IDENTIFIED BY '$WMS_DB_PASSWORD';
      GRANT SELECT, INSERT, UPDATE, DELETE ON $WMS_DB_DATABASE.* TO '$WMS_DB_USER'@'%';
      CREATE USER '$WMS_CDC_USER'@'%' IDENTIFIED BY '$WMS_CDC_PASSWORD';
      GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT
        ON *.* TO '$WMS_CDC_USER'@'%';"
  fi
}

wms_down() { stop_pid "$WMS_PID" "WMS MariaDB"; }

wms_status() {
  if pid_alive "$WMS_PID"; then
    echo "wms-mariadb    RUNNING  127.0.0.1:$WMS_DB_PORT db=$WMS_DB_DATABASE  log=$LOGS/wms-mariadb.log"
  else
    echo "wms-mariadb    STOPPED"
  fi
}
