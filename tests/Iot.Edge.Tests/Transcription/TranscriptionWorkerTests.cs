using System.Diagnostics;
using Iot.Edge.Agent.Transcription;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.TestSupport.Whisper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Iot.Edge.Tests.Transcription;

[Collection(WhisperCollection.Name)]
public class TranscriptionWorkerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_queued_chunk_gets_a_transcript_on_the_chunk_timeline_that_the_protocol_accepts()
    {
        var stats = new TranscriptionStats();
        using var worker = await WorkerAsync(stats, TimeProvider.System, queueCapacity: 2);
        var request = await SpeechChunk.RequestAsync(15_000, new SpeechSegment(1_000, 5_000), new SpeechSegment(7_000, 13_000));

        await worker.StartAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        Assert.True(worker.TryEnqueue(request));
        var transcript = await worker.WaitAsync(request.ChunkId, TimeSpan.FromMinutes(2), CancellationToken.None);
        watch.Stop();
        await worker.StopAsync(CancellationToken.None);

        Assert.NotNull(transcript);
        output.WriteLine($"10 s of speech transcribed in {watch.ElapsedMilliseconds} ms ({stats.RealTimeFactor:F3} s per s of audio)");
        foreach (var s in transcript.Segments)
        {
            output.WriteLine($"{s.StartMs}-{s.EndMs}: {s.Text}");
        }

        Assert.NotEmpty(transcript.Segments);
        Assert.Equal(1_000, transcript.Segments[0].StartMs);
        Assert.All(transcript.Segments, s => Assert.True(s.StartMs >= 1_000 && s.EndMs <= 13_000, $"{s.StartMs}-{s.EndMs} lies outside the speech"));
        Assert.True(ChunkValidator.Validate(Metadata(request, transcript), [], null).IsValid);
        Assert.Equal(1, stats.Transcribed);
        Assert.Equal(10_000, stats.AudioMs);
        Assert.True(stats.ProcessingMs > 0);
    }

    [Fact]
    public async Task A_full_queue_sends_chunks_on_without_a_transcript_and_counts_each_drop()
    {
        var stats = new TranscriptionStats();
        using var worker = await WorkerAsync(stats, TimeProvider.System, queueCapacity: 2);
        var requests = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SpeechChunk.RequestAsync(3_000, new SpeechSegment(0, 3_000))));

        // Not started: nothing drains the queue, so exactly the capacity is accepted.
        var accepted = requests.Select(worker.TryEnqueue).ToList();

        Assert.Equal([true, true, false, false, false], accepted);
        Assert.Equal(3, stats.DroppedQueueFull);
        Assert.Equal(2, stats.Accepted);
        var dropped = worker.WaitAsync(requests[4].ChunkId, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(dropped.IsCompleted, "waiting for a dropped chunk must not delay its upload");
        Assert.Null(await dropped);
    }

    [Fact]
    public async Task Speech_longer_than_the_limit_is_not_transcribed_and_is_counted()
    {
        var stats = new TranscriptionStats();
        using var worker = await WorkerAsync(stats, TimeProvider.System, queueCapacity: 2, maxAudioSeconds: 2);

        var accepted = worker.TryEnqueue(await SpeechChunk.RequestAsync(3_000, new SpeechSegment(0, 3_000)));

        Assert.False(accepted);
        Assert.Equal(1, stats.DroppedTooLong);
        Assert.Equal(0, stats.DroppedQueueFull);
    }

    [Fact]
    public async Task A_transcript_not_ready_in_time_is_given_up_on()
    {
        var time = new FakeTimeProvider();
        using var worker = await WorkerAsync(new TranscriptionStats(), time, queueCapacity: 2);
        var request = await SpeechChunk.RequestAsync(3_000, new SpeechSegment(0, 3_000));
        Assert.True(worker.TryEnqueue(request));

        var waiting = worker.WaitAsync(request.ChunkId, TimeSpan.FromSeconds(5), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(48000)]
    public async Task Only_16_kHz_chunks_are_queued(int sampleRate)
    {
        using var worker = await WorkerAsync(new TranscriptionStats(), TimeProvider.System, queueCapacity: 2);
        var request = new TranscriptionRequest(Guid.CreateVersion7(), 1_000, [new SpeechSegment(0, 1_000)], new short[sampleRate], sampleRate);

        var ex = Assert.Throws<ArgumentException>(() => worker.TryEnqueue(request));

        Assert.Contains("16000 Hz", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<TranscriptionWorker> WorkerAsync(TranscriptionStats stats, TimeProvider time, int queueCapacity, int maxAudioSeconds = 120)
    {
        var options = new TranscriptionOptions
        {
            Enabled = true,
            ModelPath = await WhisperFixtureModel.PathAsync(),
            Language = "en",
            Threads = 1,
            QueueCapacity = queueCapacity,
            MaxAudioSeconds = maxAudioSeconds,
        };
        return new TranscriptionWorker(Options.Create(options), stats, time, NullLogger<TranscriptionWorker>.Instance);
    }

    private static ChunkMetadata Metadata(TranscriptionRequest request, ChunkTranscript transcript) => new()
    {
        ChunkId = request.ChunkId,
        TenantId = "acme",
        DeviceId = "pos-1",
        Sequence = 1,
        StartedAtUtc = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
        DurationMs = request.ChunkDurationMs,
        SampleRate = 16000,
        Codec = AudioCodecs.OggOpus,
        ByteLength = 0,
        Sha256 = ChunkValidator.Sha256Hex([]),
        SpeechSegments = request.Speech,
        Transcript = transcript,
    };
}
