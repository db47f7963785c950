using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Dialogues;

public sealed class ClosingTests
{
    private static readonly SpeechSegment LateInChunk = new(50_000, 58_000);

    [Fact]
    public async Task An_open_dialogue_is_looked_at_again_once_it_could_close_on_time()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2))));
        await db.InsertChunkAsync(new TestChunk(0, LateInChunk));

        var outcome = await handlers.BuildAsync();

        // Ends at 58 s; gap 30 s + grace 120 s → closable at 208 s; now is 120 s; plus one second of slack.
        Assert.Equal(JobOutcome.RetryAfter(TimeSpan.FromSeconds(89)), outcome);
        Assert.Equal("open", (await DialogueRows.DialoguesAsync(db))[0].Status);
        Assert.Empty(await db.JobsAsync(JobKinds.Transcribe));
    }

    [Fact]
    public async Task Contiguous_audio_reaching_past_the_gap_closes_the_dialogue_and_queues_its_transcription()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2))));
        await db.InsertChunkAsync(new TestChunk(0, LateInChunk));
        await handlers.BuildAsync();

        await db.InsertChunkAsync(new TestChunk(1) { AudioIncluded = false });
        var outcome = await handlers.BuildAsync();

        Assert.Equal(JobOutcome.Done, outcome);
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        Assert.Equal("closed", dialogue.Status);
        var job = Assert.Single(await db.JobsAsync(JobKinds.Transcribe));
        Assert.Equal((dialogue.DialogueId.ToString(), true), (job.DedupKey, job.IsFresh));
        Assert.Contains(dialogue.DialogueId.ToString(), job.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunks_are_settled_for_the_builder_once_their_dialogue_closed_and_not_before()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2))));
        await db.InsertChunkAsync(new TestChunk(0, LateInChunk));
        await handlers.BuildAsync();
        Assert.False(await db.ScalarAsync<bool>("SELECT dialogues_final FROM chunks WHERE seq = 0"));

        await db.InsertChunkAsync(new TestChunk(1) { AudioIncluded = false });
        await handlers.BuildAsync();

        Assert.True(await db.ScalarAsync<bool>("SELECT dialogues_final FROM chunks WHERE seq = 0"));
        Assert.Equal("closed", Assert.Single(await DialogueRows.DialoguesAsync(db)).Status);
    }

    [Fact]
    public async Task A_missing_chunk_between_the_dialogue_and_later_audio_keeps_it_open()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2))));
        await db.InsertChunkAsync(new TestChunk(0, LateInChunk));
        await db.InsertChunkAsync(new TestChunk(2) { AudioIncluded = false });

        await handlers.BuildAsync();

        Assert.Equal("open", Assert.Single(await DialogueRows.DialoguesAsync(db)).Status);
    }

    [Fact]
    public async Task Without_later_audio_the_dialogue_closes_once_gap_and_grace_have_passed()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2)));
        var handlers = new Handlers(db, time);
        await db.InsertChunkAsync(new TestChunk(0, LateInChunk));
        var first = (JobOutcome.Deferred)await handlers.BuildAsync();

        time.Advance(first.Delay - TimeSpan.FromSeconds(2));
        Assert.IsType<JobOutcome.Deferred>(await handlers.BuildAsync());
        time.Advance(TimeSpan.FromSeconds(2));
        var outcome = await handlers.BuildAsync();

        Assert.Equal(JobOutcome.Done, outcome);
        Assert.Equal("closed", Assert.Single(await DialogueRows.DialoguesAsync(db)).Status);
        Assert.Single(await db.JobsAsync(JobKinds.Transcribe));
    }
}
