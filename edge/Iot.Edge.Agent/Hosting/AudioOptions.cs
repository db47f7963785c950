using Iot.Protocol.Audio;
namespace Iot.Edge.Agent.Hosting;

/// <summary>Section <c>Audio</c>: where samples come from and how they are encoded.</summary>
public sealed class AudioOptions
{
    public const string Section = "Audio";

    public const string WavSource = "wav";

    /// <summary><c>wav</c> (a file, for simulation), <c>alsa</c> (Linux, Raspberry Pi) or <c>wasapi</c> (Windows).</summary>
    public string Source { get; set; } = WavSource;

    public string? WavPath { get; set; }

    public bool Loop { get; set; }

    /// <summary>Pace a file like a live microphone. Off for tests and back-fills.</summary>
    public bool RealTime { get; set; } = true;

    public int BitrateBps { get; set; } = 24000;

    public int Complexity { get; set; } = 10;

    public bool AllowNativeOpus { get; set; } = true;

    /// <summary>Opus signal hint; see <see cref="OpusSignalHint"/> for why Music is the default.</summary>
    public OpusSignalHint OpusSignal { get; set; } = OpusSignalHint.Music;
}
