using Dapper;
using Npgsql;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>The queue as the database sees it, whichever processes work on it.</summary>
public sealed class JobQueueStats(NpgsqlDataSource dataSource)
{
    /// <summary>Unfinished and dead jobs by kind and status (done jobs are history, not depth).</summary>
    public async Task<IReadOnlyList<JobQueueDepth>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<JobQueueDepth>(new CommandDefinition(
            """
            SELECT kind AS Kind, status AS Status, count(*) AS Count,
                   coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS OldestAgeSeconds
            FROM jobs WHERE status IN ('queued', 'running', 'waiting', 'dead')
            GROUP BY kind, status ORDER BY kind, status
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToList();
    }
}

/// <param name="OldestAgeSeconds">Age of the oldest job in this kind and status (database clock).</param>
public sealed record JobQueueDepth(string Kind, string Status, long Count, double OldestAgeSeconds);
