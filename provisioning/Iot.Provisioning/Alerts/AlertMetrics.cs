using Iot.Telemetry.Metrics;

namespace Iot.Provisioning.Alerts;

/// <summary>
/// Open alerts by rule and severity (read by every bridge after each pass, whoever evaluated), and this instance's
/// evaluation outcomes, for the bridge's <c>/metrics</c>.
/// </summary>
public sealed class AlertMetrics
{
    private readonly Lock _gate = new();
    private IReadOnlyDictionary<(string Rule, string Severity), long> _open = new Dictionary<(string, string), long>();
    private long _evaluated;
    private long _skipped;
    private long _failed;
    private double _lastDurationSeconds;
    private DateTimeOffset? _lastSuccess;

    public long Evaluated => Interlocked.Read(ref _evaluated);

    public long Skipped => Interlocked.Read(ref _skipped);

    public long Failed => Interlocked.Read(ref _failed);

    public IReadOnlyDictionary<(string Rule, string Severity), long> Open
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    internal void OnOpenCounts(IReadOnlyDictionary<(string Rule, string Severity), long> open)
    {
        lock (_gate)
        {
            _open = open;
        }
    }

    internal void OnEvaluated(TimeSpan duration, DateTimeOffset at)
    {
        Interlocked.Increment(ref _evaluated);
        lock (_gate)
        {
            _lastDurationSeconds = duration.TotalSeconds;
            _lastSuccess = at;
        }
    }

    internal void OnSkipped() => Interlocked.Increment(ref _skipped);

    internal void OnFailed() => Interlocked.Increment(ref _failed);

    /// <summary>
    /// Prometheus text. Every catalog rule is listed at its severity even at zero, so a dashboard or an alerting rule
    /// sees the series before the first alert opens.
    /// </summary>
    public string Render()
    {
        IReadOnlyDictionary<(string Rule, string Severity), long> open;
        double duration;
        DateTimeOffset? success;
        lock (_gate)
        {
            open = _open;
            duration = _lastDurationSeconds;
            success = _lastSuccess;
        }

        var series = AlertRuleCatalog.All.Select(r => (r.Id, r.Severity))
            .Concat(open.Keys)
            .Distinct()
            .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)
            .Select(k => ((double)open.GetValueOrDefault(k), new[] { ("rule", k.Item1), ("severity", k.Item2) }));
        return new PrometheusText()
            .Gauges("iot_alerts_open", "Open (unresolved) alerts by rule and severity.", series)
            .Counters(
                "iot_alerts_evaluations_total",
                "Alert evaluation passes of this instance: evaluated, skipped (another bridge held the lock) or failed.",
                [((double)Evaluated, [("outcome", "evaluated")]), ((double)Skipped, [("outcome", "skipped")]), ((double)Failed, [("outcome", "failed")])])
            .Gauge("iot_alerts_evaluation_duration_seconds", "Duration of this instance's last successful evaluation pass.", duration)
            .Gauge("iot_alerts_last_evaluation_timestamp_seconds", "Unix time of this instance's last successful evaluation pass (0 = none yet).", success?.ToUnixTimeSeconds() ?? 0)
            .ToString();
    }
}
