using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iot.Cloud.Data.Records;

/// <summary>
/// How the JSONB columns are spelled: camelCase, optional fields left out when null.
/// <c>transcripts.utterances</c>: <c>[{startMs,endMs,text,words:[{startMs,endMs,text}]}]</c>;
/// <c>analyses.checklist</c>: <c>[{itemId,met}]</c>; <c>analyses.evidence</c>: <c>[{claim,quote}]</c>;
/// <c>analyses.offered_items</c>: <c>[{item,category,reaction}]</c>.
/// </summary>
public static class RecordJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string SerializeUtterances(IReadOnlyList<Utterance> utterances) => JsonSerializer.Serialize(utterances, Options);

    /// <exception cref="JsonException">Not an utterance array.</exception>
    public static IReadOnlyList<Utterance> DeserializeUtterances(string json) =>
        JsonSerializer.Deserialize<List<Utterance>>(json, Options) ?? throw new JsonException("utterances JSON is null");

    public static string SerializeChecklist(IEnumerable<ChecklistOutcome> checklist) => JsonSerializer.Serialize(checklist, Options);

    public static IReadOnlyList<ChecklistOutcome> DeserializeChecklist(string json) => JsonSerializer.Deserialize<List<ChecklistOutcome>>(json, Options) ?? [];

    public static string SerializeEvidence(IEnumerable<EvidenceQuote> evidence) => JsonSerializer.Serialize(evidence, Options);

    public static IReadOnlyList<EvidenceQuote> DeserializeEvidence(string json) => JsonSerializer.Deserialize<List<EvidenceQuote>>(json, Options) ?? [];

    public static string SerializeOfferedItems(IEnumerable<OfferedItemRecord> items) => JsonSerializer.Serialize(items, Options);

    public static IReadOnlyList<OfferedItemRecord> DeserializeOfferedItems(string json) => JsonSerializer.Deserialize<List<OfferedItemRecord>>(json, Options) ?? [];
}
