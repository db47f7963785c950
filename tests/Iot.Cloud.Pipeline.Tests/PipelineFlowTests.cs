using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests;

public sealed class PipelineFlowTests
{
    [Fact]
    public async Task A_conversation_travels_from_chunks_to_an_analysis_through_the_jobs_each_step_enqueues()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddHours(1))));
        await db.InsertChunkAsync(new TestChunk(0, new SpeechSegment(40_000, 58_000))
        {
            Transcript = new ChunkTranscript("en", [new(40_000, 50_000, "Good morning!"), new(50_000, 58_000, "Would you like the extended warranty?")]),
        });
        await db.InsertChunkAsync(new TestChunk(1, new SpeechSegment(2_000, 5_000)) { Transcript = new ChunkTranscript("en", [new(2_000, 5_000, "No, thank you.")]) });
        await db.Queue.EnqueueAsync(new JobRequest(JobKinds.BuildDialogues, PipelinePayloads.Device(Device), Device), CancellationToken.None);
        var analyzer = new CannedAnalyzer(input => new AnalysisResult(
            true, ["warranty"], CustomerReaction.Declined, [], SentimentLabel.Neutral, 0, 80, "Warranty offered and declined.",
            [new EvidenceQuote("upsell", "Would you like the extended warranty?"), new EvidenceQuote("reaction", "No, thanks.")]));
        IJobHandler[] all = [handlers.Builder(), handlers.Transcribe(), handlers.Analyze(analyzer, new AnalysisProfile(new Dictionary<string, LanguagePhrases>(), [])), handlers.Retention()];

        var ran = await RunQueueAsync(db, all);

        Assert.Equal([JobKinds.BuildDialogues, JobKinds.Transcribe, JobKinds.Analyze], ran);
        Assert.Equal("analyzed", Assert.Single(await DialogueRows.DialoguesAsync(db)).Status);
        Assert.Equal("Good morning! Would you like the extended warranty? No, thank you.", Assert.Single(analyzer.Calls).Transcript.Text);
        Assert.Equal(1, await db.ScalarAsync<int>("SELECT dropped_quotes FROM analyses"));
    }

    /// <summary>A minimal worker: takes the next queued job by priority, dispatches by kind, marks it done.</summary>
    private static async Task<List<string>> RunQueueAsync(PipelineDatabase db, IReadOnlyList<IJobHandler> handlers)
    {
        var ran = new List<string>();
        await using var c = await db.DataSource.OpenConnectionAsync();
        while (await c.QueryFirstOrDefaultAsync<(long Id, string Kind, string Payload, string? Key)?>(
            "SELECT job_id, kind, payload::text, dedup_key FROM jobs WHERE status = 'queued' ORDER BY priority, job_id LIMIT 1") is { } job)
        {
            Assert.True(ran.Count < 10, "the pipeline keeps producing jobs");
            var outcome = await handlers.Single(h => h.Kind == job.Kind).HandleAsync(new ClaimedJob(job.Id, job.Kind, job.Payload, 1, 5, job.Key), CancellationToken.None);
            Assert.Equal(JobOutcome.Done, outcome);
            await c.ExecuteAsync("UPDATE jobs SET status = 'done', finished_at = now() WHERE job_id = @Id", new { job.Id });
            ran.Add(job.Kind);
        }

        return ran;
    }
}
