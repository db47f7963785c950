using Dapper;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Npgsql;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// Health of <see cref="SeedData"/>'s devices written as the fleet service's DeviceHealthWriter writes it (as the table
/// owner): Acme's north till online for three hours on a USB microphone over TLS, with a backlog and a 75 % full spool,
/// a desired config one version ahead of what it reported, and connect/restart events; the south till offline with
/// its microphone missing and telemetry from an agent older than the new fields. Globex's desk has health too, so a
/// leak would show.
/// </summary>
public static class SeedHealth
{
    public const string NorthMic = "USB Audio Device (hw:1,0)";
    public const string NorthBroker = "mqtt-b.example.net:8883";
    public const string GlobexMic = "globex-desk-mic-3391";
    public const long MiB = 1048576;

    public static DeviceTelemetry NorthTelemetry(DateTimeOffset at) => new()
    {
        AtUtc = at,
        OutboxDepth = 12,
        OutboxBytes = 5 * MiB,
        Recording = true,
        RecordingReason = "in-schedule",
        Mic = "streaming",
        MicName = NorthMic,
        RecordingTrigger = "Schedule",
        Tls = true,
        Broker = NorthBroker,
        AgentVersion = "2.1.0",
        StartedAtUtc = at.AddHours(-3),
        SpoolFreeBytes = 1024 * MiB,
        SpoolTotalBytes = 4096 * MiB,
    };

    /// <summary>Writes the health, events and config; returns when acme-d1's newest chunk started.</summary>
    public static async Task<DateTime> WriteAsync(string connectionString)
    {
        var now = DateTimeOffset.UtcNow;
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await c.ExecuteAsync("UPDATE devices SET last_seen_at = now() WHERE device_id IN ('acme-d1', 'acme-d2', 'globex-d1')");
        await UpsertAsync(c, "acme", "acme-d1", "online", "first-connect", now.AddHours(-3), NorthTelemetry(now));

        // An agent from before MicName/RecordingTrigger/Tls/Broker: those stay null ("—" on the screens).
        await UpsertAsync(c, "acme", "acme-d2", "offline", "connection-lost", now.AddHours(-5), new DeviceTelemetry
        {
            AtUtc = now.AddMinutes(-10),
            OutboxDepth = 700,
            OutboxBytes = 300 * MiB,
            Recording = false,
            RecordingReason = "outside-schedule",
            Mic = "missing",
            AgentVersion = "1.9.0",
        });
        await UpsertAsync(c, "globex", "globex-d1", "online", "first-connect", now.AddHours(-1), NorthTelemetry(now) with { MicName = GlobexMic });
        await c.ExecuteAsync(
            """
            INSERT INTO device_events (device_id, tenant_id, at, kind, reason) VALUES
                ('acme-d1', 'acme', now() - interval '5 hours', 'offline', 'connection-lost'),
                ('acme-d1', 'acme', now() - interval '3 hours', 'restart', 'first-connect'),
                ('acme-d1', 'acme', now() - interval '3 hours' + interval '1 second', 'online', 'first-connect'),
                ('acme-d2', 'acme', now() - interval '5 hours', 'offline', 'south-event-reason'),
                ('globex-d1', 'globex', now() - interval '1 hour', 'online', 'globex-event-reason');
            INSERT INTO device_configs (device_id, desired_version, desired, reported_version, reported_at)
            VALUES ('acme-d1', 4, '{"version":4,"chunkSeconds":60}', 3, now())
            ON CONFLICT (device_id) DO UPDATE SET desired_version = 4, desired = EXCLUDED.desired, reported_version = 3, reported_error = NULL;
            """);

        // A chunk from two minutes ago: SeedData's chunks are on a fixed day, which the list's last-chunk lookback
        // (FleetQueries.ListChunkLookback) would drop once the calendar has moved past it.
        var lastChunk = new DateTime(now.AddMinutes(-2).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        await c.ExecuteAsync(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, transaction_id, storage_path, bridge_id)
            VALUES (@id, 'acme', 'acme-d1', 9001, @lastChunk, 8000, 16000, 'ogg/opus', 1, @sha, NULL, 'recordings/fleet-detail/recent.opus', 'test')
            """,
            new { id = RecentChunk, lastChunk, sha = new string('0', 64) });
        return lastChunk;
    }

    public static readonly Guid RecentChunk = Guid.Parse("0195f1a0-0000-7000-8000-00000000f1ee");

    /// <summary>The row as DeviceHealthWriter leaves it after a status and a telemetry message.</summary>
    public static Task UpsertAsync(NpgsqlConnection c, string tenant, string device, string state, string reason, DateTimeOffset startedAt, DeviceTelemetry telemetry) =>
        c.ExecuteAsync(
            """
            INSERT INTO device_health (device_id, tenant_id, state, state_at, state_received_at, reconnect_reason, agent_version, started_at, telemetry, telemetry_at, telemetry_received_at)
            VALUES (@device, @tenant, @state, now(), now(), @reason, @version, @startedAt, @telemetry::jsonb, @at, now())
            ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, reconnect_reason = EXCLUDED.reconnect_reason, agent_version = EXCLUDED.agent_version,
                started_at = EXCLUDED.started_at, telemetry = EXCLUDED.telemetry, telemetry_at = EXCLUDED.telemetry_at, updated_at = now()
            """,
            new
            {
                device,
                tenant,
                state,
                reason,
                version = telemetry.AgentVersion,
                startedAt,
                at = telemetry.AtUtc,
                telemetry = System.Text.Encoding.UTF8.GetString(ProtocolJson.Serialize(telemetry)),
            });

    public static async Task ClearAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.ExecuteAsync("DELETE FROM device_health; DELETE FROM device_events; DELETE FROM device_configs WHERE device_id = 'acme-d1'; DELETE FROM chunks WHERE chunk_id = @RecentChunk", new { RecentChunk });
    }
}
