using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Pipeline.Tests.Transcription;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

public sealed class AnalyzeHandlerTests
{
    private static readonly AnalysisProfile DefaultProfile = Profile("default-greeting");

    [Fact]
    public async Task A_quote_that_is_not_verbatim_in_the_transcript_is_dropped_and_counted()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        var dialogueId = await TranscribedDialogueAsync(db, handlers);
        var analyzer = new CannedAnalyzer(_ => Result(
            new EvidenceQuote("greeting", "Hello there."),
            new EvidenceQuote("upsell", "Would you like a warranty?"),
            new EvidenceQuote("reaction", "hello there.")));

        var outcome = await handlers.Analyze(analyzer, DefaultProfile).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        await using var c = await db.DataSource.OpenConnectionAsync();
        var row = await c.QuerySingleAsync<(string Engine, string Evidence, int Dropped, string Reaction, short Quality)>(
            "SELECT engine, evidence::text, dropped_quotes, customer_reaction, quality_score FROM analyses WHERE dialogue_id = @dialogueId", new { dialogueId });
        Assert.Equal(("llm", 2, "declined", (short)70), (row.Engine, row.Dropped, row.Reaction, row.Quality));
        Assert.Equal("""[{"claim": "greeting", "quote": "Hello there."}]""", row.Evidence);
        Assert.Equal(2, handlers.Metrics.DroppedQuotesTotal);
        Assert.Equal("analyzed", (await DialogueRows.DialoguesAsync(db))[0].Status);

        // The tenant has no profile: the default made the result, recorded as profile version 0.
        Assert.Equal(0, await db.ScalarAsync<int>("SELECT profile_version FROM analyses"));
    }

    [Fact]
    public async Task The_tenant_profile_is_used_instead_of_the_default_one()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, analysis_profile) VALUES ('t1', @json::jsonb)", new { json = Profile("tenant-greeting").ToJson() });
        var dialogueId = await TranscribedDialogueAsync(db, handlers);
        var analyzer = new CannedAnalyzer(_ => Result());

        await handlers.Analyze(analyzer, DefaultProfile).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);

        var input = Assert.Single(analyzer.Calls);
        Assert.Equal("tenant-greeting", Assert.Single(input.Profile.Checklist).Id);
        Assert.Equal((Tenant, "Hello there. How can I help?"), (input.TenantId, input.Transcript.Text));

        // Written straight to tenant_settings (no dashboard): still versioned (migration 0052), and the result names it.
        Assert.Equal(1, await db.ScalarAsync<int>("SELECT profile_version FROM analyses"));
        Assert.StartsWith("sql:", await db.ScalarAsync<string>("SELECT author FROM analysis_profile_versions WHERE tenant_id = 't1' AND version = 1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reanalysis_replaces_the_result_with_the_named_profile_version_and_a_stale_job_does_not_undo_it()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        await db.ExecuteAsync("INSERT INTO tenant_settings (tenant_id, analysis_profile) VALUES ('t1', @json::jsonb)", new { json = Profile("v1-item").ToJson() });
        var dialogueId = await TranscribedDialogueAsync(db, handlers);
        var analyzer = new CannedAnalyzer(input => Result() with { Summary = "with " + input.Profile.Checklist[0].Id });
        await handlers.Analyze(analyzer, DefaultProfile).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);
        await db.ExecuteAsync("UPDATE tenant_settings SET analysis_profile = @json::jsonb WHERE tenant_id = 't1'", new { json = Profile("v2-item").ToJson() });

        var reanalyze = handlers.Reanalyze(analyzer, DefaultProfile);
        Assert.Equal(JobOutcome.Done, await reanalyze.HandleAsync(ReanalyzeJob(dialogueId, 2), CancellationToken.None));
        Assert.Equal("2|with v2-item", await db.ScalarAsync<string>("SELECT profile_version || '|' || summary FROM analyses"));

        // A job of the older version (queued before the change, run after) keeps the newer result.
        Assert.Equal(JobOutcome.Done, await reanalyze.HandleAsync(ReanalyzeJob(dialogueId, 1), CancellationToken.None));
        Assert.Equal("2|with v2-item", await db.ScalarAsync<string>("SELECT profile_version || '|' || summary FROM analyses"));
        Assert.Equal(2, analyzer.Calls.Count);
    }

    [Fact]
    public async Task Without_an_analyzer_the_job_waits()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        var dialogueId = await TranscribedDialogueAsync(db, handlers);

        var outcome = await handlers.Analyze(null, DefaultProfile).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);

        Assert.StartsWith("no analyzer configured", Assert.IsType<JobOutcome.Waiting>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_engine_reply_fails_the_job_and_stores_nothing()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        var dialogueId = await TranscribedDialogueAsync(db, handlers);
        var analyzer = new CannedAnalyzer(_ => throw new MalformedReplyException("not JSON", "Sure! Here is the analysis..."));

        var thrown = await Assert.ThrowsAsync<MalformedReplyException>(() => handlers.Analyze(analyzer, DefaultProfile).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None));

        Assert.Equal("Sure! Here is the analysis...", thrown.RawReply);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM analyses"));
        Assert.Equal("transcribed", (await DialogueRows.DialoguesAsync(db))[0].Status);
    }

    private static ClaimedJob AnalyzeJob(Guid dialogueId) => Handlers.Job(JobKinds.Analyze, PipelinePayloads.Dialogue(dialogueId));

    private static ClaimedJob ReanalyzeJob(Guid dialogueId, int version) =>
        Handlers.Job(JobKinds.Reanalyze, $"{{\"dialogueId\":\"{dialogueId}\",\"profileVersion\":{version},\"runId\":1}}");

    private static async Task<Guid> TranscribedDialogueAsync(PipelineDatabase db, Handlers handlers)
    {
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(10_000, 20_000))
        {
            Transcript = new ChunkTranscript("en", [new(10_000, 15_000, "Hello there."), new(15_000, 20_000, "How can I help?")]),
        });
        await handlers.BuildAsync();
        var dialogueId = Assert.Single(await DialogueRows.DialoguesAsync(db)).DialogueId;
        Assert.Equal(JobOutcome.Done, await handlers.Transcribe().HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogueId), CancellationToken.None));
        return dialogueId;
    }

    private static AnalysisResult Result(params EvidenceQuote[] evidence) =>
        new(true, ["warranty"], CustomerReaction.Declined, [new ChecklistOutcome("greet", true)], SentimentLabel.Neutral, 0.1, 70, "Greeting, warranty offered, declined.", evidence);

    private static AnalysisProfile Profile(string checklistId) => new(
        new Dictionary<string, LanguagePhrases>
        {
            ["en"] = new(["hello"], new Dictionary<string, IReadOnlyList<string>> { ["warranty"] = ["warranty"] }, ["yes"], ["no"], ["thanks"], ["bad"]),
        },
        [new ChecklistItem(checklistId, "Greets the customer", new Dictionary<string, IReadOnlyList<string>> { ["en"] = ["hello"] })]);
}
