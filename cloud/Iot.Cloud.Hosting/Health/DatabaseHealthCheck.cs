using Iot.Cloud.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Iot.Cloud.Hosting.Health;

/// <summary>
/// Ready only when the database answers and DbUp's journal lists every migration this build embeds: a process whose
/// schema is behind would fail on its first query against a new column, so it must not take traffic or jobs yet.
/// The description names the first pending script or the connection error, never the connection string.
/// </summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> pending;
        try
        {
            pending = await DatabaseMigrator.PendingScriptsAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            // No exception attached to the result: its text and inner exceptions are not ours to vet for secrets.
            return HealthCheckResult.Unhealthy($"database unreachable: {ex.Message}");
        }

        var total = DatabaseMigrator.EmbeddedScripts.Count;
        return pending.Count == 0
            ? HealthCheckResult.Healthy($"database reachable, schema at {ScriptName(DatabaseMigrator.EmbeddedScripts[^1])} ({total} migrations)")
            : HealthCheckResult.Unhealthy($"database reachable but not migrated: {pending.Count} of {total} migration(s) pending, first {ScriptName(pending[0])}");
    }

    private static string ScriptName(string resourceName) => resourceName[(resourceName.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
}
