using System.Text;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;

namespace Iot.Protocol.Tests.Serialization;

public class ProtocolJsonTests
{
    [Fact]
    public void An_ack_serializes_with_camel_case_names_and_enum_values()
    {
        var id = Guid.Parse("01936f4a-0000-7000-8000-000000000001");
        var ack = new ChunkAck { ChunkId = id, Status = AckStatus.Rejected, Reason = RejectReason.HashMismatch, Retryable = false, AtUtc = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero) };

        var json = Encoding.UTF8.GetString(ProtocolJson.Serialize(ack));

        Assert.Equal("{\"chunkId\":\"01936f4a-0000-7000-8000-000000000001\",\"status\":\"rejected\",\"reason\":\"hashMismatch\",\"retryable\":false,\"atUtc\":\"2026-11-25T10:00:00+00:00\"}", json);
    }

    [Fact]
    public void An_ack_round_trips()
    {
        var ack = new ChunkAck { ChunkId = Guid.CreateVersion7(), Status = AckStatus.Duplicate, AtUtc = DateTimeOffset.UtcNow };

        var back = ProtocolJson.TryDeserialize<ChunkAck>(ProtocolJson.Serialize(ack), out var error);

        Assert.Null(error);
        Assert.Equal(ack, back);
    }

    [Theory]
    [InlineData("{\"status\":\"stored\"}")]
    [InlineData("{\"status\":\"exploded\",\"atUtc\":\"2026-11-25T10:00:00Z\"}")]
    [InlineData("{\"status\":0,\"atUtc\":\"2026-11-25T10:00:00Z\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("")]
    public void Bad_acks_yield_an_error_not_an_exception(string json)
    {
        var ack = ProtocolJson.TryDeserialize<ChunkAck>(Encoding.UTF8.GetBytes(json), out var error);

        Assert.Null(ack);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Status_uses_lower_case_states()
    {
        var json = Encoding.UTF8.GetString(ProtocolJson.Serialize(new DeviceStatus { State = DeviceState.Offline, AtUtc = DateTimeOffset.UnixEpoch }));

        Assert.Contains("\"state\":\"offline\"", json, StringComparison.Ordinal);
    }
}
