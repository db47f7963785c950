using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Iot.Cloud.Data.Audit;
using Iot.Provisioning.Admin;
using Npgsql;

namespace Iot.Provisioning.Api;

/// <summary>
/// The one owner of the job queue's operator actions (retry a dead job, cancel a queued or waiting one, retry every
/// dead job of a kind) and of what a caller may see of the queue. Every read and write goes through the
/// <c>job_scopes</c> view (migration 0055): a job's tenant and branch are its dialogue's or device's, so a tenant-bound
/// scope sees only its own tenant's jobs and a branch-scoped one only its branches' (a job of a dialogue without a
/// branch is tenant-wide and, as under the dashboard's row security, hidden from branch-scoped staff). Platform jobs
/// (no dialogue, no device) are seen and acted on only by a caller acting for every tenant. A job outside the scope is
/// reported exactly like a missing one. Each action and its audit rows commit in one transaction.
/// </summary>
public sealed partial class JobActions(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>How many of each list (running, dead, waiting) a view carries, newest first.</summary>
    public const int ListLimit = 100;

    /// <summary>A dead job's error is cut here: engines reply with whole documents.</summary>
    public const int ErrorChars = 500;

    /// <summary>Retry-all-of-kind refuses more than this many jobs in one call, whatever <c>max</c> says.</summary>
    public const int MaxRetryKind = 1000;

    public const int DefaultRetryKind = 100;

    public const int MaxReasonChars = 500;

    // The scope test every query shares; @tenantId null = every tenant (and platform jobs), @branches null = all branches.
    private const string InScope =
        "(@tenantId::text IS NULL OR s.tenant_id = @tenantId::text) AND (@branches::text[] IS NULL OR s.branch_id = ANY (@branches::text[]))";

    private static readonly string JobColumns =
        $"""
        j.job_id AS JobId, j.kind AS Kind, j.status AS Status, j.priority::int AS Priority, s.tenant_id AS TenantId, s.branch_id AS BranchId,
        s.dialogue_id AS DialogueId, s.device_id AS DeviceId, j.attempts AS Attempts, j.max_attempts AS MaxAttempts, j.locked_by AS LockedBy,
        j.lease_until AS LeaseUntil, j.wait_reason AS WaitReason, left(j.last_error, {ErrorChars}) AS LastError, j.run_after AS RunAfter,
        j.updated_at AS UpdatedAt, j.finished_at AS FinishedAt
        """;

    /// <summary>Job kinds are short lower-case names (<c>transcribe</c>, <c>build-dialogues</c>).</summary>
    public static bool IsValidKind(string? kind) => kind is not null && KindPattern().IsMatch(kind);

    public async Task<JobsView> ViewAsync(OperatorScope scope, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var args = Args(scope);
        var depth = await c.QueryAsync<JobDepth>(new CommandDefinition(
            $"""
            SELECT j.kind AS Kind, j.status AS Status, j.priority::int AS Priority, count(*) AS Count,
                   coalesce(extract(epoch FROM now() - min(j.created_at)), 0)::float8 AS OldestAgeSeconds
            FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id
            WHERE j.status <> 'done' AND {InScope}
            GROUP BY j.kind, j.status, j.priority ORDER BY j.kind, j.status, j.priority
            """,
            args,
            cancellationToken: ct)).ConfigureAwait(false);
        return new JobsView(
            depth.AsList(),
            await ListAsync(c, "running", "j.lease_until", args, ct).ConfigureAwait(false),
            await ListAsync(c, "dead", "j.finished_at DESC NULLS LAST", args, ct).ConfigureAwait(false),
            await ListAsync(c, "waiting", "j.updated_at DESC", args, ct).ConfigureAwait(false),
            ListLimit);
    }

    /// <summary>A dead job back to queued, attempts reset, due now; its last error stays until it succeeds.</summary>
    public async Task<JobActionResult> RetryAsync(OperatorScope scope, long jobId, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var job = await LockInScopeAsync(c, tx, scope, jobId, ct).ConfigureAwait(false);
        if (job.Status != "dead")
        {
            throw new ProvisioningException($"job {jobId} is {job.Status}; only a dead job can be retried");
        }

        // The dedup index allows one unfinished job per (kind, key): if the same work was queued again since, that job
        // does it and retrying this one would only collide.
        if (job.DedupKey is not null && await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT job_id FROM jobs WHERE kind = @kind AND dedup_key = @key AND status IN ('queued', 'running', 'waiting') LIMIT 1",
                new { kind = job.Kind, key = job.DedupKey },
                tx,
                cancellationToken: ct)).ConfigureAwait(false) is { } other)
        {
            throw new ProvisioningException($"job {other} already does this work (same kind and key); job {jobId} is left dead");
        }

        await RequeueAsync(c, tx, [jobId], job.Kind, ct).ConfigureAwait(false);
        await AuditAsync(c, tx, scope, job.TenantId, JobAuditActions.JobRetried, jobId.ToString(CultureInfo.InvariantCulture), new() { ["kind"] = job.Kind, ["jobIds"] = new[] { jobId }, ["count"] = 1 }, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new JobActionResult(JobAuditActions.JobRetried, [jobId], 1);
    }

    /// <summary>
    /// A queued or waiting job ends as done with <paramref name="reason"/> in <c>cancel_reason</c>. A running job cannot
    /// be cancelled: its worker would go on and report the outcome anyway.
    /// </summary>
    public async Task<JobActionResult> CancelAsync(OperatorScope scope, long jobId, string? reason, CancellationToken ct)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "cancelled by an operator" : reason.Trim();
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var job = await LockInScopeAsync(c, tx, scope, jobId, ct).ConfigureAwait(false);
        if (job.Status is not ("queued" or "waiting"))
        {
            throw new ProvisioningException($"job {jobId} is {job.Status}; only a queued or waiting job can be cancelled");
        }

        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET status = 'done', finished_at = now(), cancel_reason = @why, cancelled_by = @actor, rerun_requested = false,
                            lease_until = NULL, locked_by = NULL, updated_at = now()
            WHERE job_id = @jobId
            """,
            new { jobId, why, actor = scope.Actor },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        await AuditAsync(c, tx, scope, job.TenantId, JobAuditActions.JobCancelled, jobId.ToString(CultureInfo.InvariantCulture), new() { ["kind"] = job.Kind, ["jobIds"] = new[] { jobId }, ["count"] = 1, ["reason"] = why }, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new JobActionResult(JobAuditActions.JobCancelled, [jobId], 1);
    }

    /// <summary>
    /// Every dead job of <paramref name="kind"/> in the scope, in one transaction, or none: more than
    /// <paramref name="max"/> is refused with the count. Of several dead jobs of the same work (kind and key) only the
    /// newest is retried, and none whose work is already queued again. One audit row per tenant touched.
    /// </summary>
    public async Task<JobActionResult> RetryKindAsync(OperatorScope scope, string kind, int max, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var picked = (await c.QueryAsync<(long JobId, string? TenantId)>(new CommandDefinition(
            $"""
            SELECT job_id, tenant_id FROM (
                SELECT DISTINCT ON (coalesce(j.dedup_key, j.job_id::text)) j.job_id, s.tenant_id
                FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id
                WHERE j.kind = @kind AND j.status = 'dead' AND {InScope}
                  AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.kind = j.kind AND o.dedup_key = j.dedup_key AND o.status IN ('queued', 'running', 'waiting'))
                ORDER BY coalesce(j.dedup_key, j.job_id::text), j.job_id DESC) p
            ORDER BY job_id
            """,
            new { kind, tenantId = scope.TenantId, branches = scope.Branches?.ToArray() },
            tx,
            cancellationToken: ct)).ConfigureAwait(false)).AsList();
        if (picked.Count > max)
        {
            throw new ProvisioningException($"{picked.Count} dead '{kind}' jobs; at most {max} are retried at once (max ≤ {MaxRetryKind}): nothing was retried");
        }

        var ids = picked.Select(p => p.JobId).ToArray();
        var requeued = ids.Length == 0 ? [] : await RequeueAsync(c, tx, ids, kind, ct).ConfigureAwait(false);
        var touched = picked.Where(p => requeued.Contains(p.JobId)).GroupBy(p => p.TenantId).ToList();
        if (touched.Count == 0)
        {
            // Nothing to retry is still an action someone took: it is audited under the scope's tenant.
            await AuditAsync(c, tx, scope, scope.TenantId, JobAuditActions.JobsRetriedByKind, kind, new() { ["kind"] = kind, ["jobIds"] = Array.Empty<long>(), ["count"] = 0, ["max"] = max }, ct).ConfigureAwait(false);
        }

        foreach (var tenant in touched)
        {
            var tenantIds = tenant.Select(p => p.JobId).ToArray();
            await AuditAsync(c, tx, scope, tenant.Key, JobAuditActions.JobsRetriedByKind, kind, new() { ["kind"] = kind, ["jobIds"] = tenantIds, ["count"] = tenantIds.Length, ["max"] = max }, ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new JobActionResult(JobAuditActions.JobsRetriedByKind, [.. requeued.Order()], requeued.Count);
    }

    private static async Task<IReadOnlyList<JobView>> ListAsync(NpgsqlConnection c, string status, string order, object args, CancellationToken ct) =>
        (await c.QueryAsync<JobView>(new CommandDefinition(
            $"SELECT {JobColumns} FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id WHERE j.status = '{status}' AND {InScope} ORDER BY {order}, j.job_id DESC LIMIT {ListLimit}",
            args,
            cancellationToken: ct)).ConfigureAwait(false)).AsList();

    private static object Args(OperatorScope scope) => new { tenantId = scope.TenantId, branches = scope.Branches?.ToArray() };

    private sealed record LockedJob(string Kind, string Status, string? DedupKey, string? TenantId);

    /// <summary>The job, locked against workers and other operators until the transaction ends, if it is in the scope.</summary>
    private static async Task<LockedJob> LockInScopeAsync(NpgsqlConnection c, NpgsqlTransaction tx, OperatorScope scope, long jobId, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<LockedJob>(new CommandDefinition(
            $"""
            SELECT j.kind AS Kind, j.status AS Status, j.dedup_key AS DedupKey, s.tenant_id AS TenantId
            FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id
            WHERE j.job_id = @jobId AND {InScope}
            FOR UPDATE OF j
            """,
            new { jobId, tenantId = scope.TenantId, branches = scope.Branches?.ToArray() },
            tx,
            cancellationToken: ct)).ConfigureAwait(false)
        ?? throw new NotInScopeException($"job {jobId} does not exist");

    /// <summary>Back to queued now with fresh attempts; workers are woken when the transaction commits.</summary>
    private static async Task<HashSet<long>> RequeueAsync(NpgsqlConnection c, NpgsqlTransaction tx, long[] ids, string kind, CancellationToken ct)
    {
        try
        {
            var done = await c.QueryAsync<long>(new CommandDefinition(
                """
                UPDATE jobs SET status = 'queued', attempts = 0, run_after = now(), finished_at = NULL, lease_until = NULL, locked_by = NULL,
                                rerun_requested = false, updated_at = now()
                WHERE job_id = ANY (@ids) AND status = 'dead'
                RETURNING job_id
                """,
                new { ids },
                tx,
                cancellationToken: ct)).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_notify('iot_jobs', @kind)", new { kind }, tx, cancellationToken: ct)).ConfigureAwait(false);
            return [.. done];
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The same work was queued by the pipeline between the check and the update.
            throw new ProvisioningException("the same work was queued again meanwhile; nothing was retried, try again");
        }
    }

    private async Task AuditAsync(NpgsqlConnection c, NpgsqlTransaction tx, OperatorScope scope, string? tenantId, string action, string target, Dictionary<string, object?> details, CancellationToken ct)
    {
        details["via"] = scope.Via;
        await AuditLog.WriteAsync(c, tx, new AuditRecord(tenantId, scope.Actor, action, target, details), time.GetUtcNow(), ct).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex KindPattern();
}
