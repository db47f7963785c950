using Dapper;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// How a claimed job ends. Each update holds only while the caller still owns the lease (same worker, same attempt,
/// still running); false means the lease was lost and someone else owns the job now, so the outcome is dropped.
/// </summary>
public sealed partial class PostgresJobQueue
{
    private const string Owned = "job_id = @jobId AND status = 'running' AND locked_by = @workerId AND attempts = @attempt";

    /// <summary>Done, unless work arrived for the same key while it ran: then it is queued again with fresh attempts.</summary>
    public async Task<bool> CompleteAsync(ClaimedJob job, string workerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var status = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            $"""
            UPDATE jobs
            SET status = CASE WHEN rerun_requested THEN 'queued' ELSE 'done' END,
                finished_at = CASE WHEN rerun_requested THEN NULL ELSE now() END,
                attempts = CASE WHEN rerun_requested THEN 0 ELSE attempts END,
                rerun_requested = false, run_after = now(), lease_until = NULL, locked_by = NULL, last_error = NULL, updated_at = now()
            WHERE {Owned}
            RETURNING status
            """,
            Owner(job, workerId),
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (status == "queued")
        {
            await NotifyAsync(connection, job.Kind, cancellationToken).ConfigureAwait(false);
        }

        return status is not null;
    }

    /// <summary>
    /// A failed attempt: queued again after <paramref name="retryDelay"/>, or dead after the last attempt. The error and
    /// the engine's raw reply stay on the row (a later failure without a reply keeps the earlier reply).
    /// </summary>
    public async Task<FailureResult> FailAsync(ClaimedJob job, string workerId, string error, string? rawReply, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var status = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            $"""
            UPDATE jobs
            SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
                run_after = CASE WHEN attempts >= max_attempts THEN run_after ELSE now() + @retryDelay END,
                rerun_requested = rerun_requested AND attempts >= max_attempts,
                last_error = @error, raw_reply = coalesce(@rawReply, raw_reply),
                lease_until = NULL, locked_by = NULL, updated_at = now()
            WHERE {Owned}
            RETURNING status
            """,
            new { jobId = job.JobId, workerId, attempt = job.Attempt, error, rawReply, retryDelay },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return status switch
        {
            null => FailureResult.LeaseLost,
            "dead" => FailureResult.Dead,
            _ => FailureResult.WillRetry,
        };
    }

    /// <summary>Dead at once, whatever attempts remain (e.g. no handler for the kind: retrying cannot help).</summary>
    public async Task<bool> DeadLetterAsync(ClaimedJob job, string workerId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'dead', finished_at = now(), last_error = @error, lease_until = NULL, locked_by = NULL, updated_at = now()
            WHERE {Owned}
            """,
            new { jobId = job.JobId, workerId, attempt = job.Attempt, error },
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    /// <summary>Parked until <see cref="ResumeWaitingAsync"/>; not a failure, so the attempt does not count.</summary>
    public Task<bool> WaitAsync(ClaimedJob job, string workerId, string reason, CancellationToken cancellationToken) =>
        ReturnAsync(job, workerId, "waiting", TimeSpan.Zero, reason, notify: false, cancellationToken);

    /// <summary>Queued again after <paramref name="delay"/> without counting the attempt.</summary>
    public Task<bool> DeferAsync(ClaimedJob job, string workerId, TimeSpan delay, CancellationToken cancellationToken) =>
        ReturnAsync(job, workerId, "queued", delay, null, notify: false, cancellationToken);

    /// <summary>Gives a job back untouched (worker stopping): queued for any worker now, attempt not counted.</summary>
    public Task<bool> ReleaseAsync(ClaimedJob job, string workerId, CancellationToken cancellationToken) =>
        ReturnAsync(job, workerId, "queued", TimeSpan.Zero, null, notify: true, cancellationToken);

    private async Task<bool> ReturnAsync(ClaimedJob job, string workerId, string status, TimeSpan delay, string? waitReason, bool notify, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Work that arrived while the handler ran (rerun flag) was not in what it looked at: the job runs again now
        // instead of sleeping through its deferral or wait; otherwise it comes back later as the handler asked.
        var due = await connection.QueryFirstOrDefaultAsync<bool?>(new CommandDefinition(
            $"""
            UPDATE jobs
            SET status = CASE WHEN rerun_requested THEN 'queued' ELSE @status END,
                wait_reason = CASE WHEN rerun_requested THEN NULL ELSE @waitReason END,
                run_after = CASE WHEN rerun_requested THEN now() ELSE now() + @delay END,
                attempts = greatest(attempts - 1, 0),
                rerun_requested = false, lease_until = NULL, locked_by = NULL, updated_at = now()
            WHERE {Owned}
            RETURNING status = 'queued' AND run_after <= now()
            """,
            new { jobId = job.JobId, workerId, attempt = job.Attempt, status, waitReason, delay },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var owned = due is not null;
        if (owned && (notify || due == true))
        {
            await NotifyAsync(connection, job.Kind, cancellationToken).ConfigureAwait(false);
        }

        return owned;
    }

    private static object Owner(ClaimedJob job, string workerId) => new { jobId = job.JobId, workerId, attempt = job.Attempt };
}

public enum FailureResult
{
    WillRetry,
    Dead,
    LeaseLost,
}
