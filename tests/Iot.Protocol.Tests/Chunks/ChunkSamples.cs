using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Tests.Chunks;

internal static class ChunkSamples
{
    public static (ChunkMetadata Metadata, byte[] Audio) Valid(int bytes = 1000)
    {
        var audio = new byte[bytes];
        Random.Shared.NextBytes(audio);
        var metadata = new ChunkMetadata
        {
            ChunkId = Guid.CreateVersion7(),
            TenantId = "acme",
            DeviceId = "pos-1",
            Sequence = 7,
            StartedAtUtc = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
            DurationMs = 60_000,
            SampleRate = 16000,
            Codec = AudioCodecs.OggOpus,
            ByteLength = audio.Length,
            Sha256 = ChunkValidator.Sha256Hex(audio),
            TransactionId = "visit-42",
            SpeechSegments = [new SpeechSegment(100, 2000), new SpeechSegment(2500, 59_000)],
        };
        return (metadata, audio);
    }
}
