using System.Security.Cryptography;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Iot.Cloud.Storage.S3;
using Iot.TestSupport;
using Iot.TestSupport.ObjectStore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Retention;

/// <summary>
/// Audio a crash left between a bridge's PUT and its row commit is deleted by the daily job, and nothing else is,
/// on each store on its real backend.
/// </summary>
public abstract class OrphanAudioSweepTests
{
    protected abstract Task<IAudioStore> StoreAsync();

    [Fact]
    public async Task Only_audio_of_bridge_shape_past_the_grace_with_no_row_naming_it_is_deleted()
    {
        await using var db = await CreateAsync();
        var store = await StoreAsync();
        // Objects carry the real clock's time; the sweep runs two hours later, so all of them are past the grace.
        var now = DateTimeOffset.UtcNow.AddHours(2);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var start = today.ToDateTime(new TimeOnly(0, 30), DateTimeKind.Utc);

        var referenced = Guid.NewGuid();
        var referencedKey = await PutAsync(store, Key(today, referenced));
        await db.InsertChunkAsync(new TestChunk(1) { ChunkId = referenced, Start = start, StoragePath = referencedKey });
        var orphan = await PutAsync(store, Key(today, Guid.NewGuid()));
        var visitOrphan = await PutAsync(store, $"recordings/{today:yyyy-MM-dd}/{Device}/tx-42_{Guid.NewGuid():n}.opus");
        var purged = Guid.NewGuid();
        var purgedKey = await PutAsync(store, Key(today, purged));
        await db.InsertChunkAsync(new TestChunk(2) { ChunkId = purged, Start = start, AudioIncluded = false });
        var foreign = await PutAsync(store, $"recordings/{today:yyyy-MM-dd}/{Device}/operator-notes.opus");
        var yesterday = await PutAsync(store, Key(today.AddDays(-1), Guid.NewGuid()));
        var outsideWindow = await PutAsync(store, Key(today.AddDays(-10), Guid.NewGuid()));

        var report = await Sweep(db, store, now).RunAsync(CancellationToken.None);

        Assert.Equal(4, report.Deleted);
        Assert.Equal(4 * 700, report.BytesFreed);
        foreach (var gone in new[] { orphan, visitOrphan, purgedKey, yesterday })
        {
            Assert.Null(await store.GetAsync(gone, CancellationToken.None));
        }

        foreach (var kept in new[] { referencedKey, foreign, outsideWindow })
        {
            Assert.NotNull(await store.GetAsync(kept, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Audio_younger_than_the_grace_is_kept_because_its_row_may_still_be_committing()
    {
        await using var db = await CreateAsync();
        var store = await StoreAsync();
        var now = DateTimeOffset.UtcNow;
        var key = await PutAsync(store, Key(DateOnly.FromDateTime(now.UtcDateTime), Guid.NewGuid()));

        var report = await Sweep(db, store, now).RunAsync(CancellationToken.None);

        Assert.Equal(0, report.Deleted);
        Assert.NotNull(await store.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task An_orphan_whose_chunk_a_bridge_is_committing_under_its_lock_is_kept_once_the_row_commits()
    {
        await using var db = await CreateAsync();
        var store = await StoreAsync();
        var now = DateTimeOffset.UtcNow.AddHours(2);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var chunk = Guid.NewGuid();
        var key = await PutAsync(store, Key(today, chunk));
        var other = await PutAsync(store, Key(today, Guid.NewGuid()));

        // A bridge committing a late resend of this chunk: it holds the chunk's lock, its row not yet visible.
        await using var bridge = await db.DataSource.OpenConnectionAsync();
        await using var commit = await bridge.BeginTransactionAsync();
        await AudioKeyLock.LockAsync(bridge, commit, [chunk], CancellationToken.None);
        var sweep = Sweep(db, store, now).RunAsync(CancellationToken.None);

        await Eventually.WaitAsync(
            async () => await db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid::int = @lockClass",
                new { lockClass = AudioKeyLock.LockClass }) == 1,
            TimeSpan.FromSeconds(10),
            "the sweep to wait for the chunk's lock");
        Assert.False(sweep.IsCompleted);
        Assert.NotNull(await store.GetAsync(key, CancellationToken.None));

        await db.InsertChunkAsync(new TestChunk(1) { ChunkId = chunk, Start = today.ToDateTime(new TimeOnly(0, 30), DateTimeKind.Utc), StoragePath = key }, bridge, commit);
        await commit.CommitAsync();
        var report = await sweep;

        Assert.Equal(1, report.Deleted);
        Assert.Null(await store.GetAsync(other, CancellationToken.None));
        Assert.NotNull(await store.GetAsync(key, CancellationToken.None));
    }

    [Theory]
    [InlineData("recordings/2026-03-02/pos-1/0123456789abcdef0123456789abcdef.opus", true)]
    [InlineData("recordings/2026-03-02/pos-1/tx-9_0123456789abcdef0123456789abcdef.opus", true)]
    [InlineData("recordings/2026-03-01/pos-1/0123456789abcdef0123456789abcdef.opus", false)]
    [InlineData("recordings/2026-03-02/pos-1/x0123456789abcdef0123456789abcdef.opus", false)]
    [InlineData("recordings/2026-03-02/pos-1/0123456789abcdef0123456789abcdef.ogg", false)]
    [InlineData("recordings/2026-03-02/0123456789abcdef0123456789abcdef.opus", false)]
    [InlineData("backup/2026-03-02/pos-1/0123456789abcdef0123456789abcdef.opus", false)]
    public void Only_the_key_shape_a_bridge_writes_names_a_chunk(string key, bool isChunk) =>
        Assert.Equal(isChunk, OrphanAudioSweep.ChunkIdOf(key, new DateOnly(2026, 3, 2)) is not null);

    private static OrphanAudioSweep Sweep(PipelineDatabase db, IAudioStore store, DateTimeOffset now) =>
        new(db.DataSource, store, new RetentionOptions { OrphanSweepDays = 7, OrphanGraceMinutes = 60 }, new FakeTimeProvider(now), NullLogger.Instance);

    private static string Key(DateOnly day, Guid chunk) => $"recordings/{day:yyyy-MM-dd}/{Device}/{chunk:n}.opus";

    private static async Task<string> PutAsync(IAudioStore store, string key)
    {
        var bytes = RandomNumberGenerator.GetBytes(700);
        Assert.Equal(PutOutcome.Written, await store.PutAsync(key, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), CancellationToken.None));
        return key;
    }
}

public sealed class LocalOrphanAudioSweepTests : OrphanAudioSweepTests, IDisposable
{
    private readonly TempDirectory _dir = new("orphans");

    protected override Task<IAudioStore> StoreAsync() => Task.FromResult<IAudioStore>(new LocalAudioStore(_dir.Path, "orphan-tests"));

    public void Dispose() => _dir.Dispose();
}

public sealed class S3OrphanAudioSweepTests : OrphanAudioSweepTests
{
    protected override async Task<IAudioStore> StoreAsync()
    {
        var ceph = await CephS3.SharedAsync();
        return new S3AudioStore(ceph.Client(), ceph.Options(await ceph.CreateBucketAsync("orphans")), "Pipeline:Storage");
    }
}
