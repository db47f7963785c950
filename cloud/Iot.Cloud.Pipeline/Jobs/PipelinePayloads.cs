using System.Text.Json;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>The small JSON payloads the pipeline's jobs carry, written and read in one place.</summary>
public static class PipelinePayloads
{
    public static string Device(string deviceId) => JsonSerializer.Serialize(new Dictionary<string, string> { ["deviceId"] = deviceId });

    public static string Dialogue(Guid dialogueId) => JsonSerializer.Serialize(new Dictionary<string, string> { ["dialogueId"] = dialogueId.ToString() });

    public static string Date(DateOnly date) => JsonSerializer.Serialize(new Dictionary<string, string> { ["date"] = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });

    /// <exception cref="JsonException">The payload lacks the property; a malformed job is a failure, not something to wait on.</exception>
    public static string ReadString(string payload, string property)
    {
        using var document = JsonDocument.Parse(payload);
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty(property, out var value) ||
            value.ValueKind != JsonValueKind.String ||
            string.IsNullOrEmpty(value.GetString()))
        {
            throw new JsonException($"job payload must have a string '{property}': {payload}");
        }

        return value.GetString()!;
    }

    public static Guid ReadDialogueId(string payload) =>
        Guid.TryParse(ReadString(payload, "dialogueId"), out var id) ? id : throw new JsonException($"job payload 'dialogueId' is not a UUID: {payload}");
}
