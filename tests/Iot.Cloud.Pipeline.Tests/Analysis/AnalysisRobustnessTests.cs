using System.Text.Json;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>Bad input gets a clear result, never a crash; evidence stays verbatim; old stored profiles still load.</summary>
public sealed class AnalysisRobustnessTests
{
    public static TheoryData<string, string[]> Transcripts() => new()
    {
        { "en", [] },
        { "en", ["", "   ", "\n"] },
        { "und", ["#$%^&*()", "?!?!", "..."] },
        { "xx", ["asdkjh qwe zxcmnb", "Would you like {item}?"] },
        { "en", ["Would you like a ?", "would you like", "?"] },
        { "ru", ["Здравствуйте! Would you like a case? Чехол возьмёте? Yes. Да."] },
        { "en", [string.Concat(Enumerable.Repeat("Would you like a case? No thanks. I am not happy. ", 3000))] },
        { "tr", [.. Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? $"Kılıf {i} ister misiniz?" : "Hayır.")] },
    };

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void Any_transcript_gets_a_result_with_verbatim_evidence(string language, string[] lines)
    {
        var transcript = ScriptTranscripts.Of(language, lines);

        var result = RuleAnalyzer.Analyze(transcript, BuiltInProfiles.Default);

        Assert.False(string.IsNullOrWhiteSpace(result.Summary));
        Assert.InRange(result.QualityScore, 0, 100);
        Assert.Equal(RuleAnalyzer.EngineVersion, result.EngineVersion);
        Assert.All(result.Evidence, e => Assert.Contains(e.Quote, transcript.Text, StringComparison.Ordinal));
        Assert.Equal(result.UpsellAttempted, result.CustomerReaction != CustomerReaction.None);
    }

    [Fact]
    public void Mixed_language_transcript_with_an_unknown_tag_is_read_in_the_language_it_mostly_uses()
    {
        var transcript = new Transcript("whisper", "und", [new(0, 900, "Здравствуйте."), new(1200, 2000, "Возьмёте защитное стекло? OK?"), new(2700, 3200, "Да, давайте.")]);

        var result = RuleAnalyzer.Analyze(transcript, BuiltInProfiles.Default);

        Assert.True(result.UpsellAttempted, result.Summary);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_profile_stored_before_offer_frames_existed_still_loads_and_finds_offers()
    {
        // The shape rules/1 stored: no offerFrames, customerCues, hedges or neutral; categories of its own.
        const string old = """
            {"languages":{"en":{"greetings":["hello"],"upsellOffers":{"subscription":["monthly plan"],"bigger_size":["bigger size"]},
              "accept":["yes"],"decline":["no"],"positive":["great"],"negative":["bad"]}},
             "checklist":[{"id":"offer","title":"Offered","phrases":{"en":["monthly plan"]}}]}
            """;

        var profile = AnalysisProfile.FromJson(old);
        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of("en", "Would you like our monthly plan?", "Yes."), profile);

        Assert.Null(profile.Languages["en"].OfferFrames);
        Assert.Equal(["subscription"], result.OfferedCategories);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
        Assert.Equal([new ChecklistOutcome("offer", true)], result.Checklist);
    }

    [Fact]
    public void A_bad_profile_entry_is_named_in_the_error()
    {
        const string bad = """
            {"languages":{"en":{"greetings":["hello"],"upsellOffers":{"warranty":["warranty"]},"accept":["yes"],"decline":["no", "!!"],
              "positive":[],"negative":[],"offerFrames":["would you like {item}", "would you like"]}},"checklist":[]}
            """;

        var error = Assert.Throws<JsonException>(() => AnalysisProfile.FromJson(bad));

        Assert.Contains("languages.en.decline[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("languages.en.offerFrames[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_profile_is_valid_and_round_trips_through_json()
    {
        Assert.Empty(ProfileValidator.Validate(BuiltInProfiles.Default));
        var back = AnalysisProfile.FromJson(BuiltInProfiles.Default.ToJson());

        Assert.Equal(BuiltInProfiles.Default.Languages["tr"].OfferFrames, back.Languages["tr"].OfferFrames);
        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of("tr", "Kılıf ister misiniz?", "Yok, kalsın."), back);
        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }
}
