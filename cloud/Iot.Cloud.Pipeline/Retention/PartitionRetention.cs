using Dapper;
using Iot.Cloud.Data.Audit;
using Iot.Cloud.Data.Partitions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Pipeline.Retention;

/// <summary>
/// The partition half of the daily retention job: creates the coming months' partitions (moving rows stranded in
/// DEFAULT, warning about the rest), then, when <see cref="RetentionOptions.PartitionMonths"/> is set, detaches and
/// drops every month that ended before the kept window, one audit row per dropped partition.
/// </summary>
public sealed partial class PartitionRetention(NpgsqlDataSource dataSource, RetentionOptions options, TimeProvider time, ILogger logger)
{
    /// <returns>The partitions dropped now.</returns>
    public async Task<IReadOnlyList<MonthPartition>> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTime? keepFrom = options.PartitionMonths == 0 ? null : KeepFrom(now.UtcDateTime, options.PartitionMonths);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        logger.Report(await MonthlyPartitions.MaintainAsync(connection, options.PartitionMonthsAhead, now, keepFrom, cancellationToken).ConfigureAwait(false));

        if (keepFrom is not { } cutoffMonth)
        {
            return [];
        }

        // Audio files live as long as their tenant says; a chunk month goes only once every tenant's audio of it has.
        var longestAudioDays = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT GREATEST(@defaultDays, COALESCE(max(audio_retention_days), 0)) FROM tenant_settings",
            new { defaultDays = options.AudioRetentionDays },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var chunksKeepFrom = new[] { cutoffMonth, now.UtcDateTime.AddDays(-longestAudioDays) }.Min();

        var dropped = new List<MonthPartition>();
        foreach (var table in MonthlyPartitions.Tables)
        {
            var cutoff = table == "chunks" ? chunksKeepFrom : cutoffMonth;
            foreach (var partition in (await MonthlyPartitions.ListAsync(connection, table, cancellationToken).ConfigureAwait(false)).Where(p => p.To <= cutoff))
            {
                if (await MonthlyPartitions.HoldsAudioAsync(connection, partition, cancellationToken).ConfigureAwait(false))
                {
                    LogHoldsAudio(partition.Name);
                    continue;
                }

                await MonthlyPartitions.DropAsync(connection, partition, cancellationToken).ConfigureAwait(false);
                await AuditLog.WriteAsync(
                    connection,
                    null,
                    new AuditRecord(null, RetentionAudit.Actor, RetentionAudit.PartitionDrop, partition.Table + ":" + partition.Name, new Dictionary<string, object>
                    {
                        ["table"] = partition.Table, ["from"] = partition.From, ["to"] = partition.To, ["keepMonths"] = options.PartitionMonths,
                    }),
                    now.ToUniversalTime(),
                    cancellationToken).ConfigureAwait(false);
                LogDropped(partition.Table, partition.Name, partition.From, partition.To);
                dropped.Add(partition);
            }
        }

        return dropped;
    }

    /// <summary>The first instant kept: the start of the month <paramref name="months"/> before the current UTC month.</summary>
    public static DateTime KeepFrom(DateTime nowUtc, int months) =>
        new DateTime(nowUtc.Year, nowUtc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-months);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention: partition {Partition} is past the kept months but still has audio files; not dropped until audio retention purges them")]
    private partial void LogHoldsAudio(string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "retention: {Table}: partition {Partition} [{From:yyyy-MM-dd}, {To:yyyy-MM-dd}) dropped")]
    private partial void LogDropped(string table, string partition, DateTime from, DateTime to);
}
