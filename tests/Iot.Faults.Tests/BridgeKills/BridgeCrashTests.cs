using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Storage;
using Iot.Protocol.Messages;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.BridgeKills;

[Collection(SystemCollection.Name)]
public class BridgeCrashTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_bridge_that_dies_after_the_insert_and_before_the_ack_leaves_one_row_and_the_agent_still_deletes()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var store = dir.Sub("store");
        var table = new ChunkTable(db);
        var hook = new WithholdFirstAck();
        var first = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { SeedDevices = Fleet.SeedDevices(1) }, hook);

        await using var fleet = await Fleet.StartAsync(dir, devices: 1, secondsEach: 5, mosquitto.Port, s => s with { AckTimeoutSeconds = 2 });
        var persisted = await hook.Withheld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.CrashAsync();
        await first.DisposeAsync();
        var rowsAtCrash = await table.CountAsync();
        Assert.True(rowsAtCrash >= persisted.Count);
        Assert.NotEqual(0, fleet.Agents[0].Outbox.GetStats().Pending);

        await using var second = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true));
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(async () => fleet.OutboxesEmpty() && await table.CountAsync() == fleet.RecordedPerDevice().Values.Sum(), TimeSpan.FromSeconds(60), "backlog acked by the second bridge", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, fleet.RecordedPerDevice());
        Assert.True(second.Metrics.Duplicates >= persisted.Count, $"expected the {persisted.Count} unacked chunk(s) to come back as duplicates; {second.Metrics}");
        output.WriteLine($"bridge crash before ack: {summary} withheld={persisted.Count} redelivered-as-duplicate={second.Metrics.Duplicates}");
    }

    [Fact]
    public async Task A_bridge_that_dies_with_durable_files_not_yet_committed_loses_nothing_and_stores_each_chunk_once()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var store = dir.Sub("store");
        var table = new ChunkTable(db);
        var hook = new HoldFirstCommit();
        var first = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true) { SeedDevices = Fleet.SeedDevices(1) }, hook);

        await using var fleet = await Fleet.StartAsync(dir, devices: 1, secondsEach: 5, mosquitto.Port, s => s with { AckTimeoutSeconds = 2 });

        // The held batch's files are written, fsynced and renamed into place; its commit loop stands still while the
        // store loop may write the next batches' files (stored ahead), as in a bridge killed between the two steps.
        var held = await hook.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var chunk in held)
        {
            Assert.True(File.Exists(Path.Combine(store, RecordingStore.RelativePath(chunk))), $"file of held chunk {chunk.ChunkId} is durable before its commit");
        }

        await first.CrashAsync();
        await first.DisposeAsync();
        var rowsAtCrash = (await table.AllAsync()).Select(r => r.ChunkId).ToHashSet();
        Assert.DoesNotContain(held, c => rowsAtCrash.Contains(c.ChunkId));

        await using var second = await BridgeNode.StartAsync(new BridgeSettings(db, store, mosquitto.Port, External: true));
        await fleet.RecordingFinishedAsync();
        await Eventually.WaitAsync(async () => fleet.OutboxesEmpty() && await table.CountAsync() == fleet.RecordedPerDevice().Values.Sum(), TimeSpan.FromSeconds(60), "backlog acked by the second bridge", async () => fleet.Describe() + $"; rows {await table.CountAsync()}");

        // Every chunk once, every file referenced by exactly one row (no orphan left by the held batch).
        var summary = await StoreAssertions.EveryChunkStoredExactlyOnceAsync(table, store, fleet.RecordedPerDevice());
        var rows = (await table.AllAsync()).Select(r => r.ChunkId).ToHashSet();
        Assert.All(held, c => Assert.Contains(c.ChunkId, rows));
        output.WriteLine($"bridge crash between files and commit: {summary} held={held.Count} stored-by-second={second.Metrics.Stored}");
    }

    /// <summary>Holds the first batch whose files are durable before its commit, until the bridge goes down.</summary>
    private sealed class HoldFirstCommit : IIngestHook
    {
        private int _fired;

        public TaskCompletionSource<IReadOnlyList<ChunkMetadata>> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<bool> BeforeCommitAsync(IReadOnlyList<ChunkMetadata> stored, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                Held.SetResult(stored);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return true;
        }

        public ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken) => ValueTask.FromResult(true);
    }

    /// <summary>Lets the first batch reach the database, then withholds its acks, as a crash would.</summary>
    private sealed class WithholdFirstAck : IIngestHook
    {
        private int _fired;

        public TaskCompletionSource<IReadOnlyList<ChunkMetadata>> Withheld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                Withheld.SetResult(persisted);
            }

            return ValueTask.FromResult(false);
        }
    }
}
