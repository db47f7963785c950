using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Iot.Cloud.Data.Partitions;
using Npgsql;

namespace Iot.Cloud.Data;

/// <summary>Applies the embedded SQL migrations in order. An advisory lock keeps bridges that start together from racing.</summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger, TimeProvider? time = null)
{
    private const long MigrationLockKey = 0x10_7B_12_D6;

    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(_ => true, cancellationToken);

    /// <summary>
    /// Applies the scripts <paramref name="include"/> accepts (by file name, e.g. "0030_rotation_accepted.sql"), then,
    /// once the partitioned tables exist, makes sure this month and the next ones have their partitions.
    /// Tests use the filter to build a database as an older release left it.
    /// </summary>
    public async Task MigrateAsync(Func<string, bool> include, CancellationToken cancellationToken)
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
                .WithScriptsEmbeddedInAssembly(
                    typeof(DatabaseMigrator).Assembly,
                    name => IsMigration(name) && include(name[(name.IndexOf(MigrationsFolder, StringComparison.Ordinal) + MigrationsFolder.Length)..]))
                .WithTransactionPerScript()
                .LogTo(new UpgradeLog(this))
                .Build();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"database migration failed at script '{result.ErrorScript?.Name}'", result.Error);
            }

            LogMigrated(result.Scripts.Count());
            await MaintainPartitionsAsync(lockConnection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", lockConnection);
            release.Parameters.AddWithValue("k", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A start after a long stop must not meet a month without partition (DEFAULT would take its rows).</summary>
    private async Task MaintainPartitionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regproc('public.iot_partitions_maintain') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return;
            }
        }

        logger.Report(await MonthlyPartitions.MaintainAsync(
            connection, MonthlyPartitions.DefaultMonthsAhead, (time ?? TimeProvider.System).GetUtcNow(), null, cancellationToken).ConfigureAwait(false));
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
