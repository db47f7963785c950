using Iot.Edge.Agent.Outbox;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;

namespace Iot.Edge.Tests.Outbox;

internal static class OutboxChunks
{
    /// <summary>Commits random bytes as a sealed chunk the way the recorder does: partial file first, then the record.</summary>
    public static ChunkMetadata Commit(ChunkOutbox outbox, DateTimeOffset startedAt, int bytes = 10)
    {
        var id = Guid.CreateVersion7();
        var audio = new byte[bytes];
        Random.Shared.NextBytes(audio);
        File.WriteAllBytes(outbox.PartialPath(id), audio);
        return outbox.Commit(id, seq => new ChunkMetadata
        {
            ChunkId = id,
            TenantId = "acme",
            DeviceId = "pos-1",
            Sequence = seq,
            StartedAtUtc = startedAt,
            DurationMs = 1000,
            SampleRate = 16000,
            Codec = AudioCodecs.OggOpus,
            ByteLength = bytes,
            Sha256 = ChunkValidator.Sha256Hex(audio),
        });
    }
}
