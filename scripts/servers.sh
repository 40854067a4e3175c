# Sourced by scripts/test: a throwaway PostgreSQL (with a streaming replica), MariaDB and Redis
# for this run, stopped on exit.
#
#   . scripts/servers.sh
#
# Each server lives in a mktemp directory, on a free loopback port, started with
# scripts/db-server (installed with apt-get when missing). Exports the admin URLs the backend
# tests read (tests/common/mod.rs):
#
#   PG_URL     postgres://postgres@127.0.0.1:PORT/authtest   (superuser, trust auth)
#   MYSQL_URL  mysql://root@127.0.0.1:PORT/authtest          (root, empty password, TCP)
#   PG_REPLICA_URL  the PostgreSQL's hot standby (servers_start_pg_replica below)
#   REDIS_URL  redis://127.0.0.1:PORT/                        (servers_redis_start below)
#
# A URL already set in the environment is used as it is (your own server) and nothing is
# started for it. A server that cannot start fails the run under CI=true; elsewhere it is
# reported loudly and its URL left unset, so its tests skip loudly. On exit (normal, error,
# SIGINT, SIGTERM) each server gets its graceful signal and is waited for by PID, then its
# directory is removed: nothing keeps running, no zombie is left.

# shellcheck source=scripts/db-server
. "$(dirname "${BASH_SOURCE[0]}")/db-server"

SERVERS_STARTED=()

servers_stop() {
  local entry kind dir
  for entry in "${SERVERS_STARTED[@]}"; do
    kind=${entry%%:*}
    dir=${entry#*:}
    db_server_stop "$kind" "$dir"
    rm -rf "$dir"
  done
  SERVERS_STARTED=()
}

servers_unavailable() {
  local kind=$1 variable=$2
  if [ "${CI:-}" = "true" ]; then
    echo "servers: $kind could not start, and CI=true needs it" >&2
    return 1
  fi
  printf '\n*** %s could not start: %s is unset and its tests will be SKIPPED. ***\n\n' \
    "$kind" "$variable" >&2
}

# Creates the `authtest` database on a started server.
servers_create_database() {
  local kind=$1 dir=$2 port=$3
  case "$kind" in
    postgres)
      "$(db_server_pgbin)/createdb" -h "$dir" -p "$port" -U postgres authtest
      ;;
    mariadb)
      mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e "CREATE DATABASE authtest"
      ;;
  esac
}

servers_start() {
  local started_at=${EPOCHREALTIME/./}
  local -A variable=([postgres]=PG_URL [mariadb]=MYSQL_URL)
  local -A prefix=([postgres]=postgres://postgres [mariadb]=mysql://root)
  local -A dir=() port=() init_pid=()
  local kinds=() kind

  for kind in postgres mariadb; do
    if [ -n "${!variable[$kind]:-}" ]; then
      echo "servers: $kind: using ${variable[$kind]} from the environment"
    # One at a time: apt-get holds a lock.
    elif db_server_install "$kind"; then
      kinds+=("$kind")
    else
      servers_unavailable "$kind" "${variable[$kind]}" || return 1
    fi
  done

  # initdb and mariadb-install-db are the slow half: run them side by side.
  for kind in "${kinds[@]}"; do
    dir[$kind]=$(mktemp -d "${TMPDIR:-/tmp}/authmodel-$kind.XXXXXX") || return 1
    # mktemp makes it 0700 and ours; the server's own user needs to enter it.
    chmod 0755 "${dir[$kind]}"
    db_server_init "$kind" "${dir[$kind]}" &
    init_pid[$kind]=$!
  done

  for kind in "${kinds[@]}"; do
    if wait "${init_pid[$kind]}" &&
      port[$kind]=$(db_server_port) &&
      db_server_start "$kind" "${dir[$kind]}" "${port[$kind]}"; then
      SERVERS_STARTED+=("$kind:${dir[$kind]}")
      if servers_create_database "$kind" "${dir[$kind]}" "${port[$kind]}"; then
        export "${variable[$kind]}=${prefix[$kind]}@127.0.0.1:${port[$kind]}/authtest"
        echo "servers: $kind on 127.0.0.1:${port[$kind]} (pid $DB_SERVER_PID, ${dir[$kind]})"
        continue
      fi
    fi
    [ -f "${dir[$kind]}/server.log" ] && tail -n 20 "${dir[$kind]}/server.log" >&2
    # A started server stays listed and is stopped on exit; otherwise its directory goes now.
    [[ " ${SERVERS_STARTED[*]} " == *" $kind:${dir[$kind]} "* ]] || rm -rf "${dir[$kind]}"
    servers_unavailable "$kind" "${variable[$kind]}" || return 1
  done
  local elapsed=$(( (${EPOCHREALTIME/./} - started_at) / 1000 ))
  echo "servers: ready in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
}

# A streaming replica of the PostgreSQL started above (issue 13: read replicas), exported as
#
#   PG_REPLICA_URL  postgres://postgres@127.0.0.1:PORT/authtest  (hot standby, superuser)
#
# `pg_basebackup -R` copies the primary and writes standby.signal and primary_conninfo; the
# copy then runs as a hot standby on a port of its own, with the same binaries and settings,
# and is stopped on exit like the others. initdb's pg_hba.conf already lets `replication`
# connect over 127.0.0.1 with the method it was given (trust), and PostgreSQL 15's defaults
# (wal_level=replica, max_wal_senders=10) allow streaming: nothing on the primary changes.
# Only for a primary this script started; PG_REPLICA_URL already set is used as it is (with
# your own PG_URL, set PG_REPLICA_URL too: under CI=true a missing replica fails the run).
servers_start_pg_replica() {
  if [ -n "${PG_REPLICA_URL:-}" ]; then
    echo "servers: postgres replica: using PG_REPLICA_URL from the environment"
    return 0
  fi
  local primary port dir replica_port
  primary=$(printf '%s\n' "${SERVERS_STARTED[@]}" | sed -n 's/^postgres://p' | head -1)
  if [ -z "$primary" ] || [ -z "${PG_URL:-}" ]; then
    servers_unavailable "postgres replica (no primary started here)" PG_REPLICA_URL
    return
  fi
  port=${PG_URL##*:}
  port=${port%%/*}
  dir=$(mktemp -d "${TMPDIR:-/tmp}/authmodel-postgres-replica.XXXXXX") || return 1
  chmod 0755 "$dir"
  [ "$(id -u)" != 0 ] || chown postgres "$dir" || return 1
  # shellcheck disable=SC2046 # an empty prefix must vanish
  if $(db_server_as_postgres) "$(db_server_pgbin)/pg_basebackup" -R -X stream -c fast \
      -D "$dir/data" -h 127.0.0.1 -p "$port" -U postgres >"$dir/basebackup.log" 2>&1 &&
    replica_port=$(db_server_port) &&
    db_server_start postgres "$dir" "$replica_port"; then
    SERVERS_STARTED+=("postgres:$dir")
    export PG_REPLICA_URL="postgres://postgres@127.0.0.1:$replica_port/authtest"
    echo "servers: postgres replica on 127.0.0.1:$replica_port (pid $DB_SERVER_PID, $dir)"
    return 0
  fi
  cat "$dir/basebackup.log" >&2
  [ -f "$dir/server.log" ] && tail -n 20 "$dir/server.log" >&2
  rm -rf "$dir"
  servers_unavailable "postgres replica" PG_REPLICA_URL
}

# --- Redis (sessions and verification tokens, feature `redis`) ---------------------------
# A throwaway redis-server (Debian's package, installed with apt-get when missing) in a
# mktemp directory, on a free loopback port, no persistence; exports REDIS_URL
# (redis://127.0.0.1:PORT/). Stopped (SIGTERM, waited for by PID) and its directory removed
# on exit. A REDIS_URL already set is used as it is.

SERVERS_REDIS_PID=
SERVERS_REDIS_DIR=

servers_redis_stop() {
  if [ -n "$SERVERS_REDIS_PID" ]; then
    kill -TERM "$SERVERS_REDIS_PID" 2>/dev/null && wait "$SERVERS_REDIS_PID" 2>/dev/null
    SERVERS_REDIS_PID=
  fi
  [ -z "$SERVERS_REDIS_DIR" ] || rm -rf "$SERVERS_REDIS_DIR"
  SERVERS_REDIS_DIR=
}

servers_redis_start() {
  if [ -n "${REDIS_URL:-}" ]; then
    echo "servers: redis: using REDIS_URL from the environment"
    return 0
  fi
  if ! command -v redis-server >/dev/null && ! db_server_apt_install redis-server; then
    servers_unavailable redis REDIS_URL
    return
  fi
  local port i
  port=$(db_server_port) || { servers_unavailable redis REDIS_URL; return; }
  SERVERS_REDIS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/authmodel-redis.XXXXXX") || return 1
  redis-server --bind 127.0.0.1 --port "$port" --dir "$SERVERS_REDIS_DIR" --save '' \
    --appendonly no --daemonize no --logfile "$SERVERS_REDIS_DIR/server.log" </dev/null &
  SERVERS_REDIS_PID=$!
  for ((i = 0; i < DB_SERVER_TIMEOUT * 20; i++)); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      export REDIS_URL="redis://127.0.0.1:$port/"
      echo "servers: redis on 127.0.0.1:$port (pid $SERVERS_REDIS_PID, $SERVERS_REDIS_DIR)"
      return 0
    fi
    kill -0 "$SERVERS_REDIS_PID" 2>/dev/null || break
    sleep 0.05
  done
  tail -n 20 "$SERVERS_REDIS_DIR/server.log" >&2
  servers_redis_stop
  servers_unavailable redis REDIS_URL
}
# --- end of Redis ----------------------------------------------------------------------------

trap 'servers_stop; servers_redis_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

servers_start || exit 1
servers_start_pg_replica || exit 1
servers_redis_start || exit 1
