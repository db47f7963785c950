using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dapper;
using Iot.Protocol.Serialization;
using Npgsql;

namespace Iot.Provisioning.Fleet;

/// <summary>The two writes of a device-health flush, each one statement over a JSON array of rows.</summary>
internal static class DeviceHealthSql
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static async Task UpdateAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<HealthUpdate> updates, DateTimeOffset now, CancellationToken ct)
    {
        if (updates.Count == 0)
        {
            return;
        }

        var rows = updates.Select(u => new
        {
            device_id = u.DeviceId,
            set_status = u.SetStatus,
            state = u.State,
            state_at = u.StateAt,
            state_received_at = u.StateReceivedAt,
            reconnect_reason = u.ReconnectReason,
            agent_version = u.AgentVersion,
            started_at = u.StartedAt,
            set_telemetry = u.SetTelemetry,

            // Re-serialised from the parsed message: only the protocol's fields, whatever else a device put in its JSON.
            telemetry = u.Telemetry is null ? null : JsonNode.Parse(ProtocolJson.Serialize(u.Telemetry)),
            telemetry_at = u.TelemetryAt,
            telemetry_received_at = u.TelemetryReceivedAt,
            mic_missing_since = u.MicMissingSince,
            heard_at = u.HeardAt,
        });
        await c.ExecuteAsync(new CommandDefinition(
            """
            WITH r AS (
                SELECT * FROM jsonb_to_recordset(@rows::jsonb) AS r(
                    device_id text, set_status boolean, state text, state_at timestamptz, state_received_at timestamptz,
                    reconnect_reason text, agent_version text, started_at timestamptz, set_telemetry boolean, telemetry jsonb,
                    telemetry_at timestamptz, telemetry_received_at timestamptz, mic_missing_since timestamptz, heard_at timestamptz)
            ), health AS (
                UPDATE device_health h SET
                    state = CASE WHEN r.set_status THEN r.state ELSE h.state END,
                    state_at = CASE WHEN r.set_status THEN r.state_at ELSE h.state_at END,
                    state_received_at = CASE WHEN r.set_status THEN r.state_received_at ELSE h.state_received_at END,
                    reconnect_reason = CASE WHEN r.set_status THEN r.reconnect_reason ELSE h.reconnect_reason END,
                    started_at = CASE WHEN r.set_status THEN r.started_at ELSE h.started_at END,
                    agent_version = coalesce(r.agent_version, h.agent_version),
                    telemetry = CASE WHEN r.set_telemetry THEN r.telemetry ELSE h.telemetry END,
                    telemetry_at = CASE WHEN r.set_telemetry THEN r.telemetry_at ELSE h.telemetry_at END,
                    telemetry_received_at = CASE WHEN r.set_telemetry THEN r.telemetry_received_at ELSE h.telemetry_received_at END,
                    mic_missing_since = CASE WHEN r.set_telemetry THEN r.mic_missing_since ELSE h.mic_missing_since END,
                    updated_at = @now
                FROM r WHERE h.device_id = r.device_id
            )
            -- devices.last_seen_at: when anything was last heard from the device (dashboard lists and overview read it).
            UPDATE devices d SET last_seen_at = greatest(d.last_seen_at, r.heard_at)
            FROM r WHERE d.device_id = r.device_id
            """,
            new { rows = JsonSerializer.Serialize(rows, Json), now },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
    }

    public static async Task InsertEventsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<DeviceEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        var rows = events.Select(e => new { device_id = e.DeviceId, tenant_id = e.TenantId, at = e.At, kind = e.Kind, reason = e.Reason });
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO device_events (device_id, tenant_id, at, kind, reason)
            SELECT device_id, tenant_id, at, kind, left(reason, 200)
            FROM jsonb_to_recordset(@rows::jsonb) AS r(device_id text, tenant_id text, at timestamptz, kind text, reason text)
            """,
            new { rows = JsonSerializer.Serialize(rows, Json) },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
    }
}
