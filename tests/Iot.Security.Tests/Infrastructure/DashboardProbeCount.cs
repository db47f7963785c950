using Xunit.Abstractions;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>One test's own probes: records each in <see cref="ProbeLedger"/> and prints the test's probes line once.</summary>
public sealed class DashboardProbeCount(ITestOutputHelper output) : IDisposable
{
    private int _tried;
    private int _refused;

    public void Record(string probe, bool refused, string outcome)
    {
        _tried++;
        _refused += refused ? 1 : 0;
        ProbeLedger.Record(probe, refused, outcome);
    }

    public void Dispose() => output.WriteLine($"probes: {_tried} tried, {_refused} refused");
}

/// <summary>The dashboard in Development with no signing key configured.</summary>
public sealed class DevelopmentDashboardHost() : DashboardHost(new Dictionary<string, string?>
{
    [EnvironmentKey] = "Development",
    ["Dashboard:Auth:SigningKey"] = "",
});
