using Npgsql;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Producer side of the PostgreSQL job queue.</summary>
public interface IJobQueue
{
    /// <summary>
    /// Enqueues inside the caller's transaction, so the job exists exactly when the caller's rows do; wakes workers
    /// (NOTIFY) on commit. Returns false when an unfinished job with the same kind and dedup key already exists.
    /// </summary>
    Task<bool> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="EnqueueAsync(NpgsqlConnection, NpgsqlTransaction?, JobRequest, CancellationToken)"/> for several jobs,
    /// in the order given (callers that may run concurrently sort them, so they take the dedup rows' locks in one order).
    /// Dedup keys must differ within one call. Returns how many were new.
    /// </summary>
    async Task<int> EnqueueAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var inserted = 0;
        foreach (var request in requests)
        {
            inserted += await EnqueueAsync(connection, transaction, request, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return inserted;
    }

    /// <summary>Enqueues on a connection of its own.</summary>
    Task<bool> EnqueueAsync(JobRequest request, CancellationToken cancellationToken);

    /// <summary>Moves every <c>waiting</c> job of a kind back to <c>queued</c> (e.g. a transcriber got configured).</summary>
    Task<int> ResumeWaitingAsync(string kind, CancellationToken cancellationToken);
}
