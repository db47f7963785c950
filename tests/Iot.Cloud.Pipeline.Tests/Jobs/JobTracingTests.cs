using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Telemetry;
using Iot.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class JobTracingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_job_on_a_dialogue_exports_a_span_carrying_the_dialogues_chunk_ids_in_playback_order()
    {
        await using var db = await PipelineDatabase.CreateAsync();
        await using var receiver = new OtlpReceiver();
        var at = DateTime.UtcNow.AddMinutes(-5);
        Guid first = Guid.CreateVersion7(), second = Guid.CreateVersion7(), other = Guid.CreateVersion7();
        Guid dialogue = Guid.CreateVersion7(), otherDialogue = Guid.CreateVersion7();
        // Inserted second-chunk-first: the span must list them by offset in the dialogue, not by insertion or id.
        await db.ExecuteAsync(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, speech_segments, audio_included, bridge_id)
            VALUES (@second, 't1', 'd1', 2, @at + interval '60 seconds', 60000, 16000, 'opus', 0, repeat('0', 64), '[]', false, 'b'),
                   (@first, 't1', 'd1', 1, @at, 60000, 16000, 'opus', 0, repeat('0', 64), '[]', false, 'b'),
                   (@other, 't1', 'd1', 3, @at + interval '120 seconds', 60000, 16000, 'opus', 0, repeat('0', 64), '[]', false, 'b');
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, speech_ms, status)
            VALUES (@dialogue, 't1', 'b1', 'd1', @at, @at + interval '70 seconds', 20000, 'transcribed'),
                   (@otherDialogue, 't1', 'b1', 'd1', @at + interval '120 seconds', @at + interval '125 seconds', 5000, 'transcribed');
            INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms)
            VALUES (@second, 0, 10000, @dialogue, @at + interval '60 seconds', 60000),
                   (@first, 50000, 60000, @dialogue, @at + interval '50 seconds', 0),
                   (@other, 0, 5000, @otherDialogue, @at + interval '120 seconds', 0);
            """,
            new { first, second, other, dialogue, otherDialogue, at });

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenTelemetry:Otlp:Endpoint"] = receiver.Url,
            ["OpenTelemetry:Otlp:ExportIntervalMilliseconds"] = "100",
        }).Build();
        var services = new ServiceCollection().AddOtlpTelemetry(
            TelemetrySettings.FromConfiguration(configuration),
            new TelemetryRegistration("iot-worker", "0.0.0", "worker-test") { Sources = [JobTracing.SourceName] });
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<TracerProvider>();

        var handler = new TestHandler("analyze", db.DataSource);
        var worker = new JobWorker(
            new PostgresJobQueue(db.DataSource),
            db.DataSource,
            [handler],
            Options.Create(new JobWorkerOptions { WorkerId = "w", Concurrency = 1, LeaseSeconds = 10, PollSeconds = 0.2, DrainSeconds = 5 }),
            new JobMetrics(),
            TimeProvider.System,
            NullLogger<JobWorker>.Instance);
        await db.ExecuteAsync("CREATE TABLE test_side_effects (job_id bigint NOT NULL, worker_id text NOT NULL, attempt int NOT NULL, phase text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
        Assert.True(await new PostgresJobQueue(db.DataSource).EnqueueAsync(new JobRequest("analyze", PipelinePayloads.Dialogue(dialogue)), CancellationToken.None));
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitAsync(
                () => Task.FromResult(receiver.Named("job.analyze").Any()),
                Timeout,
                "the job span",
                () => Task.FromResult(string.Join("; ", receiver.Errors)));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }

        var span = Assert.Single(receiver.Named("job.analyze"));
        Assert.Equal("iot-worker", span.ServiceName);
        Assert.Equal(dialogue.ToString(), span.Attribute(IotAttributes.DialogueId));
        Assert.Equal("analyze", span.Attribute(IotAttributes.JobKind));
        Assert.Equal("completed", span.Attribute(IotAttributes.Outcome));
        var ids = Assert.IsType<List<object?>>(span.Attributes[IotAttributes.ChunkIds]);
        Assert.Equal([first.ToString(), second.ToString()], ids.Cast<string>());
        Assert.Empty(receiver.Errors);
    }
}
