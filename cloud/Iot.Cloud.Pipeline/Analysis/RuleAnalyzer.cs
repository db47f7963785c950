using System.Globalization;
using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Offline, deterministic analysis (rules/2). An offer is a seller's act, found by offer frames with a product slot
/// (<see cref="OfferDetector"/>), not a product noun; the customer's reply is the first reply-like utterance after the
/// offer (<see cref="ReplyClassifier"/>), with turn roles inferred from how a counter dialogue alternates
/// (<see cref="TurnRoles"/>); sentiment is the customer's, negation-aware (<see cref="SentimentScorer"/>). Since rules/5 it
/// also judges whether a purchase took place (<see cref="PurchaseDetector"/>), so a result with a null purchase is
/// from an older rule set.
/// </summary>
internal sealed class RuleAnalyzer : IAnalyzer
{
    public const string EngineName = "rules";

    /// <summary>Stored with every result (the analyses.engine column) so a result can be traced to the rules that made it.</summary>
    public const string EngineVersion = "rules/6";

    /// <summary>Score at or beyond which sentiment is called positive or negative.</summary>
    public const double SentimentThreshold = SentimentScorer.Threshold;

    public string Engine => EngineName;

    public Task<AnalysisResult> AnalyzeAsync(AnalysisInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Analyze(input.Transcript, input.Profile));
    }

    internal static AnalysisResult Analyze(Transcript transcript, AnalysisProfile profile) => AnalyzeWithCue(transcript, profile).Result;

    /// <summary>The result and the purchase cue it found, if any (the hybrid engine keeps the cue when the model rejects an offer).</summary>
    internal static (AnalysisResult Result, PhraseHit? PurchaseCue) AnalyzeWithCue(Transcript transcript, AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(profile);
        var turns = SpokenTurn.Of(transcript);
        var text = FoldedText.Of(transcript.Text);
        var language = LanguagePicker.Pick(transcript.Language, turns, profile);
        var evidence = new List<EvidenceQuote>();
        if (language is null)
        {
            return (Empty(profile, "No language of the profile to analyse with"), null);
        }

        var rules = LanguageRules.For(language, profile.Languages[language]);
        var roles = TurnRoles.Infer(turns, rules);
        var offers = OfferStructure.OneSide(OfferStructure.DropRequested(OfferDetector.Find(turns, rules), turns, roles, rules), roles);
        var replies = offers.Select(o => ReplyWindow.ReplyTo(o, turns, offers, roles, rules)).ToList();
        foreach (var o in offers)
        {
            evidence.Add(new EvidenceQuote("upsell", o.Item));
        }

        var reaction = Overall(replies, evidence);
        var items = offers.Select((o, i) => new OfferedItem(o.Item, o.Category, ReactionOf(replies[i]))).ToList();
        var categories = offers.Select(o => o.Category).Distinct(StringComparer.Ordinal).ToList();

        var greeting = PhraseMatcher.Find(text, rules.Phrases.Greetings).OrderBy(h => h.Start).FirstOrDefault();
        if (greeting is not null)
        {
            evidence.Add(new EvidenceQuote("greeting", greeting.Quote));
        }

        var checklist = Checklist(profile, language, text, offers, evidence);
        // Staff praise ("great choice") is not the customer's sentiment: leave out the speaker blocks that hold an offer or
        // staff-only phrases. Parity is not extrapolated further: one misjudged pause would silence the customer.
        var sellerBlocks = turns.Where(t => offers.Any(o => o.Turn == t.Index) || t.Sentences.Any(s => rules.SellerService.Matches(s.Value)))
            .Select(t => roles.Block(t.Index)).ToHashSet();
        var sellerTurns = turns.Where(t => sellerBlocks.Contains(roles.Block(t.Index))).Select(t => t.Index).ToHashSet();
        var (sentiment, score) = SentimentScorer.Score(turns, sellerTurns, rules, evidence);
        var cue = PurchaseDetector.Cue(turns, offers, roles, rules);
        var accepted = replies.FirstOrDefault(r => r?.Kind == ReplyKind.Accept)?.Hit.Quote;
        var (purchase, purchaseQuote) = PurchaseDetector.Judge(cue, accepted);
        if (purchaseQuote is not null)
        {
            evidence.Add(new EvidenceQuote("purchase", purchaseQuote));
        }

        var upsell = offers.Count > 0;
        var quality = QualityScore.Compute(checklist, upsell, score);
        var summary = Summary(items, reaction, checklist, sentiment, score, quality);
        return (new AnalysisResult(upsell, categories, reaction, checklist, sentiment, score, quality, summary, evidence, items, EngineVersion, purchase), cue);
    }

    private static CustomerReaction ReactionOf(Reply? reply) => reply?.Kind switch
    {
        ReplyKind.Accept => CustomerReaction.Accepted,
        ReplyKind.Decline => CustomerReaction.Declined,
        _ => CustomerReaction.Undecided,
    };

    /// <summary>One accepted offer is a sale, whatever else was turned down; no answer to anything is undecided.</summary>
    private static CustomerReaction Overall(List<Reply?> replies, List<EvidenceQuote> evidence)
    {
        if (replies.Count == 0)
        {
            return CustomerReaction.None;
        }

        var decisive = replies.FirstOrDefault(r => r?.Kind == ReplyKind.Accept)
            ?? replies.FirstOrDefault(r => r?.Kind == ReplyKind.Decline)
            ?? replies.FirstOrDefault(r => r is not null);
        if (decisive is not null)
        {
            evidence.Add(new EvidenceQuote("reaction", decisive.Hit.Quote));
        }

        return ReactionOf(decisive);
    }

    private static List<ChecklistOutcome> Checklist(AnalysisProfile profile, string language, FoldedText text, List<OfferAct> offers, List<EvidenceQuote> evidence)
    {
        var checklist = new List<ChecklistOutcome>();
        foreach (var item in profile.Checklist)
        {
            // "Offered something" is the offer detector's verdict; its phrase list (product words) would be noun-spotting again.
            if (item.Id == BuiltInProfiles.OfferItem)
            {
                checklist.Add(new ChecklistOutcome(item.Id, offers.Count > 0));
                if (offers.Count > 0)
                {
                    evidence.Add(new EvidenceQuote($"checklist:{item.Id}", offers[0].Quote));
                }

                continue;
            }

            var itemPhrases = item.Phrases.TryGetValue(language, out var own) ? own : item.Phrases.Values.SelectMany(p => p);
            var hit = PhraseMatcher.Find(text, itemPhrases).OrderBy(h => h.Start).FirstOrDefault();
            checklist.Add(new ChecklistOutcome(item.Id, hit is not null));
            if (hit is not null)
            {
                evidence.Add(new EvidenceQuote($"checklist:{item.Id}", hit.Quote));
            }
        }

        return checklist;
    }

    private static AnalysisResult Empty(AnalysisProfile profile, string why)
    {
        var checklist = profile.Checklist.Select(c => new ChecklistOutcome(c.Id, false)).ToList();
        return new AnalysisResult(false, [], CustomerReaction.None, checklist, SentimentLabel.Neutral, 0,
            QualityScore.Compute(checklist, false, 0), why + ".", [], [], EngineVersion);
    }

    private static string Summary(List<OfferedItem> items, CustomerReaction reaction, List<ChecklistOutcome> checklist, SentimentLabel sentiment, double score, int quality)
    {
        var offer = items.Count > 0
            ? $"Offered {string.Join(", ", items.Select(i => $"{i.Item} ({i.Category})"))}; customer {reaction switch { CustomerReaction.Accepted => "accepted", CustomerReaction.Declined => "declined", _ => "did not answer clearly" }}"
            : "No upsell offered";
        var missed = checklist.Where(c => !c.Met).Select(c => c.ItemId).ToList();
        var list = $"checklist {checklist.Count(c => c.Met)}/{checklist.Count}" + (missed.Count > 0 ? $" (missed {string.Join(", ", missed)})" : "");
        return string.Create(CultureInfo.InvariantCulture, $"{offer}; {list}; sentiment {sentiment.ToString().ToLowerInvariant()} ({score:+0.00;-0.00;0.00}); quality {quality}.");
    }
}
