using Iot.Faults.Tests.Harness;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.BridgeKills;

[Collection(FaultCollection.Name)]
public sealed class BridgeKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_bridge_killed_9_between_commit_and_ack_and_during_file_writes_loses_duplicates_and_corrupts_nothing()
    {
        var rounds = Math.Max(3, FaultRounds.Count() / 5);

        // Larger chunks (2 s at 128 kbit/s, ~32 KB) make the file write a bigger share of the bridge's work.
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions
        {
            Devices = 2,
            ChunkSeconds = 2,
            StartAgents = false,
            ConfigureAgent = a => a with { Extra = new Dictionary<string, string> { ["Audio:BitrateBps"] = "128000" } },
        });
        // Connected before any agent, so that every ack the bridge sends is seen.
        await using var acks = AckObserver.Start(rig.BrokerPort);
        await acks.WaitConnectedAsync();
        rig.StartAgent();
        rig.StartAgent();
        var stats = new KillStats();
        await Backlog.DrainStartedAsync(rig, 0);

        // Every round kills the bridge during a backlog drain. Until both targets were hit, each round first freezes
        // the bridge (SIGSTOP) at random moments and looks: a temp file in storage means "mid file write", a committed
        // row whose ack the broker never carried means "between commit and ack". Either is a kill -9 on the spot.
        for (var round = 0; round < rounds || (!stats.BothHit && round < rounds * 4); round++)
        {
            await rig.Bridge.KillAsync();
            var leftovers = stats.RecordLeftovers(rig.Bridge.StorageRoot);
            await Backlog.BuiltAsync(rig, 6);
            var rows = await rig.Chunks.AllAsync();

            // Rows a killed run committed without an ack must not count as this run's.
            var earlierUnacked = rows.Where(r => !acks.HasSeenAck(r.ChunkId)).Select(r => r.ChunkId).ToHashSet();
            await rig.Bridge.RestartAsync();

            // The first batch of a drain writes all its files before its one commit: aim at files from the start,
            // at acks once rows appear.
            var aimAtAcks = stats.BetweenCommitAndAck < stats.DuringFileWrite;
            if (aimAtAcks)
            {
                await Backlog.DrainStartedAsync(rig, rows.Count);
            }

            await ProbeUntilHitAsync(rig, acks, earlierUnacked, leftovers, aimAtAcks, stats);
            await stats.AssertSweptAsync(rig.Bridge.StorageRoot, leftovers);
        }

        await rig.Bridge.KillAsync();
        var last = stats.RecordLeftovers(rig.Bridge.StorageRoot);
        await rig.Bridge.RestartAsync();
        await stats.AssertSweptAsync(rig.Bridge.StorageRoot, last);
        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));

        output.WriteLine(result.Line("bridge-kill9", stats.Kills, $"{stats} {acks}"));
        result.Ledger.AssertExactlyOnce();
        // Both windows are aimed at, but they are milliseconds wide and found by timing alone (no test seam in the
        // product): on a loaded CI machine a run may miss the commit-ack one in every round, so at least one targeted
        // kill is required and the line above says which landed. The commit-ack window is hit deterministically
        // in-process by Iot.Integration.Tests' BridgeCrashTests (an ingest hook withholds the ack after the commit).
        Assert.True(stats.BetweenCommitAndAck + stats.DuringFileWrite > 0, $"no kill landed in a targeted window: {stats}");
        Assert.True(acks.Duplicates > 0, $"chunks committed by a killed bridge must come back as duplicates: {acks}");
    }

    /// <summary>
    /// Freezes the bridge at random moments of the drain until it stands where wanted, and leaves it frozen there
    /// for the kill. Aims at whichever target has fewer hits; a temp-file hit is taken whenever seen.
    /// </summary>
    private static async Task ProbeUntilHitAsync(FaultRig rig, AckObserver acks, HashSet<Guid> earlierUnacked, HashSet<string> leftovers, bool aimAtAcks, KillStats stats)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await Task.Delay(FaultRounds.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(aimAtAcks ? 60 : 15)));
            await rig.Bridge.PauseAsync();
            if (KillStats.TempFiles(rig.Bridge.StorageRoot).Any(f => !leftovers.Contains(f)))
            {
                stats.DuringFileWrite++;
                return;
            }

            if (aimAtAcks || attempt % 5 == 4)
            {
                // Acks already written to the socket reach the observer within milliseconds; give them that.
                await Task.Delay(150);
                var committed = await rig.Chunks.AllAsync();
                if (committed.Any(c => !earlierUnacked.Contains(c.ChunkId) && !acks.HasSeenAck(c.ChunkId)))
                {
                    stats.BetweenCommitAndAck++;
                    return;
                }
            }

            await rig.Bridge.ResumeAsync();
        }

        stats.Random++;
    }

    private sealed class KillStats
    {
        public int DuringFileWrite { get; set; }

        public int BetweenCommitAndAck { get; set; }

        public int Random { get; set; }

        public int Kills { get; private set; }

        public int TempLeftovers { get; private set; }

        public bool BothHit => DuringFileWrite > 0 && BetweenCommitAndAck > 0;

        public static IEnumerable<string> TempFiles(string storageRoot) =>
            Directory.Exists(Path.Combine(storageRoot, "recordings"))
                ? Directory.GetFiles(Path.Combine(storageRoot, "recordings"), "*.tmp", SearchOption.AllDirectories)
                : [];

        /// <summary>Counts a kill and returns the half-written temp files it left.</summary>
        public HashSet<string> RecordLeftovers(string storageRoot)
        {
            Kills++;
            var left = TempFiles(storageRoot).ToHashSet();
            TempLeftovers += left.Count;
            return left;
        }

        /// <summary>The restarted bridge must delete the half-written temp files of its killed run.</summary>
        public Task AssertSweptAsync(string storageRoot, HashSet<string> leftovers) =>
            Iot.TestSupport.Eventually.WaitAsync(() => Task.FromResult(!TempFiles(storageRoot).Any(leftovers.Contains)), TimeSpan.FromSeconds(10), "temp files of the killed bridge deleted");

        public override string ToString() =>
            $"kills={Kills} during-file-write={DuringFileWrite} between-commit-and-ack={BetweenCommitAndAck} random={Random} temp-files-left-by-kills={TempLeftovers}";
    }
}
