namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Which of the customer's utterances answers an offer. The answer is looked for in the other speaker's blocks after
/// the offer (the seller's own follow-on "it fits perfectly" and answers to the customer's questions are skipped),
/// within <see cref="ReplyBlocks"/> exchanges and before the next offer. A decision is final unless the customer
/// still has to find something out: a hedge or a "no" followed by a question back ("No, I think... wait, does it
/// have memory of its own?") or one on a condition ("if it's under ten") is provisional, and a later decision in the
/// window settles it; with none, the provisional reading stands.
/// </summary>
internal static class ReplyWindow
{
    /// <summary>Customer turns after an offer searched for the reply (the customer may first ask "how much?").</summary>
    public const int ReplyBlocks = 2;

    public static Reply? ReplyTo(OfferAct offer, IReadOnlyList<SpokenTurn> turns, IReadOnlyList<OfferAct> offers, TurnRoles roles, LanguageRules rules)
    {
        var nextOffer = offers.Where(o => o.Turn > offer.Turn).Select(o => o.Turn).DefaultIfEmpty(int.MaxValue).Min();
        var offerBlock = roles.Block(offer.Turn);
        Reply? provisional = null;
        var askedBack = false;
        var limit = (2 * ReplyBlocks) - 1;
        for (var j = offer.Turn + 1; j < turns.Count && j < nextOffer; j++)
        {
            var distance = roles.Block(j) - offerBlock;
            if (distance > limit)
            {
                break;
            }

            // Odd distance = the other speaker's block. Parity is counted from the offer, not from the dialogue-wide
            // role guess, so one misjudged pause earlier in the dialogue cannot turn the seller's answers into replies.
            if (distance % 2 != 1)
            {
                continue;
            }

            if (ReplyClassifier.Classify(turns[j], rules) is not { } reply)
            {
                if (turns[j].Sentences.Any(s => s.IsQuestion))
                {
                    askedBack = true;
                    limit = Stretch(limit, distance);
                }

                continue;
            }

            // Once the customer has asked back ("Where are they?", "Kahvaltı kaçta?"), "Okay, thanks" / "Tamam,
            // teşekkürler" takes note of the seller's answer; it is no decision on the offer.
            if (askedBack && reply.Kind == ReplyKind.Accept && ReplyGrammar.IsAcknowledgement(reply.Hit, rules) && ReplyGrammar.OnlyAcknowledges(turns[j], rules))
            {
                continue;
            }

            // "Yes, can I do it now?" has decided; "No... wait, has it no memory of its own?" and "Hmm. What does that
            // come to?" have not yet. A hedge without a question ("I'll think about it") is the answer.
            var open = (reply.Kind != ReplyKind.Accept && ReplyMorphology.AsksBack(turns[j], reply.Hit))
                || ReplyMorphology.Conditional(turns[j], reply.Hit, rules);
            if (!open)
            {
                return reply;
            }

            askedBack = true;
            limit = Stretch(limit, distance);

            // A later hedge does not undo an earlier conditional yes or no; a later decision does.
            if (provisional is null || reply.Kind != ReplyKind.Hedge)
            {
                provisional = reply;
            }
        }

        return provisional;
    }

    /// <summary>
    /// A customer still asking ("How much is the yearly?", "Nine instalments, you said?") has not answered yet: the
    /// window runs on to the customer's next block, up to <see cref="MaxReplyBlocks"/> of them.
    /// </summary>
    private static int Stretch(int limit, int distance) => Math.Max(limit, Math.Min(distance + 2, (2 * MaxReplyBlocks) - 1));

    /// <summary>Customer blocks searched at most when the customer keeps asking back.</summary>
    public const int MaxReplyBlocks = 4;
}
