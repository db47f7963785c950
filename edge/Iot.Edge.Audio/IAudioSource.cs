namespace Iot.Edge.Audio;

/// <summary>16-bit mono PCM from a microphone, a file or a FIFO. Implementations own their device handle.</summary>
public interface IAudioSource : IAsyncDisposable
{
    int SampleRate { get; }

    /// <summary>Human-readable identity (file path, ALSA card name, WASAPI endpoint id).</summary>
    string Name { get; }

    /// <summary>
    /// Bumped whenever the samples stop being continuous (the microphone was lost and reopened). The recorder seals
    /// the chunk in progress and re-reads the clock when it changes, so timestamps stay true across the gap.
    /// </summary>
    int Generation => 0;

    /// <summary>Fills part of <paramref name="buffer"/>; returns 0 only at the end of a finite source.</summary>
    ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken);
}
