using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.OpenAi;
using Iot.TestSupport;
using Iot.Cloud.Pipeline.Transcription;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

public sealed class OpenAiTranscriberTests : IAsyncLifetime
{
    private static readonly DialogueAudio Audio = new(new short[16000 * 2]);
    private readonly FakeOpenAiServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_verbose_json_reply_becomes_utterances_with_their_words_and_a_language_code()
    {
        using var engine = Engine("good", apiKey: "sk-test");

        var transcript = await engine.TranscribeAsync(Audio, "en", CancellationToken.None);

        Assert.Equal("openai", transcript.Engine);
        Assert.Equal("en", transcript.Language);
        Assert.Equal(2, transcript.Utterances.Count);
        Assert.Equal(new Utterance(0, 1500, "Hello there.", transcript.Utterances[0].Words), transcript.Utterances[0]);
        Assert.Equal(["Hello", "there"], transcript.Utterances[0].Words!.Select(w => w.Text));
        Assert.Equal(["Would", "you", "like", "a", "warranty"], transcript.Utterances[1].Words!.Select(w => w.Text));
        Assert.Equal(2900, transcript.Utterances[1].Words![^1].StartMs);
        Assert.Equal("Hello there. Would you like a warranty?", transcript.Text);
    }

    [Fact]
    public void The_segments_average_log_probability_becomes_the_transcript_confidence_weighted_by_length()
    {
        var reply = OpenAiTranscriptionReply.Parse(
            """
            {"language":"russian","segments":[
              {"start":0.0,"end":1.0,"text":"Здравствуйте","avg_logprob":-0.1},
              {"start":1.0,"end":4.0,"text":"чем помочь","avg_logprob":-1.5}]}
            """);
        var plain = OpenAiTranscriptionReply.Parse("""{"segments":[{"start":0.0,"end":1.0,"text":"hi"}]}""");

        // (e^-0.1 x 1 s + e^-1.5 x 3 s) / 4 s
        Assert.Equal(((Math.Exp(-0.1) * 1000) + (Math.Exp(-1.5) * 3000)) / 4000, reply.Confidence!.Value, 1e-9);
        Assert.Null(plain.Confidence);
    }

    [Fact]
    public async Task The_request_is_multipart_with_model_language_verbose_json_both_granularities_the_key_and_a_wav()
    {
        using var engine = Engine("good", apiKey: "sk-test");

        await engine.TranscribeAsync(Audio, "ru", CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/good/v1/audio/transcriptions", request.Path);
        Assert.Equal("Bearer sk-test", request.Authorization);
        Assert.StartsWith("multipart/form-data", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("name=\"model\"\r\n\r\nwhisper-1\r\n", request.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"language\"\r\n\r\nru\r\n", request.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"response_format\"\r\n\r\nverbose_json\r\n", request.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"file\"; filename=\"dialogue.wav\"", request.Body, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(request.Body, "name=\"timestamp_granularities\\[\\]\""));
        Assert.Contains("name=\"timestamp_granularities[]\"\r\n\r\nsegment\r\n", request.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"timestamp_granularities[]\"\r\n\r\nword\r\n", request.Body, StringComparison.Ordinal);
        Assert.Contains("RIFF", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_api_key_no_authorization_header_is_sent()
    {
        using var engine = Engine("good", apiKey: null);

        await engine.TranscribeAsync(Audio, null, CancellationToken.None);

        Assert.Null(Assert.Single(_server.Requests).Authorization);
    }

    [Fact]
    public async Task A_reply_that_is_not_json_is_malformed_and_keeps_the_raw_reply()
    {
        using var engine = Engine("not-json");

        var e = await Assert.ThrowsAsync<MalformedReplyException>(() => engine.TranscribeAsync(Audio, "en", CancellationToken.None));

        Assert.Equal(FakeOpenAiServer.NotJson, e.RawReply);
    }

    [Fact]
    public async Task Segments_without_numeric_times_are_malformed()
    {
        using var engine = Engine("bad-schema");

        var e = await Assert.ThrowsAsync<MalformedReplyException>(() => engine.TranscribeAsync(Audio, "en", CancellationToken.None));

        Assert.Contains("\"zero\"", e.RawReply, StringComparison.Ordinal);
        Assert.Contains("'start'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error500", 500, "model crashed")]
    [InlineData("busy", 429, "Rate limit reached")]
    public async Task Server_errors_and_rate_limits_are_retryable_failures_with_status_and_body(string mode, int status, string body)
    {
        using var engine = Engine(mode);

        var e = await Assert.ThrowsAsync<RemoteServiceException>(() => engine.TranscribeAsync(Audio, "en", CancellationToken.None));

        Assert.Equal(status, (int)e.StatusCode!);
        Assert.True(e.Retryable);
        Assert.Contains(body, e.Message, StringComparison.Ordinal);
        Assert.Contains(body, e.BodyExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_api_key_makes_the_engine_unavailable_naming_the_key_setting()
    {
        using var engine = Engine("unauthorized", apiKey: "sk-wrong");

        var e = await Assert.ThrowsAsync<TranscriberUnavailableException>(() => engine.TranscribeAsync(Audio, "en", CancellationToken.None));

        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:Transcription:OpenAi:ApiKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_slower_than_the_timeout_gives_a_timeout_naming_the_setting()
    {
        var time = new FakeTimeProvider();
        using var engine = Engine("slow", time: time, timeoutSeconds: 30);

        var call = engine.TranscribeAsync(Audio, "en", CancellationToken.None);
        await _server.FirstRequest.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(31));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Pipeline:Transcription:OpenAi:TimeoutSeconds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_job_cancels_the_request()
    {
        using var engine = Engine("slow");
        using var cts = new CancellationTokenSource();

        var call = engine.TranscribeAsync(Audio, "en", cts.Token);
        await _server.FirstRequest.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private OpenAiTranscriber Engine(string mode, string? apiKey = null, TimeProvider? time = null, int timeoutSeconds = 60) =>
        new(Options.Create(new TranscriptionOptions
        {
            Engine = "openai",
            OpenAi = new OpenAiTranscriptionOptions { BaseUrl = _server.Mode(mode), ApiKey = apiKey, TimeoutSeconds = timeoutSeconds },
        }), time ?? TimeProvider.System);
}
