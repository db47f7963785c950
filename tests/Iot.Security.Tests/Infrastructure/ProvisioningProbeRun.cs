using Xunit.Abstractions;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// The attempts of one probe test: each goes to <see cref="ProbeLedger"/> (which fails the test if it got through) and
/// is counted here, so the test prints its own <c>probes: N tried, N refused</c> line. That line goes to stdout only, where
/// <c>dotnet test --logger "console;verbosity=detailed"</c> shows it once, unindented, at the start of a line (what
/// tests/test.sh adds up); the per-attempt details go to xUnit's output helper, which that logger repeats (live and
/// again under "Standard Output Messages"), so they must not carry the summary format.
/// </summary>
public sealed class ProvisioningProbeRun(ITestOutputHelper output) : IDisposable
{
    private int _tried;
    private int _refused;

    public void Record(string probe, bool refused, string outcome)
    {
        _tried++;
        if (refused)
        {
            _refused++;
        }

        output.WriteLine($"  {(refused ? "refused" : "GOT THROUGH")}: {probe} -> {outcome}");
        ProbeLedger.Record(probe, refused, outcome);
    }

    public void Dispose()
    {
        Console.WriteLine($"probes: {_tried} tried, {_refused} refused");
    }
}
