namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// The customer's sentiment from lexicon hits in the turns that are not the seller's (staff say "great choice" and
/// "perfect" as routine). Negation is scoped, not listed: a pre-negator up to three words before ("not happy",
/// "не нравится") or a post-negator right after ("memnun değil", "yaxshi emas") flips a hit; neutral phrases
/// ("no problem", "sorun değil") hide the words inside them.
/// </summary>
internal static class SentimentScorer
{
    public const double Threshold = 0.25;

    private const int MaxQuotes = 5;

    public static (SentimentLabel Label, double Score) Score(IReadOnlyList<SpokenTurn> turns, IReadOnlyCollection<int> sellerTurns, LanguageRules rules, List<EvidenceQuote> evidence)
    {
        var hits = new List<(bool Positive, PhraseHit Hit)>();
        foreach (var turn in turns.Where(t => !sellerTurns.Contains(t.Index)))
        {
            var positive = PhraseMatcher.Find(turn.Folded, rules.Phrases.Positive).ToList();
            var negative = PhraseMatcher.Find(turn.Folded, rules.Phrases.Negative).ToList();
            var neutral = PhraseMatcher.Find(turn.Folded, rules.Neutral).ToList();
            var all = positive.Concat(negative).Concat(neutral).ToList();
            var words = LanguageRules.Words(turn.Folded.Value, 0, turn.Folded.Value.Length);
            foreach (var (isPositive, h) in PhraseMatcher.Outside(positive, all).Select(h => (true, h)).Concat(PhraseMatcher.Outside(negative, all).Select(h => (false, h))))
            {
                // "not happy" is negative, but "not expensive" is no praise: a negated complaint just drops out.
                var negated = Negated(h, words, rules);
                if (negated && !isPositive)
                {
                    continue;
                }

                hits.Add((negated ? false : isPositive, h));
            }
        }

        if (hits.Count == 0)
        {
            return (SentimentLabel.Neutral, 0);
        }

        var pos = hits.Count(h => h.Positive);
        var score = Math.Round((double)(pos - (hits.Count - pos)) / hits.Count, 3);
        foreach (var h in hits.Take(MaxQuotes))
        {
            evidence.Add(new EvidenceQuote("sentiment", h.Hit.Quote));
        }

        var label = score >= Threshold ? SentimentLabel.Positive : score <= -Threshold ? SentimentLabel.Negative : SentimentLabel.Neutral;
        return (label, score);
    }

    private static bool Negated(PhraseHit hit, List<(string Text, int Start, int End)> words, LanguageRules rules)
    {
        var first = words.FindIndex(w => w.End > hit.Start);
        var last = words.FindLastIndex(w => w.Start < hit.End);
        if (first < 0 || last < 0)
        {
            return false;
        }

        // A phrase that already carries its negation ("not happy" written in the lexicon) is not flipped again.
        var inside = words.Skip(first).Take(last - first + 1).Any(w => rules.PreNegators.Contains(w.Text) || rules.PostNegators.Contains(w.Text));
        if (inside)
        {
            return false;
        }

        var before = words.Skip(Math.Max(0, first - 3)).Take(first - Math.Max(0, first - 3)).Any(w => rules.PreNegators.Contains(w.Text));
        var after = words.Skip(last + 1).Take(2).Any(w => rules.PostNegators.Contains(w.Text));
        return before || after;
    }
}
