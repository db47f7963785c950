namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Turn structure over the offers the frames found. Who raised an item first decides whether the seller offered it:
/// when the other speaker named it earlier ("Do you fit them too?" ... "Yes, we can do the fitting for you"), the
/// seller is answering a request, not making an offer. The other speaker is the block of opposite parity to the
/// offer's (counted from the offer, like the reply, so one misjudged pause elsewhere does not matter).
/// </summary>
internal static class OfferStructure
{
    /// <summary>Letters of a word compared: enough to join inflections (установка/установку, kılıf/kılıfı, case/cases).</summary>
    private const int StemLength = 5;

    public static List<OfferAct> DropRequested(List<OfferAct> offers, IReadOnlyList<SpokenTurn> turns, TurnRoles roles, LanguageRules rules) =>
        offers.Where(o => !RaisedByOther(o, turns, roles, rules)).ToList();

    /// <summary>
    /// One person makes the offers (rules/6). When frames fire on both sides of the floor ("Could I get the spring
    /// bouquet?" then "would you like same-day delivery?"; "I said no" read as an elliptic offer), the side the turn
    /// roles call the seller's keeps its offers; without known roles, the side with more offers; a tie keeps both.
    /// </summary>
    public static List<OfferAct> OneSide(List<OfferAct> offers, TurnRoles roles)
    {
        var sides = offers.GroupBy(o => roles.Block(o.Turn) % 2).ToList();
        if (sides.Count < 2)
        {
            // All on one side: when the roles are known and call it the customer's ("And a game?" after the seller
            // listed what is in the box), there is no seller offer.
            return roles.Known ? offers.Where(o => roles.IsSeller(o.Turn)).ToList() : offers;
        }

        if (roles.Known)
        {
            return offers.Where(o => roles.IsSeller(o.Turn)).ToList();
        }

        var (a, b) = (sides[0].Count(), sides[1].Count());
        if (a != b)
        {
            return [.. (a > b ? sides[0] : sides[1]).OrderBy(o => o.Turn)];
        }

        // A tie: a candidate inside the reply window of an earlier offer from the other side is the customer
        // answering or asking back ("А это точно нужно?", "And the rest of the deal stays the same?").
        return offers.Where(o => !offers.Any(e => e.Turn < o.Turn && InReplyWindow(roles.Block(o.Turn) - roles.Block(e.Turn)))).ToList();
    }

    private static bool InReplyWindow(int distance) => distance % 2 == 1 && distance <= (2 * ReplyWindow.ReplyBlocks) - 1;

    private static bool RaisedByOther(OfferAct offer, IReadOnlyList<SpokenTurn> turns, TurnRoles roles, LanguageRules rules)
    {
        var content = ContentStems(offer.Item, rules);
        if (content.Count == 0)
        {
            return false;
        }

        var block = roles.Block(offer.Turn);
        var earlier = turns.Where(t => t.Index < offer.Turn && (block - roles.Block(t.Index)) % 2 == 1)
            .SelectMany(t => LanguageRules.Words(t.Folded.Value, 0, t.Folded.Value.Length).Select(w => w.Text))
            .ToList();
        return content.All(stem => earlier.Any(w => w.StartsWith(stem, StringComparison.Ordinal)));
    }

    /// <summary>Stems of the item's words that carry meaning (no articles, fillers or prepositions).</summary>
    internal static List<string> ContentStems(string item, LanguageRules rules) =>
        LanguageRules.Words(FoldedText.FoldPhrase(item), 0, int.MaxValue)
            .Select(w => w.Text)
            // Numbers count: "the 65-inch one" is not the "55-inch" the customer asked for.
            .Where(w => (w.Length >= 3 || w.All(char.IsDigit)) && !rules.IsDeterminer(w) && !rules.IsFiller(w))
            .Select(w => w.Length > StemLength ? w[..StemLength] : w)
            .ToList();
}
