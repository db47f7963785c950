namespace Iot.Edge.Capture.Windows;

/// <summary>How one sample of a capture packet is stored (little-endian, interleaved by channel).</summary>
public enum SampleEncoding
{
    Pcm16,
    Pcm24,

    /// <summary>32-bit integer container; 24 valid bits left-aligned read the same way.</summary>
    Pcm32,
    Float32,
}
