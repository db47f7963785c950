using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Iot.Bench.Profile;

/// <summary>
/// Where a chunk's time goes inside an in-process bridge, read from the bridge's own <c>chunk.ingest</c> spans (one per
/// message, started when a worker takes the batch, with events validated → stored → committed → acked) and its batch
/// histograms, plus the bench's publish and receipt times. Stages per chunk: broker + receive + queue wait (publish →
/// span start), screen (→ validated, includes the device-registry lookup), file write + fsync + rename + directory
/// fsync of the whole batch (→ stored), insert + commit (→ committed), ack publish and delivery (→ the bench's receipt;
/// the span's own "acked" event comes after the broker's PUBACK, which may be later than the device's receipt).
/// Listening makes the bridge create spans, a small cost, so it is switched on with <c>--stages</c> only.
/// </summary>
internal sealed class IngestStages : IDisposable
{
    private static readonly string[] Names = ["broker+queue", "screen", "file+fsync", "insert+commit", "ack to device", "(ack PUBACK)"];
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentDictionary<Guid, DateTime> _published = new();
    private readonly ConcurrentDictionary<Guid, DateTime> _receipts = new();
    private readonly ConcurrentBag<(Guid Id, DateTime Start, DateTime? Validated, DateTime? Stored, DateTime? Committed, DateTime? Acked)> _done = [];
    private long _batches;
    private long _batchMessages;
    private double _batchSeconds;

    public IngestStages()
    {
        _spans = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Iot.Cloud.Bridge.Ingest",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_spans);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Iot.Cloud.Bridge.Ingest" && instrument.Name.StartsWith("iot.ingest.batch.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _batchMessages, size);
        });
        _meters.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            lock (_meters)
            {
                _batchSeconds += seconds;
            }
        });
        _meters.Start();
    }

    public void Published(Guid id) => _published.TryAdd(id, DateTime.UtcNow);

    /// <summary>Forgets what was seen so far (a warm-up) without printing it.</summary>
    public void Forget()
    {
        _done.Clear();
        Interlocked.Exchange(ref _batches, 0);
        Interlocked.Exchange(ref _batchMessages, 0);
        lock (_meters)
        {
            _batchSeconds = 0;
        }

        _published.Clear();
        _receipts.Clear();
    }

    public void Received(Guid id) => _receipts.TryAdd(id, DateTime.UtcNow);

    /// <summary>Prints the breakdown of what was seen since the last call, then forgets it.</summary>
    public void Report(string label, int workers)
    {
        var rows = _done.ToArray();
        _done.Clear();
        var batches = Interlocked.Exchange(ref _batches, 0);
        var messages = Interlocked.Exchange(ref _batchMessages, 0);
        double batchSeconds;
        lock (_meters)
        {
            batchSeconds = _batchSeconds;
            _batchSeconds = 0;
        }

        var stages = Names.Select(_ => new List<double>()).ToArray();
        foreach (var r in rows)
        {
            if (r.Validated is not { } v || r.Stored is not { } s || r.Committed is not { } c || r.Acked is not { } a)
            {
                continue;
            }

            if (_published.TryGetValue(r.Id, out var p))
            {
                stages[0].Add((r.Start - p).TotalMilliseconds);
            }

            stages[1].Add((v - r.Start).TotalMilliseconds);
            stages[2].Add((s - v).TotalMilliseconds);
            stages[3].Add((c - s).TotalMilliseconds);
            if (_receipts.TryGetValue(r.Id, out var received))
            {
                stages[4].Add((received - c).TotalMilliseconds);
            }

            stages[5].Add((a - c).TotalMilliseconds);
        }

        _published.Clear();
        _receipts.Clear();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  stages ({label}, {rows.Length} spans; {batches} batches, mean {(batches == 0 ? 0 : (double)messages / batches):0.0} chunks/batch, " +
            $"mean batch {(batches == 0 ? 0 : batchSeconds / batches * 1000):0.0} ms, worker time per chunk {(messages == 0 ? 0 : batchSeconds / messages * 1000):0.00} ms over {workers} workers):"));
        for (var i = 0; i < Names.Length; i++)
        {
            var values = stages[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {Names[i],-14} mean {(values.Count == 0 ? double.NaN : values.Average()),7:0.0} ms  p50 {Percentiles.Of(values, 50),7:0.0} ms  p99 {Percentiles.Of(values, 99),7:0.0} ms"));
        }
    }

    public void Dispose()
    {
        _spans.Dispose();
        _meters.Dispose();
    }

    private void OnStopped(Activity activity)
    {
        if (activity.GetTagItem(Iot.Telemetry.IotAttributes.ChunkId) is not string idText || !Guid.TryParse(idText, out var id))
        {
            return;
        }

        DateTime? At(string name) => activity.Events.Where(e => e.Name == name).Select(e => (DateTime?)e.Timestamp.UtcDateTime).FirstOrDefault();
        _done.Add((id, activity.StartTimeUtc, At("validated"), At("stored"), At("committed"), At("acked")));
    }
}
