#!/usr/bin/env bash
# Where the machine's CPU goes while one bridge process ingests at saturation: `perf record` on every CPU (not a
# thread-time trace, which counts waiting threads too) during the scale bench's one-bridge run, with the .NET
# processes writing perf maps so managed frames have names. Prints CPU per process, then the top symbols of the
# bridge, the load generator, Mosquitto and PostgreSQL. Needs DATABASE_URL and linux-perf (Debian: linux-perf).
# Usage: bench/profile-cpu.sh [--payload-kb 4|64] [--seconds 15]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
payload=4; seconds=15
while [ $# -gt 0 ]; do
  case "$1" in
    --payload-kb) payload="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server the bench may create databases on}"
command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 2; }
out="$(mktemp -d /tmp/iot-cpu-profile.XXXXXX)"
dotnet build "$root/bench/Iot.Bench" -c Release -v q -nologo >/dev/null
bench="$root/bench/Iot.Bench/bin/Release/net10.0/Iot.Bench.dll"
# Perf maps (/tmp/perf-PID.map) name JIT-compiled frames; the bridge child inherits the variable.
DOTNET_PerfMapEnabled=1 dotnet "$bench" scale --payload-kb "$payload" >"$out/scale.log" 2>&1 &
bench_pid=$!
bridge=""
for _ in $(seq 1 120); do
  bridge="$(pgrep -P "$bench_pid" -f 'iot-bridge.dll --Bridge:InstanceId=bridge-1' || true)"
  [ -n "$bridge" ] && break
  sleep 0.5
done
[ -n "$bridge" ] || { echo "no bridge process appeared; see $out/scale.log" >&2; exit 1; }
sleep 8 # subscribe + the 500-chunk warm-up
echo "perf on all CPUs for ${seconds} s (payload ${payload} KB, bridge pid $bridge, bench pid $bench_pid); output in $out"
perf record -a -g -F 499 -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.log"
children="$(pgrep -P "$bench_pid" || true)"
kill "$bench_pid" 2>/dev/null || true
wait "$bench_pid" 2>/dev/null || true
[ -n "$children" ] && kill $children 2>/dev/null || true
echo "left for inspection (drop when done): the bench's iot_scale_* database and /tmp/iot-bench-* directories"
grep -E "chunks/s|msg/s" "$out/scale.log" | head -5 || true
echo "== CPU by process (share of all samples on ${seconds} s x $(nproc) CPUs)"
perf report -i "$out/perf.data" --no-children --sort pid --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -15
for who in "$bridge:bridge" "$bench_pid:load generator"; do
  pid="${who%%:*}"; name="${who#*:}"
  echo "== top symbols: $name (pid $pid)"
  perf report -i "$out/perf.data" --no-children --pid "$pid" --sort dso,symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30
done
echo "== top symbols: mosquitto and postgres"
perf report -i "$out/perf.data" --no-children --comm mosquitto,postgres --sort comm,dso,symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30
