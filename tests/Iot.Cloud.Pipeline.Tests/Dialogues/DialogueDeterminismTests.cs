using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Dialogues;

public sealed class DialogueDeterminismTests
{
    private static SpeechSegment S(int fromSeconds, int toSeconds) => new(fromSeconds * 1000, toSeconds * 1000);

    /// <summary>Two conversations split by a long silence, one bridged across chunks 2-3, a metadata-only chunk, a visit.</summary>
    private static readonly TestChunk[] Day =
    [
        new(0, S(5, 15), S(20, 40)),
        new(1, S(50, 59)),
        new(2) { AudioIncluded = false },
        new(3, S(45, 58)),
        new(4, S(10, 30)) { OperatorId = "op-2" },
        new(5, S(0, 20)) { TransactionId = "visit-5" },
        new(6, S(30, 40)) { TransactionId = "visit-5" },
        new(7, S(40, 50)),
    ];

    [Fact]
    public async Task Chunks_arriving_out_of_order_give_exactly_the_dialogues_of_in_order_arrival()
    {
        var inOrder = await BuildOneByOneAsync(Day);
        var shuffled = await BuildOneByOneAsync([Day[4], Day[1], Day[7], Day[0], Day[6], Day[3], Day[2], Day[5]]);

        Assert.Equal(inOrder.Dialogues, shuffled.Dialogues);
        Assert.Equal(inOrder.Segments, shuffled.Segments);
        Assert.Equal(inOrder.TranscribeKeys, shuffled.TranscribeKeys);
        Assert.Equal([null, null, null, "visit-5", null], inOrder.Dialogues.Select(d => d.TransactionId));
        Assert.Equal(["closed", "closed", "closed", "closed", "open"], inOrder.Dialogues.Select(d => d.Status));
        Assert.Equal((T0.AddSeconds(225), T0.AddSeconds(270)), (inOrder.Dialogues[2].StartedAt, inOrder.Dialogues[2].EndedAt));
    }

    [Fact]
    public async Task Rebuilding_open_dialogues_changes_no_row()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(3)));
        var handlers = new Handlers(db, time);
        await db.InsertChunkAsync(new TestChunk(0, S(50, 58)));
        await db.InsertChunkAsync(new TestChunk(1, S(25, 35)));
        await handlers.BuildAsync();
        var before = (await DialogueRows.DialoguesAsync(db), await DialogueRows.SegmentsAsync(db), await UpdatedAtAsync(db));

        time.Advance(TimeSpan.FromSeconds(5));
        await handlers.BuildAsync();
        await handlers.BuildAsync();

        var after = (await DialogueRows.DialoguesAsync(db), await DialogueRows.SegmentsAsync(db), await UpdatedAtAsync(db));
        Assert.Equal(before.Item1, after.Item1);
        Assert.Equal(before.Item2, after.Item2);
        Assert.Equal(before.Item3, after.Item3);
        Assert.Equal("open", Assert.Single(after.Item1).Status);
    }

    [Fact]
    public async Task A_late_chunk_filling_the_silence_between_two_open_dialogues_merges_them()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2))));
        await db.InsertChunkAsync(new TestChunk(0, S(50, 58)));
        await db.InsertChunkAsync(new TestChunk(2, S(5, 10)));
        await handlers.BuildAsync();
        Assert.Equal(2, (await DialogueRows.DialoguesAsync(db)).Count);

        await db.InsertChunkAsync(new TestChunk(1, S(20, 40)));
        await handlers.BuildAsync();

        var merged = Assert.Single(await DialogueRows.DialoguesAsync(db));
        Assert.Equal((T0.AddSeconds(50), T0.AddSeconds(130)), (merged.StartedAt, merged.EndedAt));
        Assert.Equal(3, (await DialogueRows.SegmentsAsync(db)).Count);
    }

    [Fact]
    public async Task A_late_chunk_after_its_neighbour_closed_on_time_forms_a_dialogue_of_its_own()
    {
        await using var db = await CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(10)));
        var handlers = new Handlers(db, time);
        await db.InsertChunkAsync(new TestChunk(0, S(50, 58)));
        await handlers.BuildAsync();
        var first = Assert.Single(await DialogueRows.DialoguesAsync(db));
        Assert.Equal("closed", first.Status);

        await db.InsertChunkAsync(new TestChunk(1, S(5, 10)));
        await handlers.BuildAsync();

        var dialogues = await DialogueRows.DialoguesAsync(db);
        Assert.Equal(2, dialogues.Count);
        Assert.Equal(first, dialogues[0]);
        Assert.Equal(T0.AddSeconds(65), dialogues[1].StartedAt);
    }

    [Fact]
    public async Task A_late_chunk_of_a_visit_that_already_closed_is_left_out_and_the_visit_stays_as_it_was()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(2))));
        await db.InsertChunkAsync(new TestChunk(0, S(5, 10)) { TransactionId = "visit-1" });
        await db.InsertChunkAsync(new TestChunk(2, S(5, 10)) { TransactionId = "visit-2" });
        await db.InsertChunkAsync(new TestChunk(3) { AudioIncluded = false });
        await handlers.BuildAsync();
        await db.InsertChunkAsync(new TestChunk(1, S(20, 30)) { TransactionId = "visit-2" });
        await handlers.BuildAsync();
        var visit2 = (await DialogueRows.DialoguesAsync(db)).Single(d => d.TransactionId == "visit-2");
        Assert.Equal(("closed", T0.AddSeconds(80)), (visit2.Status, visit2.StartedAt));

        await db.InsertChunkAsync(new TestChunk(4, S(1, 2)) { TransactionId = "visit-2" });
        await handlers.BuildAsync();

        Assert.Equal(visit2, (await DialogueRows.DialoguesAsync(db)).Single(d => d.TransactionId == "visit-2"));
        Assert.Equal(2, (await DialogueRows.SegmentsAsync(db)).Count(s => s.DialogueId == visit2.DialogueId));
        Assert.True(await db.ScalarAsync<bool>("SELECT dialogues_final FROM chunks WHERE seq = 4"));
    }

    private static async Task<IReadOnlyList<DateTime>> UpdatedAtAsync(PipelineDatabase db) =>
        await db.QueryAsync<DateTime>("SELECT updated_at FROM dialogues ORDER BY dialogue_id");

    private static async Task<(IReadOnlyList<DialogueRow> Dialogues, IReadOnlyList<SegmentRow> Segments, IReadOnlyList<string?> TranscribeKeys)> BuildOneByOneAsync(IEnumerable<TestChunk> arrival)
    {
        await using var db = await CreateAsync();

        // Early enough that only the first dialogue (whose makeup no late chunk can change) may close on time alone.
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddMinutes(4))));
        foreach (var chunk in arrival)
        {
            await db.InsertChunkAsync(chunk);
            await handlers.BuildAsync();
        }

        var keys = (await db.JobsAsync(Iot.Cloud.Pipeline.Jobs.JobKinds.Transcribe)).Select(j => j.DedupKey).Order().ToList();
        return (await DialogueRows.DialoguesAsync(db), await DialogueRows.SegmentsAsync(db), keys);
    }
}
