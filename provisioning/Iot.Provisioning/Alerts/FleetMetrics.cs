using Iot.Telemetry.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Provisioning.Alerts;

/// <summary>
/// The fleet's health as Prometheus gauges for the bridge's <c>/metrics</c> (issue 17 item 3): what the alert rules
/// measure, per device, job kind and claim, plus every tenant's threshold per rule (<c>iot_alert_threshold</c>), so
/// the shipped Prometheus rules (<c>broker-config/prometheus/rules/iot-alerts.yml</c>) fire on the same causes with the
/// same per-tenant thresholds as <see cref="AlertEvaluator"/>. Read from PostgreSQL in one round at most every
/// <see cref="AlertOptions.MetricsCacheSeconds"/> whatever the scrape rate; concurrent scrapes share one read. Every
/// bridge exports the same values, so rules aggregate with <c>max by</c>. If a read fails the last good text is served
/// (its age is in <c>iot_fleet_metrics_refreshed_timestamp_seconds</c>) and the next read waits for the next period.
/// </summary>
public sealed partial class FleetMetrics(
    NpgsqlDataSource dataSource,
    ICertificateExpirySource certificates,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<FleetMetrics> logger) : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private string _text = "";
    private DateTimeOffset? _attemptedAt;
    private DateTimeOffset? _refreshedAt;
    private double _durationSeconds;
    private long _failures;

    /// <summary>Reads made (successful or not), for tests that check the cache holds.</summary>
    public long Reads { get; private set; }

    public async Task<string> RenderAsync(CancellationToken ct)
    {
        if (!Fresh())
        {
            await _refresh.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // Another scrape may have refreshed while this one waited.
                if (!Fresh())
                {
                    await RefreshAsync(ct).ConfigureAwait(false);
                }
            }
            finally
            {
                _refresh.Release();
            }
        }

        return Volatile.Read(ref _text) + Certificates() + Self();
    }

    public void Dispose() => _refresh.Dispose();

    private bool Fresh() =>
        _attemptedAt is { } at && time.GetUtcNow() - at < TimeSpan.FromSeconds(options.Value.MetricsCacheSeconds);

    private async Task RefreshAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var started = time.GetTimestamp();
        _attemptedAt = now;
        Reads++;
        try
        {
            var snapshot = await FleetMetricsQuery.ReadAsync(dataSource, now, options.Value.DeviceMetrics, ct).ConfigureAwait(false);
            Volatile.Write(ref _text, FleetMetricsText.Render(snapshot));
            _refreshedAt = now;
            _durationSeconds = time.GetElapsedTime(started).TotalSeconds;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            _failures++;
            LogReadFailed(ex);
        }
    }

    // The certificate is in memory, not in the database: read at every scrape.
    private string Certificates()
    {
        var certs = certificates.Certificates();
        return certs.Count == 0
            ? ""
            : new PrometheusText().Gauges(
                "iot_tls_certificate_expiry_timestamp_seconds",
                "Unix time the platform's TLS certificate expires (name broker-tls = the embedded broker's).",
                certs.Select(c => ((double)c.NotAfter.ToUnixTimeSeconds(), new[] { ("name", c.Name) }))).ToString();
    }

    private string Self() =>
        new PrometheusText()
            .Gauge("iot_fleet_metrics_refreshed_timestamp_seconds", "Unix time of the last successful read of the fleet gauges (0 = none yet).", _refreshedAt?.ToUnixTimeSeconds() ?? 0)
            .Gauge("iot_fleet_metrics_refresh_duration_seconds", "Duration of the last successful read of the fleet gauges.", Math.Round(_durationSeconds, 4))
            .Counter("iot_fleet_metrics_refresh_failures_total", "Reads of the fleet gauges that failed (the last good values are served).", Interlocked.Read(ref _failures))
            .ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet metrics: reading the database failed; /metrics serves the last good values until the next period")]
    private partial void LogReadFailed(Exception exception);
}
