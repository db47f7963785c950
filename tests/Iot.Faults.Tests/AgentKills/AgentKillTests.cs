using Iot.Faults.Tests.Harness;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.AgentKills;

[Collection(FaultCollection.Name)]
public sealed class AgentKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Agents_killed_9_at_random_moments_of_recording_and_upload_lose_and_duplicate_no_chunk()
    {
        var rounds = FaultRounds.Count();
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 2 });
        var inFlightAtKill = 0;
        var killsPerAgent = rig.Agents.Select((_, i) => rounds / rig.Agents.Count + (i < rounds % rig.Agents.Count ? 1 : 0)).ToList();

        // Each agent is killed on its own random clock, so kills land at every phase: start-up and recovery,
        // mid-chunk, while sealing, with publishes waiting for their ack, right after an ack.
        await Task.WhenAll(rig.Agents.Select(async (agent, i) =>
        {
            for (var k = 0; k < killsPerAgent[i]; k++)
            {
                await agent.WaitReadyAsync();
                await Task.Delay(FaultRounds.Between(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(2500)));
                if (await agent.HealthAsync() is { } health && health.Published > health.Acked)
                {
                    Interlocked.Increment(ref inFlightAtKill);
                }

                await agent.KillAsync();
                agent.Restart();
            }
        }));
        var rowsBeforeDrain = await rig.RowCountAsync();

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(result.Ledger.Line("agent-kill9", rounds, result.Drain, $"kills-with-upload-in-flight={inFlightAtKill} rows-before-drain={rowsBeforeDrain}"));
        result.Ledger.AssertExactlyOnce();
        Assert.True(rowsBeforeDrain > 0, "nothing was uploaded while the agents were being killed");
    }
}
