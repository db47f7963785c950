namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Does one kind of job. Workers dispatch claimed jobs to the handler whose <see cref="Kind"/> matches.</summary>
public interface IJobHandler
{
    /// <summary>Job kind this handler owns, e.g. <c>build-dialogues</c>, <c>transcribe</c>, <c>analyze</c>, <c>retention</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Returns how the job ended. Throwing counts as a failed attempt (retried with backoff, dead-lettered after the
    /// last attempt); a <see cref="Analysis.MalformedReplyException"/>'s raw reply is kept on the job.
    /// </summary>
    Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken);
}

/// <summary>A job a worker holds the lease on. <see cref="Payload"/> is the JSON given at enqueue time.</summary>
public sealed record ClaimedJob(long JobId, string Kind, string Payload, int Attempt, int MaxAttempts, string? DedupKey);

/// <summary>How a handled job ends.</summary>
public abstract record JobOutcome
{
    public static JobOutcome Done { get; } = new Completed();

    /// <summary>Cannot proceed until something outside changes (e.g. "no transcriber configured"); not an error, not retried by backoff.</summary>
    public static JobOutcome Wait(string reason) => new Waiting(reason);

    /// <summary>Try again later without counting a failure (e.g. a dialogue still open).</summary>
    public static JobOutcome RetryAfter(TimeSpan delay) => new Deferred(delay);

    public sealed record Completed : JobOutcome;

    public sealed record Waiting(string Reason) : JobOutcome;

    public sealed record Deferred(TimeSpan Delay) : JobOutcome;
}

/// <summary>Work to put on the queue. At most one unfinished job exists per (<see cref="Kind"/>, <see cref="DedupKey"/>).</summary>
/// <param name="Priority">Lower runs first: <see cref="JobPriority"/>.</param>
public sealed record JobRequest(string Kind, string Payload, string? DedupKey = null, short Priority = JobPriority.Normal, TimeSpan? Delay = null, int MaxAttempts = 5);

public static class JobPriority
{
    public const short Fresh = 0;
    public const short Normal = 100;
    public const short Backfill = 200;
}

/// <summary>The job kinds the pipeline uses, in one place so producers and handlers agree.</summary>
public static class JobKinds
{
    public const string BuildDialogues = "build-dialogues";
    public const string Transcribe = "transcribe";
    public const string Analyze = "analyze";

    /// <summary>Analysis again with a named profile version (after a profile change); enqueued by the dashboard at <see cref="JobPriority.Backfill"/>.</summary>
    public const string Reanalyze = "reanalyze";
    public const string Retention = "retention";
}
