using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Support;

/// <summary>
/// Producer side only, straight into the real jobs table with its dedup index; the real PostgresJobQueue lives on
/// the queue branch and replaces this once merged.
/// </summary>
internal sealed class TestJobQueue(NpgsqlDataSource dataSource) : IJobQueue
{
    public async Task<bool> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRequest request, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO jobs (kind, payload, dedup_key, priority, max_attempts, run_after)
            VALUES (@Kind, @Payload::jsonb, @DedupKey, @Priority, @MaxAttempts, now() + @delay)
            ON CONFLICT (kind, dedup_key) WHERE status IN ('queued', 'running', 'waiting') AND dedup_key IS NOT NULL DO NOTHING
            RETURNING job_id
            """,
            new { request.Kind, request.Payload, request.DedupKey, request.Priority, request.MaxAttempts, delay = request.Delay ?? TimeSpan.Zero },
            transaction, cancellationToken: cancellationToken));
        return id is not null;
    }

    public async Task<bool> EnqueueAsync(JobRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await EnqueueAsync(connection, null, request, cancellationToken);
    }

    public async Task<int> ResumeWaitingAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET status = 'queued', wait_reason = NULL WHERE kind = @kind AND status = 'waiting'", new { kind }, cancellationToken: cancellationToken));
    }
}
