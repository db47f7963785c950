using System.Diagnostics.Metrics;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// What this process's workers did since start; one instance shared by all workers in the process. Also published as
/// .NET metrics (meter <c>Iot.Cloud.Pipeline.Jobs</c>: counters, plus queue depth and oldest queued age from the
/// last periodic reading), so <c>dotnet-counters</c> or an OpenTelemetry exporter can scrape them.
/// </summary>
public sealed class JobMetrics : IDisposable
{
    public const string MeterName = "Iot.Cloud.Pipeline.Jobs";
    private readonly Meter _meter = new(MeterName);
    private volatile IReadOnlyList<JobQueueDepth> _depth = [];
    private long _claimed;
    private long _completed;
    private long _failed;
    private long _dead;
    private long _waiting;
    private long _deferred;
    private long _released;
    private long _leaseLost;
    private long _reaped;

    public JobMetrics()
    {
        _meter.CreateObservableCounter("iot.jobs.claimed", () => Interlocked.Read(ref _claimed));
        _meter.CreateObservableCounter("iot.jobs.completed", () => Interlocked.Read(ref _completed));
        _meter.CreateObservableCounter("iot.jobs.failed", () => Interlocked.Read(ref _failed));
        _meter.CreateObservableCounter("iot.jobs.dead", () => Interlocked.Read(ref _dead));
        _meter.CreateObservableGauge("iot.jobs.depth", () => _depth.Select(d => new Measurement<long>(d.Count, new("kind", d.Kind), new("status", d.Status))));
        _meter.CreateObservableGauge(
            "iot.jobs.oldest_queued_age",
            () => _depth.Where(d => d.Status == "queued").Select(d => new Measurement<double>(d.OldestAgeSeconds, new KeyValuePair<string, object?>("kind", d.Kind))),
            unit: "s");
    }

    /// <summary>The queue as last read from the database (the reporter reads it periodically).</summary>
    public IReadOnlyList<JobQueueDepth> Depth => _depth;

    public void Dispose() => _meter.Dispose();

    internal void OnDepth(IReadOnlyList<JobQueueDepth> depth) => _depth = depth;

    public JobMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref _claimed),
        Interlocked.Read(ref _completed),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _dead),
        Interlocked.Read(ref _waiting),
        Interlocked.Read(ref _deferred),
        Interlocked.Read(ref _released),
        Interlocked.Read(ref _leaseLost),
        Interlocked.Read(ref _reaped));

    internal void OnClaimed(int count) => Interlocked.Add(ref _claimed, count);

    internal void OnCompleted() => Interlocked.Increment(ref _completed);

    internal void OnFailed() => Interlocked.Increment(ref _failed);

    internal void OnDead() => Interlocked.Increment(ref _dead);

    internal void OnWaiting() => Interlocked.Increment(ref _waiting);

    internal void OnDeferred() => Interlocked.Increment(ref _deferred);

    internal void OnReleased() => Interlocked.Increment(ref _released);

    internal void OnLeaseLost() => Interlocked.Increment(ref _leaseLost);

    internal void OnReaped(int count) => Interlocked.Add(ref _reaped, count);
}

/// <param name="Failed">Attempts that threw (including the last one of a job that then went dead).</param>
/// <param name="Dead">Jobs this process dead-lettered: out of attempts, no handler, or its lease expired on the last attempt.</param>
/// <param name="Released">Jobs given back unfinished because the worker was stopping.</param>
/// <param name="LeaseLost">Jobs whose lease ran out while this process still ran them (their outcome was dropped).</param>
/// <param name="Reaped">Expired leases of other (crashed) workers this process returned to the queue.</param>
public sealed record JobMetricsSnapshot(long Claimed, long Completed, long Failed, long Dead, long Waiting, long Deferred, long Released, long LeaseLost, long Reaped);
