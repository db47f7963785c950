namespace Iot.Protocol.Audio;

/// <summary>Encoder knobs. Defaults: 16 kHz mono speech at 24 kbit/s, VOIP application, CELT (see <see cref="OpusSignalHint"/>), complexity 10.</summary>
public sealed record OpusSettings
{
    public int SampleRate { get; init; } = 16000;

    public int BitrateBps { get; init; } = 24000;

    /// <summary>0-10; 10 costs about twice the CPU of 5 for a small quality gain (bench/Iot.Bench.Edge pipeline measures both).</summary>
    public int Complexity { get; init; } = 10;

    /// <summary>False forces Concentus's managed encoder even where libopus is installed (what Windows agents get).</summary>
    public bool AllowNative { get; init; } = true;

    public OpusSignalHint Signal { get; init; } = OpusSignalHint.Music;
}
