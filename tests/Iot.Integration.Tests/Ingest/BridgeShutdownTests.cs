using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;

namespace Iot.Integration.Tests.Ingest;

/// <summary>Issue 20 item 5: the bridge host logged a Fatal BackgroundServiceFaulted when it ended after a bench run.</summary>
[Collection(SystemCollection.Name)]
public sealed class BridgeShutdownTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(ShutdownKind.StopThenDispose)]
    [InlineData(ShutdownKind.DisposeOnly)]
    public async Task A_started_bridge_host_shuts_down_without_an_error_in_its_log(ShutdownKind kind)
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var log = new LogCapture();
        await using var bridge = await BridgeNode.StartAsync(
            new BridgeSettings(db, dir.Sub("store"), FreePort.Next(), External: false)
            {
                SeedDevices = ["acme/pos-1"],
                Extra = new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            },
            log: log);

        // The in-process pipeline's periodic services are all in their waits once retention has enqueued today's job.
        await Eventually.WaitAsync(
            () => Task.FromResult(log.Events.Any(e => e.MessageTemplate.Text.StartsWith("retention: job for", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30),
            "the retention scheduler's first pass",
            () => Task.FromResult(LogCapture.Describe(log.Events)));
        await HostShutdown.EndAsync(bridge.Host, kind);

        var errors = HostShutdown.Faults(log, kind);
        Assert.True(errors.Count == 0, LogCapture.Describe(errors));
    }
}
