#!/usr/bin/env bash
# Profiles one bridge process under the scale bench's saturating load: dotnet-counters (runtime and ingest counters)
# and dotnet-trace CPU sampling for --seconds (default 20) while the one-bridge run of `scale` is going, then prints the
# trace's top methods. Needs DATABASE_URL (or run it where bench/run.sh would set one up) and the dotnet-trace and
# dotnet-counters global tools (dotnet tool install -g dotnet-trace; dotnet tool install -g dotnet-counters).
# Usage: bench/profile-bridge.sh [--payload-kb 4|64] [--seconds 20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:$HOME/.dotnet/tools"
seconds=20
# shellcheck source=bench/scale-bridge.sh
source "$root/bench/scale-bridge.sh"
parse_profile_args iot-bridge-profile "$@"
start_scale_bridge
echo "profiling bridge pid $bridge for ${seconds} s (payload ${payload} KB); output in $out"
dotnet-counters collect -p "$bridge" --duration "00:00:$(printf %02d "$seconds")" --format csv -o "$out/counters.csv" \
  --counters System.Runtime,Iot.Cloud.Bridge.Ingest,Npgsql >/dev/null &
counters=$!
dotnet-trace collect -p "$bridge" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$seconds")" -o "$out/bridge.nettrace" >/dev/null
wait "$counters" || true
stop_scale_bridge
dotnet-trace report "$out/bridge.nettrace" topN -n 40 --inclusive >"$out/top-inclusive.txt" 2>&1 || true
dotnet-trace report "$out/bridge.nettrace" topN -n 40 >"$out/top-exclusive.txt" 2>&1 || true
echo "== top inclusive"; cat "$out/top-inclusive.txt"
echo "== top exclusive"; cat "$out/top-exclusive.txt"
echo "== counters (last sample of each)"; tac "$out/counters.csv" | awk -F, '!seen[$3]++' | tac | cut -d, -f3- | head -60
