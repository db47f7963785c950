namespace Iot.Provisioning.Api;

// Bodies and answers of the operator API's job routes (/v1/jobs). The queue itself belongs to the pipeline
// (Iot.Cloud.Pipeline/Jobs); these are what an operator or a tenant admin may see of it and do to it.

/// <summary>Jobs of one kind, status and priority in the caller's scope (done jobs are history, not depth).</summary>
/// <param name="OldestAgeSeconds">Age of the oldest of them (database clock).</param>
public sealed record JobDepth(string Kind, string Status, int Priority, long Count, double OldestAgeSeconds);

/// <summary>
/// One job as the operator sees it. <paramref name="TenantId"/> null = a platform job (retention), shown only to an
/// operator acting for every tenant. <paramref name="LastError"/> is cut to <see cref="JobActions.ErrorChars"/> characters.
/// </summary>
public sealed record JobView(
    long JobId, string Kind, string Status, int Priority, string? TenantId, string? BranchId, string? DialogueId, string? DeviceId,
    int Attempts, int MaxAttempts, string? LockedBy, DateTime? LeaseUntil, string? WaitReason, string? LastError,
    DateTime RunAfter, DateTime UpdatedAt, DateTime? FinishedAt);

/// <summary>The queue in the caller's scope: depth, and the newest <see cref="ListLimit"/> running, dead and waiting jobs.</summary>
public sealed record JobsView(IReadOnlyList<JobDepth> Depth, IReadOnlyList<JobView> Running, IReadOnlyList<JobView> Dead, IReadOnlyList<JobView> Waiting, int ListLimit);

public sealed record CancelJobBody(string? Reason = null);

public sealed record RetryKindBody(string? Kind, int? Max = null);

/// <summary>What an action changed: the jobs it touched and how many.</summary>
public sealed record JobActionResult(string Action, IReadOnlyList<long> JobIds, int Count);

/// <summary>Audit actions of the job routes, written to <c>audit_log</c> whoever called.</summary>
public static class JobAuditActions
{
    public const string JobRetried = "job-retried";
    public const string JobCancelled = "job-cancelled";
    public const string JobsRetriedByKind = "jobs-retried-by-kind";
}
