# Sourced by the profiling scripts: runs the scale bench's one-bridge phase in the background and finds its bridge.
# Needs $root set by the caller.

# --payload-kb 4|64 and --seconds N into $payload and $seconds (defaults 4 and the caller's $seconds); checks
# DATABASE_URL; makes the output directory $out named after $1.
parse_profile_args() {
  local name="$1"; shift
  payload=4
  while [ $# -gt 0 ]; do
    case "$1" in
      --payload-kb) payload="$2"; shift 2 ;;
      --seconds) seconds="$2"; shift 2 ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
  done
  : "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server the bench may create databases on}"
  out="$(mktemp -d "/tmp/$name.XXXXXX")"
}

# Starts the scale bench (not --quick: the one-bridge run must outlast the warm-up plus a sampling window), sets
# $bench_pid and $bridge (only this run's bridge: a child of the bench process; other bridges may run on the machine),
# then waits for the subscribe and the 500-chunk warm-up. Extra arguments go before the command (e.g. env VAR=1).
start_scale_bridge() {
  dotnet build "$root/bench/Iot.Bench" -c Release -v q -nologo >/dev/null
  "$@" dotnet "$root/bench/Iot.Bench/bin/Release/net10.0/Iot.Bench.dll" scale --payload-kb "$payload" >"$out/scale.log" 2>&1 &
  bench_pid=$!
  bridge=""
  for _ in $(seq 1 120); do
    bridge="$(pgrep -P "$bench_pid" -f 'iot-bridge.dll --Bridge:InstanceId=bridge-1' || true)"
    [ -n "$bridge" ] && break
    sleep 0.5
  done
  [ -n "$bridge" ] || { echo "no bridge process appeared; see $out/scale.log" >&2; exit 1; }
  sleep 8
}

# The bench is stopped mid-run, so its own clean-up never runs: end its children (bridge, Mosquitto) first, by pid.
stop_scale_bridge() {
  local children
  children="$(pgrep -P "$bench_pid" || true)"
  kill "$bench_pid" 2>/dev/null || true
  wait "$bench_pid" 2>/dev/null || true
  [ -n "$children" ] && kill $children 2>/dev/null || true
  echo "left for inspection (drop when done): the bench's iot_scale_* database and /tmp/iot-bench-* directories"
}

# Samples per process in perf.data ($1), named: the bridge, the load generator, idle, else the process's busiest thread.
cpu_by_process() {
  perf script -i "$1" -F pid,comm 2>/dev/null | awk -v bridge="$bridge" -v bench="$bench_pid" '
    { pid = $NF; $NF = ""; sub(/ +$/, ""); n[pid]++; total++; c[pid, $0]++; if (c[pid, $0] > best[pid]) { best[pid] = c[pid, $0]; name[pid] = $0 } }
    END {
      for (p in n) {
        label = p == bridge ? "bridge" : p == bench ? "load generator" : p == 0 ? "idle" : name[p]
        printf "%6.1f %%  %-8s %s\n", 100 * n[p] / total, p, label
      }
    }' | sort -rn | head -15
}
