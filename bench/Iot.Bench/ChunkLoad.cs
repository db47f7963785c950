using System.Security.Cryptography;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using MQTTnet;

namespace Iot.Bench;

/// <summary>Valid chunk envelopes (random audio bytes with a matching hash) spread round-robin over the publishers.</summary>
internal static class ChunkLoad
{
    public static List<(int Publisher, Guid Key, MqttApplicationMessage Message)> Messages(int bytes, int count, int publishers) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var device = $"dev-{(i % publishers) + 1}";
            var audio = RandomNumberGenerator.GetBytes(Math.Max(1, bytes - 400));
            var metadata = new ChunkMetadata
            {
                ChunkId = Guid.CreateVersion7(),
                TenantId = "bench",
                DeviceId = device,
                Sequence = i,
                StartedAtUtc = DateTimeOffset.UtcNow,
                DurationMs = 60_000,
                SampleRate = 16000,
                Codec = AudioCodecs.OggOpus,
                ByteLength = audio.Length,
                Sha256 = ChunkValidator.Sha256Hex(audio),
            };
            return (i % publishers, metadata.ChunkId, Clients.Message(TopicTree.Chunk("bench", device), ChunkEnvelope.Encode(metadata, audio)));
        }).ToList();
}
