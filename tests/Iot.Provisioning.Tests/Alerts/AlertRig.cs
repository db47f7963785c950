using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using Iot.Provisioning.Alerts;
using Iot.Provisioning.Fleet;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Provisioning.Tests.Alerts;

/// <summary>
/// A migrated database of its own with two tenants (acme: branches north and south; other), a moveable clock, and the
/// evaluator and health writer built as the bridge builds them. Passes are run directly, not on the timer.
/// </summary>
public sealed class AlertRig : IAsyncDisposable
{
    /// <summary>Half past an hour, so the rejected-chunks window is this hour plus half of the previous one.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 10, 30, 0, TimeSpan.Zero);

    private AlertRig(NpgsqlDataSource dataSource, string connectionString)
    {
        DataSource = dataSource;
        ConnectionString = connectionString;
    }

    public NpgsqlDataSource DataSource { get; }

    public string ConnectionString { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public AlertMetrics Metrics { get; } = new();

    /// <summary>The certificate the platform rule watches; none unless a test sets one.</summary>
    public X509Certificate2? Certificate { get; set; }

    public static async Task<AlertRig> StartAsync()
    {
        var cs = await TestDatabase.CreateAsync("iot_alerts");
        var rig = new AlertRig(NpgsqlDataSource.Create(cs), cs);
        await rig.ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('acme', 'Acme'), ('other', 'Other');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('north', 'acme', 'North'), ('south', 'acme', 'South'), ('other-main', 'other', 'Main');
            """);
        return rig;
    }

    public AlertEvaluator Evaluator(AlertOptions? options = null) =>
        new(DataSource, new CertificateSource(this), Metrics, Options.Create(options ?? new AlertOptions()), Time, NullLogger<AlertEvaluator>.Instance);

    public DeviceHealthWriter HealthWriter() =>
        new(DataSource, Options.Create(new AlertOptions()), Time, NullLogger<DeviceHealthWriter>.Instance);

    public async Task DeviceAsync(string deviceId, string tenantId = "acme", string? branchId = "north", string? name = null, bool seen = true)
    {
        await ExecuteAsync(
            "INSERT INTO devices (device_id, tenant_id, branch_id, display_name, last_seen_at) VALUES (@deviceId, @tenantId, @branchId, @name, @seen)",
            new { deviceId, tenantId, branchId, name, seen = seen ? Time.GetUtcNow() : (DateTimeOffset?)null });
    }

    /// <summary>A device_health row as the writer leaves it: state, and telemetry JSON, both heard <paramref name="heardAgo"/> ago.</summary>
    public Task HealthAsync(string deviceId, string state, TimeSpan heardAgo, string? telemetry = null, DateTimeOffset? micMissingSince = null)
    {
        var at = Time.GetUtcNow() - heardAgo;
        return ExecuteAsync(
            """
            INSERT INTO device_health (device_id, tenant_id, state, state_at, state_received_at, telemetry, telemetry_at, telemetry_received_at, mic_missing_since)
            SELECT device_id, tenant_id, @state, @at, @at, @telemetry::jsonb, CASE WHEN @telemetry IS NOT NULL THEN @at END, CASE WHEN @telemetry IS NOT NULL THEN @at END, @micMissingSince
            FROM devices WHERE device_id = @deviceId
            ON CONFLICT (device_id) DO UPDATE SET state = excluded.state, state_at = excluded.state_at, state_received_at = excluded.state_received_at,
                telemetry = excluded.telemetry, telemetry_at = excluded.telemetry_at, telemetry_received_at = excluded.telemetry_received_at,
                mic_missing_since = excluded.mic_missing_since
            """,
            new { deviceId, state, at, telemetry, micMissingSince });
    }

    public async Task<AlertPassResult> PassAsync() => await Evaluator().EvaluateOnceAsync(CancellationToken.None);

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        await c.ExecuteAsync(sql, args);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        return (await c.QueryAsync<T>(sql, args)).AsList();
    }

    /// <summary>Open alerts as "rule:subject" strings, sorted.</summary>
    public async Task<List<string>> OpenAsync() =>
        await QueryAsync<string>("SELECT rule || ':' || subject FROM alerts WHERE resolved_at IS NULL ORDER BY 1");

    /// <summary>A real self-signed certificate valid until <paramref name="notAfter"/>.</summary>
    public static X509Certificate2 SelfSigned(DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=broker.test", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(notAfter.AddDays(-365), notAfter);
    }

    public async ValueTask DisposeAsync()
    {
        Certificate?.Dispose();
        await DataSource.DisposeAsync();
    }

    /// <summary>Reads the certificate the way the bridge does: subject and NotAfter of the certificate in use.</summary>
    private sealed class CertificateSource(AlertRig rig) : ICertificateExpirySource
    {
        public IReadOnlyList<WatchedCertificate> Certificates() =>
            rig.Certificate is { } c ? [new WatchedCertificate("broker-tls", c.Subject, new DateTimeOffset(c.NotAfter.ToUniversalTime()))] : [];
    }
}
