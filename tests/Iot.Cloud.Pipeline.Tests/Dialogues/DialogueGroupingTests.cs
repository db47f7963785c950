using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Dialogues;

public sealed class DialogueGroupingTests
{
    private static SpeechSegment S(int fromSeconds, int toSeconds) => new(fromSeconds * 1000, toSeconds * 1000);

    /// <summary>"Now" shortly after the chunks were recorded: nothing may close on time alone.</summary>
    private static FakeTimeProvider SoonAfter(int chunks) => new(new DateTimeOffset(T0.AddMinutes(chunks + 1)));

    [Fact]
    public async Task Chunks_with_a_transaction_id_form_one_dialogue_per_visit_however_long_the_silence()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, SoonAfter(3));
        await db.InsertChunkAsync(new TestChunk(0, S(5, 10)) { TransactionId = "visit-1" });
        await db.InsertChunkAsync(new TestChunk(1, S(50, 55)) { TransactionId = "visit-1" });
        await db.InsertChunkAsync(new TestChunk(2, S(1, 3)) { TransactionId = "visit-2" });

        await handlers.BuildAsync();

        var dialogues = await DialogueRows.DialoguesAsync(db);
        Assert.Equal(["visit-1", "visit-2"], dialogues.Select(d => d.TransactionId));
        Assert.Equal(T0.AddSeconds(5), dialogues[0].StartedAt);
        Assert.Equal(T0.AddSeconds(115), dialogues[0].EndedAt);
        Assert.Equal(10_000, dialogues[0].SpeechMs);
        var segments = await DialogueRows.SegmentsAsync(db);
        Assert.Equal(2, segments.Count(s => s.DialogueId == dialogues[0].DialogueId));

        // visit-2 started in the chunk right after visit-1's last one, so visit-1 is over; visit-2 may go on.
        Assert.Equal(["closed", "open"], dialogues.Select(d => d.Status));
        var transcribe = Assert.Single(await db.JobsAsync(JobKinds.Transcribe));
        Assert.Equal(dialogues[0].DialogueId.ToString(), transcribe.DedupKey);
        Assert.True(transcribe.IsFresh);
    }

    [Fact]
    public async Task A_silence_longer_than_the_gap_splits_dialogues_and_a_shorter_one_spans_a_chunk_boundary()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, SoonAfter(2));
        await db.InsertChunkAsync(new TestChunk(0, S(50, 58)));
        await db.InsertChunkAsync(new TestChunk(1, S(10, 20), S(55, 59)));

        await handlers.BuildAsync();

        var dialogues = await DialogueRows.DialoguesAsync(db);
        Assert.Equal(2, dialogues.Count);
        Assert.Equal((T0.AddSeconds(50), T0.AddSeconds(80)), (dialogues[0].StartedAt, dialogues[0].EndedAt));
        Assert.Equal((T0.AddSeconds(115), T0.AddSeconds(119)), (dialogues[1].StartedAt, dialogues[1].EndedAt));
        var segments = await DialogueRows.SegmentsAsync(db);
        Assert.Equal([dialogues[0].DialogueId, dialogues[0].DialogueId, dialogues[1].DialogueId], segments.OrderBy(s => s.StartedAt).Select(s => s.DialogueId));
    }

    [Fact]
    public async Task The_tenant_gap_setting_overrides_the_default_gap()
    {
        await using var db = await CreateAsync();
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, dialogue_gap_seconds) VALUES ('t1', 60)");
        var handlers = new Handlers(db, SoonAfter(2));
        await db.InsertChunkAsync(new TestChunk(0, S(50, 58)));
        await db.InsertChunkAsync(new TestChunk(1, S(10, 20), S(55, 59)));

        await handlers.BuildAsync();

        Assert.Single(await DialogueRows.DialoguesAsync(db));
    }

    [Fact]
    public async Task Continuous_speech_is_cut_at_the_maximum_dialogue_length()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, SoonAfter(4), new DialogueOptions { MaxDialogueMinutes = 2 });
        for (var seq = 0; seq < 4; seq++)
        {
            await db.InsertChunkAsync(new TestChunk(seq, S(0, 59)));
        }

        await handlers.BuildAsync();

        var dialogues = await DialogueRows.DialoguesAsync(db);
        Assert.Equal([(T0, T0.AddSeconds(119)), (T0.AddSeconds(120), T0.AddSeconds(239))], dialogues.Select(d => (d.StartedAt, d.EndedAt)));
        Assert.All(dialogues, d => Assert.True(d.EndedAt - d.StartedAt <= TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public async Task Metadata_only_chunks_never_create_dialogues()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, SoonAfter(2));
        await db.InsertChunkAsync(new TestChunk(0) { AudioIncluded = false });
        await db.InsertChunkAsync(new TestChunk(1) { AudioIncluded = false, TransactionId = "visit-9" });

        var outcome = await handlers.BuildAsync();

        Assert.Empty(await DialogueRows.DialoguesAsync(db));
        Assert.Equal(JobOutcome.Done, outcome);
    }

    [Fact]
    public async Task Dialogues_carry_the_branch_of_the_device_and_the_operator_of_the_chunks()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, SoonAfter(2));
        await db.InsertChunkAsync(new TestChunk(0, S(10, 20)) { OperatorId = "op-7" });

        await handlers.BuildAsync();

        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        Assert.Equal((Tenant, Branch, "op-7"), (dialogue.TenantId, dialogue.BranchId, dialogue.OperatorId));
    }

    [Fact]
    public async Task Segment_offsets_place_each_padded_segment_back_to_back_in_the_dialogue_audio()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, SoonAfter(2), new DialogueOptions { PaddingMs = 250 });
        await db.InsertChunkAsync(new TestChunk(0, S(10, 20), S(30, 40)));

        await handlers.BuildAsync();

        // First: 250 ms lead-in; second: after the first's 10.5 s region, plus its own 250 ms lead-in.
        Assert.Equal([250, 10_750], (await DialogueRows.SegmentsAsync(db)).Select(s => s.OffsetMs));
    }
}
