using System.Globalization;
using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Offline, deterministic analysis from the profile's phrase sets. It cannot tell speakers apart, so "reaction" is the
/// first accept/decline phrase after each offer (before the next one): a customer answers an offer straight away.
/// </summary>
internal sealed class RuleAnalyzer : IAnalyzer
{
    public const string EngineName = "rules";

    /// <summary>Score at or beyond which sentiment is called positive or negative.</summary>
    public const double SentimentThreshold = 0.25;

    private const int MaxSentimentQuotes = 5;

    public string Engine => EngineName;

    public Task<AnalysisResult> AnalyzeAsync(AnalysisInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Analyze(input.Transcript, input.Profile));
    }

    internal static AnalysisResult Analyze(Transcript transcript, AnalysisProfile profile)
    {
        var text = FoldedText.Of(transcript.Text);
        // Engines report "en", "en-US" or "EN"; profiles are keyed by the bare lower-case code.
        var language = transcript.Language.Split('-', '_')[0].ToLowerInvariant();
        var phrases = profile.Languages.TryGetValue(language, out var known) ? [known] : profile.Languages.Values.ToList();
        var evidence = new List<EvidenceQuote>();

        var offers = phrases
            .SelectMany(p => p.UpsellOffers)
            .SelectMany(kv => PhraseMatcher.Find(text, kv.Value).Select(h => (Category: kv.Key, Hit: h)))
            .ToList();
        // "extended warranty" also matches "warranty": keep the longest hit at each place.
        offers = offers.Where(o => !offers.Any(x => o.Hit.Within(x.Hit))).OrderBy(o => o.Hit.Start).ToList();
        var categories = offers.Select(o => o.Category).Distinct(StringComparer.Ordinal).ToList();
        foreach (var category in categories)
        {
            evidence.Add(new EvidenceQuote("upsell", offers.First(o => o.Category == category).Hit.Quote));
        }

        var reaction = Reaction(text, phrases, offers.Select(o => o.Hit).ToList(), evidence);

        var greeting = PhraseMatcher.Find(text, phrases.SelectMany(p => p.Greetings)).OrderBy(h => h.Start).FirstOrDefault();
        if (greeting is not null)
        {
            evidence.Add(new EvidenceQuote("greeting", greeting.Quote));
        }

        var checklist = new List<ChecklistOutcome>();
        foreach (var item in profile.Checklist)
        {
            var itemPhrases = item.Phrases.TryGetValue(language, out var own) ? own : item.Phrases.Values.SelectMany(p => p);
            var hit = PhraseMatcher.Find(text, itemPhrases).OrderBy(h => h.Start).FirstOrDefault();
            checklist.Add(new ChecklistOutcome(item.Id, hit is not null));
            if (hit is not null)
            {
                evidence.Add(new EvidenceQuote($"checklist:{item.Id}", hit.Quote));
            }
        }

        var (sentiment, score) = Sentiment(text, phrases, evidence);
        var upsell = offers.Count > 0;
        var quality = QualityScore.Compute(checklist, upsell, score);
        var summary = Summary(upsell, categories, reaction, checklist, sentiment, score, quality);
        return new AnalysisResult(upsell, categories, reaction, checklist, sentiment, score, quality, summary, evidence);
    }

    private static CustomerReaction Reaction(FoldedText text, List<LanguagePhrases> phrases, List<PhraseHit> offers, List<EvidenceQuote> evidence)
    {
        if (offers.Count == 0)
        {
            return CustomerReaction.None;
        }

        var accepts = PhraseMatcher.Find(text, phrases.SelectMany(p => p.Accept)).ToList();
        var declines = PhraseMatcher.Find(text, phrases.SelectMany(p => p.Decline)).ToList();
        var all = accepts.Concat(declines).ToList();
        // "no thanks" hides "no"; an answer inside an offer phrase is part of the offer, not a reply.
        var replies = PhraseMatcher.Outside(accepts, all).Select(h => (Accepted: true, Hit: h))
            .Concat(PhraseMatcher.Outside(declines, all).Select(h => (Accepted: false, Hit: h)))
            .Where(r => !offers.Any(o => r.Hit.Start < o.End && r.Hit.End > o.Start))
            .OrderBy(r => r.Hit.Start)
            .ToList();

        (bool Accepted, PhraseHit Hit)? accepted = null, declined = null;
        for (var i = 0; i < offers.Count; i++)
        {
            var next = i + 1 < offers.Count ? offers[i + 1].Start : int.MaxValue;
            var answer = replies.FirstOrDefault(r => r.Hit.Start >= offers[i].End && r.Hit.Start < next);
            if (answer.Hit is null)
            {
                continue;
            }

            if (answer.Accepted)
            {
                accepted ??= answer;
            }
            else
            {
                declined ??= answer;
            }
        }

        // One accepted offer is a sale, whatever else was turned down.
        var decisive = accepted ?? declined;
        if (decisive is not { } d)
        {
            return CustomerReaction.Undecided;
        }

        evidence.Add(new EvidenceQuote("reaction", d.Hit.Quote));
        return d.Accepted ? CustomerReaction.Accepted : CustomerReaction.Declined;
    }

    private static (SentimentLabel Label, double Score) Sentiment(FoldedText text, List<LanguagePhrases> phrases, List<EvidenceQuote> evidence)
    {
        var positive = PhraseMatcher.Find(text, phrases.SelectMany(p => p.Positive)).ToList();
        var negative = PhraseMatcher.Find(text, phrases.SelectMany(p => p.Negative)).ToList();
        var all = positive.Concat(negative).ToList();
        // "memnun değil" (not satisfied) hides "memnun"; same-list overlaps collapse to the longer phrase.
        positive = PhraseMatcher.Outside(positive, all);
        negative = PhraseMatcher.Outside(negative, all);
        var total = positive.Count + negative.Count;
        if (total == 0)
        {
            return (SentimentLabel.Neutral, 0);
        }

        var score = Math.Round((double)(positive.Count - negative.Count) / total, 3);
        foreach (var h in positive.Concat(negative).OrderBy(h => h.Start).Take(MaxSentimentQuotes))
        {
            evidence.Add(new EvidenceQuote("sentiment", h.Quote));
        }

        var label = score >= SentimentThreshold ? SentimentLabel.Positive : score <= -SentimentThreshold ? SentimentLabel.Negative : SentimentLabel.Neutral;
        return (label, score);
    }

    private static string Summary(bool upsell, List<string> categories, CustomerReaction reaction, List<ChecklistOutcome> checklist, SentimentLabel sentiment, double score, int quality)
    {
        var offer = upsell
            ? $"Offered {string.Join(", ", categories)}; customer {reaction switch { CustomerReaction.Accepted => "accepted", CustomerReaction.Declined => "declined", _ => "did not answer clearly" }}"
            : "No upsell offered";
        var missed = checklist.Where(c => !c.Met).Select(c => c.ItemId).ToList();
        var list = $"checklist {checklist.Count(c => c.Met)}/{checklist.Count}" + (missed.Count > 0 ? $" (missed {string.Join(", ", missed)})" : "");
        return string.Create(CultureInfo.InvariantCulture, $"{offer}; {list}; sentiment {sentiment.ToString().ToLowerInvariant()} ({score:+0.00;-0.00;0.00}); quality {quality}.");
    }
}
