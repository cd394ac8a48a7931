#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the comparison harness (bench/compare.sh, bench/pg).
#
#   cluster.sh start DIR PORT   initialise (once) and start a cluster in DIR, listening on
#                               127.0.0.1:PORT with its unix socket in DIR; create database
#                               `contactd` with the extensions pg_trgm and unaccent
#   cluster.sh stop DIR         stop it (fast shutdown); DIR is left for the caller to delete
#
# DIR is a directory the caller made (e.g. mktemp -d); the data directory is DIR/data and the
# server log DIR/postgresql.log. Run as root, the server runs as the `postgres` user and DIR is
# chowned to it. Authentication is `trust` for local and 127.0.0.1 connections; the superuser
# is named after the user running this script (so a plain "host=127.0.0.1 port=PORT
# dbname=contactd" connects), and a `postgres` superuser role exists too.
#
# Durability is PostgreSQL's default, stated explicitly: fsync=on, synchronous_commit=on
# (every commit waits for its WAL flush), full_page_writes=on. shared_buffers is 1GB or a quarter
# of the memory when that is smaller; max_wal_size is raised to 4GB so bulk loads are not
# dominated by forced checkpoints (a usual production setting that does not weaken durability).
# Prints nothing but errors.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: cluster.sh start DIR PORT | cluster.sh stop DIR" >&2
  exit 2
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# shared_buffers in MB: 1024, or a quarter of the memory (cgroup limit included) if smaller.
shared_buffers_mb() {
  local mem_kb limit
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  if [[ -r /sys/fs/cgroup/memory.max ]]; then
    limit=$(cat /sys/fs/cgroup/memory.max)
    if [[ $limit =~ ^[0-9]+$ ]] && ((limit / 1024 < mem_kb)); then mem_kb=$((limit / 1024)); fi
  fi
  local mb=$((mem_kb / 1024 / 4))
  ((mb > 1024)) && mb=1024
  ((mb < 32)) && mb=32
  echo "$mb"
}

write_config() {
  local dir=$1 port=$2
  cat >>"$dir/data/postgresql.conf" <<EOF

# --- bench/pg/cluster.sh ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 100
shared_buffers = $(shared_buffers_mb)MB
max_wal_size = 4GB
# Durability: PostgreSQL's defaults, set explicitly.
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
}

start() {
  local dir=$1 port=$2
  [[ -d $dir ]] || die "$dir: no such directory"
  [[ $port =~ ^[0-9]+$ ]] || die "$port: not a port number"
  dir=$(cd "$dir" && pwd)
  local superuser
  superuser=$(id -un)
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "$dir: not reachable by the postgres user (is a parent directory private?)"
  fi
  cd "$dir"  # initdb and pg_ctl as `postgres` must be able to stat the working directory

  if [[ ! -f $dir/data/PG_VERSION ]]; then
    as_owner "$PG_BIN/initdb" --pgdata="$dir/data" --username="$superuser" --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      die "initdb failed: $(cat "$dir/initdb.log")"
    rm -f "$dir/initdb.log"
    write_config "$dir" "$port"
  fi

  # Already running (a second start): leave it be.
  if ! as_owner "$PG_BIN/pg_ctl" --pgdata="$dir/data" status >/dev/null 2>&1; then
    as_owner "$PG_BIN/pg_ctl" --pgdata="$dir/data" --log="$dir/postgresql.log" --wait \
      --timeout=60 --silent --options="-p $port" start >/dev/null ||
      die "the server did not start; see $dir/postgresql.log: $(tail -n 5 "$dir/postgresql.log")"
  fi

  local i
  for ((i = 0; i < 60; i++)); do
    "$PG_BIN/pg_isready" --quiet --host=127.0.0.1 --port="$port" --dbname=postgres && break
    sleep 1
  done
  "$PG_BIN/pg_isready" --quiet --host=127.0.0.1 --port="$port" --dbname=postgres ||
    die "the server does not accept connections on 127.0.0.1:$port"

  local psql=(env PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" --quiet --no-psqlrc --host="$dir" --port="$port"
    --username="$superuser" --set=ON_ERROR_STOP=1)
  if [[ $("${psql[@]}" --dbname=postgres --tuples-only --no-align \
    --command="SELECT 1 FROM pg_database WHERE datname = 'contactd'") != 1 ]]; then
    "${psql[@]}" --dbname=postgres --command="CREATE DATABASE contactd" >/dev/null
  fi
  "${psql[@]}" --dbname=contactd >/dev/null <<'EOF'
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres') THEN
    CREATE ROLE postgres SUPERUSER LOGIN;
  END IF;
END $$;
EOF
}

stop() {
  local dir=$1
  [[ -f $dir/data/PG_VERSION ]] || die "$dir: no cluster here"
  dir=$(cd "$dir" && pwd)
  cd "$dir"
  # Not running: nothing to do.
  as_owner "$PG_BIN/pg_ctl" --pgdata="$dir/data" status >/dev/null 2>&1 || return 0
  as_owner "$PG_BIN/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --timeout=60 --silent stop \
    >/dev/null || die "could not stop the server in $dir"
}

case ${1:-} in
  start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
