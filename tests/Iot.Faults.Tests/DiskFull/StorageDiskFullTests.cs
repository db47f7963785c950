using System.Globalization;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.DiskFull;

/// <summary>
/// Test 5, cloud half: the bridge process stores audio on a tiny tmpfs that fills up while two agents upload. It must
/// not ack what it could not store, say why in its log, keep running, and drain the backlog exactly once when the
/// disk is grown under it, leaving no temp or partial files.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class StorageDiskFullTests(ITestOutputHelper output)
{
    private const string NoSpace = "No space left on device";
    private static readonly TimeSpan FullFor = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_bridge_whose_storage_fills_acks_nothing_it_could_not_store_and_drains_exactly_once_when_the_disk_grows()
    {
        using var mountPoint = new TempDirectory("iot-faults-store");
        await using var store = await TmpfsMount.MountAsync(mountPoint.Sub("store"), "2m");
        await using var rig = await FaultRig.StartAsync(new FaultRigOptions
        {
            Devices = 2,
            Broker = BrokerKind.Embedded,
            ConfigureBridge = b => b with { StorageRoot = store.Path },
        });
        var bridgePid = rig.Bridge.ProcessId;
        await Eventually.WaitAsync(async () => await rig.RowCountAsync() >= 2, TimeSpan.FromSeconds(30), "first chunks stored");

        // Room for a handful of chunks, then every write fails.
        await store.FillLeavingAsync(16 * 1024);
        var log = rig.Bridge.Settings.LogPath;
        await Eventually.WaitAsync(async () => (await CountLinesAsync(log, NoSpace)) > 0, TimeSpan.FromSeconds(60), $"the bridge to log '{NoSpace}'",
            () => Task.FromResult(rig.Bridge.Tail()));

        // While full: rows keep matching their files (nothing acked without its audio), and the bridge stays up.
        var rowsWhenFull = await rig.RowCountAsync();
        await Task.Delay(FullFor);
        var whileFull = await Ledger.ReadAsync(rig.ConnectionString, store.Path, new Dictionary<string, long>());
        Assert.True(whileFull.BadFiles == 0, "a row without its audio while the disk was full: " + string.Join("; ", whileFull.Problems));
        Assert.True(rig.Bridge.IsRunning && rig.Bridge.ProcessId == bridgePid, "the bridge did not survive the full disk:\n" + rig.Bridge.Tail());
        var rowsAfterFull = await rig.RowCountAsync();
        var failedBatches = await CountLinesAsync(log, "Ingest batch of");

        // The disk grows under the running bridge; the agents' resends fill the gap.
        await store.ResizeAsync("64m");
        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(90));
        var undecodable = await StoredAudio.UndecodableAsync(Directory.GetFiles(Path.Combine(store.Path, "recordings"), "*", SearchOption.AllDirectories));
        var leftovers = store.Leftovers(Iot.Cloud.Bridge.Storage.RecordingStore.TempSuffix, ".partial");

        output.WriteLine(result.Ledger.Line("storage-disk-full", 1, result.Drain, string.Create(CultureInfo.InvariantCulture,
            $"rows-when-full={rowsWhenFull} rows-after-{FullFor.TotalSeconds:0}s-full={rowsAfterFull} failed-batches={failedBatches} temp-files-left={leftovers.Count} undecodable={undecodable.Count}")));
        result.Ledger.AssertExactlyOnce();
        Assert.True(rig.Bridge.IsRunning && rig.Bridge.ProcessId == bridgePid, "the bridge restarted:\n" + rig.Bridge.Tail());
        Assert.True(failedBatches > 0, "no failed ingest batch was logged");
        Assert.Empty(leftovers);
        Assert.True(undecodable.Count == 0, string.Join("; ", undecodable));
    }

    private static async Task<int> CountLinesAsync(string path, string text)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var n = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                n++;
            }
        }

        return n;
    }
}
