namespace Iot.Edge.Capture.Windows;

/// <summary>
/// The format a capture API hands over, stripped of NAudio/COM types so format handling is testable anywhere.
/// </summary>
public readonly record struct CaptureFormat(int SampleRate, int Channels, SampleEncoding Encoding)
{
    public int BytesPerSample => Encoding switch
    {
        SampleEncoding.Pcm16 => 2,
        SampleEncoding.Pcm24 => 3,
        _ => 4,
    };

    public int BytesPerFrame => BytesPerSample * Channels;

    public static CaptureFormat Mono16(int sampleRate) => new(sampleRate, 1, SampleEncoding.Pcm16);

    public override string ToString() => $"{SampleRate} Hz, {Channels} ch, {Encoding}";
}
