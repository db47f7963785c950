using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

public sealed class TranscribeHandlerTests
{
    private static readonly FakeTimeProvider NextDay = new(new DateTimeOffset(T0.AddDays(1)));

    [Fact]
    public async Task Device_transcripts_become_the_dialogue_transcript_on_the_dialogue_timeline()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, NextDay);
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000), new SpeechSegment(55_000, 59_000))
        {
            Transcript = new ChunkTranscript("en", [new(10_000, 15_000, " Hello there."), new(15_000, 20_000, "How can I help?"), new(55_000, 59_000, "Bye.")]),
        });
        await db.InsertChunkAsync(new TestChunk(1, new SpeechSegment(1_000, 3_000)) { Transcript = new ChunkTranscript("en", [new(1_000, 3_000, "Thanks.")]) });
        await handlers.BuildAsync();
        var first = (await DialogueRows.DialoguesAsync(db))[0];

        var outcome = await handlers.Transcribe().HandleAsync(TranscribeJob(first.DialogueId), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        var stored = await TranscriptAsync(db, first.DialogueId);
        Assert.Equal(("device", "en", "Hello there. How can I help?"), (stored.Engine, stored.Language, stored.Text));
        Assert.Equal([(250, 5_250, "Hello there."), (5_250, 10_250, "How can I help?")], stored.Utterances.Select(u => (u.StartMs, u.EndMs, u.Text)));
        Assert.Equal("transcribed", (await DialogueRows.DialoguesAsync(db))[0].Status);
        var analyze = Assert.Single(await db.JobsAsync(JobKinds.Analyze));
        Assert.Equal((first.DialogueId.ToString(), true), (analyze.DedupKey, analyze.IsFresh));
    }

    [Fact]
    public async Task A_deleted_dialogue_is_not_transcribed_and_restoring_it_queues_its_waiting_job_again()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, NextDay);
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000)) { Transcript = new ChunkTranscript("en", [new(10_000, 20_000, "Hello.")]) });
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(1, await Iot.Cloud.Data.Dialogues.DialogueDeletion.SoftDeleteAsync(connection, null, Tenant, dialogue.DialogueId, "alice@t1", "recorded by mistake", NextDay.GetUtcNow(), CancellationToken.None));

        var outcome = await handlers.Transcribe().HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        var waiting = Assert.IsType<JobOutcome.Waiting>(outcome);
        Assert.Equal(Iot.Cloud.Pipeline.Dialogues.DeletedDialogue.WaitReason, waiting.Reason);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM transcripts"));
        // Parked as the worker parks it; the restore must wake it whoever restores (dashboard or admin API).
        await db.ExecuteAsync("UPDATE jobs SET status = 'waiting', wait_reason = 'dialogue deleted: restoring it resumes this job' WHERE kind = 'transcribe'");

        Assert.Equal(1, await Iot.Cloud.Data.Dialogues.DialogueDeletion.RestoreAsync(connection, null, Tenant, dialogue.DialogueId, "bob@t1", NextDay.GetUtcNow(), CancellationToken.None));

        var job = await db.ScalarAsync<string>("SELECT status || '/' || coalesce(wait_reason, '') FROM jobs WHERE kind = 'transcribe'");
        Assert.Equal("queued/", job);
        Assert.Equal(JobOutcome.Done, await handlers.Transcribe().HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM transcripts"));
    }

    [Fact]
    public async Task Without_a_transcriber_a_dialogue_that_needs_cloud_transcription_waits_visibly()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, NextDay);
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(40_000, 50_000)) { Transcript = new ChunkTranscript("en", [new(40_000, 50_000, "Hello.")]) });
        await db.InsertChunkAsync(new TestChunk(1, new SpeechSegment(1_000, 3_000)));
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));

        var outcome = await handlers.Transcribe().HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        var waiting = Assert.IsType<JobOutcome.Waiting>(outcome);
        Assert.StartsWith("no transcriber configured:", waiting.Reason, StringComparison.Ordinal);
        Assert.Equal("closed", Assert.Single(await DialogueRows.DialoguesAsync(db)).Status);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM transcripts"));
    }

    [Fact]
    public async Task A_transcriber_whose_model_is_missing_makes_the_job_wait_with_the_reason()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        var handlers = new Handlers(db, NextDay, storageRoot: storage.Path);
        await AddChunkWithAudioAsync(db, storage, 0, 5_000, new SpeechSegment(1_000, 2_000));
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));

        var outcome = await handlers.Transcribe(new MissingModelTranscriber()).HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        var waiting = Assert.IsType<JobOutcome.Waiting>(outcome);
        Assert.StartsWith("no transcriber configured:", waiting.Reason, StringComparison.Ordinal);
        Assert.Contains("ggml-small.bin", waiting.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_transcriber_hears_the_padded_segments_of_every_chunk_back_to_back_in_the_tenant_language()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, transcription_language) VALUES ('t1', 'ru')");
        var handlers = new Handlers(db, NextDay, storageRoot: storage.Path);
        await AddChunkWithAudioAsync(db, storage, 0, 5_000, new SpeechSegment(3_000, 4_500));
        await AddChunkWithAudioAsync(db, storage, 1, 5_000, new SpeechSegment(500, 2_000));
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        var transcriber = new RecordingTranscriber(new Transcript("whisper", "ru", [new Utterance(100, 900, "Здравствуйте", [new TimedWord(100, 900, "Здравствуйте")])]));

        var outcome = await handlers.Transcribe(transcriber).HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        var (audio, language) = Assert.Single(transcriber.Calls);
        Assert.Equal("ru", language);

        // Chunk 0: 2.75-4.75 s (2 s); chunk 1: 0.25-2.25 s (2 s) → 4 s of 16 kHz audio, all of it tone.
        Assert.Equal(64_000, audio.Pcm.Length);
        Assert.True(Rms(audio.Pcm.Span[..32_000]) > 3000 && Rms(audio.Pcm.Span[32_000..]) > 3000);
        var stored = await TranscriptAsync(db, dialogue.DialogueId);
        Assert.Equal("whisper", stored.Engine);
        Assert.Equal("Здравствуйте", Assert.Single(Assert.Single(stored.Utterances).Words!).Text);
    }

    [Fact]
    public async Task A_second_transcribe_job_for_a_transcribed_dialogue_changes_nothing()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, NextDay);
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000)) { Transcript = new ChunkTranscript("en", [new(10_000, 20_000, "Hello.")]) });
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        await handlers.Transcribe().HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        var again = await handlers.Transcribe().HandleAsync(TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, again);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM transcripts"));
        Assert.Single(await db.JobsAsync(JobKinds.Analyze));
    }

    internal static ClaimedJob TranscribeJob(Guid dialogueId) => Handlers.Job(JobKinds.Transcribe, PipelinePayloads.Dialogue(dialogueId));

    internal static async Task AddChunkWithAudioAsync(PipelineDatabase db, TempDirectory storage, long seq, int durationMs, params SpeechSegment[] segments)
    {
        var chunk = new TestChunk(seq, segments) { DurationMs = durationMs };
        var relative = $"recordings/{chunk.StartedAt:yyyy-MM-dd}/{chunk.DeviceId}/{chunk.ChunkId:n}.opus";
        await OpusFiles.WriteToneAsync(Path.Combine(storage.Path, relative), durationMs / 1000.0, baseHz: 300 + (100 * (int)seq));
        await db.InsertChunkAsync(chunk with { StoragePath = relative });
    }

    private static async Task<Transcript> TranscriptAsync(PipelineDatabase db, Guid dialogueId)
    {
        await using var c = await db.DataSource.OpenConnectionAsync();
        var row = await c.QuerySingleAsync<(string Engine, string Language, string Text, string Utterances)>(
            "SELECT engine, language, text, utterances::text FROM transcripts WHERE dialogue_id = @dialogueId", new { dialogueId });
        var transcript = new Transcript(row.Engine, row.Language, RecordJson.DeserializeUtterances(row.Utterances));
        Assert.Equal(row.Text, transcript.Text);
        return transcript;
    }

    private static double Rms(ReadOnlySpan<short> pcm)
    {
        double sum = 0;
        foreach (var s in pcm)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / pcm.Length);
    }
}
