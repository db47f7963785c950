#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a local folder on a private port. initdb refuses root, so it runs as 'postgres'.
# Usage (sourced): iot_pg_start DIR PORT  → exports IOT_DATABASE_URL;  iot_pg_stop DIR
set -euo pipefail

IOT_PG_BIN="${IOT_PG_BIN:-/usr/lib/postgresql/15/bin}"

iot_pg_run() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

iot_pg_start() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    iot_pg_run "$IOT_PG_BIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  iot_pg_run "$IOT_PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
  export IOT_DATABASE_URL="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "postgres: running on 127.0.0.1:$port (data in $dir)" >&2
}

iot_pg_stop() {
  local dir="$1"
  [ -f "$dir/postmaster.pid" ] && iot_pg_run "$IOT_PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
}

# Prints a loopback port nothing listens on, starting from $1.
iot_free_port() {
  local port="${1:-55432}"
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
