using System.Collections.Concurrent;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// Every attacker probe of this assembly, tallied across test classes. Each test prints its own
/// <c>probes: N tried, N refused</c> line; tests/test.sh adds them up into one. A probe that got through fails its test.
/// </summary>
public static class ProbeLedger
{
    private static readonly ConcurrentQueue<(string Probe, bool Refused)> Probes = new();

    /// <summary>Records one attempt; throws (failing the calling test) if it was not refused.</summary>
    public static void Record(string probe, bool refused, string outcome)
    {
        Probes.Enqueue((probe, refused));
        Assert.True(refused, $"probe got through: {probe} -> {outcome}");
    }

    public static string Summary()
    {
        var all = Probes.ToArray();
        return $"probes: {all.Length} tried, {all.Count(p => p.Refused)} refused";
    }
}
