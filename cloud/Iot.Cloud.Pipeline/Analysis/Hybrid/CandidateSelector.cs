using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Analysis.Hybrid;

/// <summary>One utterance the LLM is asked about; <see cref="RuleOffer"/> when the rule engine found an offer in it.</summary>
internal sealed record Candidate(string Id, int Utterance, OfferedItem? RuleOffer, int Score);

/// <summary>
/// Which utterances the hybrid engine asks the model about. The rules' offers always (the model may reject them),
/// plus a recall-oriented pre-selection of utterances that could be a seller's offer the frames missed: a question or
/// suggestion shape ("shall I add", "while you're here", "хотите", "ister misiniz") or one of the profile's product
/// words. A sentence with one of the profile's customer cues ("where is", "I want to return") is left out. Bounded:
/// the rules' offers first, then by strength, at most <c>MaxCandidates</c>, returned in transcript order.
/// Deliberately independent of the rule engine's internals (frames, turn roles): it only reads the rules' result.
/// </summary>
internal static class CandidateSelector
{
    /// <summary>Suggestion shapes per language, lower case, matched as substrings; cheap and broad on purpose.</summary>
    private static readonly Dictionary<string, string[]> Suggestions = new(StringComparer.Ordinal)
    {
        ["en"] = ["would you", "do you want", "do you need", "shall i", "should i", "can i offer", "can i get you", "may i suggest", "how about", "what about",
            "recommend", "suggest", "you might", "you could", "you may want", "we also have", "we have", "there's a", "while you're", "want to add", "add a",
            "also", "interested in", "don't forget", "for just", "only", "deal", "offer", "upgrade", "protect", "throw in", "together with", "comes with"],
        ["ru"] = ["хотите", "возьмите", "возьмёте", "предлаг", "предлож", "рекоменд", "совет", "могу", "также", "ещё", "еще", "добав", "акци", "скидк",
            "не нужн", "нужен", "нужна", "нужно", "комплект", "посмотрите", "подобрать", "подберу"],
        ["tr"] = ["ister misiniz", "ister misin", "öner", "tavsiye", "ayrıca", "alır mısınız", "ekle", "kampanya", "indirim", "bakar mısınız", "alalım",
            "olsun", "birlikte", "paket", "lazım mı"],
        ["az"] = ["istəyirsiniz", "istərdiniz", "təklif", "tövsiyə", "əlavə", "həm də", "kampaniya", "endirim", "alarsınız", "götürün", "baxın", "lazımdır",
            "birlikdə"],
        ["uz"] = ["xohlaysizmi", "taklif", "tavsiya", "qo'sh", "olasizmi", "chegirma", "aksiya", "ko'rsatay", "kerakmi", "birga",
            "хоҳлайсизми", "таклиф", "тавсия", "қўш", "оласизми", "чегирма", "акция", "кўрсатай", "керакми", "бирга"],
    };

    public static List<Candidate> Select(IReadOnlyList<string> utterances, AnalysisResult rules, AnalysisProfile profile, string language, int max)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(profile);
        var ruleOffers = RuleOfferTurns(utterances, rules);
        var lower = utterances.Select(u => u.ToLowerInvariant()).ToList();
        List<string> languages = profile.Languages.ContainsKey(language) ? [language] : [.. profile.Languages.Keys];
        var products = languages.SelectMany(l => profile.Languages[l].UpsellOffers.Values.SelectMany(v => v)).Select(p => p.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var cues = languages.SelectMany(l => profile.Languages[l].CustomerCues ?? BuiltInProfiles.Default.Languages.GetValueOrDefault(l)?.CustomerCues ?? [])
            .Select(c => c.ToLowerInvariant().Replace('_', ' ').Trim('*')).Where(c => c.Length > 2).Distinct(StringComparer.Ordinal).ToList();
        var shapes = languages.SelectMany(l => Suggestions.GetValueOrDefault(l) ?? []).ToList();

        var scored = new List<(int Index, int Score)>();
        for (var i = 0; i < utterances.Count; i++)
        {
            if (ruleOffers.ContainsKey(i))
            {
                scored.Add((i, 100));
                continue;
            }

            var text = lower[i];
            if (cues.Any(c => WordMatch(text, c)))
            {
                continue;
            }

            var score = (text.Contains('?', StringComparison.Ordinal) ? 2 : 0)
                + (shapes.Any(s => text.Contains(s, StringComparison.Ordinal)) ? 3 : 0)
                + (products.Any(p => WordMatch(text, p)) ? 2 : 0);
            if (score > 0)
            {
                scored.Add((i, score));
            }
        }

        return [.. scored.OrderByDescending(s => s.Score).ThenBy(s => s.Index).Take(max).OrderBy(s => s.Index)
            .Select((s, n) => new Candidate($"c{n + 1}", s.Index, ruleOffers.GetValueOrDefault(s.Index), s.Score))];
    }

    /// <summary>Utterance of each rule offer: the first one, at or after the previous offer's, whose text holds the item verbatim.</summary>
    internal static Dictionary<int, OfferedItem> RuleOfferTurns(IReadOnlyList<string> utterances, AnalysisResult rules)
    {
        var turns = new Dictionary<int, OfferedItem>();
        var from = 0;
        foreach (var offer in rules.Offers ?? [])
        {
            for (var i = from; i < utterances.Count; i++)
            {
                if (utterances[i].Contains(offer.Item, StringComparison.Ordinal))
                {
                    turns.TryAdd(i, offer);
                    from = i;
                    break;
                }
            }
        }

        return turns;
    }

    /// <summary>A profile word in the text at a word start; a trailing <c>*</c> is a stem, else it must end a word too.</summary>
    private static bool WordMatch(string text, string pattern)
    {
        var stem = pattern.EndsWith('*');
        var core = pattern.Trim('*');
        if (core.Length == 0)
        {
            return false;
        }

        for (var at = text.IndexOf(core, StringComparison.Ordinal); at >= 0; at = text.IndexOf(core, at + 1, StringComparison.Ordinal))
        {
            var startOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var end = at + core.Length;
            var endOk = stem || end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (startOk && endOk)
            {
                return true;
            }
        }

        return false;
    }
}
