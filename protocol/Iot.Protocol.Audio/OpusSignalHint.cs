namespace Iot.Protocol.Audio;

/// <summary>
/// The signal hint libopus uses to choose its coding mode (<c>Audio:OpusSignal</c>). At 16 kHz and 24 kbit/s,
/// <see cref="Music"/> makes it code speech with CELT and <see cref="Voice"/> with SILK. Measured on this project's
/// espeak-ng set (bench/Iot.Bench.Analysis codec, bench/Iot.Bench.Edge pipeline): about the same bitrate, PocketSphinx
/// WER no worse with CELT, and CELT about four times cheaper to encode at complexity 10, which is what lets a Pi keep
/// up with VAD and encoding on one core with headroom. Voice stays available for links that need SILK's lower rates.
/// </summary>
public enum OpusSignalHint
{
    Music,
    Voice,
    Auto,
}
