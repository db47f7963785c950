using System.Security.Cryptography;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>A valid one-second chunk of random bytes for tenant acme, as a raw MQTT publisher would send it.</summary>
internal static class RandomChunk
{
    public static (ChunkMetadata Metadata, byte[] Audio) For(string device, int bytes)
    {
        var audio = RandomNumberGenerator.GetBytes(bytes);
        return (new ChunkMetadata
        {
            ChunkId = Guid.CreateVersion7(),
            TenantId = "acme",
            DeviceId = device,
            Sequence = 1,
            StartedAtUtc = DateTimeOffset.UtcNow,
            DurationMs = 1000,
            SampleRate = 16000,
            Codec = AudioCodecs.OggOpus,
            ByteLength = audio.Length,
            Sha256 = ChunkValidator.Sha256Hex(audio),
        }, audio);
    }
}
