namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Who spoke which utterance, inferred without diarization. Utterances separated by a short silence are one speaker
/// going on (a recogniser, or a speaker, pausing for breath); across a longer one the floor changes hands, and at a
/// counter seller and customer alternate. So utterances form speaker blocks, and the block parity that best fits
/// the cues (offer frames and "how can I help" are the seller's; "where is", "I want to return" the customer's)
/// says who said the rest. Used when the cues agree; otherwise roles stay unknown and nothing relies on them.
/// </summary>
internal sealed class TurnRoles
{
    /// <summary>Silence below which the next utterance is the same speaker (conversational turn gaps are longer).</summary>
    public const int SameSpeakerPauseMs = 350;

    /// <summary>Silence at or beyond which the floor has surely changed hands.</summary>
    public const int ClearChangePauseMs = 450;

    private readonly int[] _block;
    private readonly int _sellerParity;

    private TurnRoles(int[] block, int sellerParity)
    {
        _block = block;
        _sellerParity = sellerParity;
    }

    public static TurnRoles Unknown { get; } = new([], -1);

    public bool Known => _sellerParity >= 0;

    /// <summary>The speaker block of an utterance (utterance index itself when blocks are unknown).</summary>
    public int Block(int turn) => turn < _block.Length ? _block[turn] : turn;

    public bool IsSeller(int turn) => Known && Block(turn) % 2 == _sellerParity;

    public bool IsCustomer(int turn) => Known && Block(turn) % 2 != _sellerParity;

    public static TurnRoles Infer(IReadOnlyList<SpokenTurn> turns, LanguageRules rules)
    {
        var block = new int[turns.Count];
        for (var i = 1; i < turns.Count; i++)
        {
            block[i] = block[i - 1] + (NewSpeaker(turns[i - 1], turns[i], rules) ? 1 : 0);
        }

        int even = 0, odd = 0;
        for (var i = 0; i < turns.Count; i++)
        {
            // +1 seller, -1 customer, 0 no cue (or both kinds).
            var vote = Vote(turns[i], rules);
            var sellerIfEven = block[i] % 2 == 0 ? vote : -vote;
            even += sellerIfEven > 0 ? 1 : 0;
            odd += sellerIfEven < 0 ? 1 : 0;
        }

        // Cues for one parity, contradictions at most a third of them.
        var parity = even > odd ? 0 : 1;
        var (agree, against) = parity == 0 ? (even, odd) : (odd, even);
        return agree >= 1 && against * 3 <= agree ? new TurnRoles(block, parity) : new TurnRoles(block, -1);
    }

    /// <summary>
    /// A long silence hands the floor over, a short one does not. In between, content decides: two utterances whose
    /// cues name different roles (a price, then "would you like..." is one seller; "I'll have that", then an offer
    /// is two people) by their roles; otherwise an answer or a question is the other speaker ("is it worth it?") and
    /// a statement is the same speaker elaborating ("it fits this model perfectly").
    /// </summary>
    private static bool NewSpeaker(SpokenTurn previous, SpokenTurn turn, LanguageRules rules)
    {
        if (turn.PauseBeforeMs < SameSpeakerPauseMs)
        {
            return false;
        }

        if (turn.PauseBeforeMs >= ClearChangePauseMs)
        {
            return true;
        }

        var (was, now) = (Kind(previous, rules), Kind(turn, rules));
        if (was != 0 && now != 0)
        {
            return was != now;
        }

        return turn.Sentences.Any(s => s.IsQuestion) || now < 0 || ReplyClassifier.Classify(turn, rules) is not null;
    }

    /// <summary>+1 sounds like staff (an offer frame, "how can I help"), -1 like a customer (a customer cue, or a question that is no offer), 0 either.</summary>
    private static int Kind(SpokenTurn turn, LanguageRules rules)
    {
        var seller = turn.Sentences.Any(s => rules.SellerService.Matches(s.Value) || OfferDetector.IsOffer(s, rules));
        if (seller)
        {
            return 1;
        }

        return turn.Sentences.Any(s => rules.CustomerCues.Matches(s.Value)) ? -1 : 0;
    }

    private static int Vote(SpokenTurn turn, LanguageRules rules)
    {
        // A sentence that is an offer despite a customer cue (a frame that overrides cues) is the seller's.
        var customer = turn.Sentences.Any(s => rules.CustomerCues.Matches(s.Value) && !OfferDetector.IsOffer(s, rules));
        var seller = turn.Sentences.Any(s => rules.SellerService.Matches(s.Value) || OfferDetector.IsOffer(s, rules));
        return seller == customer ? 0 : seller ? 1 : -1;
    }
}
