using Iot.Edge.Agent.Speech;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

public class SpeechTrackerTests
{
    private readonly VadOptions _options = new();

    [Fact]
    public async Task Feeding_the_stream_in_any_block_sizes_gives_the_same_segments()
    {
        var clip = await SpeechClips.CounterAsync(NoiseKind.Pink, 10);
        using var silero = SpeechClips.Silero();
        var random = new Random(7);

        var recorderBlocks = SpeechClips.OnePass(silero, _options, clip.Samples);
        var wholeClip = SpeechClips.OnePass(silero, _options, clip.Samples, clip.Samples.Length);
        silero.Reset();
        var tracker = new SpeechTracker(silero, _options);
        for (var at = 0; at < clip.Samples.Length;)
        {
            var n = Math.Min(random.Next(1, 5000), clip.Samples.Length - at);
            tracker.Feed(clip.Samples.AsSpan(at, n));
            at += n;
        }

        var randomBlocks = tracker.TakeSegments(0, clip.Samples.Length);

        Assert.Equal(3, recorderBlocks.Count);
        Assert.Equal(recorderBlocks, wholeClip);
        Assert.Equal(recorderBlocks, randomBlocks);
    }

    [Fact]
    public async Task Chunks_cut_mid_speech_or_in_silence_report_the_one_pass_segments_clipped_to_each_chunk()
    {
        var clip = await SpeechClips.CounterAsync(NoiseKind.Pink, 10);
        using var silero = SpeechClips.Silero();
        var onePass = SpeechClips.OnePass(silero, _options, clip.Samples);
        Assert.Equal(3, onePass.Count);
        // The middle of each segment, and half-way between segments: whole milliseconds, decided in both runs.
        var boundariesMs = onePass.Select(s => (s.StartMs + s.EndMs) / 2)
            .Concat(onePass.Zip(onePass.Skip(1), (a, b) => (a.EndMs + b.StartMs) / 2))
            .Order()
            .ToList();

        var chunks = Chunked(silero, clip.Samples, boundariesMs.Select(ms => ms * 16L));

        var edges = boundariesMs.Prepend(0).Append(clip.Samples.Length / 16).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            var expected = Clip(onePass, edges[i], edges[i + 1]);
            Assert.True(expected.SequenceEqual(chunks[i]), $"chunk {i} [{edges[i]}, {edges[i + 1]}) ms: expected {SpeechClips.Describe(expected)}, got {SpeechClips.Describe(chunks[i])}");
        }

        Assert.Equal(6, chunks.Count);
        Assert.All(chunks, c => Assert.Single(c));
    }

    [Fact]
    public async Task At_any_boundary_speech_is_never_cut_and_only_undecided_tails_differ_from_one_pass()
    {
        var clip = await SpeechClips.CounterAsync(NoiseKind.Brown, 10);
        using var silero = SpeechClips.Silero();
        var onePass = SpeechClips.OnePass(silero, _options, clip.Samples);
        var random = new Random(11);
        var boundaries = new List<long>();
        for (long at = random.Next(1, 30_000); at < clip.Samples.Length; at += random.Next(1, 30_000))
        {
            boundaries.Add(at);
        }

        var chunks = Chunked(silero, clip.Samples, boundaries);

        var expected = Timeline(clip.Samples.Length, [(0L, onePass)]);
        var starts = boundaries.Prepend(0L).ToList();
        var actual = Timeline(clip.Samples.Length, starts.Zip(chunks).Select(c => (c.First, c.Second)));
        var undecidedMs = _options.MinSilenceMs + _options.MinSpeechMs + _options.PaddingMs + 64;
        for (var ms = 0; ms < expected.Length; ms++)
        {
            // Boundaries off whole milliseconds move an edge by a rounding step.
            var nearEdge = onePass.Any(s => Math.Abs(s.StartMs - ms) <= 2 || Math.Abs(s.EndMs - ms) <= 2);
            var boundaryAhead = boundaries.Any(b => b / 16 >= ms && b / 16 - ms <= undecidedMs);
            var leadingPaddingBehind = boundaries.Any(b => b / 16 > ms && b / 16 - ms <= _options.PaddingMs + 1);
            Assert.True(actual[ms] == expected[ms] || nearEdge || (actual[ms] && boundaryAhead) || (expected[ms] && leadingPaddingBehind), $"at {ms} ms: one pass says {expected[ms]}, chunks say {actual[ms]}");
        }

        Assert.True(boundaries.Count > 20);
    }

    [Fact]
    public async Task Every_chunk_s_segments_pass_the_protocol_chunk_validator()
    {
        var clip = await SpeechClips.CounterAsync(NoiseKind.Pink, 5);
        using var silero = SpeechClips.Silero();
        var random = new Random(3);
        var boundaries = new List<long>();
        for (long at = random.Next(1, 20_000); at < clip.Samples.Length; at += random.Next(1, 20_000))
        {
            boundaries.Add(at);
        }

        var chunks = Chunked(silero, clip.Samples, boundaries);

        var ends = boundaries.Append(clip.Samples.Length).ToList();
        var starts = boundaries.Prepend(0L).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            var audio = new byte[] { 1, 2, 3 };
            var metadata = new ChunkMetadata
            {
                ChunkId = Guid.CreateVersion7(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)),
                TenantId = "acme",
                DeviceId = "pos-1",
                Sequence = i,
                StartedAtUtc = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero),
                DurationMs = (int)Math.Max(1, (ends[i] - starts[i]) * 1000 / 16000),
                SampleRate = 16000,
                Codec = AudioCodecs.OggOpus,
                ByteLength = audio.Length,
                Sha256 = ChunkValidator.Sha256Hex(audio),
                SpeechSegments = chunks[i],
            };
            var result = ChunkValidator.Validate(metadata, audio, null);
            Assert.True(result.IsValid, $"chunk {i} ({metadata.DurationMs} ms): {result.Error}; segments {SpeechClips.Describe(chunks[i])}");
        }

        Assert.True(chunks.Count(c => c.Count > 0) >= 3);
    }

    [Fact]
    public async Task Reset_after_a_capture_gap_starts_a_new_stream_at_sample_zero()
    {
        var clip = await SpeechClips.CounterAsync();
        using var silero = SpeechClips.Silero();
        var fresh = SpeechClips.OnePass(silero, _options, clip.Samples);
        silero.Reset();
        var tracker = new SpeechTracker(silero, _options);
        tracker.Feed(clip.Samples.AsSpan(0, 150_000));

        tracker.Reset();
        tracker.Feed(clip.Samples);

        Assert.Equal(clip.Samples.Length, tracker.SamplesFed);
        Assert.Equal(fresh, tracker.TakeSegments(0, clip.Samples.Length));
    }

    [Fact]
    public void Asking_for_a_chunk_beyond_the_samples_fed_is_refused()
    {
        using var tracker = new SpeechTracker(new EnergySpeechDetector(), _options);
        tracker.Feed(new short[16000]);

        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.TakeSegments(0, 16001));
        Assert.Empty(tracker.TakeSegments(0, 16000));
    }

    private List<IReadOnlyList<SpeechSegment>> Chunked(ISpeechDetector detector, short[] samples, IEnumerable<long> boundaries)
    {
        detector.Reset();
        var tracker = new SpeechTracker(detector, _options);
        var chunks = new List<IReadOnlyList<SpeechSegment>>();
        long start = 0;
        foreach (var end in boundaries.Append(samples.Length))
        {
            // Recorder-sized reads that do not line up with chunk boundaries or detector frames.
            for (var at = start; at < end; at += 1600)
            {
                tracker.Feed(samples.AsSpan((int)at, (int)Math.Min(1600, end - at)));
            }

            chunks.Add(tracker.TakeSegments(start, end));
            start = end;
        }

        return chunks;
    }

    private static List<SpeechSegment> Clip(IEnumerable<SpeechSegment> segments, int fromMs, int toMs) =>
        segments.Where(s => s.EndMs > fromMs && s.StartMs < toMs)
            .Select(s => new SpeechSegment(Math.Max(s.StartMs, fromMs) - fromMs, Math.Min(s.EndMs, toMs) - fromMs))
            .ToList();

    /// <summary>Speech yes/no per millisecond of the stream, from segments relative to their chunks' starts.</summary>
    private static bool[] Timeline(int samples, IEnumerable<(long ChunkStart, IReadOnlyList<SpeechSegment> Segments)> chunks)
    {
        var speech = new bool[samples / 16];
        foreach (var (chunkStart, segments) in chunks)
        {
            foreach (var s in segments)
            {
                for (var ms = s.StartMs; ms < s.EndMs; ms++)
                {
                    var at = (int)(chunkStart / 16) + ms;
                    if (at < speech.Length)
                    {
                        speech[at] = true;
                    }
                }
            }
        }

        return speech;
    }
}
