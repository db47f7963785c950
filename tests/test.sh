#!/usr/bin/env bash
# Command 2 of the README: installs what is missing, starts a throwaway PostgreSQL (unless DATABASE_URL is set),
# and runs every test in IoT.sln on real parts. Brokers (Mosquitto, embedded MQTTnet) are started by the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source cloud/scripts/setup.sh
source cloud/scripts/postgres.sh
iot_setup

# Files the tests make once and share (speech, encoded Ogg, model fixtures, the arm64 library root, agent publishes)
# live under IOT_TEST_CACHE; every entry is filled under a lock and checked before it is trusted (TestCache.cs).
# .ci/run points it at a fresh folder so CI always takes the cold path; by default it is kept between runs here.
export IOT_TEST_CACHE="${IOT_TEST_CACHE:-${TMPDIR:-/tmp}/iot-test-cache}"
mkdir -p "$IOT_TEST_CACHE"
export IOT_VAD_MODEL="${IOT_VAD_MODEL:-$(bash edge/scripts/fetch-vad-model.sh "$IOT_TEST_CACHE/models")}"
bash edge/scripts/arm64-sysroot.sh "$IOT_TEST_CACHE/arm64-sysroot"
# Agent publishes are per test process (tens of MB each), not reused across runs: drop those of earlier runs.
rm -rf "$IOT_TEST_CACHE/publish"
echo "tests: cache in $IOT_TEST_CACHE" >&2

if [ -n "${DATABASE_URL:-}" ]; then
  export IOT_TEST_DATABASE_URL="$DATABASE_URL"
  # Each test host gets its own fresh database; a DATABASE_URL left in their environment would override that
  # (the cloud programs read it as Database:ConnectionString), so it only names the server here.
  unset DATABASE_URL
else
  pgdir="$(mktemp -d /tmp/iot-test-pg.XXXXXX)"
  trap 'iot_pg_stop "$pgdir"; rm -rf "$pgdir"' EXIT
  iot_pg_start "$pgdir" "$(iot_free_port 55433)"
  export IOT_TEST_DATABASE_URL="$IOT_DATABASE_URL"
fi

log="$(mktemp /tmp/iot-test-log.XXXXXX)"
set +e
dotnet test IoT.sln -c Release --logger "console;verbosity=detailed" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line across all test assemblies.
# At this verbosity dotnet test closes each assembly with an indented "Passed: N" / "Failed: N" block.
passed=$({ grep -E '^ +Passed: +[0-9]+ *$' "$log" || true; } | awk '{s += $2} END {print s + 0}')
failed=$({ grep -E '^ +Failed: +[0-9]+ *$' "$log" || true; } | awk '{s += $2} END {print s + 0}')
# Attacker probes (tests/Iot.Security.Tests) print one "probes: N tried, N refused" line per test; one total here.
{ grep -E '^ *probes: [0-9]+ tried, [0-9]+ refused' "$log" || true; } |
  awk '{t += $2; r += $4} END {if (NR) print "probes: " t " tried, " r " refused"}'
echo "tests: $passed passed, $failed failed"
# CI keeps only the tail of this output, so each failing test is repeated here, last, with the start of its message
# (not its stack trace) - otherwise a failure far up the log cannot be named.
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then
  awk '/^  Failed [^ ]/ {grab = 1; n = 0; print "FAILED:" substr($0, 9); next}
       grab && /^  (Stack Trace|Standard Output Messages):/ {grab = 0; next}
       grab && n < 12 {print "   " $0; n++}
       /^  (Passed|Skipped) / {grab = 0}' "$log" | cut -c1-400
fi
rm -f "$log"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "tests: no test ran" >&2
  exit 1
fi
exit "$status"
