namespace Iot.Protocol;

/// <summary>Limits both sides enforce; a sender checks before publishing, a receiver before parsing.</summary>
public static class ProtocolLimits
{
    /// <summary>
    /// 60 s of 24 kbit/s Opus is ~180 KB; a 10-minute visit chunk at 32 kbit/s is ~2.4 MB. 4 MiB leaves headroom
    /// and stays under Mosquitto's and EMQX's defaults.
    /// </summary>
    public const int DefaultMaxChunkPayloadBytes = 4 * 1024 * 1024;

    public const int MaxHeaderBytes = 64 * 1024;
    public const int MaxIdLength = 64;
    public const int MaxSpeechSegments = 4096;
    public const int MaxChunkDurationMs = 60 * 60 * 1000;

    /// <summary>
    /// The transcript rides in the header (<see cref="MaxHeaderBytes"/>), so its text is capped well below it: 32 K
    /// characters is ~30 minutes of dense speech. A sender with more drops the transcript, not the chunk.
    /// </summary>
    public const int MaxTranscriptChars = 32 * 1024;

    public const int MaxTranscriptSegmentChars = 1024;
    public const int MaxTranscriptSegments = 4096;
}
