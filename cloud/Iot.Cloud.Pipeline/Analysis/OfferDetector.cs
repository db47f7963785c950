namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>An offer act found in one utterance: the item in the seller's words, its tenant category and the frame.</summary>
internal sealed record OfferAct(int Turn, string Item, string Category, string Quote, string Frame);

/// <summary>
/// Finds offers by the act (a seller frame with a product slot), not by product nouns: "Does the warranty cover
/// water damage?" names a product but no frame fits, and a sentence with a customer cue (asking where, returning,
/// claiming) is never an offer however it is phrased.
/// </summary>
internal static class OfferDetector
{
    public static List<OfferAct> Find(IReadOnlyList<SpokenTurn> turns, LanguageRules rules)
    {
        var offers = new List<OfferAct>();
        foreach (var turn in turns)
        {
            for (var k = 0; k < turn.Sentences.Count; k++)
            {
                var sentence = turn.Sentences[k];
                var cue = rules.CustomerCues.Matches(sentence.Value);

                // "Sadakat kartımız var. İster misiniz?": a bare offer question takes its item from the sentence before.
                var offer = FirstOffer(turn.Index, sentence, rules, overridersOnly: cue)
                    ?? (!cue && k > 0 && sentence.IsQuestion && BareFrame(sentence, rules) ? Anaphoric(turn.Index, turn.Sentences[k - 1], rules) : null);
                if (offer is not null && !offers.Any(o => o.Turn == offer.Turn && o.Item == offer.Item))
                {
                    offers.Add(offer);
                }
            }
        }

        return offers;
    }

    /// <summary>
    /// True when a sentence is an offer as <see cref="Find"/> reads it: a frame, and with a customer cue only a frame that
    /// overrides cues ("have you got a lint roller at home?" is the seller's, though "have you got" is a customer cue).
    /// </summary>
    public static bool IsOffer(SpokenSentence sentence, LanguageRules rules) =>
        FirstOffer(-1, sentence, rules, overridersOnly: rules.CustomerCues.Matches(sentence.Value)) is not null;

    /// <summary>True when a sentence holds a seller frame (used to tell seller turns from customer turns).</summary>
    public static bool HasFrame(SpokenSentence sentence, LanguageRules rules) => FirstOffer(-1, sentence, rules, overridersOnly: false) is not null;

    /// <summary>A frame matches the whole sentence with nothing in its slot ("Would you like one?", "İster misiniz?").</summary>
    private static bool BareFrame(SpokenSentence sentence, LanguageRules rules) =>
        rules.Frames.Any(f => f.Regex.Match(sentence.Value) is { Success: true } m && LanguageRules.Words(sentence.Value, 0, m.Index).Count <= 1
            && LanguageRules.Words(sentence.Value, m.Index + m.Length, sentence.Value.Length).Count <= 1);

    private static OfferAct? Anaphoric(int turn, SpokenSentence previous, LanguageRules rules)
    {
        // "Geçti. Fiş ister misiniz?": a one-word sentence before ("went through", "ready") names nothing on offer.
        if (rules.CustomerCues.Matches(previous.Value) || LanguageRules.Words(previous.Value, 0, previous.Value.Length).Count(w => w.Text != "\u0001") < 2)
        {
            return null;
        }

        var clauseEnd = previous.Value.IndexOf(SpokenTurn.ClauseMark, StringComparison.Ordinal);
        var range = rules.TrimItem(previous.Value, 0, clauseEnd < 0 ? previous.Value.Length : clauseEnd, OfferFrame.SlotPlace.Before);
        if (range is not { } r)
        {
            return null;
        }

        var item = previous.Quote(r.From, r.To);
        return item.Length == 0 ? null : new OfferAct(turn, item, rules.Categorize(previous.Value[r.From..r.To]), item, "(item of the sentence before)");
    }

    private static OfferAct? FirstOffer(int turn, SpokenSentence sentence, LanguageRules rules, bool overridersOnly)
    {
        foreach (var frame in rules.Frames)
        {
            if ((frame.RequiresQuestion && !sentence.IsQuestion) || (frame.RequiresStatement && sentence.IsQuestion) || (overridersOnly && !frame.OverridesCustomerCues))
            {
                continue;
            }

            foreach (var m in Matches(frame.Regex, sentence.Value).Concat(frame.ShortGap is { } shortGap ? Matches(shortGap, sentence.Value) : []))
            {
                var (from, to) = ItemRange(sentence.Value, m, frame.Slot);
                // An offer is a yes/no question or a statement; "Nə yem verək?", "What should we get him?" deliberate.
                if (sentence.IsQuestion && AsksWh(sentence.Value, m, from, to, frame.Slot, rules))
                {
                    continue;
                }

                var item = rules.TrimItem(sentence.Value, from, to, frame.Slot);
                if (item is not { } range)
                {
                    continue;
                }

                var quote = sentence.Quote(range.From, range.To);
                if (quote.Length == 0)
                {
                    continue;
                }

                var category = rules.Categorize(sentence.Value[range.From..range.To]);
                return new OfferAct(turn, quote, category, sentence.Quote(Math.Min(m.Index, range.From), Math.Max(m.Index + m.Length, range.To)), frame.Source);
            }
        }

        return null;
    }

    /// <summary>A question word in the sentence outside the frame's own words (the slot counts: "Nə yem" before "verək").</summary>
    private static bool AsksWh(string value, System.Text.RegularExpressions.Match m, int from, int to, OfferFrame.SlotPlace slot, LanguageRules rules)
    {
        if (rules.QuestionWords.Count == 0)
        {
            return false;
        }

        var frameWords = LanguageRules.Words(value, m.Index, m.Index + m.Length)
            .Where(w => slot != OfferFrame.SlotPlace.Inside || w.Start < from || w.Start >= to)
            .Select(w => w.Start).ToHashSet();
        return LanguageRules.Words(value, 0, value.Length).Any(w => !frameWords.Contains(w.Start) && rules.QuestionWords.Contains(w.Text));
    }

    /// <summary>
    /// A frame's matches, or none when it runs past its time limit: frames are bounded (no nested open repeats), but a
    /// tenant can write one that is not, and one slow frame on one sentence must cost that frame, not the analysis.
    /// </summary>
    private static List<System.Text.RegularExpressions.Match> Matches(System.Text.RegularExpressions.Regex regex, string value)
    {
        try
        {
            return regex.Matches(value).ToList();
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return [];
        }
    }

    private static (int From, int To) ItemRange(string value, System.Text.RegularExpressions.Match m, OfferFrame.SlotPlace slot) => slot switch
    {
        OfferFrame.SlotPlace.Inside => (m.Groups["item"].Index, m.Groups["item"].Index + m.Groups["item"].Length),
        OfferFrame.SlotPlace.After => (m.Index + m.Length, value.Length),
        _ => (0, m.Index),
    };
}
