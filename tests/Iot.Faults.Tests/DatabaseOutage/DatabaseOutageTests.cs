using System.Diagnostics;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.DatabaseOutage;

[Collection(FaultCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task While_postgresql_is_stopped_the_bridge_acks_nothing_agents_keep_their_backlog_and_everything_drains_after_it_restarts()
    {
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 2, StartAgents = false });
        await using var acks = AckObserver.Start(rig.BrokerPort);
        await acks.WaitConnectedAsync();
        rig.StartAgent();
        rig.StartAgent();
        await Backlog.DrainStartedAsync(rig, 2);

        await rig.Postgres.StopAsync();
        // A batch already past its commit when the server went down may still be acked; give it a moment.
        await Task.Delay(1000);
        var acksAtStop = acks.Stored + acks.Duplicates;
        var backlogAtStop = await Backlog.PendingAsync(rig);
        await Task.Delay(Outage);
        var acksDuringOutage = acks.Stored + acks.Duplicates - acksAtStop;
        var backlogAtRestart = await Backlog.PendingAsync(rig);
        Assert.True(rig.Bridge.IsRunning, "the bridge exited while PostgreSQL was down:\n" + rig.Bridge.Tail());
        Assert.True(acksDuringOutage == 0, $"the bridge acked {acksDuringOutage} chunk(s) it could not have stored");

        // Two devices recording 1 s chunks for 10 s: the outboxes must have grown by about 20.
        Assert.True(backlogAtRestart >= backlogAtStop + 14, $"agents' backlog went from {backlogAtStop} to {backlogAtRestart} during a {Outage.TotalSeconds:0} s outage");

        var clock = Stopwatch.StartNew();
        await rig.Postgres.StartAgainAsync();
        await Eventually.WaitAsync(
            async () => await Backlog.PendingAsync(rig) <= rig.Agents.Count,
            TimeSpan.FromSeconds(60),
            "the backlog drained after PostgreSQL came back",
            async () => await rig.DescribeAgentsAsync() + "\nbridge:\n" + rig.Bridge.Tail());
        var drain = clock.Elapsed;

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(60));

        output.WriteLine(result.Line("postgres-stop", 1, $"outage={Outage.TotalSeconds:0}s backlog-at-restart={backlogAtRestart} acks-during-outage={acksDuringOutage} {acks}", drain));
        result.Ledger.AssertExactlyOnce();
    }
}
