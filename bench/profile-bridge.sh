#!/usr/bin/env bash
# Profiles one bridge process under the scale bench's saturating load: dotnet-counters (runtime and ingest counters)
# and dotnet-trace CPU sampling for --seconds (default 20) while the one-bridge run of `scale` is going, then prints the
# trace's top methods. Needs DATABASE_URL (or run it where bench/run.sh would set one up) and the dotnet-trace and
# dotnet-counters global tools (dotnet tool install -g dotnet-trace; dotnet tool install -g dotnet-counters).
# Usage: bench/profile-bridge.sh [--payload-kb 4|64] [--seconds 20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:$HOME/.dotnet/tools"
payload=4; seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --payload-kb) payload="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server the bench may create databases on}"
out="$(mktemp -d /tmp/iot-bridge-profile.XXXXXX)"
dotnet build "$root/bench/Iot.Bench" -c Release -v q -nologo >/dev/null
bench="$root/bench/Iot.Bench/bin/Release/net10.0/Iot.Bench.dll"
# Not --quick: the one-bridge run must outlast the warm-up plus the sampling window.
dotnet "$bench" scale --payload-kb "$payload" >"$out/scale.log" 2>&1 &
bench_pid=$!
bridge=""
for _ in $(seq 1 120); do
  # Only this run's bridge: a child of the bench process (other bridges may run on the machine).
  bridge="$(pgrep -P "$bench_pid" -f 'iot-bridge.dll --Bridge:InstanceId=bridge-1' || true)"
  [ -n "$bridge" ] && break
  sleep 0.5
done
[ -n "$bridge" ] || { echo "no bridge process appeared; see $out/scale.log" >&2; exit 1; }
sleep 8 # subscribe + the 500-chunk warm-up
echo "profiling bridge pid $bridge for ${seconds} s (payload ${payload} KB); output in $out"
dotnet-counters collect -p "$bridge" --duration "00:00:$(printf %02d "$seconds")" --format csv -o "$out/counters.csv" \
  --counters System.Runtime,Iot.Cloud.Bridge.Ingest,Npgsql >/dev/null &
counters=$!
dotnet-trace collect -p "$bridge" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$seconds")" -o "$out/bridge.nettrace" >/dev/null
wait "$counters" || true
# The bench is stopped mid-run, so its own clean-up never runs: end its children (bridge, Mosquitto) first, by pid.
children="$(pgrep -P "$bench_pid" || true)"
kill "$bench_pid" 2>/dev/null || true
wait "$bench_pid" 2>/dev/null || true
[ -n "$children" ] && kill $children 2>/dev/null || true
echo "left for inspection (drop when done): the bench's iot_scale_* database and /tmp/iot-bench-* directories"
dotnet-trace report "$out/bridge.nettrace" topN -n 40 --inclusive >"$out/top-inclusive.txt" 2>&1 || true
dotnet-trace report "$out/bridge.nettrace" topN -n 40 >"$out/top-exclusive.txt" 2>&1 || true
echo "== top inclusive"; cat "$out/top-inclusive.txt"
echo "== top exclusive"; cat "$out/top-exclusive.txt"
echo "== counters (last sample of each)"; tac "$out/counters.csv" | awk -F, '!seen[$3]++' | tac | cut -d, -f3- | head -60
