namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Turns per-frame speech probabilities into speech segments with hysteresis, as Silero's own post-processing does:
/// speech starts on a frame at or above <c>Threshold</c>, ends only after <c>MinSilenceMs</c> of frames below the
/// exit threshold, is kept only if it lasted <c>MinSpeechMs</c>, and is widened by <c>PaddingMs</c> on both sides.
/// Segments that touch after padding are merged, so the output is ordered and non-overlapping.
/// </summary>
public sealed class SpeechSegmenter
{
    private readonly float _threshold;
    private readonly float _exitThreshold;
    private readonly long _minSpeech;
    private readonly long _minSilence;
    private readonly long _padding;
    private readonly List<SampleRange> _closed = [];
    private long _position;
    private bool _inSpeech;
    private long _speechStart;
    private long _silenceStart = -1;

    public SpeechSegmenter(VadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _threshold = options.Threshold;
        _exitThreshold = options.EffectiveExitThreshold;
        _minSpeech = Samples(options.MinSpeechMs);
        _minSilence = Samples(options.MinSilenceMs);
        _padding = Samples(options.PaddingMs);
    }

    /// <summary>End of the last frame pushed, in samples.</summary>
    public long Position => _position;

    /// <summary>Finished segments, padded and merged, oldest first.</summary>
    public IReadOnlyList<SampleRange> Closed => _closed;

    /// <summary>The segment still in progress, as if it ended at <paramref name="end"/>; null in silence.</summary>
    public SampleRange? OpenUntil(long end) => _inSpeech ? new SampleRange(PaddedStart(_speechStart), Math.Max(end, PaddedStart(_speechStart))) : null;

    /// <summary>Takes the speech probability of the next frame of <see cref="ISpeechDetector.FrameSamples"/> samples.</summary>
    public void Push(float probability)
    {
        var frameStart = _position;
        _position += ISpeechDetector.FrameSamples;
        if (probability >= _threshold)
        {
            _silenceStart = -1;
            if (!_inSpeech)
            {
                _inSpeech = true;
                _speechStart = frameStart;
            }
        }
        else if (probability < _exitThreshold && _inSpeech)
        {
            if (_silenceStart < 0)
            {
                _silenceStart = frameStart;
            }

            if (_position - _silenceStart >= _minSilence)
            {
                Close(_silenceStart);
            }
        }
    }

    /// <summary>Forgets segments that end at or before <paramref name="sample"/>; they have been reported.</summary>
    public void DropEndingBy(long sample)
    {
        var n = 0;
        while (n < _closed.Count && _closed[n].End <= sample)
        {
            n++;
        }

        _closed.RemoveRange(0, n);
    }

    public void Reset()
    {
        _closed.Clear();
        _position = 0;
        _inSpeech = false;
        _silenceStart = -1;
    }

    private void Close(long end)
    {
        if (end - _speechStart >= _minSpeech)
        {
            var segment = new SampleRange(PaddedStart(_speechStart), end + _padding);
            if (_closed.Count > 0 && segment.Start <= _closed[^1].End)
            {
                _closed[^1] = _closed[^1] with { End = Math.Max(_closed[^1].End, segment.End) };
            }
            else
            {
                _closed.Add(segment);
            }
        }

        _inSpeech = false;
        _silenceStart = -1;
    }

    private long PaddedStart(long start) => Math.Max(0, start - _padding);

    private static long Samples(int ms) => (long)ms * ISpeechDetector.SampleRate / 1000;
}
