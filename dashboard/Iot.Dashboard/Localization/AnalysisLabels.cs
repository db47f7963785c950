using Iot.Cloud.Pipeline.Analysis;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Localization;

/// <summary>
/// Analysis values in the reader's language, at display time: the fixed vocabularies (sentiment, customer reaction,
/// offer category) and the built-in profile's checklist items are translated from the resources; any other value (a
/// tenant's own checklist item) is shown as written, since only the tenant knows what it means.
/// </summary>
public sealed class AnalysisLabels(IStringLocalizer<SharedResource> t)
{
    private static readonly HashSet<string> Sentiments = new(["negative", "neutral", "positive"], StringComparer.Ordinal);
    private static readonly HashSet<string> Reactions = new(["none", "accepted", "declined", "undecided"], StringComparer.Ordinal);
    private static readonly HashSet<string> Categories = new(
        [BuiltInProfiles.Warranty, BuiltInProfiles.Accessories, BuiltInProfiles.Insurance, BuiltInProfiles.Service, BuiltInProfiles.Premium, BuiltInProfiles.Other],
        StringComparer.Ordinal);

    private static readonly HashSet<string> ChecklistItems = new([BuiltInProfiles.GreetingItem, BuiltInProfiles.OfferItem, BuiltInProfiles.FarewellItem], StringComparer.Ordinal);

    public string Sentiment(string? value) => Label("Sentiment.", Sentiments, value);

    public string Reaction(string? value) => Label("Reaction.", Reactions, value);

    public string Category(string? value) => Label("Category.", Categories, value);

    public string ChecklistItem(string? itemId) => Label("Checklist.", ChecklistItems, itemId);

    public string YesNo(bool value) => t[value ? "Common.Yes" : "Common.No"];

    /// <summary>The resource keys this class reads, for the completeness test.</summary>
    internal static IEnumerable<string> Keys() =>
        Sentiments.Select(s => "Sentiment." + s).Concat(Reactions.Select(r => "Reaction." + r))
            .Concat(Categories.Select(c => "Category." + c)).Concat(ChecklistItems.Select(i => "Checklist." + i));

    private string Label(string prefix, HashSet<string> known, string? value) =>
        value is null ? "–" : known.Contains(value) ? t[prefix + value] : value;
}
