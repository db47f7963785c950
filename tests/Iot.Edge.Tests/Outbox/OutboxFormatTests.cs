using Iot.Edge.Agent.Outbox;
using Iot.TestSupport;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Outbox;

/// <summary>
/// The outbox maps its LiteDB documents by hand since the NativeAOT build (the mapper's reflection does not survive
/// trimming). Devices upgraded in the field carry spools the mapper wrote; those must open unchanged.
/// </summary>
public sealed class OutboxFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_spool_written_by_the_reflection_mapper_is_read_and_continued_by_the_hand_mapping()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var first = Guid.CreateVersion7();
        var quarantined = Guid.CreateVersion7();
        WriteTheOldWay(
            [
                new OutboxEntry { Id = first, Sequence = 1, MetadataJson = "{}", FileName = first.ToString("n") + ".opus", Bytes = 700, State = OutboxState.Pending, Attempts = 2, CreatedUtcTicks = now - 10, NextAttemptUtcTicks = now - 5, LastError = "ack timeout" },
                new OutboxEntry { Id = quarantined, Sequence = 2, MetadataJson = "{}", FileName = "", Bytes = 0, State = OutboxState.Quarantined, CreatedUtcTicks = now, NextAttemptUtcTicks = now, LastError = "HashMismatch" },
            ],
            lastSequence: 2);
        File.WriteAllBytes(Path.Combine(_dir.Path, first.ToString("n") + ".opus"), new byte[700]);

        using var outbox = new ChunkOutbox(_dir.Path, _time, NullLogger<ChunkOutbox>.Instance);

        var ready = Assert.Single(outbox.PeekReady(10, []));
        Assert.Equal((first, 1L, 700L, 2, "ack timeout"), (ready.Id, ready.Sequence, ready.Bytes, ready.Attempts, ready.LastError));
        Assert.Equal(quarantined, Assert.Single(outbox.Quarantined()).Id);
        Assert.Equal("", outbox.Find(quarantined)!.FileName);
        var stats = outbox.GetStats();
        Assert.Equal((1, 700L, 1), (stats.Pending, stats.PendingBytes, stats.Quarantined));
        Assert.Equal(3, OutboxChunks.Commit(outbox, _time.GetUtcNow()).Sequence);
    }

    [Fact]
    public void Entries_written_by_the_hand_mapping_read_back_through_the_reflection_mapper()
    {
        // The other direction matters for a downgrade: an older agent must still read what this one wrote.
        Guid id;
        using (var outbox = new ChunkOutbox(_dir.Path, _time, NullLogger<ChunkOutbox>.Instance))
        {
            id = OutboxChunks.Commit(outbox, _time.GetUtcNow(), bytes: 42).ChunkId;
            outbox.Defer(id, "broker away", TimeSpan.FromSeconds(5));
        }

        using var db = OpenTheOldWay();
        var entry = db.GetCollection<OutboxEntry>("chunks").FindById(id);
        Assert.Equal((1L, 42L, OutboxState.Pending, 1, "broker away"), (entry.Sequence, entry.Bytes, entry.State, entry.Attempts, entry.LastError));
        Assert.Equal(id.ToString("n") + ".opus", entry.FileName);
        Assert.Equal(1L, db.GetCollection<SequenceCounter>("counters").FindById("chunk-sequence").Value);
    }

    private void WriteTheOldWay(IEnumerable<OutboxEntry> entries, long lastSequence)
    {
        using var db = OpenTheOldWay();
        var chunks = db.GetCollection<OutboxEntry>("chunks");
        chunks.EnsureIndex(e => e.Sequence, unique: true);
        chunks.EnsureIndex(e => e.State);
        chunks.Insert(entries);
        db.GetCollection<SequenceCounter>("counters").Upsert(new SequenceCounter { Id = "chunk-sequence", Value = lastSequence });
    }

    /// <summary>Exactly how ChunkOutbox opened the database before the hand mapping.</summary>
    private LiteDatabase OpenTheOldWay()
    {
        var mapper = new BsonMapper { EmptyStringToNull = false };
        mapper.Entity<OutboxEntry>().Id(e => e.Id, autoId: false);
        return new LiteDatabase(new ConnectionString { Filename = Path.Combine(_dir.Path, "outbox.db"), Connection = ConnectionType.Direct }, mapper);
    }
}
