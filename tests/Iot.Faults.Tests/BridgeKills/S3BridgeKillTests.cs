using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Storage.S3;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport.ObjectStore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.BridgeKills;

/// <summary>
/// A bridge process storing audio in a real Ceph radosgw bucket (<c>Storage:Kind=S3</c>), killed -9 while objects it
/// has PUT wait for their row commit. The devices resend; the resends land on the same keys, so every chunk ends up
/// with one row and one object and no object is left without a row.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class S3BridgeKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_bridge_on_S3_killed_9_between_put_and_commit_loses_nothing_duplicates_nothing_and_leaves_no_orphan()
    {
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("kill9");
        using var store = new S3AudioStore(ceph.Client(), ceph.Options(bucket), "Storage");
        var rounds = Math.Max(3, FaultRounds.Count() / 5);
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions
        {
            Devices = 2,
            ChunkSeconds = 2,
            StartAgents = false,
            ConfigureAgent = a => a with { Extra = new Dictionary<string, string> { ["Audio:BitrateBps"] = "128000" } },
            // Small batches: a backlog drains as many batches, each with its own window between PUTs and commit.
            ConfigureBridge = b => b with
            {
                Extra = new Dictionary<string, string>(b.Extra.Concat(ceph.Settings("Storage", bucket).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!))))
                {
                    ["Bridge:BatchSize"] = "2",
                },
            },
            AudioStore = store,
        });
        rig.StartAgent();
        rig.StartAgent();
        await Backlog.DrainStartedAsync(rig, 0);
        int kills = 0, hits = 0, orphansAtKills = 0;

        for (var round = 0; round < rounds || (hits == 0 && round < rounds * 4); round++)
        {
            var orphans = await ProbeUntilObjectsWithoutRowsAsync(rig, ceph, bucket);
            await rig.Bridge.KillAsync();
            kills++;
            if (orphans > 0)
            {
                hits++;
                orphansAtKills += orphans;
            }

            await Backlog.BuiltAsync(rig, 10);
            var rows = await rig.Chunks.CountAsync();
            await rig.Bridge.RestartAsync();
            await Backlog.DrainStartedAsync(rig, rows);
        }

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(120));

        output.WriteLine(result.Line("bridge-kill9-s3", kills, $"kills-between-put-and-commit={hits} objects-without-row-at-kill={orphansAtKills} ceph-start={ceph.StartedInMs}ms"));
        // Every chunk once in PostgreSQL, each row's object in the bucket with its hash, no object without a row:
        // the objects a killed bridge PUT were adopted by the rows of the devices' resends.
        result.Ledger.AssertExactlyOnce();
        Assert.True(hits > 0, $"no kill landed between a PUT and its commit in {kills} kill(s)");

        // The daily orphan sweep, run as if hours later, finds every object named by a row and deletes nothing.
        await using var dataSource = NpgsqlDataSource.Create(rig.ConnectionString);
        var sweep = await new OrphanAudioSweep(dataSource, store, new RetentionOptions(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2)), NullLogger.Instance)
            .RunAsync(CancellationToken.None);
        Assert.Equal(0, sweep.Deleted);
        Assert.Equal(result.Ledger.Stored, sweep.Scanned);
    }

    /// <summary>
    /// Freezes the bridge at random moments until the bucket holds objects no row names (a batch between its PUTs and
    /// its commit) and leaves it frozen there for the kill; returns how many such objects there were (0 = gave up).
    /// </summary>
    private static async Task<int> ProbeUntilObjectsWithoutRowsAsync(FaultRig rig, CephS3 ceph, string bucket)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            await Task.Delay(FaultRounds.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(40)));
            await rig.Bridge.PauseAsync();
            var named = (await rig.Chunks.AllAsync()).Select(r => r.StoragePath).ToHashSet(StringComparer.Ordinal);
            var orphans = (await ceph.KeysAsync(bucket)).Count(k => !named.Contains(k));
            if (orphans > 0)
            {
                return orphans;
            }

            await rig.Bridge.ResumeAsync();
        }

        return 0;
    }
}
