using Dapper;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Worker side: claiming under a lease, renewing it, and taking back leases of workers that vanished.</summary>
public sealed partial class PostgresJobQueue
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> ready jobs, most urgent first (priority, run_after, job_id). Concurrent
    /// claimers never block each other and never get the same job (SKIP LOCKED). <paramref name="kinds"/> null = any kind.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedJob>> ClaimAsync(string workerId, int limit, TimeSpan lease, IReadOnlyCollection<string>? kinds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ClaimRow>(new CommandDefinition(
            """
            WITH next AS (
                SELECT job_id FROM jobs
                WHERE status = 'queued' AND run_after <= now() AND (@kinds::text[] IS NULL OR kind = ANY(@kinds))
                ORDER BY priority, run_after, job_id
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j
            SET status = 'running', attempts = j.attempts + 1, lease_until = now() + @lease, locked_by = @workerId, updated_at = now()
            FROM next WHERE j.job_id = next.job_id
            RETURNING j.job_id AS JobId, j.kind AS Kind, j.payload::text AS Payload, j.attempts AS Attempt,
                      j.max_attempts AS MaxAttempts, j.dedup_key AS DedupKey, j.priority AS Priority
            """,
            new { workerId, limit, lease, kinds = kinds?.ToArray() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.OrderBy(r => r.Priority).ThenBy(r => r.JobId)
            .Select(r => new ClaimedJob(r.JobId, r.Kind, r.Payload, r.Attempt, r.MaxAttempts, r.DedupKey))
            .ToList();
    }

    /// <summary>Extends the leases this worker still holds; returns the ids renewed. A missing id means the lease was lost.</summary>
    public async Task<IReadOnlySet<long>> RenewLeasesAsync(string workerId, IReadOnlyCollection<ClaimedJob> jobs, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return new HashSet<long>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var renewed = await connection.QueryAsync<long>(new CommandDefinition(
            """
            UPDATE jobs j SET lease_until = now() + @lease, updated_at = now()
            FROM unnest(@ids, @attempts) AS h(job_id, attempt)
            WHERE j.job_id = h.job_id AND j.attempts = h.attempt AND j.status = 'running' AND j.locked_by = @workerId
            RETURNING j.job_id
            """,
            new { workerId, lease, ids = jobs.Select(j => j.JobId).ToArray(), attempts = jobs.Select(j => j.Attempt).ToArray() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return renewed.ToHashSet();
    }

    /// <summary>
    /// Running jobs whose lease ran out (their worker crashed or stalled) go back to the queue; the lost attempt
    /// counts, so a job that kills its worker every time ends dead instead of looping.
    /// </summary>
    public async Task<IReadOnlyList<ReapedJob>> ReapExpiredAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var reaped = (await connection.QueryAsync<ReapedJob>(new CommandDefinition(
            """
            WITH expired AS (
                SELECT job_id FROM jobs WHERE status = 'running' AND lease_until < now()
                ORDER BY lease_until LIMIT @limit FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs j
            SET status = CASE WHEN j.attempts >= j.max_attempts THEN 'dead' ELSE 'queued' END,
                finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END,
                rerun_requested = j.rerun_requested AND j.attempts >= j.max_attempts,
                last_error = 'lease expired while held by ' || coalesce(j.locked_by, '?') || ' (worker crashed or stalled)',
                run_after = now(), lease_until = NULL, locked_by = NULL, updated_at = now()
            FROM expired WHERE j.job_id = expired.job_id
            RETURNING j.job_id AS JobId, j.kind AS Kind, j.status = 'dead' AS Dead
            """,
            new { limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        foreach (var kind in reaped.Where(r => !r.Dead).Select(r => r.Kind).Distinct())
        {
            await NotifyAsync(connection, kind, cancellationToken).ConfigureAwait(false);
        }

        return reaped;
    }

    private sealed record ClaimRow(long JobId, string Kind, string Payload, int Attempt, int MaxAttempts, string? DedupKey, short Priority);
}

/// <summary>A job taken back from a vanished worker: requeued, or dead when that was its last attempt.</summary>
public sealed record ReapedJob(long JobId, string Kind, bool Dead);
