using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// Payload of a <c>build-dialogues</c> job: <c>{"deviceId":"..."}</c>. One pending job per device (dedup key = device
/// id, fresh priority): a burst of chunks costs one rebuild, and a chunk stored during a rebuild causes one more.
/// </summary>
public sealed record BuildDialoguesJob(string DeviceId)
{
    public static JobRequest For(string deviceId) =>
        new(JobKinds.BuildDialogues, JsonSerializer.Serialize(new BuildDialoguesJob(deviceId), JobPayloadJson.Default.BuildDialoguesJob), deviceId, JobPriority.Fresh);

    public static BuildDialoguesJob Parse(string payload) =>
        JsonSerializer.Deserialize(payload, JobPayloadJson.Default.BuildDialoguesJob) ?? throw new JsonException("build-dialogues payload is null");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BuildDialoguesJob))]
internal sealed partial class JobPayloadJson : JsonSerializerContext;
