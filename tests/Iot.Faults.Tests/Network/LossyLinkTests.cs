using System.Globalization;
using System.Net;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport.Network;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.Network;

/// <summary>
/// Test 6 of the fault suite: three agent processes reach the bridge's embedded broker only through a proxy that adds
/// 50–200 ms each way, caps bandwidth, and every few seconds cuts (RST) or stalls (half-open) connections, and now and
/// then refuses new ones. Everything recorded must still be stored exactly once with matching SHA-256.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class LossyLinkTests(ITestOutputHelper output)
{
    private const int Seed = 6_2026;
    private static readonly TimeSpan Experiment = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Agents_behind_a_slow_link_that_cuts_and_stalls_connections_lose_and_duplicate_no_chunk()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 3, Broker = BrokerKind.Embedded, StartAgents = false });
        await using var proxy = LossyTcpProxy.Start(new IPEndPoint(IPAddress.Loopback, rig.BrokerPort), Lossy(), Seed, timeout.Token);
        for (var i = 0; i < rig.Options.Devices; i++)
        {
            rig.StartAgent(rig.NextAgentSettings() with
            {
                BrokerPort = proxy.Port,
                // A stalled link is only noticed by MQTT keep-alive; the shipped 30 s would make the test crawl.
                Extra = new Dictionary<string, string> { ["Mqtt:KeepAliveSeconds"] = "5" },
            });
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outages = 0;
        while (clock.Elapsed < Experiment)
        {
            await Task.Delay(TimeSpan.FromSeconds(6), timeout.Token);
            if (outages % 2 == 0)
            {
                // Now and then the path goes down altogether: every connection is cut and reconnects are refused a moment.
                proxy.RefuseNewConnectionsFor(TimeSpan.FromSeconds(1.5));
                proxy.CutAll();
            }
            else
            {
                // Or every connection goes silent at once, which only keep-alive can notice.
                proxy.StallAll();
            }

            outages++;
        }

        var rowsBeforeDrain = await rig.RowCountAsync();
        Assert.All(rig.Agents, a => Assert.True(a.IsRunning, $"agent {a.Settings.DeviceId} died on the lossy link:\n{a.Tail()}"));

        // The drain still goes through the same lossy link.
        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));

        var c = proxy.Counters;
        output.WriteLine(result.Ledger.Line("lossy-link", outages, result.Drain, string.Create(CultureInfo.InvariantCulture,
            $"latency=50-200ms connections={c.Connections} cuts={c.Cuts} stalls={c.Stalls} refused={c.Refused} bytes-up={c.BytesUpstream} bytes-down={c.BytesDownstream} rows-before-drain={rowsBeforeDrain}")));
        result.Ledger.AssertExactlyOnce();
        Assert.True(c.Cuts > 0 && c.Stalls > 0, $"the link never failed: {c}");
        Assert.True(c.Connections > rig.Options.Devices && c.Refused > 0, $"no agent ever reconnected, or none was refused: {c}");
        Assert.True(rowsBeforeDrain > 0, "nothing got through the lossy link before the drain");
    }

    private static LossyLinkOptions Lossy()
    {
        var options = LossyLinkOptions.Latency(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));
        options.BandwidthBytesPerSecond = 256 * 1024;

        // With three connections, roughly one fault every three seconds; a quarter of them stalls instead of cuts.
        options.FaultCheckInterval = TimeSpan.FromSeconds(1);
        options.FaultChancePerInterval = 0.1;
        options.FaultCheckBytes = 128 * 1024;
        options.FaultChancePerCheck = 0.05;
        options.StallShare = 0.25;
        return options;
    }
}
