using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

/// <summary>
/// Issue 16 item 9: a device whose staff speak Russian and Turkish must not get English words from an English-only
/// recogniser scored as if they were right. Languages come from the device's desired config, its branch or its tenant.
/// </summary>
public sealed class SpokenLanguageTranscriptionTests
{
    private static readonly FakeTimeProvider NextDay = new(new DateTimeOffset(T0.AddDays(1)));

    private static Transcript Heard(string engine, string language, double? confidence = null) =>
        new(engine, language, [new Utterance(100, 900, "Здравствуйте, чем помочь?")], confidence);

    [Fact]
    public async Task An_engine_without_a_model_for_the_branch_languages_leaves_the_dialogue_waiting_and_says_which_language_is_missing()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        await db.ExecuteAsync("INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages) VALUES ('b1', 't1', '{ru,tr}')");
        var (handlers, dialogueId) = await OneDialogueAsync(db, storage);
        var englishOnly = new RecordingTranscriber(Heard("pocketsphinx", "en"), languages: ["en"]);

        var outcome = await handlers.Transcribe(englishOnly).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None);

        var waiting = Assert.IsType<JobOutcome.Waiting>(outcome);
        Assert.StartsWith("no transcriber for ru, tr: engine 'pocketsphinx'", waiting.Reason, StringComparison.Ordinal);
        Assert.Contains("set for the branch", waiting.Reason, StringComparison.Ordinal);
        Assert.Empty(englishOnly.Calls);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM transcripts"));
        Assert.Equal("closed", Assert.Single(await DialogueRows.DialoguesAsync(db)).Status);
    }

    [Fact]
    public async Task The_device_desired_config_wins_over_the_branch_and_the_tenant()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        await db.ExecuteAsync(
            """
            INSERT INTO tenant_settings (tenant_id, spoken_languages, transcription_language) VALUES ('t1', '{en}', 'de');
            INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages) VALUES ('b1', 't1', '{ru}');
            INSERT INTO device_configs (device_id, desired_version, desired) VALUES ('d1', 3, '{"version":3,"issuedAtUtc":"2026-12-01T00:00:00+00:00","spokenLanguages":["tr"]}');
            """);
        var (handlers, dialogueId) = await OneDialogueAsync(db, storage);
        var engine = new RecordingTranscriber(Heard("whisper", "tr", 0.8));

        Assert.Equal(JobOutcome.Done, await handlers.Transcribe(engine).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None));

        Assert.Equal("tr", Assert.Single(engine.Calls).Language);
        Assert.Null(await db.ScalarAsync<string?>("SELECT low_confidence FROM transcripts"));
    }

    [Fact]
    public async Task With_the_branch_unset_the_tenant_languages_apply_before_its_older_single_language()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, spoken_languages, transcription_language) VALUES ('t1', '{uz}', 'ru')");
        var (handlers, dialogueId) = await OneDialogueAsync(db, storage);
        var engine = new RecordingTranscriber(Heard("whisper", "uz", 0.8));

        await handlers.Transcribe(engine).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None);

        Assert.Equal("uz", Assert.Single(engine.Calls).Language);
    }

    [Fact]
    public async Task With_several_languages_an_identifying_engine_picks_among_them_and_transcribes_in_the_one_it_picked()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        await db.ExecuteAsync("INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages) VALUES ('b1', 't1', '{ru,tr}')");
        var (handlers, dialogueId) = await OneDialogueAsync(db, storage);
        var engine = new IdentifyingTranscriber(Heard("whisper", "tr", 0.7), identified: "tr");

        await handlers.Transcribe(engine).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None);

        Assert.Equal(["ru", "tr"], Assert.Single(engine.Identifications));
        Assert.Equal("tr", Assert.Single(engine.Calls).Language);
    }

    [Fact]
    public async Task With_several_languages_an_engine_that_can_neither_identify_nor_detect_waits()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        await db.ExecuteAsync("INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages) VALUES ('b1', 't1', '{ru,tr}')");
        var (handlers, dialogueId) = await OneDialogueAsync(db, storage);
        var engine = new RecordingTranscriber(Heard("fixed", "ru"), languages: ["ru", "tr"], detects: false);

        var outcome = await handlers.Transcribe(engine).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None);

        Assert.Contains("cannot tell these languages apart", Assert.IsType<JobOutcome.Waiting>(outcome).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.30, "recogniser confidence 0.30 is below 0.45")]
    [InlineData(0.80, null)]
    [InlineData(null, null)]
    public async Task A_transcript_the_recogniser_was_unsure_of_is_stored_flagged_and_its_analysis_is_flagged_too(double? confidence, string? flag)
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        var (handlers, dialogueId) = await OneDialogueAsync(db, storage);

        await handlers.Transcribe(new RecordingTranscriber(Heard("whisper", "ru", confidence))).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None);
        var analysed = await handlers.Analyze(new RuleAnalyzer(), BuiltInProfiles.Default).HandleAsync(Handlers.Job(JobKinds.Analyze, PipelinePayloads.Dialogue(dialogueId)), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, analysed);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM analyses"));

        Assert.Equal(flag, await db.ScalarAsync<string?>("SELECT low_confidence FROM transcripts"));
        Assert.Equal(flag, await db.ScalarAsync<string?>("SELECT low_confidence FROM analyses"));
        Assert.Equal(confidence is null ? null : (float?)confidence, await db.ScalarAsync<float?>("SELECT confidence FROM transcripts"));
    }

    [Fact]
    public async Task A_device_transcript_in_a_language_nobody_at_the_branch_speaks_is_flagged()
    {
        await using var db = await CreateAsync();
        await db.ExecuteAsync("INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages) VALUES ('b1', 't1', '{ru,tr}')");
        var handlers = new Handlers(db, NextDay);
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000)) { Transcript = new ChunkTranscript("en", [new(10_000, 20_000, "Hello there.")]) });
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));

        Assert.Equal(JobOutcome.Done, await handlers.Transcribe().HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogue.DialogueId), CancellationToken.None));

        Assert.Equal("transcript is in 'en' but the spoken languages here are ru, tr", await db.ScalarAsync<string?>("SELECT low_confidence FROM transcripts"));
    }

    [Fact]
    public async Task Branch_settings_cannot_be_written_for_a_branch_of_another_tenant()
    {
        await using var db = await CreateAsync();

        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.ExecuteAsync(
            "INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages) VALUES ('b1', 't2', '{ru}')"));

        Assert.Contains("is not a branch of tenant t2", ex.MessageText, StringComparison.Ordinal);
    }

    private static async Task<(Handlers Handlers, Guid DialogueId)> OneDialogueAsync(PipelineDatabase db, TempDirectory storage)
    {
        var handlers = new Handlers(db, NextDay, storageRoot: storage.Path);
        await TranscribeHandlerTests.AddChunkWithAudioAsync(db, storage, 0, 5_000, new SpeechSegment(1_000, 3_000));
        await handlers.BuildAsync();
        return (handlers, Assert.Single(await DialogueRows.DialoguesAsync(db)).DialogueId);
    }
}
