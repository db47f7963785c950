using System.Buffers.Binary;
using System.Text;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;

namespace Iot.Faults.Tests.Fuzz;

/// <summary>
/// Deterministic (seeded) hostile traffic from one authenticated device and one claim credential: random bytes,
/// truncated envelopes and JSON, wrong schemas, oversize payloads, lying metadata, replays, foreign and absurd topics,
/// huge user properties. Each message carries the outcome the system owes it, so nothing needs guessing afterwards.
/// </summary>
public sealed class FuzzCorpus(int seed, string tenantId, string deviceId, string serial, IReadOnlyList<byte[]> storedEnvelopes, int maxPayloadBytes)
{
    private readonly Random _random = new(seed);

    private string OwnChunk => TopicTree.Chunk(tenantId, deviceId);

    /// <summary>
    /// Payloads up to here still fit the broker's packet limit (<c>Bridge:MaxPayloadBytes</c> plus half the overhead
    /// it allows for topic and properties), so the bridge sees them and owes an answer. Larger packets are a protocol
    /// error that closes the session: the fuzz checks that once, at the end, not in the stream.
    /// </summary>
    private int MaxRoutedPayload => maxPayloadBytes + (Iot.Cloud.Bridge.Broker.BrokerOptions.PacketOverheadBytes / 2);

    public IEnumerable<FuzzMessage> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            // One in five from the claim credential, the rest from the device.
            yield return _random.Next(5) == 0 ? NextFromClaim() : NextFromDevice();
        }
    }

    /// <summary>A well-formed chunk for this device that is not stored anywhere (fresh UUIDv7).</summary>
    public ChunkMetadata FreshMetadata(byte[] audio, long sequence, string? device = null) => new()
    {
        ChunkId = SeededUuid(7),
        TenantId = tenantId,
        DeviceId = device ?? deviceId,
        Sequence = sequence,
        StartedAtUtc = new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero).AddSeconds(sequence),
        DurationMs = 1000,
        SampleRate = 16000,
        Codec = AudioCodecs.OggOpus,
        ByteLength = audio.Length,
        Sha256 = ChunkValidator.Sha256Hex(audio),
    };

    private FuzzMessage NextFromDevice()
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 14 => new(FuzzSender.Device, "random-bytes", OwnChunk, Bytes(_random.Next(0, 4096)), FuzzOutcome.Rejected, RejectReason.Malformed),
            < 28 => Truncated(),
            < 36 => new(FuzzSender.Device, "wrong-schema", OwnChunk, Envelope(Encoding.UTF8.GetBytes(WrongSchemaJson()), Bytes(64)), FuzzOutcome.Rejected, RejectReason.Malformed),
            < 40 => new(FuzzSender.Device, "oversize", OwnChunk, Oversize(), FuzzOutcome.Rejected, RejectReason.Oversize),
            < 48 => WrongHash(),
            < 53 => OtherDeviceInMetadata(),
            < 61 => InvalidMetadata(),
            < 71 => new(FuzzSender.Device, "replay", OwnChunk, storedEnvelopes[_random.Next(storedEnvelopes.Count)], FuzzOutcome.Duplicate),
            < 84 => new(FuzzSender.Device, "foreign-topic", ForeignTopicForDevice(), ValidEnvelope(), FuzzOutcome.Refused),
            < 89 => new(FuzzSender.Device, "huge-topic", OwnChunk + "/" + new string('x', _random.Next(1000, 30_000)), Bytes(32), FuzzOutcome.Refused),
            _ => new(FuzzSender.Device, "huge-user-properties", OwnChunk, Bytes(_random.Next(0, 512)), FuzzOutcome.Rejected, RejectReason.Malformed)
            {
                UserProperties = Enumerable.Range(0, _random.Next(10, 60)).Select(i => ($"p{i}", new string('v', _random.Next(100, 4000)))).ToList(),
            },
        };
    }

    private FuzzMessage NextFromClaim()
    {
        var request = ProvisioningTopics.Request(serial);
        var roll = _random.Next(100);
        return roll switch
        {
            < 30 => new(FuzzSender.Claim, "claim-random-bytes", request, Bytes(_random.Next(0, 2048)), FuzzOutcome.ProvisioningInvalid),
            < 50 => new(FuzzSender.Claim, "claim-truncated-json", request, Truncate(Encoding.UTF8.GetBytes(PlausibleRequestJson())), FuzzOutcome.ProvisioningInvalid),
            < 65 => new(FuzzSender.Claim, "claim-wrong-schema", request, Encoding.UTF8.GetBytes(WrongSchemaJson()), FuzzOutcome.ProvisioningInvalid),
            < 72 => new(FuzzSender.Claim, "claim-oversize", request, Bytes(_random.Next(64 * 1024, MaxRoutedPayload)), FuzzOutcome.ProvisioningInvalid),
            _ => new(FuzzSender.Claim, "claim-foreign-topic", ForeignTopicForClaim(), _random.Next(2) == 0 ? ValidEnvelope() : Bytes(128), FuzzOutcome.Refused),
        };
    }

    private FuzzMessage Truncated()
    {
        var audio = Bytes(_random.Next(1, 2048));
        var header = ProtocolJson.Serialize(FreshMetadata(audio, _random.Next(1, 1_000_000)));
        if (_random.Next(3) == 0)
        {
            // The header JSON itself cut short, with a header length that matches the cut: unreadable metadata.
            var cut = header.AsSpan(0, _random.Next(0, header.Length)).ToArray();
            return new(FuzzSender.Device, "truncated-json", OwnChunk, Envelope(cut, audio), FuzzOutcome.Rejected, RejectReason.Malformed);
        }

        // The whole envelope cut short: before the audio it is unreadable, inside the audio the length is wrong.
        var full = Envelope(header, audio);
        var at = _random.Next(0, full.Length);
        var reason = at < ChunkEnvelope.PreambleLength + header.Length ? RejectReason.Malformed : RejectReason.InvalidMetadata;
        return new(FuzzSender.Device, "truncated-envelope", OwnChunk, full[..at], FuzzOutcome.Rejected, reason);
    }

    private byte[] Oversize()
    {
        var size = _random.Next(maxPayloadBytes + 1, MaxRoutedPayload);
        var payload = Bytes(size);
        if (_random.Next(2) == 0)
        {
            // A real header in front, so the bridge can name the chunk in its negative ack.
            var header = ValidEnvelope();
            header.AsSpan(0, Math.Min(header.Length, size)).CopyTo(payload);
        }

        return payload;
    }

    private FuzzMessage WrongHash()
    {
        var audio = Bytes(_random.Next(1, 2048));
        var metadata = FreshMetadata(audio, _random.Next(1, 1_000_000)) with { Sha256 = ChunkValidator.Sha256Hex(Bytes(16)) };
        return new(FuzzSender.Device, "wrong-hash", OwnChunk, ChunkEnvelope.Encode(metadata, audio), FuzzOutcome.Rejected, RejectReason.HashMismatch);
    }

    private FuzzMessage OtherDeviceInMetadata()
    {
        var audio = Bytes(_random.Next(1, 1024));
        var metadata = FreshMetadata(audio, 1, device: deviceId + "-other");
        return new(FuzzSender.Device, "metadata-for-other-device", OwnChunk, ChunkEnvelope.Encode(metadata, audio), FuzzOutcome.Rejected, RejectReason.TopicMismatch);
    }

    private FuzzMessage InvalidMetadata()
    {
        var audio = Bytes(_random.Next(1, 1024));
        var m = FreshMetadata(audio, _random.Next(1, 1_000_000));
        m = _random.Next(6) switch
        {
            0 => m with { ChunkId = SeededUuid(4) },
            1 => m with { Codec = "audio/mpeg" },
            2 => m with { SampleRate = 44100 },
            3 => m with { DurationMs = -5 },
            4 => m with { StartedAtUtc = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            _ => m with { Sequence = -1 },
        };
        return new(FuzzSender.Device, "invalid-metadata", OwnChunk, ChunkEnvelope.Encode(m, audio), FuzzOutcome.Rejected, RejectReason.InvalidMetadata);
    }

    private string ForeignTopicForDevice() => _random.Next(7) switch
    {
        0 => TopicTree.Chunk("other-tenant", deviceId),
        1 => TopicTree.Chunk(tenantId, deviceId + "-other"),
        2 => TopicTree.Ack(tenantId, deviceId),
        3 => TopicTree.Prefix + tenantId + "/" + deviceId + "/bogus",
        4 => OwnChunk + "/extra",
        5 => ProvisioningTopics.Request(serial),
        _ => "$SYS/broker/fuzz",
    };

    private string ForeignTopicForClaim() => _random.Next(4) switch
    {
        0 => ProvisioningTopics.Request(serial + "-other"),
        1 => ProvisioningTopics.Response(serial),
        2 => OwnChunk,
        _ => TopicTree.Status(tenantId, deviceId),
    };

    private byte[] ValidEnvelope()
    {
        var audio = Bytes(_random.Next(1, 512));
        return ChunkEnvelope.Encode(FreshMetadata(audio, _random.Next(1, 1_000_000)), audio);
    }

    private string WrongSchemaJson() => _random.Next(6) switch
    {
        0 => "{\"hello\":\"world\"}",
        1 => "[1,2,3]",
        2 => "null",
        3 => "{\"chunkId\":\"not-a-guid\",\"sequence\":\"seven\"}",
        4 => "{\"chunkId\":" + new string('[', _random.Next(10, 2000)),
        _ => "\"" + new string('\\', _random.Next(1, 100)) + "\"",
    };

    private string PlausibleRequestJson() =>
        $"{{\"serial\":\"{serial}\",\"hardwareId\":\"hw-{_random.Next()}\",\"model\":\"rpi4\",\"agentVersion\":\"1.0.0\",\"nonce\":\"{Convert.ToHexString(Bytes(12))}\",\"capabilities\":{{}}}}";

    private byte[] Truncate(byte[] data) => data[.._random.Next(0, data.Length)];

    private static byte[] Envelope(byte[] header, byte[] audio)
    {
        var buffer = new byte[ChunkEnvelope.PreambleLength + header.Length + audio.Length];
        "IOTC"u8.CopyTo(buffer);
        buffer[4] = ChunkEnvelope.CurrentVersion;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(5, 4), (uint)header.Length);
        header.CopyTo(buffer.AsSpan(ChunkEnvelope.PreambleLength));
        audio.CopyTo(buffer.AsSpan(ChunkEnvelope.PreambleLength + header.Length));
        return buffer;
    }

    /// <summary>A UUID of the given version from the seeded generator, so a run with the same seed sends the same bytes.</summary>
    private Guid SeededUuid(int version)
    {
        var b = Bytes(16);
        b[6] = (byte)((b[6] & 0x0F) | (version << 4));
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b, bigEndian: true);
    }

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
