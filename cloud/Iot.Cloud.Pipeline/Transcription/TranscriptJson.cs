using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>transcripts.utterances: [{startMs,endMs,text,words:[{startMs,endMs,text}]}], words omitted when the engine gave none.</summary>
public static class TranscriptJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string SerializeUtterances(IReadOnlyList<Utterance> utterances) => JsonSerializer.Serialize(utterances, Json);

    public static IReadOnlyList<Utterance> DeserializeUtterances(string json) =>
        JsonSerializer.Deserialize<List<Utterance>>(json, Json) ?? throw new JsonException("utterances JSON is null");
}
