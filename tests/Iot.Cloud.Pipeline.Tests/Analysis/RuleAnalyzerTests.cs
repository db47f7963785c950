using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

public sealed class RuleAnalyzerTests
{
    private static AnalysisResult Analyze(string language, params string[] lines) =>
        RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

    [Fact]
    public void Matching_ignores_case_and_diacritics_but_quotes_keep_the_original_text()
    {
        var result = Analyze("tr", "MERHABA!", "Uzatilmis GARANTİ ister misiniz?", "Evet.");

        Assert.Equal(["warranty"], result.OfferedCategories);
        Assert.Contains(new EvidenceQuote("upsell", "Uzatilmis GARANTİ"), result.Evidence);
        Assert.Contains(new EvidenceQuote("greeting", "MERHABA"), result.Evidence);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void Russian_stems_match_inflected_words_and_yo_matches_ye()
    {
        var result = Analyze("ru", "ДОБРЫЙ ДЕНЬ.", "Возьмёте защитную плёнку?", "Нет, не надо.");

        Assert.Equal(["accessories"], result.OfferedCategories);
        Assert.Contains(new EvidenceQuote("upsell", "защитную плёнку"), result.Evidence);
        Assert.Contains(new EvidenceQuote("reaction", "не надо"), result.Evidence);
        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Fact]
    public void Uzbek_apostrophes_of_any_kind_match()
    {
        var result = Analyze("uz", "Assalomu alaykum!", "Telefonga sugʻurta qilasizmi?", "Ha, albatta.", "Rahmat.");

        Assert.Equal(["insurance"], result.OfferedCategories);
        Assert.Contains(new EvidenceQuote("upsell", "sugʻurta"), result.Evidence);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
        Assert.All(result.Checklist, c => Assert.True(c.Met, c.ItemId));
    }

    [Fact]
    public void Azerbaijani_dialogue_is_understood()
    {
        var result = Analyze("az", "Salam, xoş gəlmisiniz!", "Zəmanət əlavə edək?", "Xeyr, lazım deyil.", "Təşəkkür edirik.");

        Assert.Equal(["warranty"], result.OfferedCategories);
        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
        Assert.All(result.Checklist, c => Assert.True(c.Met, c.ItemId));
    }

    [Fact]
    public void An_unknown_language_tries_every_language()
    {
        var result = Analyze("und", "Здравствуйте.", "Хотите страховку?", "Да.");

        Assert.True(result.UpsellAttempted);
        Assert.Equal(["insurance"], result.OfferedCategories);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_regional_language_tag_uses_its_base_language()
    {
        var result = Analyze("TR-tr", "Garanti ister misiniz?", "Hayır.");

        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Fact]
    public void A_known_language_uses_only_its_own_phrases()
    {
        var result = Analyze("en", "Здравствуйте.", "Хотите страховку?", "Да.");

        Assert.False(result.UpsellAttempted);
        Assert.Equal(CustomerReaction.None, result.CustomerReaction);
    }

    [Fact]
    public void An_answer_counts_only_after_an_offer()
    {
        var result = Analyze("en", "Yes, hello.", "Would you like a warranty?", "Let me think.");

        Assert.Equal(CustomerReaction.Undecided, result.CustomerReaction);
        Assert.Equal([new EvidenceQuote("reaction", "Let me think")], result.Evidence.Where(e => e.Claim == "reaction"));
    }

    [Fact]
    public void Any_accepted_offer_makes_the_reaction_accepted()
    {
        var result = Analyze("en", "Would you like a warranty?", "No thanks.", "And a phone case?", "Sure.", "Okay, no.");

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
        Assert.Equal(["warranty", "accessories"], result.OfferedCategories);
    }

    [Fact]
    public void Negated_satisfaction_counts_as_negative()
    {
        var result = Analyze("tr", "Hiç memnun değilim, çok pahalı.");

        Assert.Equal(SentimentLabel.Negative, result.Sentiment);
        Assert.Equal(-1, result.SentimentScore);
        Assert.Contains(new EvidenceQuote("sentiment", "memnun değilim"), result.Evidence);
        Assert.DoesNotContain(new EvidenceQuote("sentiment", "memnun"), result.Evidence);
    }

    [Fact]
    public void Mixed_lexicon_weighs_positive_against_negative_words()
    {
        var result = Analyze("en", "The screen is wonderful and the camera is excellent, but the price is too expensive.");

        Assert.Equal(Math.Round(1.0 / 3, 3), result.SentimentScore);
        Assert.Equal(SentimentLabel.Positive, result.Sentiment);
    }

    [Fact]
    public void Quality_follows_the_documented_formula()
    {
        // Checklist 2 of 3, upsell, sentiment +1: 100 × (0.5 × 2/3 + 0.3 + 0.2 × 1) = 83.3.
        var result = Analyze("en", "Hello!", "Would you like a warranty?", "Yes, wonderful.");

        Assert.Equal(2, result.Checklist.Count(c => c.Met));
        Assert.Equal(83, result.QualityScore);
        Assert.Equal(50, QualityScore.Compute([new("a", true)], false, -1));
        Assert.Equal(100, QualityScore.Compute([new("a", true), new("b", true)], true, 1));
        Assert.Equal(0, QualityScore.Compute([new("a", false)], false, -1));
    }

    [Fact]
    public void The_summary_names_offer_reaction_checklist_and_sentiment()
    {
        var result = Analyze("en", "Hello!", "Would you like a warranty?", "No.");

        Assert.Equal("Offered a warranty (warranty); customer declined; checklist 2/3 (missed farewell); sentiment neutral (0.00); quality 73.", result.Summary);
    }

    [Fact]
    public void A_profile_round_trips_through_json()
    {
        var json = BuiltInProfiles.Default.ToJson();
        var back = AnalysisProfile.FromJson(json);

        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of("ru", "Здравствуйте", "Нужна гарантия?", "Да"), back);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
        Assert.Equal(BuiltInProfiles.Default.Languages.Keys.Order(), back.Languages.Keys.Order());
    }
}
