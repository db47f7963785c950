namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Whether a dialogue holds a purchase-like exchange (issue 19, "missed opportunities"): the customer takes, orders,
/// prices or pays for something. A purchase with no offer is the seller's missed chance; the verdict is an accepted
/// offer or a purchase cue (<see cref="LanguageRules.Purchase"/>). Cues are phrases of either side of a sale
/// ("I'll take it", "how much is", "card or cash?"), so a seller turn may hold one; a customer turn's cue is preferred
/// as the quote when turn roles are known, because it is the customer's own act. A cue inside an offer turn is the
/// seller's pitch ("for how much more..."), and a negated cue ("не беру") is a refusal: neither counts.
/// </summary>
internal static class PurchaseDetector
{
    /// <summary>The quote of the best purchase cue, or null when none occurs.</summary>
    public static PhraseHit? Cue(IReadOnlyList<SpokenTurn> turns, IReadOnlyList<OfferAct> offers, TurnRoles roles, LanguageRules rules)
    {
        if (rules.Purchase.Count == 0)
        {
            return null;
        }

        var offerTurns = offers.Select(o => o.Turn).ToHashSet();
        return turns
            .Where(t => !offerTurns.Contains(t.Index))
            .SelectMany(t => PhraseMatcher.Find(t.Folded, rules.Purchase).Where(h => !Negated(t.Folded.Value, h, rules)).Select(h => (Turn: t.Index, Hit: h)))
            .OrderBy(x => roles.IsCustomer(x.Turn) ? 0 : roles.IsSeller(x.Turn) ? 2 : 1)
            .ThenBy(x => x.Turn)
            .ThenBy(x => x.Hit.Start)
            .Select(x => x.Hit)
            .FirstOrDefault();
    }

    /// <summary>
    /// The verdict and its quote: a cue, else the words that accepted an offer. <paramref name="acceptQuote"/> is the
    /// reply that accepted an offer (null when none was accepted).
    /// </summary>
    public static (bool Purchase, string? Quote) Judge(PhraseHit? cue, string? acceptQuote) =>
        cue is not null ? (true, cue.Quote) : acceptQuote is not null ? (true, acceptQuote) : (false, null);

    private static bool Negated(string folded, PhraseHit hit, LanguageRules rules)
    {
        var before = folded[..hit.Start].TrimEnd();
        var space = before.LastIndexOf(' ');
        return before.Length > 0 && rules.PreNegators.Contains(before[(space + 1)..]);
    }
}
