using Dapper;
using Npgsql;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// The <c>jobs</c> table as a durable queue. Producers enqueue (deduplicated, NOTIFY on commit); workers claim with
/// FOR UPDATE SKIP LOCKED under a lease and report the outcome. Every time comparison uses the database clock, so
/// workers on different machines agree on leases and run_after.
/// </summary>
public sealed partial class PostgresJobQueue(NpgsqlDataSource dataSource) : IJobQueue
{
    /// <summary>The LISTEN/NOTIFY channel; the payload is the job kind.</summary>
    public const string Channel = "iot_jobs";

    // A job already running under the same dedup key is marked for one more run instead (see 0012_job_rerun.sql):
    // work that arrives during a run is never lost, and one key never runs twice at once. A queued job deferred to
    // later (e.g. a dialogue still open) is pulled forward, so new chunks are looked at now, not when the deferral ends.
    // The dedup rule both enqueue statements share, so one job and many jobs at once cannot drift apart.
    private const string DedupRule =
        """
        ON CONFLICT (kind, dedup_key) WHERE status IN ('queued', 'running', 'waiting') AND dedup_key IS NOT NULL
        DO UPDATE SET
            rerun_requested = jobs.rerun_requested OR jobs.status = 'running',
            run_after = CASE WHEN jobs.status = 'queued' THEN least(jobs.run_after, EXCLUDED.run_after) ELSE jobs.run_after END,
            priority = CASE WHEN jobs.status = 'queued' THEN least(jobs.priority, EXCLUDED.priority) ELSE jobs.priority END,
            updated_at = now()
        WHERE jobs.status = 'running' OR (jobs.status = 'queued' AND (jobs.run_after > EXCLUDED.run_after OR jobs.priority > EXCLUDED.priority))
        """;

    private const string EnqueueSql =
        $"""
        WITH ins AS (
            INSERT INTO jobs (kind, payload, dedup_key, priority, max_attempts, run_after)
            VALUES (@kind, @payload::jsonb, @dedupKey, @priority, @maxAttempts, now() + @delay)
            {DedupRule}
            RETURNING (xmax = 0) AS inserted, status = 'queued' AS wake
        )
        SELECT i.inserted FROM ins i LEFT JOIN LATERAL (SELECT pg_notify('iot_jobs', @kind) WHERE i.wake) n ON true
        """;

    // EnqueueSql for many rows in one round trip (ingest enqueues one build-dialogues job per device of every batch).
    // Rows are inserted, and their dedup rows locked, in the order of the arrays.
    private const string EnqueueAllSql =
        $"""
        WITH ins AS (
            INSERT INTO jobs (kind, payload, dedup_key, priority, max_attempts, run_after)
            SELECT r.kind, r.payload::jsonb, r.dedup_key, r.priority, r.max_attempts, now() + r.delay
            FROM unnest(@kinds, @payloads, @dedupKeys, @priorities, @maxAttempts, @delays) WITH ORDINALITY
                 AS r(kind, payload, dedup_key, priority, max_attempts, delay, ord)
            ORDER BY r.ord
            {DedupRule}
            RETURNING (xmax = 0) AS inserted, status = 'queued' AS wake, kind
        )
        SELECT count(*) FILTER (WHERE i.inserted)::int FROM ins i LEFT JOIN LATERAL (SELECT pg_notify('iot_jobs', i.kind) WHERE i.wake) n ON true
        """;

    public async Task<bool> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        var inserted = await connection.QueryFirstOrDefaultAsync<bool?>(new CommandDefinition(
            EnqueueSql,
            new
            {
                kind = request.Kind,
                payload = request.Payload,
                dedupKey = request.DedupKey,
                priority = request.Priority,
                maxAttempts = request.MaxAttempts,
                delay = request.Delay ?? TimeSpan.Zero,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return inserted == true;
    }

    public async Task<int> EnqueueAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return 0;
        }

        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            EnqueueAllSql,
            new
            {
                kinds = requests.Select(r => r.Kind).ToArray(),
                payloads = requests.Select(r => r.Payload).ToArray(),
                dedupKeys = requests.Select(r => r.DedupKey).ToArray(),
                priorities = requests.Select(r => r.Priority).ToArray(),
                maxAttempts = requests.Select(r => r.MaxAttempts).ToArray(),
                delays = requests.Select(r => r.Delay ?? TimeSpan.Zero).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> EnqueueAsync(JobRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await EnqueueAsync(connection, null, request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ResumeWaitingAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var resumed = await connection.ExecuteAsync(new CommandDefinition(
            // A deleted dialogue's jobs stay parked: only restoring it resumes them (migration 0043).
            """
            UPDATE jobs SET status = 'queued', wait_reason = NULL, run_after = now(), updated_at = now()
            WHERE kind = @kind AND status = 'waiting' AND wait_reason IS DISTINCT FROM @deleted
            """,
            new { kind, deleted = Dialogues.DeletedDialogue.WaitReason },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (resumed > 0)
        {
            await NotifyAsync(connection, kind, cancellationToken).ConfigureAwait(false);
        }

        return resumed;
    }

    private async Task NotifyAsync(NpgsqlConnection connection, string kind, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify('iot_jobs', @kind)", new { kind }, cancellationToken: cancellationToken)).ConfigureAwait(false);
}
