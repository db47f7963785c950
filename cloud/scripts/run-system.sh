#!/usr/bin/env bash
# Command 1 of the README: sets up what is missing and runs the whole system on this machine:
# bridge with its embedded MQTT broker, a local throwaway PostgreSQL (or DATABASE_URL), and three simulated
# devices — real edge agents whose "microphones" play generated speech in real time. Ctrl+C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source cloud/scripts/setup.sh
source cloud/scripts/postgres.sh
iot_setup

state="$root/.run"
devices="${IOT_DEVICES:-3}"
chunk_seconds="${IOT_CHUNK_SECONDS:-10}"
dashboard_port="${IOT_DASHBOARD_PORT:-5080}"
broker_port="${IOT_BROKER_PORT:-1883}"
mkdir -p "$state/logs"
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping: agents seal their current chunk, the bridge drains, then PostgreSQL stops" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "${DATABASE_URL:-}" ] && iot_pg_stop "$state/pg"
  exit 0
}
trap stop_all INT TERM EXIT

if [ -n "${DATABASE_URL:-}" ]; then
  db="$DATABASE_URL"; psql_url="$DATABASE_URL"
else
  pg_port="$(iot_free_port "${IOT_PG_PORT:-55432}")"
  iot_pg_start "$state/pg" "$pg_port"
  db="$IOT_DATABASE_URL"; psql_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
fi

bash cloud/scripts/speech.sh "$state/audio-v2" "$devices" 120
echo "build: dotnet build -c Release (first run restores packages)" >&2
dotnet build IoT.sln -c Release -v quiet -nologo >/dev/null

# Operator actions (approve, config pushes, commands, revoke) go to the bridge's operator API on 127.0.0.1:9471. With no
# ProvisioningApi:Callers configured the bridge mints a token for caller "local" into a 0600 file in its storage root;
# the dashboard (and iotctl --token-file) read it from there.
api_port="${IOT_PROVISIONING_API_PORT:-9471}"
token_file="$state/store/provisioning-api.token"
rm -f "$token_file"
seed=()
for ((i = 1; i <= devices; i++)); do seed+=("--Bridge:SeedDevices:$((i - 1))=demo/pos-$i"); done
dotnet cloud/Iot.Cloud.Bridge/bin/Release/net10.0/iot-bridge.dll \
  --Database:ConnectionString="$db" --Storage:Root="$state/store" --Broker:Port="$broker_port" "${seed[@]}" \
  --Broker:ListenAddress=127.0.0.1 \
  --Broker:RequireAuthentication=false --ProvisioningApi:Port="$api_port" \
  --Pipeline:Transcription:Engine=pocketsphinx --Pipeline:Dialogues:GapSeconds=8 --Pipeline:Dialogues:CloseGraceSeconds=20 \
  >"$state/logs/bridge.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null && [ -s "$token_file" ] && break; sleep 0.2; done

# Staff dashboard; the demo admin is seeded into tenant "demo" (the bridge created it with the devices).
dotnet dashboard/Iot.Dashboard/bin/Release/net10.0/iot-dashboard.dll \
  --Database:ConnectionString="$db" --Dashboard:StorageRoot="$state/store" --Dashboard:DataDirectory="$state/dashboard" \
  --Dashboard:Auth:SigningKey="$(openssl rand -base64 48)" --Dashboard:Auth:SecureCookies=false \
  --Dashboard:Seed:TenantId=demo --Dashboard:Seed:AdminEmail=admin@demo.local --Dashboard:Seed:AdminPassword='demo-admin-2026' \
  --Dashboard:ProvisioningApi:Url="http://127.0.0.1:$api_port/" --Dashboard:ProvisioningApi:TokenFile="$token_file" \
  --urls "http://127.0.0.1:$dashboard_port" >"$state/logs/dashboard.log" 2>&1 &
pids+=($!)

for ((i = 1; i <= devices; i++)); do
  dotnet edge/Iot.Edge.Agent/bin/Release/net10.0/iot-agent.dll \
    --Agent:TenantId=demo --Agent:DeviceId="pos-$i" --Agent:SpoolDirectory="$state/spool/pos-$i" \
    --Agent:ChunkSeconds="$chunk_seconds" --Audio:WavPath="$state/audio-v2/device-$i.wav" --Audio:Loop=true --Recording:Trigger=Always --Health:Port=$((8042 + i)) \
    --Mqtt:Port="$broker_port" --Mqtt:TelemetrySeconds=15 >"$state/logs/agent-pos-$i.log" 2>&1 &
  pids+=($!)
done

cat <<INFO

  IoT audio system is running.
    MQTT broker (embedded):  127.0.0.1:$broker_port   e.g. mosquitto_sub -p $broker_port -t 'iot/v1/#' -v
                             DEMO: plain MQTT on loopback only, no authentication. A real deployment listens on the
                             network with TLS (8883, the bridge's own CA) and credentials; see broker-config/README.md.
    PostgreSQL:              $psql_url
    Recordings:              $state/store/recordings/
    Logs (JSON):             $state/logs/
    Bridge metrics:          http://127.0.0.1:9470/metrics (Prometheus text) and /health
    Operator API:            http://127.0.0.1:$api_port/v1/ (token in $token_file), e.g.
                             dotnet provisioning/Iot.Provisioning.Cli/bin/Release/net10.0/iotctl.dll devices list --api http://127.0.0.1:$api_port/ --token-file $token_file
    Device health:           http://127.0.0.1:8043/health … :$((8042 + devices))/health (and /metrics)
    Dashboard:               http://127.0.0.1:$dashboard_port   sign in as admin@demo.local / demo-admin-2026
                             (API docs: http://127.0.0.1:$dashboard_port/scalar); row counts are printed below every 15 s.
  Devices demo/pos-1..$devices speak generated speech in real time and upload a chunk every $chunk_seconds s.
  Press Ctrl+C to stop.

INFO

while true; do
  sleep 15
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a process exited; see $state/logs" >&2; tail -n 5 "$state/logs/"*.log >&2; exit 1; }
  done
  psql "$psql_url" -Atc "SELECT to_char(now(), 'HH24:MI:SS') || '  chunks stored: ' || coalesce(sum(n), 0) || '  (' ||
    coalesce(string_agg(device_id || '=' || n, ', '), '') || ')  dialogues: ' || (SELECT count(*) FROM dialogues) ||
    '  transcribed: ' || (SELECT count(*) FROM transcripts) || '  analysed: ' || (SELECT count(*) FROM analyses) ||
    '  upsell attempts: ' || (SELECT count(*) FROM analyses WHERE upsell_attempted)
    FROM (SELECT device_id, count(*) n FROM chunks GROUP BY 1 ORDER BY 1) s" \
    2>/dev/null || echo "(database not ready yet)"
done
