using System.Buffers;
using System.Buffers.Binary;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;

namespace Iot.Protocol.Chunks;

/// <summary>
/// One MQTT payload carrying a chunk's metadata and its audio, so the two can never arrive apart:
/// <c>"IOTC"</c> · version byte (1) · header length (uint32 big-endian) · header JSON (UTF-8) · audio bytes.
/// A binary frame rather than MQTT 5 user properties keeps it working on MQTT 3.1.1 brokers and bridges.
/// </summary>
public static class ChunkEnvelope
{
    public const byte CurrentVersion = 1;
    public const int PreambleLength = 9;
    private static ReadOnlySpan<byte> Magic => "IOTC"u8;

    public static byte[] Encode(ChunkMetadata metadata, ReadOnlySpan<byte> audio)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.ByteLength != audio.Length)
        {
            throw new ArgumentException($"metadata says {metadata.ByteLength} bytes, audio has {audio.Length}", nameof(audio));
        }

        var header = ProtocolJson.Serialize(metadata);
        if (header.Length > ProtocolLimits.MaxHeaderBytes)
        {
            throw new ArgumentException($"header is {header.Length} bytes, limit {ProtocolLimits.MaxHeaderBytes}", nameof(metadata));
        }

        var buffer = new byte[PreambleLength + header.Length + audio.Length];
        Magic.CopyTo(buffer);
        buffer[4] = CurrentVersion;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(5, 4), (uint)header.Length);
        header.CopyTo(buffer.AsSpan(PreambleLength));
        audio.CopyTo(buffer.AsSpan(PreambleLength + header.Length));
        return buffer;
    }

    /// <summary>Splits a payload without trusting it. Size limits are checked before anything is copied or parsed.</summary>
    public static EnvelopeReadResult TryDecode(ReadOnlySequence<byte> payload, int maxPayloadBytes)
    {
        if (payload.Length > maxPayloadBytes)
        {
            // Still try to read the id so the device gets a negative ack it can act on.
            var id = payload.Length >= PreambleLength ? TryPeekHeader(payload) : null;
            return EnvelopeReadResult.Fail(RejectReason.Oversize, $"payload is {payload.Length} bytes, limit {maxPayloadBytes}", id);
        }

        if (payload.Length < PreambleLength)
        {
            return EnvelopeReadResult.Fail(RejectReason.Malformed, $"payload is {payload.Length} bytes, shorter than the {PreambleLength}-byte preamble");
        }

        Span<byte> preamble = stackalloc byte[PreambleLength];
        payload.Slice(0, PreambleLength).CopyTo(preamble);
        if (!preamble[..4].SequenceEqual(Magic))
        {
            return EnvelopeReadResult.Fail(RejectReason.Malformed, "payload does not start with the IOTC magic");
        }

        if (preamble[4] != CurrentVersion)
        {
            return EnvelopeReadResult.Fail(RejectReason.Malformed, $"envelope version {preamble[4]} is not supported (expected {CurrentVersion})");
        }

        var headerLength = BinaryPrimitives.ReadUInt32BigEndian(preamble[5..]);
        if (headerLength > ProtocolLimits.MaxHeaderBytes || headerLength > payload.Length - PreambleLength)
        {
            return EnvelopeReadResult.Fail(RejectReason.Malformed, $"header length {headerLength} exceeds the payload or the {ProtocolLimits.MaxHeaderBytes}-byte limit");
        }

        var headerBytes = payload.Slice(PreambleLength, headerLength).ToArray();
        var metadata = ProtocolJson.TryDeserialize<ChunkMetadata>(headerBytes, out var error);
        if (metadata is null)
        {
            return EnvelopeReadResult.Fail(RejectReason.Malformed, "header is not valid chunk metadata: " + error);
        }

        var audio = payload.Slice(PreambleLength + headerLength).ToArray();
        return EnvelopeReadResult.Ok(metadata, audio);
    }

    private static ChunkMetadata? TryPeekHeader(ReadOnlySequence<byte> payload)
    {
        Span<byte> preamble = stackalloc byte[PreambleLength];
        payload.Slice(0, PreambleLength).CopyTo(preamble);
        var headerLength = BinaryPrimitives.ReadUInt32BigEndian(preamble[5..]);
        if (!preamble[..4].SequenceEqual(Magic) || headerLength > ProtocolLimits.MaxHeaderBytes || headerLength > payload.Length - PreambleLength)
        {
            return null;
        }

        return ProtocolJson.TryDeserialize<ChunkMetadata>(payload.Slice(PreambleLength, headerLength).ToArray(), out _);
    }
}
