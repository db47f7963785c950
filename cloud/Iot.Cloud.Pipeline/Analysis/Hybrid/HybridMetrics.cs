using System.Diagnostics.Metrics;

namespace Iot.Cloud.Pipeline.Analysis.Hybrid;

/// <summary>
/// Counters of the hybrid engine on the <c>Iot.Cloud.Pipeline</c> meter: how often the model could not be used
/// (the dialogue got the rules result, engine <c>hybrid/rules-fallback</c>), how many candidates were sent and how
/// many the model confirmed. Running totals for hosts that log counters and for tests.
/// </summary>
public sealed class HybridMetrics : IDisposable
{
    private readonly Meter _meter = new(PipelineMetrics.MeterName);
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _candidates;
    private readonly Counter<long> _confirmed;
    private long _fallbackTotal;
    private long _candidateTotal;
    private long _confirmedTotal;

    public HybridMetrics()
    {
        _fallbacks = _meter.CreateCounter<long>("iot.pipeline.analysis.hybrid.fallbacks", unit: "{dialogue}",
            description: "Dialogues the hybrid engine analysed with rules only because the LLM was unreachable, too slow or answered invalid JSON");
        _candidates = _meter.CreateCounter<long>("iot.pipeline.analysis.hybrid.candidates", unit: "{utterance}",
            description: "Candidate offer turns sent to the LLM");
        _confirmed = _meter.CreateCounter<long>("iot.pipeline.analysis.hybrid.confirmed", unit: "{offer}",
            description: "Candidate offer turns the LLM confirmed with verbatim evidence");
    }

    public long FallbacksTotal => Interlocked.Read(ref _fallbackTotal);

    public long CandidatesTotal => Interlocked.Read(ref _candidateTotal);

    public long ConfirmedTotal => Interlocked.Read(ref _confirmedTotal);

    public void Fallback(string reason)
    {
        Interlocked.Increment(ref _fallbackTotal);
        _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void Sent(int candidates, int confirmed)
    {
        Interlocked.Add(ref _candidateTotal, candidates);
        Interlocked.Add(ref _confirmedTotal, confirmed);
        _candidates.Add(candidates);
        _confirmed.Add(confirmed);
    }

    public void Dispose() => _meter.Dispose();
}
