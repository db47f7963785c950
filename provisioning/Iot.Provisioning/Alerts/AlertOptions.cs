using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Alerts;

/// <summary>The <c>Alerts</c> section: how often rules are evaluated and device health is written.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Seconds between evaluation passes. One bridge evaluates per pass (advisory lock); the others skip.</summary>
    public int EvaluateSeconds { get; set; } = 30;

    /// <summary>Seconds between writes of the status and telemetry heard since the last write (one upsert per write).</summary>
    public int HealthFlushSeconds { get; set; } = 5;

    /// <summary>Devices with unwritten status or telemetry held in memory at most; beyond that, messages are counted and dropped.</summary>
    public int MaxPendingDevices { get; set; } = 50_000;

    /// <summary>
    /// Seconds the fleet gauges on <c>/metrics</c> (<see cref="FleetMetrics"/>) are reused before PostgreSQL is read
    /// again, so a scrape storm (several Prometheus servers, a short interval) costs one read per period per bridge.
    /// </summary>
    public int MetricsCacheSeconds { get; set; } = 15;

    /// <summary>Per-device gauges on <c>/metrics</c> (about nine series per device); off for fleets too big for the Prometheus server.</summary>
    public bool DeviceMetrics { get; set; } = true;
}

internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions o)
    {
        const string s = AlertOptions.Section;
        var errors = new List<string>();
        if (o.EvaluateSeconds is < 1 or > 3600)
        {
            errors.Add($"{s}:EvaluateSeconds {o.EvaluateSeconds} must be 1..3600");
        }

        if (o.HealthFlushSeconds is < 1 or > 300)
        {
            errors.Add($"{s}:HealthFlushSeconds {o.HealthFlushSeconds} must be 1..300");
        }

        if (o.MaxPendingDevices is < 100 or > 10_000_000)
        {
            errors.Add($"{s}:MaxPendingDevices {o.MaxPendingDevices} must be 100..10000000");
        }

        if (o.MetricsCacheSeconds is < 1 or > 300)
        {
            errors.Add($"{s}:MetricsCacheSeconds {o.MetricsCacheSeconds} must be 1..300");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
