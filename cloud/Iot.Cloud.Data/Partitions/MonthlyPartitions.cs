using Npgsql;

namespace Iot.Cloud.Data.Partitions;

/// <summary>What one upkeep pass did to a partitioned table.</summary>
/// <param name="RowsInDefault">Rows left in the DEFAULT partition: timestamps outside every month kept, worth an alert.</param>
public sealed record PartitionUpkeep(string Table, int PartitionsCreated, long RowsMoved, long RowsInDefault);

/// <summary>One monthly partition: [From, To) in UTC.</summary>
public sealed record MonthPartition(string Table, string Name, DateTime From, DateTime To);

/// <summary>
/// The C# side of the SQL functions in migration 0040: monthly partitions of chunks, dialogue_segments and dialogues
/// are created ahead (and rows stranded in DEFAULT moved) by <see cref="MaintainAsync"/>, and whole months are
/// removed by <see cref="DropAsync"/>.
/// </summary>
public static class MonthlyPartitions
{
    /// <summary>Months created ahead of the current one when nobody configures it (start-up).</summary>
    public const int DefaultMonthsAhead = 3;

    public static IReadOnlyList<string> Tables { get; } = ["chunks", "dialogue_segments", "dialogues"];

    /// <param name="keepFrom">Rows in DEFAULT older than this are not given a partition (retention dropped their month); null = 10 years.</param>
    public static async Task<IReadOnlyList<PartitionUpkeep>> MaintainAsync(
        NpgsqlConnection connection, int monthsAhead, DateTimeOffset now, DateTime? keepFrom, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT parent, partitions_created, rows_moved, rows_in_default FROM iot_partitions_maintain(@ahead, @now, @keepFrom)", connection);
        command.Parameters.AddWithValue("ahead", monthsAhead);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter<DateTime?>("keepFrom", NpgsqlTypes.NpgsqlDbType.TimestampTz) { TypedValue = keepFrom });
        var result = new List<PartitionUpkeep>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new PartitionUpkeep(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return result;
    }

    /// <summary>The monthly partitions of <paramref name="table"/>, oldest first (DEFAULT left out).</summary>
    public static async Task<IReadOnlyList<MonthPartition>> ListAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        Known(table);
        await using var command = new NpgsqlCommand(
            "SELECT partition_name, from_at, to_at FROM iot_partitions(@table) WHERE from_at IS NOT NULL ORDER BY from_at", connection);
        command.Parameters.AddWithValue("table", table);
        var result = new List<MonthPartition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new MonthPartition(table, reader.GetString(0), reader.GetDateTime(1), reader.GetDateTime(2)));
        }

        return result;
    }

    /// <summary>
    /// Detaches and drops one month. For dialogues the transcripts, analyses and reviewers' corrections (0051) of that
    /// month's dialogues go in the same transaction: they have no foreign key to it (migration 0041) and would otherwise
    /// be orphans.
    /// </summary>
    public static async Task DropAsync(NpgsqlConnection connection, MonthPartition partition, CancellationToken cancellationToken)
    {
        Known(partition.Table);
        var table = Quote(partition.Table);
        var name = Quote(partition.Name);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Locked first, so a transcript or analysis still being written for one of its dialogues commits before the
        // deletes below look for it, and none can start after them.
        var sql = $"LOCK TABLE public.{name} IN ACCESS EXCLUSIVE MODE;";
        sql += partition.Table == "dialogues"
            ? $"""
               DELETE FROM transcripts WHERE dialogue_id IN (SELECT dialogue_id FROM public.{name});
               DELETE FROM analyses WHERE dialogue_id IN (SELECT dialogue_id FROM public.{name});
               DELETE FROM analysis_reviews WHERE dialogue_id IN (SELECT dialogue_id FROM public.{name});
               """
            : "";
        sql += $"ALTER TABLE public.{table} DETACH PARTITION public.{name}; DROP TABLE public.{name};";
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a chunk partition still points at audio files (retention has not purged them yet).</summary>
    public static async Task<bool> HoldsAudioAsync(NpgsqlConnection connection, MonthPartition partition, CancellationToken cancellationToken)
    {
        if (partition.Table != "chunks")
        {
            return false;
        }

        await using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM public.{Quote(partition.Name)} WHERE storage_path IS NOT NULL)", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static void Known(string table)
    {
        if (!Tables.Contains(table, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{table}' is not a partitioned table", nameof(table));
        }
    }

    // Partition names come from pg_class (made by iot_partition_create); quoting still keeps them inert.
    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
