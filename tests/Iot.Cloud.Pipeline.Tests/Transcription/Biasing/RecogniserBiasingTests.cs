using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Audio;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Cloud.Pipeline.Transcription.Biasing;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Transcription.Biasing;

/// <summary>Configuration of recogniser biasing, and the tenant profile reaching the engine through the transcribe job.</summary>
public sealed class RecogniserBiasingTests
{
    [Theory]
    [InlineData("whisper", "Whisper:PromptMaxTokens", "0", "Pipeline:Transcription:Whisper:PromptMaxTokens 0 must be 1..224")]
    [InlineData("whisper", "Whisper:PromptMaxTokens", "300", "Pipeline:Transcription:Whisper:PromptMaxTokens 300 must be 1..224")]
    [InlineData("pocketsphinx", "PocketSphinx:DomainLm:GeneralWeight", "1", "Pipeline:Transcription:PocketSphinx:DomainLm:GeneralWeight 1 must be at least 0 and below 1")]
    [InlineData("pocketsphinx", "PocketSphinx:DomainLm:GeneralWords", "-1", "Pipeline:Transcription:PocketSphinx:DomainLm:GeneralWords -1 must be 0..1000000")]
    [InlineData("pocketsphinx", "PocketSphinx:DomainLm:CacheDirectory", "lm-cache", "Pipeline:Transcription:PocketSphinx:DomainLm:CacheDirectory 'lm-cache' must be an absolute path")]
    [InlineData("pocketsphinx", "PocketSphinx:DomainLm:CorpusFiles:0", " ", "Pipeline:Transcription:PocketSphinx:DomainLm:CorpusFiles has an empty entry")]
    [InlineData("none", "ProfileCacheSeconds", "0", "Pipeline:Transcription:ProfileCacheSeconds 0 must be 1..86400")]
    public void A_bad_biasing_setting_fails_start_up_validation_naming_its_key(string engine, string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Transcription:Engine"] = engine,
            ["Pipeline:Transcription:Whisper:ModelPath"] = "/models/ggml-small.bin",
            ["Pipeline:Transcription:PocketSphinx:DomainLm:Enabled"] = "true",
            [$"Pipeline:Transcription:{key}"] = value,
        }).Build();
        using var provider = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddTranscription(configuration).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value);

        Assert.Contains(message, e.Failures);
    }

    [Fact]
    public void Biasing_settings_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Transcription:Engine"] = "pocketsphinx",
            ["Pipeline:Transcription:PocketSphinx:DomainLm:Enabled"] = "true",
            ["Pipeline:Transcription:PocketSphinx:DomainLm:CorpusFiles:0"] = "/srv/shop-talk.txt",
            ["Pipeline:Transcription:PocketSphinx:DomainLm:GeneralWeight"] = "0.2",
            ["Pipeline:Transcription:Whisper:ProfilePrompt"] = "false",
        }).Build();
        using var provider = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddTranscription(configuration).BuildServiceProvider();

        var o = provider.GetRequiredService<IOptions<TranscriptionOptions>>().Value;

        Assert.True(o.PocketSphinx.DomainLm.Enabled);
        Assert.Equal(["/srv/shop-talk.txt"], o.PocketSphinx.DomainLm.CorpusFiles);
        Assert.Equal(0.2, o.PocketSphinx.DomainLm.GeneralWeight);
        Assert.False(o.Whisper.ProfilePrompt);
    }

    [Fact]
    public async Task The_tenants_profile_reaches_the_recogniser_and_is_read_once_per_cache_period()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var handlers = new Handlers(db, time, storageRoot: storage.Path);
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, analysis_profile) VALUES ('t1', @json::jsonb)", new { json = Profile("tenant-item").ToJson() });
        await TranscribeHandlerTests.AddChunkWithAudioAsync(db, storage, 0, 5_000, new SpeechSegment(1_000, 2_000));
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        var cache = new TenantProfileCache(db.DataSource, [Profile("default-item")], Options.Create(new TranscriptionOptions { ProfileCacheSeconds = 60 }), time, NullLogger<TenantProfileCache>.Instance);
        var transcriber = new HintedTranscriber();
        var handler = new TranscribeHandler(db.DataSource, db.Queue, [transcriber], new DialogueAudioAssembler(handlers.Storage),
            Options.Create(handlers.DialogueOptions), Options.Create(new TranscriptionOptions()), time, NullLogger<TranscribeHandler>.Instance, cache);

        Assert.Equal(JobOutcome.Done, await handler.HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogue.DialogueId), CancellationToken.None));

        var hints = Assert.Single(transcriber.Hints);
        Assert.Equal(("t1", "tenant-item"), (hints!.TenantId, hints.Profile.Checklist[0].Id));
        await cache.HintsAsync("t1", CancellationToken.None);
        Assert.Equal(1, cache.Reads);
        time.Advance(TimeSpan.FromSeconds(61));
        await cache.HintsAsync("t1", CancellationToken.None);
        Assert.Equal(2, cache.Reads);
        // A tenant without a profile is biased with the default one.
        Assert.Equal("default-item", (await cache.HintsAsync("t-other", CancellationToken.None))!.Profile.Checklist[0].Id);
    }

    private static AnalysisProfile Profile(string checklistId) => new(
        new Dictionary<string, LanguagePhrases>
        {
            ["en"] = new(["hello"], new Dictionary<string, IReadOnlyList<string>> { ["warranty"] = ["warranty"] }, ["yes"], ["no"], ["thanks"], ["bad"]),
        },
        [new ChecklistItem(checklistId, "Greets the customer", new Dictionary<string, IReadOnlyList<string>> { ["en"] = ["hello"] })]);

    private sealed class HintedTranscriber : ITranscriber
    {
        public string Engine => "hinted";

        public List<RecognitionHints?> Hints { get; } = [];

        public bool Supports(string? language) => true;

        public Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken) =>
            TranscribeAsync(audio, language, null, cancellationToken);

        public Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, RecognitionHints? hints, CancellationToken cancellationToken)
        {
            Hints.Add(hints);
            return Task.FromResult(new Transcript(Engine, "en", [new Utterance(0, 500, "hello")]));
        }
    }
}
