namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Scores one frame of 16 kHz mono audio for speech. Stateful: each call continues the stream of the previous one,
/// so one instance serves one stream and is not thread-safe.
/// </summary>
public interface ISpeechDetector : IDisposable
{
    /// <summary>Silero VAD v5 is trained on 16 kHz windows of this length (32 ms); the energy detector follows suit.</summary>
    const int SampleRate = 16000;

    const int FrameSamples = 512;

    /// <summary><c>silero</c> or <c>energy</c>, for logs and telemetry.</summary>
    string Engine { get; }

    /// <summary>Speech probability 0..1 for the next <see cref="FrameSamples"/> samples, scaled to -1..1.</summary>
    float Process(ReadOnlySpan<float> frame);

    /// <summary>Forgets the stream so far, e.g. after a capture gap.</summary>
    void Reset();
}
