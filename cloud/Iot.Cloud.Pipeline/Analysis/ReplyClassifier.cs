namespace Iot.Cloud.Pipeline.Analysis;

internal enum ReplyKind
{
    Accept,
    Decline,
    Hedge,
}

internal sealed record Reply(ReplyKind Kind, PhraseHit Hit);

/// <summary>
/// Reads one utterance as an answer to an offer. All reply phrases compete and the longest wins at each place, so
/// negated and idiomatic forms are phrases of their own: "not sure" (hedge) hides "sure", "да нет" (decline) hides
/// "да", "why not" (accept) hides "not", "no problem" (neutral) hides "no". Then: after a "but" the later answer
/// counts; a hedge ("maybe later") beats a yes; a plain no beats a hedge unless the no only puts it off ("not now").
/// </summary>
internal static class ReplyClassifier
{
    public static Reply? Classify(SpokenTurn turn, LanguageRules rules)
    {
        var p = rules.Phrases;
        var lists = new (ReplyKind? Kind, IReadOnlyList<string> Phrases)[]
        {
            (ReplyKind.Accept, p.Accept), (ReplyKind.Decline, p.Decline), (ReplyKind.Hedge, rules.Hedges), (null, rules.Neutral),
        };
        var hits = lists.SelectMany(l => PhraseMatcher.Find(turn.Folded, l.Phrases).Select(h => (l.Kind, Hit: h))).ToList();
        var all = hits.Select(h => h.Hit).ToList();
        var kept = hits.Where(h => !all.Any(h.Hit.Within) && h.Kind is not null)
            .GroupBy(h => (h.Hit.Start, h.Hit.End)).Select(g => g.First())
            .OrderBy(h => h.Hit.Start)
            .Select(h => new Reply(h.Kind!.Value, h.Hit))
            .ToList();
        if (kept.Count == 0)
        {
            return null;
        }

        // "Yes... but not now": the part after the last contrast word is the answer.
        var words = LanguageRules.Words(turn.Folded.Value, 0, turn.Folded.Value.Length);
        var contrast = words.LastOrDefault(w => rules.Contrast.Contains(w.Text));
        if (contrast.Text is not null && kept.Any(r => r.Hit.Start >= contrast.End))
        {
            kept = kept.Where(r => r.Hit.Start >= contrast.End).ToList();
        }

        var hedge = kept.FirstOrDefault(r => r.Kind == ReplyKind.Hedge);
        var decline = kept.FirstOrDefault(r => r.Kind == ReplyKind.Decline);
        var accept = kept.FirstOrDefault(r => r.Kind == ReplyKind.Accept);
        if (decline is not null && (hedge is null || !IsDeferral(decline, rules)))
        {
            // A decline after a yes in one breath ("yes... no, no need") or before one ("no, wait, yes, add it"): the first word is the reflex, keep the first.
            return accept is not null && accept.Hit.Start < decline.Hit.Start && hedge is null ? accept : decline;
        }

        return hedge ?? accept ?? decline;
    }

    /// <summary>A "no" that only puts the decision off: with a hedge beside it, the customer is undecided.</summary>
    private static bool IsDeferral(Reply decline, LanguageRules rules) =>
        rules.Grammar.Deferrals.Contains(decline.Hit.Phrase, StringComparer.Ordinal);
}
