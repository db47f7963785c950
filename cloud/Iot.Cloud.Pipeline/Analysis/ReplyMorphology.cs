namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Replies read by their grammar rather than a phrase list. A customer who answers an offer with a bare polite
/// imperative ("Клейте.", "Taxın, onsuz da...", "Lazımdırsa dəyişin", "Qo'shing") tells the seller to go ahead,
/// whatever the verb; a negative imperative ("не добавляйте", "eklemeyin", "qo'shmang") declines. Turkic genitives
/// share the imperative ending (-ın, -ning), so only a word that ends its clause counts (a genitive never does), and
/// Russian needs the unambiguous -йте/-ьте forms. A conditional ("if it's under ten", "если до тысячи",
/// "lazımdırsa") marks a reply the later turns may still settle.
/// </summary>
internal static class ReplyMorphology
{
    private const int MinStem = 2;

    public static IEnumerable<(ReplyKind Kind, PhraseHit Hit)> Imperatives(SpokenTurn turn, LanguageRules rules)
    {
        if (rules.ImperativeEndings.Count == 0 && rules.NegativeImperativeEndings.Count == 0)
        {
            yield break;
        }

        var words = LanguageRules.Words(turn.Folded.Value, 0, turn.Folded.Value.Length);
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (rules.NotImperatives.Contains(w.Text) || !(i == 0 || ClauseFinal(turn, w.End)))
            {
                continue;
            }

            var negative = Ends(w.Text, rules.NegativeImperativeEndings);
            var positive = !negative && Ends(w.Text, rules.ImperativeEndings);
            if (!negative && !positive)
            {
                continue;
            }

            // "не клейте": a pre-negator turns the go-ahead into a refusal.
            var negated = i > 0 && rules.PreNegators.Contains(words[i - 1].Text);
            var start = negated ? words[i - 1].Start : w.Start;
            var kind = negative || negated ? ReplyKind.Decline : ReplyKind.Accept;
            yield return (kind, new PhraseHit(start, w.End, turn.Folded.Quote(start, w.End), "(imperative)"));
        }
    }

    /// <summary>True when the reply's decision stands on a condition ("if it's under ten I'll take it").</summary>
    public static bool Conditional(SpokenTurn turn, PhraseHit decision, LanguageRules rules)
    {
        var words = LanguageRules.Words(turn.Folded.Value, 0, decision.Start);
        return words.Any(w => rules.Conditionals.Contains(w.Text) || Ends(w.Text, rules.ConditionalEndings));
    }

    /// <summary>True when the customer asks something back after the decision ("Is it free?", "а в нём памяти нет?").</summary>
    public static bool AsksBack(SpokenTurn turn, PhraseHit decision)
    {
        var after = turn.Folded.OriginalIndex(decision.End - 1) + 1;
        return after < turn.Text.Length && turn.Text.IndexOf('?', after) >= 0;
    }

    private static bool ClauseFinal(SpokenTurn turn, int foldedEnd)
    {
        var i = turn.Folded.OriginalIndex(foldedEnd - 1) + 1;
        while (i < turn.Text.Length && char.IsWhiteSpace(turn.Text[i]))
        {
            i++;
        }

        return i >= turn.Text.Length || turn.Text[i] is ',' or '.' or '!' or '?' or ';' or '…' or '—' or '-' or ')';
    }

    private static bool Ends(string word, HashSet<string> endings) =>
        endings.Any(e => word.Length >= e.Length + MinStem && word.EndsWith(e, StringComparison.Ordinal));
}
