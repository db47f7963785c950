using Iot.Edge.Agent.Outbox;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Faults.Tests.DiskFull;

/// <summary>
/// The outbox keeps <see cref="ChunkOutbox.DatabaseReserveBytes"/> free for its own database, on a real tmpfs (root).
/// Regression: a commit that met a truly full disk left LiteDB with an entry but no audio and a transaction that
/// could never close, which stopped the agent (found by Iot.Faults.Tests' spool-disk-full process test).
/// </summary>
public sealed class SpoolReserveTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TmpfsMount _spool = null!;

    public async Task InitializeAsync() => _spool = await TmpfsMount.MountAsync(_dir.Sub("spool"), "4m");

    public async Task DisposeAsync()
    {
        await _spool.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_chunk_is_refused_without_touching_the_database_while_less_than_the_reserve_is_free_and_accepted_once_space_returns()
    {
        using var outbox = new ChunkOutbox(_spool.Path, TimeProvider.System, NullLogger<ChunkOutbox>.Instance);
        await _spool.FillLeavingAsync(ChunkOutbox.DatabaseReserveBytes / 2);

        var first = await PartialAsync(outbox);
        var refused = Assert.Throws<IOException>(() => outbox.Commit(first.Id, s => Metadata(first, s)));

        Assert.Contains("nearly full", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, outbox.LastSequence);
        Assert.Equal(0, outbox.GetStats().Pending);

        _spool.RemoveFiller();
        File.Delete(outbox.PartialPath(first.Id));
        var second = await PartialAsync(outbox);
        var metadata = outbox.Commit(second.Id, s => Metadata(second, s));

        Assert.Equal(1, metadata.Sequence);
        Assert.Equal(1, outbox.GetStats().Pending);
        Assert.True(File.Exists(Path.Combine(_spool.Path, second.Id.ToString("n") + ChunkOutbox.SealedSuffix)));
    }

    private static async Task<(Guid Id, byte[] Audio)> PartialAsync(ChunkOutbox outbox)
    {
        var id = Guid.CreateVersion7();
        var audio = new byte[4096];
        Random.Shared.NextBytes(audio);
        await File.WriteAllBytesAsync(outbox.PartialPath(id), audio);
        return (id, audio);
    }

    private static ChunkMetadata Metadata((Guid Id, byte[] Audio) chunk, long sequence) => new()
    {
        ChunkId = chunk.Id,
        TenantId = "acme",
        DeviceId = "pos-1",
        Sequence = sequence,
        StartedAtUtc = DateTimeOffset.UtcNow,
        DurationMs = 1000,
        SampleRate = 16000,
        Codec = AudioCodecs.OggOpus,
        ByteLength = chunk.Audio.Length,
        Sha256 = ChunkValidator.Sha256Hex(chunk.Audio),
    };
}
