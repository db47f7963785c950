using Dapper;
using Npgsql;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// Alerts over <see cref="SeedData"/>'s devices written as the fleet service's evaluator writes them (as the table
/// owner): an open critical offline alert on Acme's north till, an open backlog warning on the south till, an open
/// tenant-wide dead-jobs alert (no branch), a resolved north alert, and an open alert of Globex. The south summary
/// carries markup the screens must encode.
/// </summary>
public sealed record SeedAlerts(long AcmeNorth, long AcmeSouth, long AcmeTenantWide, long AcmeNorthResolved, long Globex)
{
    public const string SouthSummary = "Backlog of <b>612</b> chunks & growing";

    public IReadOnlyList<long> All => [AcmeNorth, AcmeSouth, AcmeTenantWide, AcmeNorthResolved, Globex];

    public static async Task<SeedAlerts> WriteAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        var resolved = await InsertAsync(c, "acme", "acme-north", "acme-d1", "device-offline", "critical", "Till 1 was offline for 75 minutes", TimeSpan.FromHours(30), resolved: true);
        return new SeedAlerts(
            await InsertAsync(c, "acme", "acme-north", "acme-d1", "device-offline", "critical", "Till 1 offline for 90 minutes", TimeSpan.FromMinutes(90)),
            await InsertAsync(c, "acme", "acme-south", "acme-d2", "backlog-chunks", "warning", SouthSummary, TimeSpan.FromMinutes(40)),
            await InsertAsync(c, "acme", null, null, "dead-jobs", "warning", "3 transcribe jobs dead-lettered in 24 h", TimeSpan.FromMinutes(20), subject: "transcribe"),
            resolved,
            await InsertAsync(c, "globex", "globex-main", "globex-d1", "device-offline", "critical", "Globex desk offline for 2 hours", TimeSpan.FromHours(2)));
    }

    /// <summary>One alert as the evaluator opens it; <paramref name="age"/> before now.</summary>
    public static Task<long> InsertAsync(
        NpgsqlConnection c, string tenant, string? branch, string? device, string rule, string severity, string summary, TimeSpan age, bool resolved = false, string? subject = null) =>
        c.ExecuteScalarAsync<long>(
            """
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, details, first_seen_at, last_seen_at, occurrences, resolved_at)
            VALUES (@tenant, @branch, @device, @rule, @subject, @severity, @summary, '{"value": 90, "threshold": 60, "unit": "minutes"}',
                    now() - @age, now() - @age / 2, 3, CASE WHEN @resolved THEN now() - @age / 4 END)
            RETURNING alert_id
            """,
            new { tenant, branch, device, rule, subject = subject ?? device ?? "", severity, summary, age, resolved });

    public static async Task ClearAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.ExecuteAsync("DELETE FROM alerts; DELETE FROM alert_channels; DELETE FROM alert_rule_settings; DELETE FROM audit_log WHERE action LIKE 'alert-%'");
    }
}
