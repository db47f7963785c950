using Iot.Faults.Tests.Harness;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.BrokerRestarts;

[Collection(FaultCollection.Name)]
public sealed class BrokerRestartTests(ITestOutputHelper output)
{
    private static int Rounds => Math.Max(3, FaultRounds.Count() / 5);

    [Fact]
    public async Task Mosquitto_with_persistence_killed_during_a_backlog_drain_loses_and_duplicates_no_chunk()
    {
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 2, Broker = BrokerKind.Mosquitto });
        await using var acks = AckObserver.Start(rig.BrokerPort);
        var mosquitto = rig.Mosquitto!;
        await Backlog.DrainStartedAsync(rig, 0);
        for (var round = 0; round < Rounds; round++)
        {
            // Broker down: agents keep recording into their outboxes.
            await mosquitto.KillAsync();
            await Backlog.BuiltAsync(rig, 8);
            var rows = await rig.RowCountAsync();
            await mosquitto.StartAsync(CancellationToken.None);

            // Kill it again as soon as the backlog starts to drain, at a random point of the drain.
            await Backlog.DrainStartedAsync(rig, rows);
            await Task.Delay(FaultRounds.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(300)));
            await mosquitto.KillAsync();
            await Task.Delay(FaultRounds.Between(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1500)));
            await mosquitto.StartAsync(CancellationToken.None);
        }

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(result.Line("mosquitto-restart", Rounds, acks.ToString()));
        result.Ledger.AssertExactlyOnce();
    }

    [Fact]
    public async Task The_embedded_broker_restarted_with_its_bridge_during_a_backlog_drain_loses_and_duplicates_no_chunk()
    {
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 2, Broker = BrokerKind.Embedded });
        await using var acks = AckObserver.Start(rig.BrokerPort);
        await Backlog.DrainStartedAsync(rig, 0);
        var kills = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Bridge (and with it the broker) down: agents keep recording into their outboxes.
            await rig.Bridge.KillAsync();
            await Backlog.BuiltAsync(rig, 8);
            var rows = await rig.RowCountAsync();
            await rig.Bridge.RestartAsync();

            // Restart again during the drain, alternating a crash (SIGKILL) and an orderly restart (SIGTERM).
            await Backlog.DrainStartedAsync(rig, rows);
            await Task.Delay(FaultRounds.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(300)));
            if (round % 2 == 0)
            {
                await rig.Bridge.KillAsync();
                kills++;
            }
            else
            {
                Assert.Equal(0, await rig.Bridge.TerminateAsync());
            }

            await rig.Bridge.RestartAsync();
        }

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(result.Line("embedded-broker-restart", Rounds, $"sigkill={kills} sigterm={Rounds - kills} {acks}"));
        result.Ledger.AssertExactlyOnce();
    }
}
