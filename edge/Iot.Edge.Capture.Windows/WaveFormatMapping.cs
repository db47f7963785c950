using NAudio.Wave;

namespace Iot.Edge.Capture.Windows;

/// <summary>Translates NAudio's <see cref="WaveFormat"/> (a managed type, usable on Linux) to and from <see cref="CaptureFormat"/>.</summary>
public static class WaveFormatMapping
{
    // KSDATAFORMAT_SUBTYPE_PCM / KSDATAFORMAT_SUBTYPE_IEEE_FLOAT from ksmedia.h.
    private static readonly Guid PcmSubtype = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid FloatSubtype = new("00000003-0000-0010-8000-00aa00389b71");

    public static CaptureFormat ToCaptureFormat(WaveFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var isFloat = format.Encoding switch
        {
            WaveFormatEncoding.IeeeFloat => true,
            WaveFormatEncoding.Pcm => false,
            WaveFormatEncoding.Extensible when format is WaveFormatExtensible x && x.SubFormat == FloatSubtype => true,
            WaveFormatEncoding.Extensible when format is WaveFormatExtensible x && x.SubFormat == PcmSubtype => false,
            _ => throw Unsupported(format),
        };

        var encoding = (isFloat, format.BitsPerSample) switch
        {
            (true, 32) => SampleEncoding.Float32,
            (false, 16) => SampleEncoding.Pcm16,
            (false, 24) => SampleEncoding.Pcm24,
            (false, 32) => SampleEncoding.Pcm32,
            _ => throw Unsupported(format),
        };

        return new CaptureFormat(format.SampleRate, format.Channels, encoding);
    }

    public static WaveFormat ToWaveFormat(CaptureFormat format) => format.Encoding == SampleEncoding.Float32
        ? WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels)
        : new WaveFormat(format.SampleRate, format.BytesPerSample * 8, format.Channels);

    private static NotSupportedException Unsupported(WaveFormat format) =>
        new($"capture format {format.Encoding} {format.BitsPerSample}-bit is not supported (need PCM 16/24/32-bit or 32-bit float)");
}
