using System.Globalization;
using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Bench.Analysis;

/// <summary>
/// Analyzer against corpus labels for one set. Upsell is scored per dialogue (did the seller make any offer):
/// precision, recall, F1. Reaction accuracy is given twice: over the dialogues that have an offer (is the answer to
/// the offer right; a missed offer counts as wrong) and over all dialogues (also "none" when there is no offer).
/// </summary>
internal sealed class CorpusScore
{
    private int _ptp, _pfp, _pfn;
    private int _tp, _fp, _fn, _offerDialogues, _reactionOnOffers, _reactionAll, _sentiment, _categoryHits, _categoryTotal;

    public int Dialogues { get; private set; }

    public List<string> Misses { get; } = [];

    public List<string> PurchaseMisses { get; } = [];

    /// <summary>Dialogues with a purchase label, and how many of them are labelled true.</summary>
    public int PurchaseLabelled { get; private set; }

    public int PurchasePositives => _ptp + _pfn;

    public double PurchasePrecision => _ptp + _pfp == 0 ? 0 : (double)_ptp / (_ptp + _pfp);

    public double PurchaseRecall => _ptp + _pfn == 0 ? 0 : (double)_ptp / (_ptp + _pfn);

    public void AddPurchase(CorpusDialogue d, AnalysisResult r, bool truth)
    {
        PurchaseLabelled++;
        var got = r.Purchase == true;
        (_ptp, _pfp, _pfn) = (truth, got) switch
        {
            (true, true) => (_ptp + 1, _pfp, _pfn),
            (false, true) => (_ptp, _pfp + 1, _pfn),
            (true, false) => (_ptp, _pfp, _pfn + 1),
            _ => (_ptp, _pfp, _pfn),
        };
        if (truth != got)
        {
            PurchaseMisses.Add($"{d.Id} want purchase={truth} got {r.Purchase?.ToString() ?? "null"} ({r.Evidence.FirstOrDefault(e => e.Claim == "purchase")?.Quote})");
        }
    }

    public double Precision => _tp + _fp == 0 ? 0 : (double)_tp / (_tp + _fp);

    public double Recall => _tp + _fn == 0 ? 0 : (double)_tp / (_tp + _fn);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public double ReactionOnOffers => _offerDialogues == 0 ? 0 : (double)_reactionOnOffers / _offerDialogues;

    public double ReactionAll => Dialogues == 0 ? 0 : (double)_reactionAll / Dialogues;

    public double Sentiment => Dialogues == 0 ? 0 : (double)_sentiment / Dialogues;

    /// <summary>Of the labelled offers the analyzer found, the share whose category it got right.</summary>
    public double Category => _categoryTotal == 0 ? 0 : (double)_categoryHits / _categoryTotal;

    public void Add(CorpusDialogue d, AnalysisResult r)
    {
        Dialogues++;
        var truth = d.Labels.Upsell;
        if (truth && r.UpsellAttempted)
        {
            _tp++;
        }
        else if (r.UpsellAttempted)
        {
            _fp++;
        }
        else if (truth)
        {
            _fn++;
        }
        var reaction = string.Equals(r.CustomerReaction.ToString(), d.Labels.Reaction, StringComparison.OrdinalIgnoreCase);
        if (truth)
        {
            _offerDialogues++;
            _reactionOnOffers += reaction ? 1 : 0;
            foreach (var offer in d.Labels.Offers ?? [])
            {
                var found = r.Offers?.FirstOrDefault(o => offer.Item.Contains(o.Item, StringComparison.OrdinalIgnoreCase) || o.Item.Contains(offer.Item, StringComparison.OrdinalIgnoreCase));
                if (found is not null)
                {
                    _categoryTotal++;
                    _categoryHits += found.Category == offer.Category ? 1 : 0;
                }
            }
        }

        _reactionAll += reaction ? 1 : 0;
        var sentiment = string.Equals(r.Sentiment.ToString(), d.Labels.Sentiment, StringComparison.OrdinalIgnoreCase);
        _sentiment += sentiment ? 1 : 0;
        if (truth != r.UpsellAttempted || !reaction || !sentiment)
        {
            Misses.Add(string.Create(CultureInfo.InvariantCulture,
                $"{d.Id} [{d.Family}] want upsell={truth} reaction={d.Labels.Reaction} sentiment={d.Labels.Sentiment}; got {r.Summary}"));
        }
    }
}
