using System.Text.Json;
using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Protocol.Serialization;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters =
    [
        typeof(CamelCaseEnumConverter<AckStatus>), typeof(CamelCaseEnumConverter<RejectReason>), typeof(CamelCaseEnumConverter<DeviceState>),
        typeof(CamelCaseEnumConverter<CommandStatus>), typeof(CamelCaseEnumConverter<Iot.Protocol.Provisioning.ProvisionStatus>),
    ],
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowTrailingCommas = false,
    MaxDepth = 16)]
[JsonSerializable(typeof(ChunkMetadata))]
[JsonSerializable(typeof(ChunkAck))]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(DeviceTelemetry))]
[JsonSerializable(typeof(DeviceCommand))]
[JsonSerializable(typeof(DeviceConfigDocument))]
[JsonSerializable(typeof(IReadOnlyList<SpeechSegment>))]
[JsonSerializable(typeof(ReportedConfig))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(FleetSummary))]
[JsonSerializable(typeof(AlertEvent))]
[JsonSerializable(typeof(Iot.Protocol.Provisioning.ProvisionRequest))]
[JsonSerializable(typeof(Iot.Protocol.Provisioning.ProvisionResponse))]
[JsonSerializable(typeof(Iot.Protocol.Provisioning.DeviceCredentials))]
[JsonSerializable(typeof(ChunkTranscript))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;

/// <summary>Serialization entry points, so no caller picks its own options.</summary>
public static class ProtocolJson
{
    public static byte[] Serialize(ChunkAck value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.ChunkAck);
    public static byte[] Serialize(ChunkMetadata value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.ChunkMetadata);
    public static byte[] Serialize(DeviceStatus value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.DeviceStatus);
    public static byte[] Serialize(DeviceTelemetry value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.DeviceTelemetry);
    public static byte[] Serialize(DeviceCommand value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.DeviceCommand);
    public static byte[] Serialize(ReportedConfig value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.ReportedConfig);
    public static byte[] Serialize(CommandResult value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.CommandResult);
    public static byte[] Serialize(FleetSummary value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.FleetSummary);
    public static byte[] Serialize(AlertEvent value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.AlertEvent);
    public static byte[] Serialize(Iot.Protocol.Provisioning.ProvisionRequest value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.ProvisionRequest);
    public static byte[] Serialize(Iot.Protocol.Provisioning.ProvisionResponse value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.ProvisionResponse);
    public static byte[] Serialize(Iot.Protocol.Provisioning.DeviceCredentials value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.DeviceCredentials);
    public static string SerializeSegments(IReadOnlyList<SpeechSegment> value) => JsonSerializer.Serialize(value, ProtocolJsonContext.Default.IReadOnlyListSpeechSegment);
    public static string SerializeTranscript(ChunkTranscript value) => JsonSerializer.Serialize(value, ProtocolJsonContext.Default.ChunkTranscript);
    public static byte[] Serialize(DeviceConfigDocument value) => JsonSerializer.SerializeToUtf8Bytes(value, ProtocolJsonContext.Default.DeviceConfigDocument);

    /// <summary>Parses a message; returns null with <paramref name="error"/> set instead of throwing on bad input.</summary>
    public static T? TryDeserialize<T>(ReadOnlySpan<byte> utf8, out string? error)
        where T : class
    {
        try
        {
            var typeInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ProtocolJsonContext.Default.GetTypeInfo(typeof(T))!;
            var value = JsonSerializer.Deserialize(utf8, typeInfo);
            error = value is null ? "payload is JSON null" : null;
            return value;
        }
        catch (JsonException ex)
        {
            // The message quotes the JSON path, which hostile input (deep nesting, long property names) makes as long
            // as the payload; it travels back in answers and into logs, so only its start is kept.
            error = ex.Message.Length <= MaxErrorLength ? ex.Message : string.Concat(ex.Message.AsSpan(0, MaxErrorLength), "…");
            return null;
        }
    }

    /// <summary>The longest parse error <see cref="TryDeserialize{T}"/> reports.</summary>
    public const int MaxErrorLength = 300;
}
