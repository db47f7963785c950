using System.Text.Json;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Per-tenant knowledge the analyzers use: phrase sets per language (ISO 639-1 key) and the checklist.
/// Stored as JSON per tenant; <c>BuiltInProfiles.Default</c> covers ru, uz, az, tr and en. Profiles stored before
/// offer frames existed still load: every member added since is optional and falls back to the built-in language.
/// </summary>
public sealed record AnalysisProfile(
    IReadOnlyDictionary<string, LanguagePhrases> Languages,
    IReadOnlyList<ChecklistItem> Checklist)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <exception cref="JsonException">Not a profile, or a profile that fails <see cref="ProfileValidator"/> (the message names the bad entry).</exception>
    public static AnalysisProfile FromJson(string json)
    {
        var profile = JsonSerializer.Deserialize<AnalysisProfile>(json, Json) ?? throw new JsonException("analysis profile JSON is null");
        var errors = ProfileValidator.Validate(profile);
        return errors.Count == 0 ? profile : throw new JsonException("invalid analysis profile: " + string.Join("; ", errors));
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <param name="UpsellOffers">
/// Category (e.g. <c>warranty</c>, <c>accessories</c>) → product words of it. Since rules/2 these name what was
/// offered, they do not detect an offer: an item the seller offers that none of them names is category <c>other</c>.
/// </param>
/// <param name="OfferFrames">How sellers make an offer, with an <c>{item}</c> slot (syntax in <see cref="OfferFrame"/>); null = built-in.</param>
/// <param name="CustomerCues">Phrases that make a sentence the customer's (asking where, returning, claiming): no offer there; null = built-in.</param>
/// <param name="Hedges">Undecided replies ("maybe later", "подумаю"); null = built-in.</param>
/// <param name="Neutral">Phrases that hide sentiment or reply words inside them ("no problem"); null = built-in.</param>
/// <param name="Purchase">
/// Phrases of a purchase-like exchange, either side's: the customer takes, orders, prices or pays for something ("I'll
/// take it", "how much is", "card, please"; "card or cash?"). With an accepted offer they make <c>analyses.purchase</c>;
/// null = built-in.
/// </param>
public sealed record LanguagePhrases(
    IReadOnlyList<string> Greetings,
    IReadOnlyDictionary<string, IReadOnlyList<string>> UpsellOffers,
    IReadOnlyList<string> Accept,
    IReadOnlyList<string> Decline,
    IReadOnlyList<string> Positive,
    IReadOnlyList<string> Negative,
    IReadOnlyList<string>? OfferFrames = null,
    IReadOnlyList<string>? CustomerCues = null,
    IReadOnlyList<string>? Hedges = null,
    IReadOnlyList<string>? Neutral = null,
    IReadOnlyList<string>? Purchase = null);

/// <param name="Phrases">Language → phrases any of which meets the item.</param>
public sealed record ChecklistItem(string Id, string Title, IReadOnlyDictionary<string, IReadOnlyList<string>> Phrases);
