using System.Globalization;
using System.Net;
using Iot.Edge.Agent.Outbox;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport;
using Iot.TestSupport.Network;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.DiskFull;

/// <summary>
/// Test 5, edge half: the real agent process with its spool on a tiny tmpfs while the broker is unreachable, so the
/// spool fills up; then the broker comes back (backlog drains) and space returns (recording resumes).
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class SpoolDiskFullTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_agent_whose_spool_fills_while_offline_stays_up_reports_it_and_uploads_only_intact_chunks_once_broker_and_space_return()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 1, Broker = BrokerKind.Embedded, StartAgents = false });
        await using var link = LossyTcpProxy.Start(new IPEndPoint(IPAddress.Loopback, rig.BrokerPort), new LossyLinkOptions(), seed: 5, timeout.Token);
        link.RefuseNewConnectionsFor(TimeSpan.FromMinutes(10));
        var settings = rig.NextAgentSettings() with { BrokerPort = link.Port };
        await using var spool = await TmpfsMount.MountAsync(settings.SpoolDirectory, "4m");
        var agent = rig.StartAgent(settings);
        await agent.WaitReadyAsync();
        var pid = agent.ProcessId;

        // Room for a few chunks above the outbox database's reserve; the broker is unreachable, so nothing leaves.
        await spool.FillLeavingAsync(ChunkOutbox.DatabaseReserveBytes + (192 * 1024));
        var full = await WaitHealthAsync(agent, h => h.Long("chunksLost") > 0, "a chunk lost to the full spool");
        Assert.True(agent.IsRunning && agent.ProcessId == pid, "the agent process did not survive the full disk:\n" + agent.Tail());
        Assert.Contains(full.Strings("faults"), f => f.StartsWith("spool:", StringComparison.Ordinal));
        var lostWhenFull = full.Long("chunksLost");
        var backlogWhenFull = full.Long("outboxDepth");
        Assert.True(backlogWhenFull > 0, "nothing was spooled before the disk filled");

        // The broker comes back: the backlog drains while the disk is still (nearly) full.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        link.RefuseNewConnectionsFor(TimeSpan.Zero);
        await WaitHealthAsync(agent, h => h.Long("acked") >= backlogWhenFull, "the spooled backlog acked");
        var backlogDrain = clock.Elapsed;

        // Space returns: recording resumes without a restart.
        spool.RemoveFiller();
        var sealedThen = (await HealthJson.TryReadAsync(agent.HealthPort))!.Value.Long("chunksSealed");
        await WaitHealthAsync(agent, h => h.Long("chunksSealed") >= sealedThen + 3, "recording resumed after space returned");
        Assert.True(agent.IsRunning && agent.ProcessId == pid, "the agent restarted instead of recovering in place:\n" + agent.Tail());

        var result = await rig.DrainAndVerifyAsync(Patience);
        var undecodable = await StoredAudio.UndecodableAsync(Directory.GetFiles(Path.Combine(rig.Bridge.StorageRoot, "recordings"), "*", SearchOption.AllDirectories));

        output.WriteLine(result.Ledger.Line("spool-disk-full", 1, result.Drain, string.Create(CultureInfo.InvariantCulture,
            $"chunks-lost-when-full={lostWhenFull} backlog-when-full={backlogWhenFull} backlog-drain={backlogDrain.TotalSeconds:0.0}s undecodable={undecodable.Count}")));
        result.Ledger.AssertExactlyOnce();
        Assert.True(undecodable.Count == 0, "corrupt audio was uploaded: " + string.Join("; ", undecodable));
        Assert.Empty(spool.Leftovers(".partial", ".opus"));
    }

    private static async Task<System.Text.Json.JsonElement> WaitHealthAsync(AgentProcess agent, Func<System.Text.Json.JsonElement, bool> condition, string what)
    {
        System.Text.Json.JsonElement? last = null;
        await Eventually.WaitAsync(
            async () =>
            {
                Assert.True(agent.IsRunning, $"the agent exited while waiting for {what}:\n{agent.Tail()}");
                last = await HealthJson.TryReadAsync(agent.HealthPort);
                return last is { } h && condition(h);
            },
            Patience,
            what,
            () => Task.FromResult(last?.ToString() ?? "no /health answer"));
        return last!.Value;
    }
}
