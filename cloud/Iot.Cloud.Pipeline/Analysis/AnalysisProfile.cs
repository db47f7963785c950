using System.Text.Json;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Per-tenant knowledge the analyzers use: phrase sets per language (ISO 639-1 key) and the checklist.
/// Stored as JSON per tenant; <c>BuiltInProfiles.Default</c> covers ru, uz, az, tr and en.
/// </summary>
public sealed record AnalysisProfile(
    IReadOnlyDictionary<string, LanguagePhrases> Languages,
    IReadOnlyList<ChecklistItem> Checklist)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static AnalysisProfile FromJson(string json) =>
        JsonSerializer.Deserialize<AnalysisProfile>(json, Json) ?? throw new JsonException("analysis profile JSON is null");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <param name="UpsellOffers">Offer category (e.g. <c>warranty</c>, <c>accessories</c>) → phrases that make an offer of it.</param>
public sealed record LanguagePhrases(
    IReadOnlyList<string> Greetings,
    IReadOnlyDictionary<string, IReadOnlyList<string>> UpsellOffers,
    IReadOnlyList<string> Accept,
    IReadOnlyList<string> Decline,
    IReadOnlyList<string> Positive,
    IReadOnlyList<string> Negative);

/// <param name="Phrases">Language → phrases any of which meets the item.</param>
public sealed record ChecklistItem(string Id, string Title, IReadOnlyDictionary<string, IReadOnlyList<string>> Phrases);
