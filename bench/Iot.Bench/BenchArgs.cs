using System.Globalization;

namespace Iot.Bench;

/// <summary>The few options the bench modes take: <c>--name</c> flags and <c>--name value</c> numbers; an unparsable value stops the run naming it.</summary>
internal sealed class BenchArgs(IReadOnlyList<string> args)
{
    public bool Flag(string name) => args.Contains(name);

    public double Number(string name, double fallback)
    {
        var i = args.ToList().IndexOf(name);
        if (i < 0)
        {
            return fallback;
        }

        return i + 1 < args.Count && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} needs a positive number");
    }

    public int Int(string name, int fallback) => (int)Number(name, fallback);

    /// <summary>
    /// <c>--Section:Key=Value</c> arguments: bridge host settings to try without a rebuild (e.g. <c>--Bridge:IngestWorkers=4</c>,
    /// <c>--Pipeline:Workers:Enabled=false</c>).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> BridgeSettings =>
        args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2))
            .Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1]));

    /// <summary>The ack timeout the load generator resends after: the agent's (<c>Mqtt:AckTimeoutSeconds</c>) unless <c>--ack-timeout</c>.</summary>
    public TimeSpan AckTimeout => TimeSpan.FromSeconds(Number("--ack-timeout", DeviceRules.AckTimeout.TotalSeconds));

    /// <summary>How long one phase may take before it is failed with what it still waited for: <c>--phase-deadline</c>, default 4 ack timeouts but at least 2 minutes.</summary>
    public TimeSpan PhaseDeadline => TimeSpan.FromSeconds(Number("--phase-deadline", Math.Max(120, 4 * AckTimeout.TotalSeconds)));
}
