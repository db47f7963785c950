using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// What the bridge has seen; every rejection is counted by reason. The same counters feed /metrics (Prometheus text)
/// and the .NET meter <see cref="MeterName"/>, which the OTLP exporter sends when tracing is on: one set of numbers,
/// two ways out, so a Prometheus scrape and an OpenTelemetry backend never disagree.
/// </summary>
public sealed class IngestMetrics : IDisposable
{
    public const string MeterName = "Iot.Cloud.Bridge.Ingest";
    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<int> _batchSize;
    private readonly ConcurrentDictionary<RejectReason, long> _rejected = new();
    private long _received;
    private long _stored;
    private long _duplicates;
    private long _audioRestored;
    private long _acksPublished;
    private long _batchFailures;
    private long _unroutable;
    private long _pauses;
    private long _pausedTicks;
    private int _pausedNow;
    private long _rejectionCountsDropped;

    public IngestMetrics()
    {
        _meter.CreateObservableCounter("iot.ingest.received", () => Received, description: "chunk messages received");
        _meter.CreateObservableCounter("iot.ingest.stored", () => Stored, description: "chunks stored (file and row durable)");
        _meter.CreateObservableCounter("iot.ingest.duplicates", () => Duplicates, description: "chunks already stored, acked again");
        _meter.CreateObservableCounter("iot.ingest.audio_restored", () => AudioRestored, description: "resent chunks whose earlier audio the orphan sweep had deleted, stored again before their row");
        _meter.CreateObservableCounter("iot.ingest.acks", () => AcksPublished);
        _meter.CreateObservableCounter("iot.ingest.batch_failures", () => BatchFailures);
        _meter.CreateObservableCounter("iot.ingest.unroutable", () => Unroutable);
        _meter.CreateObservableCounter("iot.ingest.paused", () => Pauses, description: "times the ingest queue was full and the bridge waited for room instead of taking more messages");
        _meter.CreateObservableCounter("iot.ingest.paused.duration", () => PausedTime.TotalSeconds, unit: "s", description: "time spent waiting for room in the ingest queue (backpressure)");
        _meter.CreateObservableUpDownCounter("iot.ingest.paused.active", () => IsPaused ? 1 : 0, description: "1 while the bridge waits for room in the ingest queue");
        _meter.CreateObservableCounter(
            "iot.ingest.rejected",
            () => _rejected.Select(r => new Measurement<long>(r.Value, new KeyValuePair<string, object?>("reason", r.Key.ToString()))));
        _batchDuration = _meter.CreateHistogram<double>("iot.ingest.batch.duration", unit: "s", description: "validate, write and fsync, commit and ack one batch");
        _batchSize = _meter.CreateHistogram<int>("iot.ingest.batch.size", unit: "{message}");
    }

    public long Received => Interlocked.Read(ref _received);

    public long Stored => Interlocked.Read(ref _stored);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>
    /// Resent chunks whose object, left by an earlier crash, was deleted by the orphan sweep while the resend was
    /// being stored, and was stored again from the resend before the row committed.
    /// </summary>
    public long AudioRestored => Interlocked.Read(ref _audioRestored);

    public long AcksPublished => Interlocked.Read(ref _acksPublished);

    public long BatchFailures => Interlocked.Read(ref _batchFailures);

    /// <summary>Messages whose topic names no device, so nobody can be told.</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);

    /// <summary>
    /// Times a message found the ingest queue full, so the bridge stopped taking messages from the broker until a
    /// worker made room. Nothing is dropped: the waiting message is taken once there is room and the rest stay with the
    /// broker (or in the client's receive buffer), unacknowledged.
    /// </summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>Total time of the finished <see cref="Pauses"/>.</summary>
    public TimeSpan PausedTime => TimeSpan.FromTicks(Interlocked.Read(ref _pausedTicks));

    /// <summary>True while a message waits for room in the ingest queue.</summary>
    public bool IsPaused => Volatile.Read(ref _pausedNow) > 0;

    /// <summary>Rejections not added to <c>chunk_rejections</c> because <see cref="RejectionCounter.MaxKeys"/> was reached.</summary>
    public long RejectionCountsDropped => Interlocked.Read(ref _rejectionCountsDropped);

    public long RejectedTotal => _rejected.Values.Sum();

    public long Rejected(RejectReason reason) => _rejected.GetValueOrDefault(reason);

    public void Dispose() => _meter.Dispose();

    internal void OnBatch(int size, TimeSpan duration)
    {
        _batchSize.Record(size);
        _batchDuration.Record(duration.TotalSeconds);
    }

    internal void OnReceived() => Interlocked.Increment(ref _received);

    internal void OnStored() => Interlocked.Increment(ref _stored);

    internal void OnDuplicate() => Interlocked.Increment(ref _duplicates);

    internal void OnAudioRestored() => Interlocked.Increment(ref _audioRestored);

    internal void OnAckPublished() => Interlocked.Increment(ref _acksPublished);

    internal void OnBatchFailed() => Interlocked.Increment(ref _batchFailures);

    internal void OnUnroutable() => Interlocked.Increment(ref _unroutable);

    internal void OnPaused()
    {
        Interlocked.Increment(ref _pauses);
        Interlocked.Increment(ref _pausedNow);
    }

    internal void OnResumed(TimeSpan paused)
    {
        Interlocked.Add(ref _pausedTicks, paused.Ticks);
        Interlocked.Decrement(ref _pausedNow);
    }

    internal void OnRejectionCountDropped() => Interlocked.Increment(ref _rejectionCountsDropped);

    internal void OnRejected(RejectReason reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public override string ToString() =>
        $"received={Received} stored={Stored} duplicates={Duplicates} rejected={RejectedTotal} unroutable={Unroutable} acks={AcksPublished} batchFailures={BatchFailures} pauses={Pauses} paused={PausedTime.TotalSeconds:0.000}s";
}
