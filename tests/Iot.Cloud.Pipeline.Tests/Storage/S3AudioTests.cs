using System.Net;
using System.Security.Cryptography;
using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Cloud.Pipeline.Tests.Transcription;
using Iot.Cloud.Storage.S3;
using Iot.Cloud.Worker.Hosting;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Iot.TestSupport.ObjectStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Storage;

/// <summary>
/// A worker whose audio store is a bucket on a real Ceph radosgw: it reads dialogue audio and deletes expired audio
/// there, with no disk shared with any bridge.
/// </summary>
public sealed class S3AudioTests
{
    [Fact]
    public async Task Transcription_hears_audio_that_exists_only_in_the_bucket_and_retention_deletes_it_there()
    {
        await using var db = await CreateAsync();
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("pipeline");
        using var store = new S3AudioStore(ceph.Client(), ceph.Options(bucket), "Pipeline:Storage");
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1)));
        var handlers = new Handlers(db, time, store: store);
        await AddChunkInBucketAsync(db, store, 0, new SpeechSegment(3_000, 4_500));
        await AddChunkInBucketAsync(db, store, 1, new SpeechSegment(500, 2_000));
        Assert.Equal(2, (await ceph.KeysAsync(bucket)).Count);
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));
        var transcriber = new RecordingTranscriber(new Transcript("whisper", "en", [new Utterance(100, 900, "Hello")]));

        var outcome = await handlers.Transcribe(transcriber).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogue.DialogueId), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        // 2 s of padded speech from each chunk, decoded from the objects: 4 s at 16 kHz, tone throughout.
        var (audio, _) = Assert.Single(transcriber.Calls);
        Assert.Equal(64_000, audio.Pcm.Length);
        Assert.True(audio.Pcm.ToArray().Select(s => Math.Abs((int)s)).Average() > 1000);

        time.SetUtcNow(new DateTimeOffset(T0.AddDays(100)));
        var report = (await handlers.Retention(defaultDays: 90).RunAsync(CancellationToken.None)).Single(r => r.TenantId == Tenant);

        Assert.Equal(2, report.ChunksPurged);
        Assert.Equal(0, report.FilesMissing);
        Assert.True(report.BytesFreed > 0);
        Assert.Empty(await ceph.KeysAsync(bucket));
        await using var c = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks WHERE storage_path IS NOT NULL"));
    }

    [Fact]
    public async Task Audio_missing_from_the_bucket_fails_the_transcription_naming_the_key_instead_of_hearing_silence()
    {
        await using var db = await CreateAsync();
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("pipeline-missing");
        using var store = new S3AudioStore(ceph.Client(), ceph.Options(bucket), "Pipeline:Storage");
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))), store: store);
        var key = await AddChunkInBucketAsync(db, store, 0, new SpeechSegment(1_000, 2_000));
        await store.DeleteAsync(key, CancellationToken.None);
        await handlers.BuildAsync();
        var dialogue = Assert.Single(await DialogueRows.DialoguesAsync(db));

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            handlers.Transcribe(new RecordingTranscriber(new Transcript("whisper", "en", []))).HandleAsync(TranscribeHandlerTests.TranscribeJob(dialogue.DialogueId), CancellationToken.None));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"bucket '{bucket}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_on_S3_is_ready_naming_its_bucket_and_not_ready_naming_the_bucket_key_when_the_bucket_is_gone()
    {
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("worker");
        var settings = ceph.Settings("Pipeline:Storage", bucket);
        settings["Database:ConnectionString"] = await TestDatabase.CreateAsync("worker_s3");
        settings["Worker:Health:Port"] = "0";
        settings["Serilog:MinimumLevel:Default"] = "Fatal";
        // No Pipeline:Storage:Root at all: a worker on S3 needs no directory of the bridge's.
        using var host = WorkerHost.CreateBuilder([], settings).Build();
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Services.GetRequiredService<HealthEndpoint>().Addresses[0]) };

        var ready = await HealthProbe.GetAsync(http, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Code);
        Assert.Contains($"bucket '{bucket}'", ready.Checks["storage"].Description, StringComparison.Ordinal);

        using (var client = ceph.Client())
        {
            await client.DeleteBucketAsync(bucket);
        }

        var gone = await HealthProbe.GetAsync(http, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.Code);
        Assert.Contains("Pipeline:Storage:S3:Bucket", gone.Checks["storage"].Description, StringComparison.Ordinal);
        await host.StopAsync();
    }

    private static async Task<string> AddChunkInBucketAsync(PipelineDatabase db, S3AudioStore store, long seq, params SpeechSegment[] segments)
    {
        var chunk = new TestChunk(seq, segments) { DurationMs = 5_000 };
        var key = $"recordings/{chunk.StartedAt:yyyy-MM-dd}/{chunk.DeviceId}/{chunk.ChunkId:n}.opus";
        using var scratch = new TempDirectory("s3-chunk");
        var file = scratch.Sub("chunk.opus");
        await OpusFiles.WriteToneAsync(file, 5.0, baseHz: 300 + (100 * (int)seq));
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(Iot.Cloud.Storage.PutOutcome.Written, await store.PutAsync(key, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), CancellationToken.None));
        await db.InsertChunkAsync(chunk with { StoragePath = key });
        return key;
    }
}
