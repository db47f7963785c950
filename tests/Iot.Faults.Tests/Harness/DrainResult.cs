namespace Iot.Faults.Tests.Harness;

/// <param name="Drain">From the agents' upload-only restart until every chunk was stored and acked.</param>
/// <param name="RecordedPerDevice">Each device's last sequence, read from its stopped outbox.</param>
/// <param name="SlowestAgentStop">The longest any agent took to exit on SIGTERM during the test.</param>
public sealed record DrainResult(Ledger Ledger, TimeSpan Drain, IReadOnlyDictionary<string, long> RecordedPerDevice, TimeSpan SlowestAgentStop)
{
    /// <summary>The test's one figures line (see <see cref="Ledger.Line"/>), with the slowest agent stop added.</summary>
    public string Line(string fault, int rounds, string? extra = null, TimeSpan? drain = null) =>
        Ledger.Line(fault, rounds, drain ?? Drain, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"slowest-agent-sigterm={SlowestAgentStop.TotalSeconds:0.0}s") + (extra is null ? "" : " " + extra));
}
