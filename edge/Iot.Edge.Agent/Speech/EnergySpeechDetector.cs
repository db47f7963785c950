namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Fallback when the Silero model is not installed: frame loudness against a noise floor tracked as the quietest
/// frame of the last few seconds (minimum statistics). Good on a quiet counter; steady noise that varies in level,
/// music or a chatty room read as speech, which is why the model is the default.
/// </summary>
public sealed class EnergySpeechDetector : ISpeechDetector
{
    /// <summary>Long enough that a talker pauses at least once inside it, short enough to follow a fan switching on.</summary>
    private const int FloorFrames = 5 * ISpeechDetector.SampleRate / ISpeechDetector.FrameSamples;

    /// <summary>Speech has to stand this far above the floor to count half-way (probability 0.5).</summary>
    private const float MarginDb = 12f;

    /// <summary>Width of the soft step around the margin, so the segmenter's two thresholds mean a few dB apart.</summary>
    private const float SlopeDb = 2f;

    /// <summary>Below this a frame is a quiet room, not speech, however silent the floor (digital silence is -inf).</summary>
    private const float AbsoluteGateDb = -55f;

    private const float SilenceDb = -100f;

    private readonly float[] _history = new float[FloorFrames];
    private int _count;
    private int _next;

    public string Engine => "energy";

    public float Process(ReadOnlySpan<float> frame)
    {
        if (frame.Length != ISpeechDetector.FrameSamples)
        {
            throw new ArgumentException($"a frame is {ISpeechDetector.FrameSamples} samples, got {frame.Length}", nameof(frame));
        }

        var db = LevelDb(frame);
        _history[_next] = db;
        _next = (_next + 1) % _history.Length;
        _count = Math.Min(_count + 1, _history.Length);
        if (db < AbsoluteGateDb)
        {
            return 0f;
        }

        var floor = float.MaxValue;
        foreach (var level in _history.AsSpan(0, _count))
        {
            floor = Math.Min(floor, level);
        }

        return 1f / (1f + MathF.Exp(-(db - floor - MarginDb) / SlopeDb));
    }

    public void Reset()
    {
        _count = 0;
        _next = 0;
    }

    public void Dispose()
    {
    }

    internal static float LevelDb(ReadOnlySpan<float> frame)
    {
        double sum = 0;
        foreach (var x in frame)
        {
            sum += x * x;
        }

        var meanSquare = sum / frame.Length;
        return meanSquare <= 1e-10 ? SilenceDb : (float)(10 * Math.Log10(meanSquare));
    }
}
