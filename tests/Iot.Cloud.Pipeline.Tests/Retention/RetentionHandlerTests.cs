using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Pipeline.Tests.Transcription;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Retention;

public sealed class RetentionHandlerTests
{
    [Fact]
    public async Task Retention_deletes_only_audio_past_the_tenant_period_and_keeps_transcripts_and_analyses()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var handlers = new Handlers(db, time, storageRoot: storage.Path);
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, audio_retention_days) VALUES ('t2', 200)");

        var old = await AddChunkAsync(db, storage, new TestChunk(0, new SpeechSegment(10_000, 20_000))
        {
            Transcript = new ChunkTranscript("en", [new(10_000, 20_000, "Hello there.")]),
        });
        var silent = new TestChunk(1) { AudioIncluded = false };
        await db.InsertChunkAsync(silent);
        var recent = await AddChunkAsync(db, storage, new TestChunk(2, new SpeechSegment(1_000, 2_000)) { Start = T0.AddDays(95) });
        var otherTenant = await AddChunkAsync(db, storage, new TestChunk(0) { DeviceId = "d2", ChunkId = Guid.NewGuid() });

        await handlers.BuildAsync();
        var dialogue = (await DialogueRows.DialoguesAsync(db))[0];
        await handlers.Transcribe().HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogue.DialogueId), CancellationToken.None);
        await handlers.Analyze(new CannedAnalyzer(_ => new AnalysisResult(false, [], CustomerReaction.None, [], SentimentLabel.Neutral, 0, 50, "Greeting.", [])), new AnalysisProfile(new Dictionary<string, LanguagePhrases>(), []))
            .HandleAsync(Handlers.Job(JobKinds.Analyze, PipelinePayloads.Dialogue(dialogue.DialogueId)), CancellationToken.None);

        time.SetUtcNow(new DateTimeOffset(T0.AddDays(100)));
        var outcome = await handlers.Retention(defaultDays: 90).HandleAsync(Handlers.Job(JobKinds.Retention, PipelinePayloads.Date(new DateOnly(2026, 6, 10))), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        Assert.False(File.Exists(old), "audio past 90 days must be deleted");
        Assert.True(File.Exists(recent), "audio inside the period must stay");
        Assert.True(File.Exists(otherTenant), "a tenant keeping audio 200 days keeps it");

        await using var c = await db.DataSource.OpenConnectionAsync();
        var chunks = (await c.QueryAsync<(Guid Id, string? Path, DateTime? PurgedAt)>("SELECT chunk_id, storage_path, audio_purged_at FROM chunks")).ToDictionary(r => r.Id);
        Assert.Equal((null, T0.AddDays(100)), (chunks[new TestChunk(0).ChunkId].Path, chunks[new TestChunk(0).ChunkId].PurgedAt));
        Assert.Null(chunks[silent.ChunkId].PurgedAt);
        Assert.NotNull(chunks[new TestChunk(2).ChunkId].Path);
        Assert.Equal(T0.AddDays(100), await c.ExecuteScalarAsync<DateTime?>("SELECT audio_purged_at FROM dialogues WHERE dialogue_id = @id", new { id = dialogue.DialogueId }));
        Assert.Equal("Hello there.", await c.ExecuteScalarAsync<string>("SELECT text FROM transcripts WHERE dialogue_id = @id", new { id = dialogue.DialogueId }));
        Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM analyses WHERE dialogue_id = @id", new { id = dialogue.DialogueId }));

        var audits = (await c.QueryAsync<(string? Tenant, string Actor, string Action, string Details)>(
            "SELECT tenant_id, actor, action, details::text FROM audit_log ORDER BY tenant_id")).ToList();
        Assert.Equal([("t1", "retention.run"), ("t2", "retention.run")], audits.Select(a => (a.Tenant, a.Action)));
        Assert.Contains("\"chunksPurged\": 1", audits[0].Details, StringComparison.Ordinal);
        Assert.Contains("\"chunksPurged\": 0", audits[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_on_the_same_day_purges_nothing_more()
    {
        await using var db = await CreateAsync();
        using var storage = new TempDirectory("iot-rec");
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(100))), storageRoot: storage.Path);
        await AddChunkAsync(db, storage, new TestChunk(0, new SpeechSegment(10_000, 20_000)));

        var first = await handlers.Retention().RunAsync(CancellationToken.None);
        var second = await handlers.Retention().RunAsync(CancellationToken.None);

        Assert.Equal(1, first.Single(r => r.TenantId == Tenant).ChunksPurged);
        Assert.Equal(0, second.Single(r => r.TenantId == Tenant).ChunksPurged);
    }

    private static async Task<string> AddChunkAsync(PipelineDatabase db, TempDirectory storage, TestChunk chunk)
    {
        var relative = $"recordings/{chunk.StartedAt:yyyy-MM-dd}/{chunk.DeviceId}/{chunk.ChunkId:n}.opus";
        var full = Path.Combine(storage.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, new byte[1000]);
        await db.InsertChunkAsync(chunk with { StoragePath = relative });
        return full;
    }
}
