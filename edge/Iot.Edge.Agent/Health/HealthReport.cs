using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Edge.Agent.Health;

/// <summary>The body of <c>GET /health</c>: flat, so <c>jq .outboxDepth</c> works in a technician's shell.</summary>
public sealed record HealthReport
{
    /// <summary><c>ok</c> (HTTP 200) or <c>error</c> (HTTP 503).</summary>
    public required string Status { get; init; }

    public required string Condition { get; init; }

    public required IReadOnlyList<string> Conditions { get; init; }

    public required int HealthCode { get; init; }

    public required string Version { get; init; }

    public required double UptimeSeconds { get; init; }

    public required DateTimeOffset AtUtc { get; init; }

    public string? MicState { get; init; }

    public string? MicDevice { get; init; }

    public string? MicError { get; init; }

    public required bool Recording { get; init; }

    public required string RecordingReason { get; init; }

    public required long ChunksSealed { get; init; }

    public required long ChunksLost { get; init; }

    public required bool Connected { get; init; }

    /// <summary><c>host:port</c> of the current broker (the last one while disconnected); null before the first connect.</summary>
    public string? Broker { get; init; }

    public required long BrokerFailovers { get; init; }

    public required long Published { get; init; }

    public required long Acked { get; init; }

    public required long AckTimeouts { get; init; }

    public DateTimeOffset? LastAckUtc { get; init; }

    public required int OutboxDepth { get; init; }

    public required long OutboxBytes { get; init; }

    public double? OldestPendingAgeSeconds { get; init; }

    public required int Quarantined { get; init; }

    public required long SpoolUsageBytes { get; init; }

    public long? SpoolFreeBytes { get; init; }

    public required string VadEngine { get; init; }

    public required bool AwaitingProvisioning { get; init; }

    public required IReadOnlyList<string> Faults { get; init; }

    public static HealthReport From(AgentHealthSnapshot s)
    {
        var conditions = ConditionEvaluator.Applicable(s);
        return new HealthReport
        {
            Status = ConditionEvaluator.IsUnhealthy(conditions[0]) ? "error" : "ok",
            Condition = Name(conditions[0]),
            Conditions = conditions.Select(Name).ToList(),
            HealthCode = HealthCodes.For(conditions[0]),
            Version = s.Version,
            UptimeSeconds = Math.Round(s.Uptime.TotalSeconds, 3),
            AtUtc = s.AtUtc,
            MicState = s.Mic is { } mic ? JsonNamingPolicy.CamelCase.ConvertName(mic.ToString()) : null,
            MicDevice = s.MicDevice,
            MicError = s.MicError,
            Recording = s.Recording,
            RecordingReason = s.RecordingReason,
            ChunksSealed = s.ChunksSealed,
            ChunksLost = s.ChunksLost,
            Connected = s.Connected,
            Broker = s.Broker,
            BrokerFailovers = s.BrokerFailovers,
            Published = s.Published,
            Acked = s.Acked,
            AckTimeouts = s.AckTimeouts,
            LastAckUtc = s.LastAckUtc,
            OutboxDepth = s.OutboxDepth,
            OutboxBytes = s.OutboxBytes,
            OldestPendingAgeSeconds = s.OldestPendingAge is { } age ? Math.Round(age.TotalSeconds, 3) : null,
            Quarantined = s.Quarantined,
            SpoolUsageBytes = s.SpoolUsageBytes,
            SpoolFreeBytes = s.SpoolFreeBytes,
            VadEngine = s.VadEngine,
            AwaitingProvisioning = s.AwaitingProvisioning,
            Faults = s.Faults,
        };
    }

    internal static string Name(DeviceCondition condition) => JsonNamingPolicy.CamelCase.ConvertName(condition.ToString());
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
