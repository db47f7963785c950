using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Dashboard.Settings;

/// <summary>
/// One language's lists as the Settings screen edits them: one entry per line; categories as
/// <c>category: word, word</c>. An optional list left empty means "use the built-in list" (null in the profile).
/// </summary>
public sealed class LanguageListForm
{
    public string Language { get; set; } = "";
    public string? OfferFrames { get; set; }
    public string? Categories { get; set; }
    public string? Accept { get; set; }
    public string? Decline { get; set; }
    public string? Hedges { get; set; }
    public string? CustomerCues { get; set; }
    public string? Purchase { get; set; }

    public static LanguageListForm From(string language, LanguagePhrases p) => new()
    {
        Language = language,
        OfferFrames = Lines(p.OfferFrames),
        Categories = string.Join('\n', p.UpsellOffers.Select(kv => kv.Key + ": " + string.Join(", ", kv.Value))),
        Accept = Lines(p.Accept),
        Decline = Lines(p.Decline),
        Hedges = Lines(p.Hedges),
        CustomerCues = Lines(p.CustomerCues),
        Purchase = Lines(p.Purchase),
    };

    /// <summary>The profile with this language's lists replaced; the other members and languages stay as they are.</summary>
    /// <exception cref="ArgumentException">The language is not in the profile, or a category line has no name.</exception>
    public AnalysisProfile ApplyTo(AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!profile.Languages.TryGetValue(Language, out var phrases))
        {
            throw new ArgumentException($"language '{Language}' is not in the profile", nameof(profile));
        }

        var edited = phrases with
        {
            OfferFrames = Optional(OfferFrames),
            UpsellOffers = ParseCategories(Categories),
            Accept = Split(Accept),
            Decline = Split(Decline),
            Hedges = Optional(Hedges),
            CustomerCues = Optional(CustomerCues),
            Purchase = Optional(Purchase),
        };
        return profile with { Languages = new Dictionary<string, LanguagePhrases>(profile.Languages, StringComparer.Ordinal) { [Language] = edited } };
    }

    private static string Lines(IReadOnlyList<string>? items) => items is null ? "" : string.Join('\n', items);

    private static List<string> Split(string? text) =>
        [.. (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    private static List<string>? Optional(string? text) => Split(text) is { Count: > 0 } list ? list : null;

    private static Dictionary<string, IReadOnlyList<string>> ParseCategories(string? text)
    {
        var categories = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (line, i) in Split(text).Select((l, i) => (l, i)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new ArgumentException($"categories line {i + 1} ('{line}') must read 'category: word, word'", nameof(text));
            }

            categories[line[..colon].Trim()] = [.. line[(colon + 1)..].Split(',').Select(w => w.Trim()).Where(w => w.Length > 0)];
        }

        return categories;
    }
}
