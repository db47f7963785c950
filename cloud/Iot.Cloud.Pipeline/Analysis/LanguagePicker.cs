using System.Text;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Which profile language to analyse a transcript with: the transcript's own ("en-US" → "en") when the profile has
/// it; otherwise (engine said "und", or a language the profile lacks) the profile language whose words occur most.
/// </summary>
internal static class LanguagePicker
{
    public static string? Pick(string? transcriptLanguage, IReadOnlyList<SpokenTurn> turns, AnalysisProfile profile)
    {
        var language = (transcriptLanguage ?? "").Split('-', '_')[0].ToLowerInvariant();
        if (profile.Languages.ContainsKey(language))
        {
            return language;
        }

        if (profile.Languages.Count == 0)
        {
            return null;
        }

        var all = new StringBuilder();
        foreach (var t in turns)
        {
            all.Append(t.Text).Append(' ');
        }

        var text = FoldedText.Of(all.ToString());
        return profile.Languages
            .Select(kv => (kv.Key, Score: Hits(text, kv.Value) + FrameHits(turns, kv.Key, kv.Value)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Key, StringComparer.Ordinal)
            .First().Key;
    }

    private static int Hits(FoldedText text, LanguagePhrases p) =>
        PhraseMatcher.Find(text, [.. p.Greetings, .. p.Accept, .. p.Decline, .. p.Positive, .. p.Negative, .. p.UpsellOffers.Values.SelectMany(v => v)]).Count();

    private static int FrameHits(IReadOnlyList<SpokenTurn> turns, string language, LanguagePhrases p)
    {
        var rules = LanguageRules.For(language, p);
        return 3 * turns.SelectMany(t => t.Sentences).Count(s => OfferDetector.HasFrame(s, rules));
    }
}
