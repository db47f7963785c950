using System.Text.Json.Serialization;
using Iot.Edge.Agent.Recording;

namespace Iot.Edge.Agent.Hosting;

/// <summary>JSON the agent writes for itself (caches, local API), source-generated so a trimmed build keeps working.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(RecordingOptions))]
[JsonSerializable(typeof(AgentEvent))]
[JsonSerializable(typeof(EventOutcome))]
[JsonSerializable(typeof(Iot.Edge.Agent.Provisioning.ClaimFile))]
[JsonSerializable(typeof(Iot.Edge.Agent.Provisioning.StoredCredentials))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
