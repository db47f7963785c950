using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;

namespace Iot.Faults.Tests.BridgeKills;

[Collection(SystemCollection.Name)]
public class TempFileSweepTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_restarted_bridge_deletes_the_audio_temp_files_its_crashed_run_left_and_keeps_other_bridges_fresh_ones()
    {
        // Found by the process fault suite: kill -9 during a file write left *.tmp files in recordings/ forever.
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var store = dir.Sub("store");
        var folder = Path.Combine(store, "recordings", "2026-11-26", "pos-1");
        Directory.CreateDirectory(folder);
        var own = Path.Combine(folder, $"{Guid.NewGuid():n}.opus.{Guid.NewGuid():n}.bridge-7.tmp");
        var othersFresh = Path.Combine(folder, $"{Guid.NewGuid():n}.opus.{Guid.NewGuid():n}.bridge-8.tmp");
        var othersOld = Path.Combine(folder, $"{Guid.NewGuid():n}.opus.{Guid.NewGuid():n}.bridge-9.tmp");
        foreach (var path in new[] { own, othersFresh, othersOld })
        {
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
        }

        File.SetLastWriteTimeUtc(othersOld, DateTime.UtcNow.AddHours(-2));
        await using var mosquitto = await MosquittoBroker.StartAsync();

        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { InstanceId = "bridge-7" });

        await Eventually.WaitAsync(() => Task.FromResult(!File.Exists(own) && !File.Exists(othersOld)), TimeSpan.FromSeconds(10), "own and stale temp files deleted");
        Assert.True(File.Exists(othersFresh), "a temp file another running bridge may be writing right now was deleted");
    }
}
