using Iot.Edge.Agent.Outbox;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.AgentKills;

[Collection(FaultCollection.Name)]
public sealed class AgentKillTests(ITestOutputHelper output)
{
    [Fact]
    public Task Agents_killed_9_at_random_moments_of_recording_and_upload_lose_and_duplicate_no_chunk() =>
        KillRoundsAsync("agent-kill9", executable: null);

    /// <summary>
    /// The build a Linux device runs is NativeAOT, where anything reflection-based the JIT build tolerates (LiteDB's
    /// mapper, configuration binding) can silently lose data; the same rounds run against the published binary.
    /// </summary>
    [Fact]
    public async Task Native_aot_agents_killed_9_at_random_moments_lose_and_duplicate_no_chunk() =>
        await KillRoundsAsync("agent-kill9-aot", await PublishedAgent.NativeExecutableAsync());

    private async Task KillRoundsAsync(string name, string? executable)
    {
        var rounds = FaultRounds.Count();
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions { Devices = 2, ConfigureAgent = s => s with { Executable = executable } });
        var moments = new KillMoments();
        var killsPerAgent = rig.Agents.Select((_, i) => rounds / rig.Agents.Count + (i < rounds % rig.Agents.Count ? 1 : 0)).ToList();

        // Each agent is killed on its own clock, cycling through three kinds of moment: during start-up (crash
        // recovery of the previous kill still running), just after a chunk was sealed (its upload in flight),
        // and at a random point of recording.
        await Task.WhenAll(rig.Agents.Select(async (agent, i) =>
        {
            for (var k = 0; k < killsPerAgent[i]; k++)
            {
                switch ((k + i) % 3)
                {
                    case 0:
                        await Task.Delay(FaultRounds.Between(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1500)));
                        moments.Add(Moment.StartUp);
                        break;
                    case 1:
                        await agent.WaitReadyAsync();
                        await WaitForNewSealedChunkAsync(agent);
                        await Task.Delay(FaultRounds.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(30)));
                        moments.Add(Moment.AfterSeal);
                        break;
                    default:
                        await agent.WaitReadyAsync();
                        await Task.Delay(FaultRounds.Between(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(2500)));
                        moments.Add(Moment.Random);
                        break;
                }

                await agent.KillAsync();
                agent.Restart();
            }
        }));
        var rowsBeforeDrain = await rig.RowCountAsync();

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(result.Line(name, rounds, $"{moments} rows-before-drain={rowsBeforeDrain}"));
        result.Ledger.AssertExactlyOnce();
        Assert.True(rowsBeforeDrain > 0, "nothing was uploaded while the agents were being killed");
    }

    /// <summary>Returns as soon as a sealed chunk file appears that was not there when called: the uplink is about to send it.</summary>
    private static async Task WaitForNewSealedChunkAsync(AgentProcess agent)
    {
        var spool = agent.Settings.SpoolDirectory;
        var before = Directory.GetFiles(spool, "*" + ChunkOutbox.SealedSuffix).ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && Directory.GetFiles(spool, "*" + ChunkOutbox.SealedSuffix).All(before.Contains))
        {
            await Task.Delay(5);
        }
    }

    private enum Moment
    {
        StartUp,
        AfterSeal,
        Random,
    }

    private sealed class KillMoments
    {
        private readonly int[] _counts = new int[3];

        public void Add(Moment moment) => Interlocked.Increment(ref _counts[(int)moment]);

        public override string ToString() => $"kills-at-startup={_counts[0]} kills-after-seal={_counts[1]} kills-random={_counts[2]}";
    }
}
