using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription.Biasing;

namespace Iot.Cloud.Pipeline.Tests.Transcription.Biasing;

public sealed class WhisperPromptTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    [InlineData("tr")]
    [InlineData("az")]
    [InlineData("uz")]
    public void The_prompt_stays_within_the_token_budget_whatever_the_language(string language)
    {
        foreach (var budget in new[] { 8, 40, 120, 200, 224 })
        {
            var prompt = WhisperPrompt.Build(BuiltInProfiles.Default, language, budget);

            Assert.NotNull(prompt);
            Assert.InRange(WhisperPrompt.EstimateTokens(prompt), 1, budget);
        }

        // A budget above Whisper's own limit is held to the limit.
        Assert.InRange(WhisperPrompt.EstimateTokens(WhisperPrompt.Build(BuiltInProfiles.Default, language, 10_000)!), 1, WhisperPrompt.MaxTokens);
    }

    [Fact]
    public void The_estimate_never_undercounts_non_latin_text()
    {
        // Byte-level BPE gives Cyrillic one to two tokens per letter; the estimate counts one per letter at least.
        Assert.True(WhisperPrompt.EstimateTokens("гарантия") >= 8);
        Assert.InRange(WhisperPrompt.EstimateTokens("extended warranty"), 6, 17);
    }

    [Fact]
    public void The_prompt_is_in_the_dialogues_language_and_made_of_the_profiles_words()
    {
        var ru = WhisperPrompt.Build(BuiltInProfiles.Default, "ru", 200)!;
        var en = WhisperPrompt.Build(BuiltInProfiles.Default, "en-US", 200)!;

        Assert.Contains("гарант", ru, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("warranty", ru, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("warranty", en, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("extended warranty", en, StringComparison.OrdinalIgnoreCase);
        // A frame's own punctuation ("." marks a sentence end) is not written into the example sentences.
        Assert.DoesNotContain(" .", en, StringComparison.Ordinal);
        Assert.DoesNotContain("..", en, StringComparison.Ordinal);
        Assert.DoesNotContain("{item}", en, StringComparison.Ordinal);
        Assert.DoesNotContain("*", en, StringComparison.Ordinal);
        Assert.DoesNotContain("|", en, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tenants_own_products_and_frames_make_the_prompt()
    {
        var profile = new AnalysisProfile(
            new Dictionary<string, LanguagePhrases>
            {
                ["en"] = new(["hello"], new Dictionary<string, IReadOnlyList<string>> { ["lenses"] = ["telephoto lens", "macro ring*"] }, ["yes"], ["no"], ["great"], ["bad"],
                    OfferFrames: ["can|could i ?also tempt_you_with {item} ??"]),
            },
            []);

        var prompt = WhisperPrompt.Build(profile, "en", 200);

        Assert.Equal("Can I tempt you with telephoto lens? Telephoto lens, macro ring.", prompt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    [InlineData("de")]
    public void Without_a_known_language_there_is_no_prompt_to_steer_language_detection(string? language)
    {
        Assert.Null(WhisperPrompt.Build(BuiltInProfiles.Default, language, 200));
    }
}
