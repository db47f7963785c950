using System.Text.Json;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.OpenAi;
using Iot.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

public sealed class LlmAnalyzerTests : IAsyncLifetime
{
    private const string GoodReply = """
        {"upsell_attempted":true,"offered_categories":["warranty"],"customer_reaction":"accepted",
         "checklist":[{"item_id":"greeting","met":true},{"item_id":"offer","met":true},{"item_id":"farewell","met":false}],
         "sentiment":"positive","sentiment_score":0.6,"summary":"Warranty offered and accepted.",
         "evidence":[{"claim":"upsell","quote":"extended warranty"},{"claim":"reaction","quote":"Yes please"}]}
        """;

    private static readonly AnalysisInput Input = new("t1",
        ScriptTranscripts.Of("en", "Hello!", "Would you like an extended warranty?", "Yes please, great."), BuiltInProfiles.Default);

    private readonly FakeOpenAiServer _server = new() { ChatContent = GoodReply };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_valid_reply_becomes_a_result_with_the_shared_quality_formula()
    {
        using var engine = Engine("good", apiKey: "sk-llm");

        var result = await engine.AnalyzeAsync(Input, CancellationToken.None);

        Assert.True(result.UpsellAttempted);
        Assert.Equal(["warranty"], result.OfferedCategories);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
        Assert.Equal(SentimentLabel.Positive, result.Sentiment);
        Assert.Equal(0.6, result.SentimentScore);
        Assert.Equal(QualityScore.Compute(result.Checklist, true, 0.6), result.QualityScore);
        Assert.Equal([new EvidenceQuote("upsell", "extended warranty"), new EvidenceQuote("reaction", "Yes please")], result.Evidence);
    }

    [Fact]
    public async Task The_request_asks_for_a_strict_json_schema_reply_with_the_transcript_and_checklist()
    {
        using var engine = Engine("good", apiKey: "sk-llm");

        await engine.AnalyzeAsync(Input, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/good/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-llm", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        var format = body.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.True(format.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.False(format.GetProperty("json_schema").GetProperty("schema").GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("test-model", body.RootElement.GetProperty("model").GetString());
        var user = body.RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.Contains("Would you like an extended warranty?", user, StringComparison.Ordinal);
        Assert.Contains("farewell", user, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_that_is_not_json_is_malformed_and_keeps_the_raw_reply()
    {
        using var engine = Engine("not-json");

        var e = await Assert.ThrowsAsync<MalformedReplyException>(() => engine.AnalyzeAsync(Input, CancellationToken.None));

        Assert.Equal(FakeOpenAiServer.NotJson, e.RawReply);
    }

    [Theory]
    [InlineData("""{"upsell_attempted":"yes"}""", "missing properties")]
    [InlineData("this is not json {", "not JSON")]
    [InlineData("""{"upsell_attempted":true,"offered_categories":["warranty"],"customer_reaction":"maybe","checklist":[{"item_id":"greeting","met":true},{"item_id":"offer","met":true},{"item_id":"farewell","met":false}],"sentiment":"positive","sentiment_score":0.6,"summary":"s","evidence":[]}""", "customer_reaction 'maybe'")]
    [InlineData("""{"upsell_attempted":true,"offered_categories":["warranty"],"customer_reaction":"accepted","checklist":[{"item_id":"greeting","met":true}],"sentiment":"positive","sentiment_score":0.6,"summary":"s","evidence":[]}""", "checklist must have exactly")]
    [InlineData("""{"upsell_attempted":true,"offered_categories":["warranty"],"customer_reaction":"accepted","checklist":[{"item_id":"greeting","met":true},{"item_id":"offer","met":true},{"item_id":"farewell","met":false}],"sentiment":"positive","sentiment_score":7,"summary":"s","evidence":[]}""", "sentiment_score 7 is outside")]
    [InlineData("""{"upsell_attempted":true,"offered_categories":["jetpack"],"customer_reaction":"accepted","checklist":[{"item_id":"greeting","met":true},{"item_id":"offer","met":true},{"item_id":"farewell","met":false}],"sentiment":"positive","sentiment_score":0.5,"summary":"s","evidence":[],"extra":1}""", "unexpected properties: extra")]
    public async Task A_json_reply_that_fails_the_schema_is_malformed_and_keeps_the_raw_reply(string content, string problem)
    {
        _server.BadSchemaContent = content;
        using var engine = Engine("bad-schema");

        var e = await Assert.ThrowsAsync<MalformedReplyException>(() => engine.AnalyzeAsync(Input, CancellationToken.None));

        Assert.Equal(content, e.RawReply);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_that_is_not_verbatim_in_the_transcript_is_malformed()
    {
        using var engine = Engine("bad-quote");

        var e = await Assert.ThrowsAsync<MalformedReplyException>(() => engine.AnalyzeAsync(Input, CancellationToken.None));

        Assert.Contains("'premium warranty' is not verbatim", e.Message, StringComparison.Ordinal);
        Assert.Contains("premium warranty", e.RawReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_a_retryable_failure_with_status_and_body()
    {
        using var engine = Engine("error500");

        var e = await Assert.ThrowsAsync<RemoteServiceException>(() => engine.AnalyzeAsync(Input, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.True(e.Retryable);
        Assert.Contains("model crashed", e.BodyExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_key_is_a_non_retryable_failure_naming_the_key_setting()
    {
        using var engine = Engine("unauthorized");

        var e = await Assert.ThrowsAsync<RemoteServiceException>(() => engine.AnalyzeAsync(Input, CancellationToken.None));

        Assert.False(e.Retryable);
        Assert.True(e.IsAuthenticationFailure);
        Assert.Contains("check Pipeline:Analysis:ApiKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_slower_than_the_timeout_gives_a_timeout()
    {
        var time = new FakeTimeProvider();
        using var engine = Engine("slow", time: time);

        var call = engine.AnalyzeAsync(Input, CancellationToken.None);
        await _server.FirstRequest.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(200);
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Pipeline:Analysis:TimeoutSeconds", e.Message, StringComparison.Ordinal);
    }

    private LlmAnalyzer Engine(string mode, string? apiKey = null, TimeProvider? time = null) =>
        new(Options.Create(new AnalysisOptions { Engine = "llm", BaseUrl = _server.Mode(mode), Model = "test-model", ApiKey = apiKey, TimeoutSeconds = 20 }),
            time ?? TimeProvider.System);
}
