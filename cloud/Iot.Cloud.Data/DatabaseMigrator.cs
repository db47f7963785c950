using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Data;

/// <summary>Applies the embedded SQL migrations in order. An advisory lock keeps bridges that start together from racing.</summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    private const long MigrationLockKey = 0x10_7B_12_D6;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@k)", lockConnection))
        {
            take.Parameters.AddWithValue("k", MigrationLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await AdoptRenamedScriptsAsync(lockConnection, cancellationToken).ConfigureAwait(false);
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(dataSource.ConnectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(".Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogTo(new UpgradeLog(this))
                .Build();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"database migration failed at script '{result.ErrorScript?.Name}'", result.Error);
            }

            LogMigrated(result.Scripts.Count());
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", lockConnection);
            release.Parameters.AddWithValue("k", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The scripts moved from the bridge assembly to this one, which changed their DbUp names; databases migrated
    /// before the move keep their history under the new names instead of running the scripts again.
    /// </summary>
    private static async Task AdoptRenamedScriptsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            DO $$
            BEGIN
                IF to_regclass('public.schemaversions') IS NOT NULL THEN
                    UPDATE public.schemaversions
                    SET scriptname = replace(scriptname, 'Iot.Cloud.Bridge.Persistence.Migrations.', 'Iot.Cloud.Data.Migrations.')
                    WHERE scriptname LIKE 'Iot.Cloud.Bridge.Persistence.Migrations.%';
                END IF;
            END $$
            """,
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema up to date ({Applied} migration(s) applied now)")]
    private partial void LogMigrated(int applied);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DbUp: {Text}")]
    private partial void LogDbUp(string text);

    [LoggerMessage(Level = LogLevel.Error, Message = "DbUp: {Text}")]
    private partial void LogDbUpError(Exception? exception, string text);

    private sealed class UpgradeLog(DatabaseMigrator owner) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => owner.LogDbUp(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogDebug(string format, params object[] args) => owner.LogDbUp(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogInformation(string format, params object[] args) => owner.LogDbUp(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogWarning(string format, params object[] args) => owner.LogDbUp(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) => owner.LogDbUpError(null, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => owner.LogDbUpError(ex, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
