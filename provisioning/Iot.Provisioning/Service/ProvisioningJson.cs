using System.Text.Json.Serialization;
using Iot.Protocol.Provisioning;

namespace Iot.Provisioning.Service;

/// <summary>JSON stored in registry columns (jsonb) that is not itself a wire message.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeviceCapabilities))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ProvisioningJson : JsonSerializerContext;
