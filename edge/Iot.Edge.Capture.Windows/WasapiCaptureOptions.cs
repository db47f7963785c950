namespace Iot.Edge.Capture.Windows;

/// <summary>
/// The <c>Audio</c> keys Windows capture reads: <c>Audio:AllowOtherDevice</c> (shared with ALSA) and the
/// <c>Audio:Wasapi</c> section. The agent's AudioOptions binds the same section for its own keys.
/// </summary>
public sealed class WasapiCaptureOptions
{
    public const string Section = "Audio";

    /// <summary>Take another microphone when the one in use is gone (off: a store must not record the wrong room).</summary>
    public bool AllowOtherDevice { get; set; }

    public WasapiDeviceOptions Wasapi { get; set; } = new();
}

/// <summary>Section <c>Audio:Wasapi</c>.</summary>
public sealed class WasapiDeviceOptions
{
    public const string Section = WasapiCaptureOptions.Section + ":Wasapi";

    /// <summary>An endpoint id (<c>{0.0.1.00000000}.{guid}</c>) or part of the endpoint name. Unset: first USB microphone.</summary>
    public string? Device { get; set; }

    /// <summary>Rate the mix format is converted to; one the Opus encoder takes.</summary>
    public int SampleRate { get; set; } = 16000;

    /// <summary>Audio held for a stalled recorder before the oldest is dropped (and counted).</summary>
    public double BufferSeconds { get; set; } = 2;

    /// <summary>A live endpoint always delivers, silence included; this long without a packet and it is reopened.</summary>
    public double StallSeconds { get; set; } = 5;
}
