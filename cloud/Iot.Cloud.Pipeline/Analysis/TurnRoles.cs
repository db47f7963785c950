namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Who spoke which utterance, inferred without diarization: at a counter seller and customer alternate, so when the
/// utterances are turns, the parity that best fits the cues (offer frames and "how can I help" are the seller's;
/// "where is", "I want to return" and bare yes/no answers are the customer's) says who said the rest. Used only when
/// the cues agree clearly; a recogniser that cut one turn into several utterances shows up as disagreement.
/// </summary>
internal sealed class TurnRoles
{
    private readonly int _sellerParity;

    private TurnRoles(int sellerParity) => _sellerParity = sellerParity;

    /// <summary>No confident guess: every turn may be anyone's.</summary>
    public static TurnRoles Unknown { get; } = new(-1);

    public bool Known => _sellerParity >= 0;

    public bool IsSeller(int turn) => Known && turn % 2 == _sellerParity;

    public bool IsCustomer(int turn) => Known && turn % 2 != _sellerParity;

    public static TurnRoles Infer(IReadOnlyList<SpokenTurn> turns, LanguageRules rules)
    {
        // +1 seller, -1 customer, 0 no cue; a turn with both kinds of cue says nothing.
        var votes = turns.Select(t => Vote(t, rules)).ToList();
        int even = 0, odd = 0, evenAgainst = 0, oddAgainst = 0;
        for (var i = 0; i < votes.Count; i++)
        {
            var sign = i % 2 == 0 ? votes[i] : -votes[i];
            if (sign > 0)
            {
                even++;
                oddAgainst++;
            }
            else if (sign < 0)
            {
                odd++;
                evenAgainst++;
            }
        }

        // Confident = at least two cues for the parity and contradictions at most a quarter of them.
        if (even >= 2 && evenAgainst * 4 <= even)
        {
            return new TurnRoles(0);
        }

        return odd >= 2 && oddAgainst * 4 <= odd ? new TurnRoles(1) : Unknown;
    }

    private static int Vote(SpokenTurn turn, LanguageRules rules)
    {
        var seller = turn.Sentences.Any(s => rules.SellerService.Matches(s.Value) || (OfferDetector.HasFrame(s, rules) && !rules.CustomerCues.Matches(s.Value)));
        var customer = turn.Sentences.Any(s => rules.CustomerCues.Matches(s.Value));
        return seller == customer ? 0 : seller ? 1 : -1;
    }
}
