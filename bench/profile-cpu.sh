#!/usr/bin/env bash
# Where the machine's CPU goes while one bridge process ingests at saturation: `perf record` on every CPU (not a
# thread-time trace, which counts waiting threads too) during the scale bench's one-bridge run, with the .NET
# processes writing perf maps so managed frames have names. Prints CPU per process, then the top symbols of the
# bridge, the load generator, Mosquitto and PostgreSQL. Needs DATABASE_URL and linux-perf (Debian: linux-perf).
# Usage: bench/profile-cpu.sh [--payload-kb 4|64] [--seconds 15]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=15
# shellcheck source=bench/scale-bridge.sh
source "$root/bench/scale-bridge.sh"
parse_profile_args iot-cpu-profile "$@"
# Perf maps (/tmp/perf-PID.map) name JIT-compiled frames; the bridge child inherits the variable.
start_scale_bridge env DOTNET_PerfMapEnabled=1
echo "perf on all CPUs for ${seconds} s (payload ${payload} KB, bridge pid $bridge, bench pid $bench_pid); output in $out"
perf record -a -g -F 499 -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.log"
stop_scale_bridge
grep -E "chunks/s|msg/s" "$out/scale.log" | head -5 || true
echo "== CPU by process (share of all samples on ${seconds} s x $(nproc) CPUs)"
cpu_by_process "$out/perf.data"
for who in "$bridge:bridge" "$bench_pid:load generator"; do
  pid="${who%%:*}"; name="${who#*:}"
  echo "== top symbols: $name (pid $pid)"
  perf report -i "$out/perf.data" --no-children --pid "$pid" --sort dso,symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30
done
echo "== top symbols: mosquitto and postgres"
perf report -i "$out/perf.data" --no-children --comm mosquitto,postgres --sort comm,dso,symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -30
