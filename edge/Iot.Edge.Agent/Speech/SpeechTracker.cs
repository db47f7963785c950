using Iot.Protocol;
using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Follows speech in one continuous 16 kHz PCM stream and answers, at each chunk boundary, where the speech inside
/// that chunk is, in milliseconds from the chunk's start, as <see cref="ChunkMetadata.SpeechSegments"/> expects.
/// Feed may be called with any block size; detection does not depend on how the stream is cut.
/// </summary>
/// <remarks>
/// A segment's end is known only <c>MinSilenceMs</c> after it, and its leading padding reaches back in time, so a
/// boundary can fall before either is decided. Then the chunk being sealed counts the undecided audio as speech up
/// to its end: a segment may run a little long at a chunk's tail, but speech is never cut off. Everywhere else the
/// segments are exactly those of one pass over the whole stream, clipped to the chunk.
/// </remarks>
public sealed class SpeechTracker : IDisposable
{
    private readonly ISpeechDetector _detector;
    private readonly SpeechSegmenter _segmenter;
    private readonly float[] _frame = new float[ISpeechDetector.FrameSamples];
    private int _filled;

    public SpeechTracker(ISpeechDetector detector, VadOptions options)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _detector = detector;
        _segmenter = new SpeechSegmenter(options);
    }

    public string Engine => _detector.Engine;

    /// <summary>Samples fed since creation or the last <see cref="Reset"/>: the stream position chunk bounds refer to.</summary>
    public long SamplesFed { get; private set; }

    public void Feed(ReadOnlySpan<short> pcm)
    {
        while (!pcm.IsEmpty)
        {
            var take = Math.Min(pcm.Length, _frame.Length - _filled);
            var target = _frame.AsSpan(_filled, take);
            for (var i = 0; i < take; i++)
            {
                target[i] = pcm[i] / 32768f;
            }

            _filled += take;
            SamplesFed += take;
            pcm = pcm[take..];
            if (_filled == _frame.Length)
            {
                _segmenter.Push(_detector.Process(_frame));
                _filled = 0;
            }
        }
    }

    /// <summary>
    /// Speech inside [<paramref name="chunkStartSample"/>, <paramref name="chunkEndSample"/>) of the stream, clipped,
    /// ordered and non-overlapping, in ms from the chunk start and no later than the chunk's duration in whole ms.
    /// Call once per chunk, in order, after feeding the chunk's last sample.
    /// </summary>
    public IReadOnlyList<SpeechSegment> TakeSegments(long chunkStartSample, long chunkEndSample)
    {
        if (chunkStartSample < 0 || chunkEndSample < chunkStartSample || chunkEndSample > SamplesFed)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkEndSample), $"chunk [{chunkStartSample}, {chunkEndSample}) is not inside the {SamplesFed} samples fed");
        }

        var durationMs = (int)Math.Max(1, (chunkEndSample - chunkStartSample) * 1000 / ISpeechDetector.SampleRate);
        var result = new List<SpeechSegment>();
        foreach (var range in _segmenter.Closed)
        {
            Add(result, range, chunkStartSample, chunkEndSample, durationMs);
        }

        if (_segmenter.OpenUntil(chunkEndSample) is { } open)
        {
            Add(result, open, chunkStartSample, chunkEndSample, durationMs);
        }

        _segmenter.DropEndingBy(chunkEndSample);
        return Capped(result);
    }

    /// <summary>Starts a new stream at sample 0, e.g. after a capture gap re-anchors the recorder.</summary>
    public void Reset()
    {
        _detector.Reset();
        _segmenter.Reset();
        _filled = 0;
        SamplesFed = 0;
    }

    public void Dispose() => _detector.Dispose();

    private static void Add(List<SpeechSegment> result, SampleRange range, long chunkStart, long chunkEnd, int durationMs)
    {
        if (!range.Overlaps(chunkStart, chunkEnd))
        {
            return;
        }

        var startMs = (int)((Math.Max(range.Start, chunkStart) - chunkStart) * 1000 / ISpeechDetector.SampleRate);
        var endMs = (int)Math.Min(durationMs, ((Math.Min(range.End, chunkEnd) - chunkStart) * 1000 + ISpeechDetector.SampleRate - 1) / ISpeechDetector.SampleRate);
        if (result.Count > 0 && startMs <= result[^1].EndMs)
        {
            // Rounding to whole ms can make neighbours touch; one segment is what the chunk validator accepts.
            result[^1] = result[^1] with { EndMs = Math.Max(result[^1].EndMs, endMs) };
        }
        else if (endMs > startMs)
        {
            result.Add(new SpeechSegment(startMs, endMs));
        }
    }

    private static List<SpeechSegment> Capped(List<SpeechSegment> segments)
    {
        if (segments.Count <= ProtocolLimits.MaxSpeechSegments)
        {
            return segments;
        }

        // Only a pathological hour-long chunk gets here; the last kept segment absorbs the rest so no speech is lost.
        var last = ProtocolLimits.MaxSpeechSegments - 1;
        segments[last] = segments[last] with { EndMs = segments[^1].EndMs };
        segments.RemoveRange(last + 1, segments.Count - last - 1);
        return segments;
    }
}
