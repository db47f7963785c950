#!/usr/bin/env bash
# Runs the ingest benchmark (with 'scale' first: one vs two bridge processes; with 'storm' first: a reconnect storm of
# simulated devices; with 'pipeline' first: the job queue benchmark): sets up like the tests (packages, throwaway PostgreSQL), then prints the figures. --quick: a short run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source cloud/scripts/setup.sh
source cloud/scripts/postgres.sh
iot_setup
if [ -z "${DATABASE_URL:-}" ]; then
  pgdir="$(mktemp -d /tmp/iot-bench-pg.XXXXXX)"
  trap 'iot_pg_stop "$pgdir"; rm -rf "$pgdir"' EXIT
  iot_pg_start "$pgdir" "$(iot_free_port 55480)"
  export DATABASE_URL="$IOT_DATABASE_URL"
fi
project=Iot.Bench
if [ "${1:-}" = "pipeline" ]; then project=Iot.Bench.Pipeline; shift; fi
# "scale" and "storm" stay with Iot.Bench: one bridge vs two on one Mosquitto; a fleet reconnecting with backlogs.
dotnet run -c Release --project "bench/$project" -- "$@"
