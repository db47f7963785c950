namespace Iot.Edge.Capture.Alsa;

/// <summary>
/// The <c>Audio</c> keys ALSA capture reads: <c>Audio:AllowOtherDevice</c> and the <c>Audio:Alsa</c> section. The
/// agent's own AudioOptions binds the same section for its keys; unknown keys are ignored by both.
/// </summary>
public sealed class AlsaCaptureOptions
{
    public const string Section = "Audio";

    /// <summary>Take another microphone when the one in use is gone (off: a store must not record the wrong room).</summary>
    public bool AllowOtherDevice { get; set; }

    public AlsaDeviceOptions Alsa { get; set; } = new();
}

/// <summary>Section <c>Audio:Alsa</c>.</summary>
public sealed class AlsaDeviceOptions
{
    public const string Section = AlsaCaptureOptions.Section + ":Alsa";

    /// <summary>
    /// Which microphone: a card id (<c>Device</c>, <c>U0x46d0x825</c>), part of a card name, or any PCM name the ALSA
    /// configuration defines (<c>default</c>, an asoundrc entry, <c>plughw:CARD=Device,DEV=0</c>). Unset: first USB card.
    /// </summary>
    public string? Device { get; set; }

    public int SampleRate { get; set; } = 16000;

    /// <summary>Frames per hardware period; 1600 = 100 ms at 16 kHz, one read's worth.</summary>
    public int PeriodFrames { get; set; } = 1600;

    /// <summary>Periods in the ring buffer: how long the agent may stall before samples are lost (an overrun).</summary>
    public int BufferPeriods { get; set; } = 4;
}
