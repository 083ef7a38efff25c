# Redis is a cache only (nothing of value lives only there). The machine's server is used
# when it answers; otherwise the stack starts one of its own, without persistence.

REDIS_PID=$RUN/redis.pid

redis_up() {
  if port_open "$REDIS_PORT"; then
    pid_alive "$REDIS_PID" || log "redis: using the server already listening on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  require redis-server "Redis server; apt-get install redis-server"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$REDIS_PID" --logfile "$LOGS/redis.log" --dir "$RUN" >/dev/null
  wait_port "$REDIS_PORT" Redis 20 "$LOGS/redis.log"
}

redis_down() { stop_pid "$REDIS_PID" Redis; }

redis_status() {
  local owner="machine's"
  pid_alive "$REDIS_PID" && owner="stack's own"
  if port_open "$REDIS_PORT"; then
    echo "redis          RUNNING  127.0.0.1:$REDIS_PORT ($owner server)"
  else
    echo "redis          STOPPED"
  fi
}
