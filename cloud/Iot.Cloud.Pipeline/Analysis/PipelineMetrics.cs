using System.Diagnostics.Metrics;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Counters of the analysis pipeline on the <c>Iot.Cloud.Pipeline</c> meter (for an OpenTelemetry/Prometheus
/// exporter), with running totals for hosts that log counters instead.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "Iot.Cloud.Pipeline";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _droppedQuotes;
    private long _droppedTotal;

    public PipelineMetrics()
    {
        _droppedQuotes = _meter.CreateCounter<long>("iot.pipeline.evidence.dropped_quotes", unit: "{quote}",
            description: "Evidence quotes an analyzer returned that are not verbatim in the transcript");
    }

    public long DroppedQuotesTotal => Interlocked.Read(ref _droppedTotal);

    public void QuotesDropped(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _droppedTotal, count);
        _droppedQuotes.Add(count);
    }

    public void Dispose() => _meter.Dispose();
}
