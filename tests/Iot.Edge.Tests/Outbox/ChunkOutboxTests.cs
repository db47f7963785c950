using Iot.Edge.Agent.Outbox;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Outbox;

public sealed class ChunkOutboxTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Committed_chunks_get_gap_free_sequences_that_continue_after_a_restart()
    {
        using (var outbox = Open())
        {
            Assert.Equal(1, CommitChunk(outbox).Sequence);
            Assert.Equal(2, CommitChunk(outbox).Sequence);
        }

        using var reopened = Open();
        Assert.Equal(3, CommitChunk(reopened).Sequence);
        Assert.Equal([1L, 2L, 3L], reopened.PeekReady(10, []).Select(e => e.Sequence));
    }

    [Fact]
    public void Pending_chunks_come_out_oldest_first_and_in_flight_ones_are_skipped()
    {
        using var outbox = Open();
        var ids = Enumerable.Range(0, 5).Select(_ => CommitChunk(outbox).ChunkId).ToList();

        var ready = outbox.PeekReady(2, [ids[0]]);

        Assert.Equal([ids[1], ids[2]], ready.Select(e => e.Id));
    }

    [Fact]
    public void Completing_a_chunk_removes_its_record_and_its_file()
    {
        using var outbox = Open();
        var m = CommitChunk(outbox);
        var path = outbox.SealedPath(outbox.Find(m.ChunkId)!);
        Assert.True(File.Exists(path));

        Assert.True(outbox.Complete(m.ChunkId));

        Assert.False(File.Exists(path));
        Assert.Null(outbox.Find(m.ChunkId));
        Assert.False(outbox.Complete(m.ChunkId));
    }

    [Fact]
    public void A_deferred_chunk_waits_until_its_retry_time()
    {
        using var outbox = Open();
        var m = CommitChunk(outbox);

        outbox.Defer(m.ChunkId, "unknown device", TimeSpan.FromSeconds(30));
        Assert.Empty(outbox.PeekReady(10, []));

        _time.Advance(TimeSpan.FromSeconds(30));
        var entry = Assert.Single(outbox.PeekReady(10, []));
        Assert.Equal(1, entry.Attempts);
        Assert.Equal("unknown device", entry.LastError);
    }

    [Fact]
    public void A_quarantined_chunk_is_kept_but_never_offered_again()
    {
        using var outbox = Open();
        var m = CommitChunk(outbox);

        outbox.Quarantine(m.ChunkId, "rejected");

        Assert.Empty(outbox.PeekReady(10, []));
        Assert.Equal(new OutboxStats(0, 0, 1, null), outbox.GetStats());
        Assert.True(File.Exists(outbox.SealedPath(outbox.Find(m.ChunkId)!)));
    }

    [Fact]
    public void Stats_report_depth_bytes_and_the_oldest_pending_time()
    {
        using var outbox = Open();
        var first = CommitChunk(outbox, bytes: 100);
        _time.Advance(TimeSpan.FromMinutes(1));
        CommitChunk(outbox, bytes: 50);

        var stats = outbox.GetStats();

        Assert.Equal(2, stats.Pending);
        Assert.Equal(150, stats.PendingBytes);
        Assert.Equal(_time.GetUtcNow().AddMinutes(-1), stats.OldestPendingUtc);
        Assert.NotNull(first);
    }

    [Fact]
    public void After_a_crash_before_commit_the_unsealed_recording_is_discarded()
    {
        using (var outbox = Open())
        {
            File.WriteAllBytes(outbox.PartialPath(Guid.CreateVersion7()), [1, 2, 3]);
        }

        using var reopened = Open();
        Assert.Empty(Directory.GetFiles(reopened.SpoolDirectory, "*" + ChunkOutbox.PartialSuffix));
        Assert.Equal(0, reopened.GetStats().Pending);
    }

    [Fact]
    public void After_a_crash_between_commit_and_rename_the_chunk_is_recovered()
    {
        Guid id;
        using (var outbox = Open())
        {
            var m = CommitChunk(outbox);
            id = m.ChunkId;
            var entry = outbox.Find(id)!;
            File.Move(outbox.SealedPath(entry), outbox.PartialPath(id));
        }

        using var reopened = Open();
        var recovered = reopened.Find(id)!;
        Assert.True(File.Exists(reopened.SealedPath(recovered)));
        Assert.Single(reopened.PeekReady(10, []));
    }

    [Fact]
    public void A_spool_file_without_a_record_is_removed_at_start()
    {
        using (var outbox = Open())
        {
            File.WriteAllBytes(Path.Combine(outbox.SpoolDirectory, Guid.CreateVersion7().ToString("n") + ChunkOutbox.SealedSuffix), [1]);
        }

        using var reopened = Open();
        Assert.Empty(Directory.GetFiles(reopened.SpoolDirectory, "*" + ChunkOutbox.SealedSuffix));
    }

    [Fact]
    public void A_record_whose_file_vanished_is_dropped_at_start()
    {
        using (var outbox = Open())
        {
            var m = CommitChunk(outbox);
            File.Delete(outbox.SealedPath(outbox.Find(m.ChunkId)!));
        }

        using var reopened = Open();
        Assert.Equal(0, reopened.GetStats().Pending);
    }

    [Fact]
    public void Chunks_older_than_the_age_limit_are_dropped_oldest_first_and_counted_persistently()
    {
        using (var outbox = Open())
        {
            var old = CommitChunk(outbox);
            _time.Advance(TimeSpan.FromDays(2));
            var fresh = CommitChunk(outbox);

            Assert.Equal(1, outbox.EnforceLimits(_time.GetUtcNow().AddDays(-1), long.MaxValue));

            Assert.Null(outbox.Find(old.ChunkId));
            Assert.NotNull(outbox.Find(fresh.ChunkId));
            Assert.Single(Directory.GetFiles(outbox.SpoolDirectory, "*" + ChunkOutbox.SealedSuffix));
        }

        using var reopened = Open();
        Assert.Equal(1, reopened.GetStats().DroppedTotal);
    }

    [Fact]
    public void Over_the_size_limit_the_oldest_unsent_chunks_go_until_the_rest_fits()
    {
        using var outbox = Open();
        var ids = Enumerable.Range(0, 5).Select(_ => CommitChunk(outbox, bytes: 100).ChunkId).ToList();
        outbox.Quarantine(ids[1], "rejected");

        var dropped = outbox.EnforceLimits(DateTimeOffset.MinValue, maxBytes: 250);

        Assert.Equal(3, dropped);
        Assert.Equal([ids[3], ids[4]], outbox.PeekReady(10, []).Select(e => e.Id));
        Assert.Equal(3, outbox.GetStats().DroppedTotal);
    }

    [Fact]
    public void Within_limits_nothing_is_dropped()
    {
        using var outbox = Open();
        CommitChunk(outbox, bytes: 100);

        Assert.Equal(0, outbox.EnforceLimits(_time.GetUtcNow().AddDays(-30), 1000));
        Assert.Equal(1, outbox.GetStats().Pending);
    }

    private ChunkOutbox Open() => new(_dir.Sub("spool"), _time, NullLogger<ChunkOutbox>.Instance);

    private ChunkMetadata CommitChunk(ChunkOutbox outbox, int bytes = 10) => OutboxChunks.Commit(outbox, _time.GetUtcNow(), bytes);
}
