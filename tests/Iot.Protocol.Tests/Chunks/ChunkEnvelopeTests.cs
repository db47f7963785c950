using System.Buffers;
using System.Text;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Tests.Chunks;

public class ChunkEnvelopeTests
{
    [Fact]
    public void An_encoded_chunk_decodes_to_the_same_metadata_and_bytes()
    {
        var (metadata, audio) = ChunkSamples.Valid();

        var read = ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(ChunkEnvelope.Encode(metadata, audio)), 1 << 20);

        Assert.True(read.Success, read.Error);
        Assert.Equal(metadata.ChunkId, read.Metadata.ChunkId);
        Assert.Equal(metadata.SpeechSegments, read.Metadata.SpeechSegments);
        Assert.Equal(metadata.StartedAtUtc, read.Metadata.StartedAtUtc);
        Assert.Equal("visit-42", read.Metadata.TransactionId);
        Assert.Equal(audio, read.Audio);
    }

    [Fact]
    public void The_header_is_camel_case_json_with_string_enums()
    {
        var (metadata, audio) = ChunkSamples.Valid(10);
        var payload = ChunkEnvelope.Encode(metadata, audio);
        var header = Encoding.UTF8.GetString(payload, ChunkEnvelope.PreambleLength, payload.Length - ChunkEnvelope.PreambleLength - 10);

        Assert.StartsWith("{\"chunkId\":\"", header, StringComparison.Ordinal);
        Assert.Contains("\"codec\":\"ogg/opus\"", header, StringComparison.Ordinal);
        Assert.Contains("\"speechSegments\":[{\"startMs\":100,\"endMs\":2000}", header, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversize_payload_is_refused_before_parsing_but_still_names_its_chunk()
    {
        var (metadata, audio) = ChunkSamples.Valid(200_000);

        var read = ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(ChunkEnvelope.Encode(metadata, audio)), 100_000);

        Assert.False(read.Success);
        Assert.Equal(RejectReason.Oversize, read.Reason);
        Assert.Equal(metadata.ChunkId, read.Metadata?.ChunkId);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'I', (byte)'O', (byte)'T', (byte)'X', 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'I', (byte)'O', (byte)'T', (byte)'C', 9, 0, 0, 0, 2, (byte)'{', (byte)'}' })]
    [InlineData(new byte[] { (byte)'I', (byte)'O', (byte)'T', (byte)'C', 1, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { (byte)'I', (byte)'O', (byte)'T', (byte)'C', 1, 0, 0, 0, 2, (byte)'{', (byte)'}' })]
    [InlineData(new byte[] { (byte)'I', (byte)'O', (byte)'T', (byte)'C', 1, 0, 0, 0, 4, (byte)'n', (byte)'u', (byte)'l', (byte)'l' })]
    [InlineData(new byte[] { (byte)'I', (byte)'O', (byte)'T', (byte)'C', 1, 0, 0, 0, 3, (byte)'{', (byte)'x', (byte)'}' })]
    public void Malformed_payloads_are_reported_as_malformed_without_throwing(byte[] payload)
    {
        var read = ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(payload), 1 << 20);

        Assert.False(read.Success);
        Assert.Equal(RejectReason.Malformed, read.Reason);
        Assert.False(string.IsNullOrEmpty(read.Error));
    }

    [Fact]
    public void A_header_missing_required_fields_is_malformed()
    {
        var json = Encoding.UTF8.GetBytes("{\"chunkId\":\"" + Guid.CreateVersion7() + "\",\"tenantId\":\"acme\"}");
        var payload = new byte[ChunkEnvelope.PreambleLength + json.Length];
        "IOTC"u8.CopyTo(payload);
        payload[4] = 1;
        payload[8] = (byte)json.Length;
        json.CopyTo(payload, ChunkEnvelope.PreambleLength);

        var read = ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(payload), 1 << 20);

        Assert.Equal(RejectReason.Malformed, read.Reason);
        Assert.Contains("deviceId", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_refuses_metadata_that_disagrees_with_the_audio_length()
    {
        var (metadata, audio) = ChunkSamples.Valid(100);

        Assert.Throws<ArgumentException>(() => ChunkEnvelope.Encode(metadata, audio.AsSpan(1)));
    }
}
