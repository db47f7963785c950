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
/// "да", "why not" (accept) hides "not", "no problem" (neutral) hides "no". Then the last answer in the utterance
/// stands (after a "but" only the part after it is read), so self-corrections read the way the customer ended.
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
        var hits = lists.SelectMany(l => PhraseMatcher.Find(turn.Folded, l.Phrases).Select(h => (Kind: l.Kind, Hit: h)))
            .Concat(ReplyMorphology.Imperatives(turn, rules).Select(h => (Kind: (ReplyKind?)h.Kind, h.Hit)))
            .Where(h => ReplyGrammar.InOneSentence(turn, h.Hit))
            .ToList();
        var all = hits.Select(h => h.Hit).ToList();
        var kept = hits.Where(h => !all.Any(h.Hit.Within) && h.Kind is not null)
            .GroupBy(h => (h.Hit.Start, h.Hit.End)).Select(g => g.First())
            .Where(h => ReplyGrammar.Answers(turn, h.Hit, rules))
            .OrderBy(h => h.Hit.Start)
            .Select(h => new Reply(h.Kind == ReplyKind.Accept && ReplyGrammar.Negated(turn, h.Hit, rules) ? ReplyKind.Decline : h.Kind!.Value, h.Hit))
            .ToList();

        // "Yes... but not now": the part after the last contrast word is the answer.
        var words = LanguageRules.Words(turn.Folded.Value, 0, turn.Folded.Value.Length);
        var contrast = words.LastOrDefault(w => rules.Contrast.Contains(w.Text));
        if (contrast.Text is not null && kept.Any(r => r.Hit.Start >= contrast.End))
        {
            kept = kept.Where(r => r.Hit.Start >= contrast.End).ToList();
        }

        // "Okay, no thanks", "Ладно, не надо": the acknowledgement takes note, the other answer decides.
        if (kept.Any(r => r.Kind != ReplyKind.Hedge && !ReplyGrammar.IsAcknowledgement(r.Hit, rules)))
        {
            kept = kept.Where(r => !(r.Kind == ReplyKind.Accept && ReplyGrammar.IsAcknowledgement(r.Hit, rules))).ToList();
        }

        // After a no, a go-ahead is the customer's own choice, not a yes to the offer, when it stands in the no's
        // clause ("the basic one is fine"), behind "only"/"for now" ("Yok, sadece fondöten alayım", "Yo'q, hozircha
        // oylik olaman") or as a let-it-be with its own subject ("Standart olsun"). Otherwise it is a change of mind
        // and stands ("yok ya, olur, verin", "Нет! Конечно хочу").
        var no = kept.FirstOrDefault(r => r.Kind == ReplyKind.Decline);
        if (no is not null)
        {
            kept = kept.Where(r => r.Kind != ReplyKind.Accept || r.Hit.Start < no.Hit.End
                || !(ReplyGrammar.SameClause(turn, no.Hit, r.Hit) || ReplyGrammar.RestrictedBetween(turn, no.Hit.End, r.Hit.Start, rules)
                    || ReplyGrammar.NamesAChoice(turn, r.Hit, rules))).ToList();
        }

        if (kept.Count == 0)
        {
            return null;
        }

        // Customers correct themselves as they go ("no... well, actually yes, go on"; "yes, I'm fine without it"):
        // the last answer in the utterance stands, except that a "not now" beside a hedge only puts the decision off.
        var last = kept[^1];
        var hedge = kept.FirstOrDefault(r => r.Kind == ReplyKind.Hedge);
        if (last.Kind == ReplyKind.Decline && hedge is not null && IsDeferral(last, rules))
        {
            return hedge;
        }

        return last;
    }

    /// <summary>A "no" that only puts the decision off: with a hedge beside it, the customer is undecided.</summary>
    private static bool IsDeferral(Reply decline, LanguageRules rules) =>
        rules.Grammar.Deferrals.Contains(decline.Hit.Phrase, StringComparer.Ordinal);
}
