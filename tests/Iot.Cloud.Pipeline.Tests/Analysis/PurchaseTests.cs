using System.Text.Json;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Analysis.Hybrid;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>
/// The purchase verdict (issue 19, missed opportunities) of each engine. The per-language dialogues are new sentences,
/// not the dev corpus lines the cue lists were written from.
/// </summary>
public sealed class PurchaseTests : IAsyncLifetime
{
    private readonly FakeOpenAiServer _server = new();
    private readonly PipelineMetrics _pipelineMetrics = new();
    private readonly HybridMetrics _hybridMetrics = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pipelineMetrics.Dispose();
        _hybridMetrics.Dispose();
    }

    [Theory]
    [InlineData("en", "I'll take the", "Morning.", "Do you have these mugs in blue?", "Yes, top shelf.", "Lovely, I'll take the blue one then.")]
    [InlineData("ru", "Сколько стоят", "Здравствуйте.", "Сколько стоят эти наушники?", "Две тысячи.", "Спасибо.")]
    [InlineData("uz", "necha pul", "Salom.", "Bu sumka necha pul?", "Ellik ming so'm.", "Rahmat.")]
    [InlineData("az", "neçəyədir", "Salam.", "Bu çətir neçəyədir?", "On manat.", "Sağ olun.")]
    [InlineData("tr", "fiyatı", "Merhaba.", "Şu şemsiyenin fiyatı nedir?", "Yüz lira.", "Teşekkürler.")]
    public void A_customer_pricing_or_ordering_something_is_a_purchase_with_its_quote(string language, string quote, params string[] lines)
    {
        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

        Assert.True(result.Purchase);
        Assert.False(result.UpsellAttempted);
        Assert.Contains(new EvidenceQuote("purchase", quote), result.Evidence);
        Assert.Equal("rules/6", result.EngineVersion);
    }

    [Theory]
    [InlineData("en", "Hi, this kettle stopped working after a week.", "Sorry about that, we'll replace it.", "Thanks.")]
    [InlineData("ru", "Этот чайник сломался через неделю.", "Извините, заменим.", "Спасибо.")]
    [InlineData("uz", "Bu choynak bir haftada buzildi.", "Uzr, almashtirib beramiz.", "Rahmat.")]
    [InlineData("az", "Bu çaydan bir həftəyə xarab oldu.", "Üzr istəyirik, dəyişərik.", "Sağ olun.")]
    [InlineData("tr", "Bu çaydanlık bir haftada bozuldu.", "Özür dileriz, değiştiririz.", "Teşekkürler.")]
    [InlineData("ru", "Покажите вот тот чайник.", "Вот, пожалуйста.", "Нет, не беру.")]
    public void A_complaint_a_swap_or_a_refusal_is_judged_no_purchase_not_left_unjudged(string language, params string[] lines)
    {
        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

        Assert.False(result.Purchase);
        Assert.DoesNotContain(result.Evidence, e => e.Claim == "purchase");
    }

    [Fact]
    public void An_accepted_offer_is_a_purchase_quoted_by_the_accepting_words()
    {
        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of("en", "Would you like a screen protector with it?", "Yes please."), BuiltInProfiles.Default);

        Assert.Equal(CustomerReaction.Accepted, Assert.Single(result.Offers!).Reaction);
        Assert.True(result.Purchase);
        Assert.Contains(new EvidenceQuote("purchase", "Yes please"), result.Evidence);
    }

    [Fact]
    public void A_tenant_profile_replaces_the_built_in_purchase_phrases_and_keeps_them_through_json()
    {
        var en = BuiltInProfiles.Default.Languages["en"] with { Purchase = ["put it on my tab"] };
        var profile = AnalysisProfile.FromJson(new AnalysisProfile(
            new Dictionary<string, LanguagePhrases> { ["en"] = en }, BuiltInProfiles.Default.Checklist).ToJson());

        var tab = RuleAnalyzer.Analyze(ScriptTranscripts.Of("en", "How much is the lemon cake?", "Three pounds.", "Lovely, put it on my tab."), profile);
        var asked = RuleAnalyzer.Analyze(ScriptTranscripts.Of("en", "How much is the lemon cake?", "Three pounds."), profile);

        Assert.Equal(["put it on my tab"], profile.Languages["en"].Purchase);
        Assert.True(tab.Purchase);
        Assert.Equal("put it on my tab", Assert.Single(tab.Evidence, e => e.Claim == "purchase").Quote);
        // "how much" is a built-in cue; this tenant's list does not have it.
        Assert.False(asked.Purchase);
        Assert.True(RuleAnalyzer.Analyze(ScriptTranscripts.Of("en", "How much is the lemon cake?", "Three pounds."), BuiltInProfiles.Default).Purchase);
    }

    [Fact]
    public void A_profile_stored_before_purchase_cues_existed_uses_the_built_in_ones()
    {
        const string old = """
            {"languages":{"en":{"greetings":["hello"],"upsellOffers":{"warranty":["warranty"]},
              "accept":["yes"],"decline":["no"],"positive":["great"],"negative":["bad"]}},"checklist":[]}
            """;

        var profile = AnalysisProfile.FromJson(old);
        var result = RuleAnalyzer.Analyze(ScriptTranscripts.Of("en", "How much is the kettle?", "Twenty."), profile);

        Assert.Null(profile.Languages["en"].Purchase);
        Assert.True(result.Purchase);
    }

    [Fact]
    public void A_bad_purchase_phrase_is_named_in_the_validation_error()
    {
        const string bad = """
            {"languages":{"uz":{"greetings":["salom"],"upsellOffers":{},"accept":["ha"],"decline":["yo'q"],
              "positive":[],"negative":[],"purchase":["olaman", "!!", "ol*aman"]}},"checklist":[]}
            """;

        var error = Assert.Throws<JsonException>(() => AnalysisProfile.FromJson(bad));

        Assert.Contains("languages.uz.purchase[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("languages.uz.purchase[2]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("purchase[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_llm_engine_reads_items_and_purchase_and_leaves_purchase_unjudged_when_the_reply_has_none()
    {
        var input = new AnalysisInput("t1", ScriptTranscripts.Of("en", "Hello!", "Would you like an extended warranty?", "Yes please, I'll take it."), BuiltInProfiles.Default);
        const string common = """
            "upsell_attempted":true,"offered_categories":["warranty"],"customer_reaction":"accepted",
            "checklist":[{"item_id":"greeting","met":true},{"item_id":"offer","met":true},{"item_id":"farewell","met":false}],
            "sentiment":"neutral","sentiment_score":0.1,"summary":"Warranty offered and taken."
            """;
        _server.ChatContent = "{" + common + """
            ,"evidence":[{"claim":"purchase","quote":"I'll take it"}],
            "offered_items":[{"item":"an extended warranty","category":"warranty","reaction":"accepted"}],"purchase":true}
            """;
        using var engine = Llm();

        var judged = await engine.AnalyzeAsync(input, CancellationToken.None);
        _server.ChatContent = "{" + common + ""","evidence":[]}""";
        var older = await engine.AnalyzeAsync(input, CancellationToken.None);

        Assert.True(judged.Purchase);
        Assert.Equal([new OfferedItem("an extended warranty", "warranty", CustomerReaction.Accepted)], judged.Offers);
        Assert.Contains(new EvidenceQuote("purchase", "I'll take it"), judged.Evidence);
        Assert.Null(older.Purchase);
        Assert.Empty(older.Offers!);
        using var schema = JsonDocument.Parse(_server.Requests.First().Body);
        var properties = schema.RootElement.GetProperty("response_format").GetProperty("json_schema").GetProperty("schema").GetProperty("properties");
        Assert.True(properties.TryGetProperty("offered_items", out _));
        Assert.True(properties.TryGetProperty("purchase", out _));
    }

    [Fact]
    public async Task The_hybrid_engine_keeps_a_purchase_cue_but_drops_a_purchase_that_rested_on_an_offer_the_model_rejected()
    {
        string[] cue = ["Just this phone, please.", "Sure, that's four hundred.", "Would you like a screen protector with it?", "Yes please."];
        string[] offerOnly = ["Would you like a screen protector with it?", "Yes please.", "Great, all done."];
        _server.ChatResponder = HybridAnalyzerTests.Reply(_ => null);
        using var engine = Hybrid();

        var withCue = await engine.AnalyzeAsync(En(cue), CancellationToken.None);
        var rejected = await engine.AnalyzeAsync(En(offerOnly), CancellationToken.None);
        _server.ChatResponder = HybridAnalyzerTests.Reply(c => HybridAnalyzerTests.Confirm(c.Id, "screen protector", "accessories", "accepted", "Yes please"));
        var confirmed = await engine.AnalyzeAsync(En(offerOnly), CancellationToken.None);

        Assert.True(RuleAnalyzer.Analyze(En(offerOnly).Transcript, BuiltInProfiles.Default).Purchase);
        Assert.True(withCue.Purchase);
        Assert.Equal("Just this", Assert.Single(withCue.Evidence, e => e.Claim == "purchase").Quote);
        Assert.False(rejected.Purchase);
        Assert.DoesNotContain(rejected.Evidence, e => e.Claim == "purchase");
        Assert.True(confirmed.Purchase);
        Assert.Equal("Yes please", Assert.Single(confirmed.Evidence, e => e.Claim == "purchase").Quote);
        Assert.Equal("hybrid/rules-6+test-model", confirmed.EngineVersion);
    }

    private static AnalysisInput En(string[] lines) => new("t1", ScriptTranscripts.Of("en", lines), BuiltInProfiles.Default);

    private LlmAnalyzer Llm() =>
        new(Options.Create(new AnalysisOptions { Engine = "llm", BaseUrl = _server.Mode("good"), Model = "test-model", TimeoutSeconds = 20 }), TimeProvider.System);

    private HybridAnalyzer Hybrid() =>
        new(Options.Create(new AnalysisOptions { Engine = "hybrid", BaseUrl = _server.Mode("good"), Model = "test-model", TimeoutSeconds = 20, Hybrid = new HybridOptions() }),
            TimeProvider.System, _pipelineMetrics, _hybridMetrics, NullLogger<HybridAnalyzer>.Instance);
}
